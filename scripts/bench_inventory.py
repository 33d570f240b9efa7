#!/usr/bin/env python3
"""Measure an inventory audit's scan-to-screen time through the production topology (issue #20:
an audit of 5,000 crates, scanning simulated through the API at 5 scans/s, keeps scan-to-screen
under 300 ms p95 through nginx).

    backend/.venv/bin/python scripts/bench_inventory.py --out /tmp/bench-inventory
    backend/.venv/bin/python scripts/bench_inventory.py --crates 300 --scans 100 --rate 5  # quick
    backend/.venv/bin/python scripts/bench_inventory.py --crates 5000 --rate 10 --target-ms 300

What it builds (no containers; everything on 127.0.0.1, free ports, a temporary directory;
scripts/lib/topology.py): PostgreSQL 15 + Redis (scripts/services.sh, or --use-env), ``migrate``
and ``initial_setup``, then in one transaction through the ORM (bulk, no signals) a unit with a
room of ``--crates`` crates IN_STORAGE, ``--per-shelf`` per shelf, a Store Head and a Viewer of
that unit; ``--daphnes`` Daphne processes with ``config.settings.production``; the repository's
nginx configuration with a fresh self-signed certificate in front of them. No Celery worker: a
scan neither needs one nor queues a task (its event goes out on commit through Redis).

What it does, as the SPA does it, through nginx (https / wss, the certificate verified):
  1. the Store Head opens an audit over the room (``POST /api/v1/inventory-audits/``: the
     expected contents are taken then); the time it took is reported;
  2. the Viewer opens the events socket (``wss://…/ws/v1/events/``, first-message auth) and
     watches the audit's ``inventory`` events;
  3. after ``--warmup`` reads of the audit (every Daphne process warm), the Store Head scans
     shelf by shelf (``POST …/{id}/scans/`` with ``shelf``, ``code`` and a ``client_key``, as
     the scan box sends them) in an OPEN loop at ``--rate`` operations per second, whatever the
     answers take; most crates are found on their shelf, ``--misplaced`` of
     them are read on the next shelf, ``--missing`` are not read at all and ``--unknown`` labels
     that are no crate code are read in between; each shelf is completed
     (``POST …/shelves/{shelf}/done/``) when the answers of its scans are in, as the UI does;
  4. scan-to-screen, per scan: from sending the POST until the watcher's socket holds the
     audit's event of the version the POST answered (every scan saves the audit, version + 1);
     also the POST's own latency, errors (non-2xx, a result other than the planned one, an event
     that never arrived), whether latency grows (p95 of the first against the last fifth of the
     scans) and the load generator's own CPU (process time / wall: above 50 % of a core the
     client, not the server, may be what is measured, and the report says so);
  5. with ``--refetch``, the watcher's page also refetches the audit's detail on each event
     (as the SPA's query invalidation does; one request at a time) and the report adds scan to
     refetched detail and the detail's GET latency (not part of the target);
  6. with every shelf scanned (no ``--scans`` limit): counting completed, each discrepancy
     reconciled (signed: relocate, mark missing, explain) when there are at most
     ``--max-reconcile``, and the audit closed (signed), each timed; otherwise the audit is
     cancelled (signed).

A full run (5,000 crates, 100 shelves, 5 operations/s) scans for about 17 minutes; the settings
are production's, throttles included: one user's 1,200 requests a minute keep ``--rate`` below
20. Access tokens (10 minutes) are refreshed ahead of expiry and the socket re-authenticated,
as the SPA does.

The reports (bench_inventory.json and bench_inventory.md, with the exact commands) go to --out
(default a new temporary directory). Exit status: 0 the target was met with no error; 1 p95
scan-to-screen above ``--target-ms``, an error, or the run failed. Everything it started is
stopped and removed (but --out) at the end, on an error and on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import secrets
import shlex
import signal
import ssl
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))
from lib.stats import latency_ms, percentile  # noqa: E402

UNIT_CODE = "INVB"
ROOM_CODE = "AUDIT"
SHELVES_PER_RACK = 10
STORE_HEAD = "bench-storehead"
WATCHER = "bench-watcher"
PASSWORD_ENV = "STRONGROOM_BENCH_PASSWORD"  # noqa: S105 (its name, not a password)
CLIENT_CPU_LIMIT = 0.5  # of one core
MAX_IN_FLIGHT = 200
SETTINGS = ("crates", "per_shelf", "rate", "scans", "target_ms", "daphnes", "misplaced", "missing",
            "unknown", "seed", "max_reconcile", "refetch", "warmup", "access_minutes")  # fmt: skip

FOUND, MISPLACED, UNKNOWN, MISSING = "FOUND", "MISPLACED", "UNKNOWN", "MISSING"


# --- The plan (pure) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One thing the scanning user does: a code read on a shelf, or a shelf completed
    (``code`` empty). ``expect``: the result the scan must answer."""

    shelf: int
    code: str = ""
    expect: str = ""

    @property
    def is_done(self) -> bool:
        return not self.code


def plan_scans(
    shelves: list[tuple[int, list[str]]],
    *,
    misplaced: float,
    missing: float,
    unknown: float,
    seed: int,
) -> list[Op]:
    """The scans of an audit, shelf by shelf, each shelf ended by its ``done``. ``shelves``:
    (shelf id, crate codes recorded there) in scanning order. A misplaced crate is read on the
    next shelf (the last shelf's crates are never misplaced: no shelf follows), a missing one is
    not read, and an unknown label is read now and then."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible mix, not secrets)
    carried: list[str] = []
    ops: list[Op] = []
    for index, (shelf, codes) in enumerate(shelves):
        last = index == len(shelves) - 1
        here = [Op(shelf, code, MISPLACED) for code in carried]
        carried = []
        for code in codes:
            draw = rng.random()
            if draw < missing:
                continue
            if draw < missing + misplaced and not last:
                carried.append(code)
                continue
            here.append(Op(shelf, code, FOUND))
            if rng.random() < unknown:
                here.append(Op(shelf, f"NOLABEL-{shelf}-{len(here):04d}", UNKNOWN))
        rng.shuffle(here)  # a shelf is not read in the order it was filled
        ops.extend(here)
        ops.append(Op(shelf))
    return ops


def limit_scans(ops: list[Op], scans: int) -> list[Op]:
    """The first ``scans`` scans (0: all), with the done of each shelf they complete."""
    if scans <= 0:
        return ops
    kept: list[Op] = []
    count = 0
    for op in ops:
        if op.is_done:
            if kept and not kept[-1].is_done:
                kept.append(op)
            continue
        if count == scans:
            break
        kept.append(op)
        count += 1
    return kept


def growth(latencies: list[float], parts: int = 5) -> dict[str, Any]:
    """p95 of the first and of the last ``1/parts`` of ``latencies`` (in the order the scans were
    sent) and their ratio: above 1.5 the latency grows over the run."""
    size = len(latencies) // parts
    if size == 0:
        return {"first_p95_ms": None, "last_p95_ms": None, "ratio": None, "grows": None}
    first = percentile(latencies[:size], 0.95)
    last = percentile(latencies[-size:], 0.95)
    assert first is not None
    assert last is not None
    ratio = round(last / first, 2) if first > 0 else None
    return {
        "first_p95_ms": round(first, 1),
        "last_p95_ms": round(last, 1),
        "ratio": ratio,
        "grows": ratio is not None and ratio > 1.5,
    }


def verdict(results: dict[str, Any], target_ms: float) -> list[str]:
    """Why the run fails (empty: it passes): p95 scan-to-screen above the target, any error,
    nothing measured."""
    reasons = []
    p95 = (results.get("scan_to_screen_ms") or {}).get("p95")
    if p95 is None:
        reasons.append("no scan-to-screen measured")
    elif p95 > target_ms:
        reasons.append(f"p95 scan-to-screen {p95} ms > {target_ms:g} ms")
    errors = results.get("errors", {}).get("total", 0)
    if errors:
        reasons.append(f"{errors} error(s)")
    if results.get("error"):
        reasons.append(f"run failed: {results['error'][:200]}")
    return reasons


def _ms(summary: dict[str, Any] | None) -> str:
    if not summary or summary.get("p50") is None:
        return "n/a"
    return " / ".join(f"{summary[k]:g}" for k in ("p50", "p95", "p99", "max")) + " ms"


def markdown(results: dict[str, Any]) -> str:
    """The report a reader compares against the issue's target."""
    s = results.get("settings", {})
    m = results.get("machine", {})
    g = results.get("growth", {})
    e = results.get("errors", {})
    cpu = results.get("client_cpu", {})
    lines = [
        "# Inventory audit: scan-to-screen through nginx",
        "",
        f"Started {results.get('started_at', '?')}, finished {results.get('finished_at', '?')}.",
        f"Machine: {m.get('nproc')} CPUs, {m.get('ram_gib')} GiB, {m.get('cpu', '?')}; "
        f"load average before scanning {results.get('load_average_before', '?')}.",
        f"Audit of {s.get('crates', '?'):,} crates on {results.get('shelves', '?')} shelves "
        f"({s.get('per_shelf')} per shelf), {s.get('daphnes')} Daphne processes behind nginx; "
        f"open loop at {s.get('rate')} operations/s.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| audit opened (POST, snapshot of {results.get('expected', '?')} crates) | "
        f"{results.get('open_ms', 'n/a')} ms |",
        f"| scans sent | {results.get('scans', 0)} ({results.get('planned_mix', {})}) |",
        f"| shelves completed | {results.get('shelves_done', 0)} |",
        f"| **scan-to-screen** p50 / p95 / p99 / max | **{_ms(results.get('scan_to_screen_ms'))}**"
        f" (target p95 <= {s.get('target_ms')} ms) |",
        f"| scan POST latency p50 / p95 / p99 / max | {_ms(results.get('scan_post_ms'))} |",
        *(
            [
                "| scan to refetched detail (--refetch) p50 / p95 / p99 / max | "
                f"{_ms(results['scan_to_refetched_ms'])} |",
                "| detail GET (--refetch) p50 / p95 / p99 / max | "
                f"{_ms(results.get('refetch', {}).get('latency_ms'))} |",
            ]
            if "scan_to_refetched_ms" in results
            else []
        ),
        f"| shelf done POST latency p50 / p95 / p99 / max | {_ms(results.get('done_post_ms'))} |",
        f"| achieved rate | {results.get('achieved_rate', 'n/a')} operations/s (client lag "
        f"at most {results.get('loop_max_lag_ms', 'n/a')} ms) |",
        f"| p95 scan-to-screen first fifth / last fifth | {g.get('first_p95_ms')} / "
        f"{g.get('last_p95_ms')} ms (ratio {g.get('ratio')}"
        f"{', GROWS' if g.get('grows') else ''}) |",
        f"| errors | {e.get('total', 0)} {e.get('kinds', {})} |",
        f"| load generator CPU | {cpu.get('percent_of_core', 'n/a')} % of one core"
        f"{' (ABOVE 50 %: the client may be the bottleneck)' if cpu.get('starved') else ''} |",
        f"| access-token refreshes during the run | {results.get('token_refreshes', 0)} |",
    ]
    for key, label in (
        ("count_complete_ms", "count completed"),
        ("reconcile", "discrepancies reconciled (signed)"),
        ("close_ms", "audit closed (signed)"),
        ("cancel_ms", "audit cancelled (signed)"),
    ):
        if key in results:
            value = results[key]
            if isinstance(value, dict):
                value = f"{value.get('findings')} in {value.get('seconds')} s " + (
                    f"(p50 / p95 {value.get('p50_ms')} / {value.get('p95_ms')} ms)"
                    if value.get("p50_ms") is not None
                    else f"({value.get('skipped', '')})"
                )
            else:
                value = f"{value} ms"
            lines.append(f"| {label} | {value} |")
    reasons = results.get("verdict", [])
    lines += [
        "",
        f"**Result: {'FAIL: ' + '; '.join(reasons) if reasons else 'PASS'}**",
        "",
        "## Commands",
        "",
        "```",
        results.get("command", ""),
        *results.get("commands", []),
        "```",
        "",
    ]
    return "\n".join(lines)


# --- Seeding (runs inside Django, in a child process: --inner-seed) ------------------------------


def seed(crates: int, per_shelf: int, out: Path) -> None:
    """A unit, a room of racks and shelves holding ``crates`` crates IN_STORAGE (bulk, one
    transaction), a Store Head and a Viewer of the unit (password from PASSWORD_ENV); the
    shelves and their crate codes go to ``out`` as JSON."""
    sys.path.insert(0, str(BACKEND))
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from strongroom.accounts import roles
    from strongroom.accounts.models import Department, Unit, User
    from strongroom.core.models import Sequence
    from strongroom.records.codes import format_code
    from strongroom.records.models import Crate
    from strongroom.storage.models import Location

    password = os.environ[PASSWORD_ENV]
    now = timezone.now()
    with transaction.atomic():
        unit, _ = Unit.objects.get_or_create(code=UNIT_CODE, defaults={"name": "Inventory bench"})
        department, _ = Department.objects.get_or_create(
            unit=unit, code="QA", defaults={"name": "Quality Assurance"}
        )
        users = {}
        for username, role in ((STORE_HEAD, roles.STORE_HEAD), (WATCHER, roles.VIEWER)):
            user = User(
                username=username,
                full_name=f"Bench {role}",
                email=f"{username}@bench.strongroom.invalid",
                role=Group.objects.get(name=role),
                password_changed_at=now,
            )
            user.set_password(password)
            user.save()
            user.units.set([unit])
            users[username] = user
        room = Location.objects.create(
            unit=unit, kind=Location.Kind.ROOM, code=ROOM_CODE, name="Inventory bench room"
        )
        n_shelves = max(1, -(-crates // per_shelf))
        n_racks = -(-n_shelves // SHELVES_PER_RACK)
        racks = Location.objects.bulk_create(
            [
                Location(
                    unit=unit,
                    parent=room,
                    kind=Location.Kind.RACK,
                    code=f"K{k + 1:03d}",
                    full_code=f"{room.full_code}/K{k + 1:03d}",
                )
                for k in range(n_racks)
            ]
        )
        shelves = Location.objects.bulk_create(
            [
                Location(
                    unit=unit,
                    parent=racks[s // SHELVES_PER_RACK],
                    kind=Location.Kind.SHELF,
                    code=f"S{s % SHELVES_PER_RACK + 1:02d}",
                    full_code=f"{racks[s // SHELVES_PER_RACK].full_code}/"
                    f"S{s % SHELVES_PER_RACK + 1:02d}",
                    capacity=per_shelf,
                )
                for s in range(n_shelves)
            ]
        )
        year = now.year
        key = f"crate:{unit.code}:{department.code}:{year}"
        Sequence.objects.get_or_create(key=key)
        Sequence.objects.filter(key=key).update(value=F("value") + crates)
        first = Sequence.objects.values_list("value", flat=True).get(key=key) - crates + 1
        rows = []
        for n in range(crates):
            serial = first + n
            shelf = shelves[n // per_shelf]
            rows.append(
                Crate(
                    unit=unit,
                    department=department,
                    year=year,
                    serial=serial,
                    code=format_code(
                        unit_code=unit.code,
                        department_code=department.code,
                        year=year,
                        serial=serial,
                    ),
                    status=Crate.Status.IN_STORAGE,
                    location=shelf,
                    last_location=shelf,
                    created_by=users[STORE_HEAD],
                )
            )
        Crate.objects.bulk_create(rows, batch_size=2000)
    layout: dict[int, list[str]] = {shelf.pk: [] for shelf in shelves}
    for crate in rows:
        layout[crate.location_id].append(crate.code)  # type: ignore[index]
    out.write_text(
        json.dumps(
            {
                "scope": room.pk,
                "unit": unit.pk,
                "shelves": [[shelf.pk, layout[shelf.pk]] for shelf in shelves],
            }
        )
    )


# --- The measurement -----------------------------------------------------------------------------


@dataclass
class Watcher:
    """The second user's socket: when each version of the audit arrived."""

    audit_id: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)
    other: int = 0
    on_event: Callable[[], None] | None = None

    def take(self, raw: str | bytes) -> None:
        now = time.perf_counter()
        if '"type":"event"' not in str(raw):
            return
        message = json.loads(raw)
        if message.get("topic") == "inventory" and str(message.get("object_id")) == str(
            self.audit_id
        ):
            self.arrivals.setdefault(int(message["version"]), now)
            if self.on_event is not None:
                self.on_event()
        else:
            self.other += 1


class Refetcher:
    """--refetch: the watcher's page refetches the audit's detail on each event, as the SPA's
    query invalidation does, one request at a time (events during a request: one more request
    after it). ``shown``: when a detail of each version was first in hand."""

    def __init__(self, client: Any, path: str, headers: dict[str, str]) -> None:
        self.client = client
        self.path = path
        self.headers = headers
        self.dirty = asyncio.Event()
        self.shown: dict[int, float] = {}
        self.timings: list[float] = []
        self.errors = 0

    def poke(self) -> None:
        self.dirty.set()

    async def run(self) -> None:
        while True:
            await self.dirty.wait()
            self.dirty.clear()
            start = time.perf_counter()
            try:
                response = await self.client.get(self.path, headers=self.headers)
            except Exception:  # every failure is counted
                self.errors += 1
                continue
            now = time.perf_counter()
            if response.status_code != 200:
                self.errors += 1
                continue
            self.timings.append((now - start) * 1000)
            self.shown.setdefault(int(response.json()["version"]), now)


def first_shown(shown: dict[int, float], version: int) -> float | None:
    """When a detail of ``version`` or a later one was first in hand (None: never)."""
    times = [at for seen, at in shown.items() if seen >= version]
    return min(times) if times else None


def token_times(token: str) -> tuple[float, float]:
    """A JWT's issue and expiry times (unix seconds), read from its payload (not verified: it is
    the client's own token, to know when to refresh it)."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return float(claims["iat"]), float(claims["exp"])


def refresh_delay(token: str, now: float) -> float:
    """Seconds until the token should be refreshed: a quarter of its lifetime (at most a minute)
    before it expires, as the SPA refreshes ahead of expiry."""
    issued, expires = token_times(token)
    margin = min(60.0, (expires - issued) / 4)
    return max(0.0, expires - margin - now)


class Session:
    """One user's tokens through a long run: the access token is refreshed before it expires
    (production's lifetime is 10 minutes, a full run lasts longer); ``headers`` is updated in
    place and each listener (the socket's re-authentication) gets the new token."""

    def __init__(self, client: Any, tokens: Any) -> None:
        self.client = client
        self.tokens = tokens
        self.headers = {"Authorization": f"Bearer {tokens.access}"}
        self.listeners: list[Callable[[str], Awaitable[None]]] = []
        self.refreshes = 0

    async def keep_fresh(self) -> None:
        from lib import api

        while True:
            await asyncio.sleep(refresh_delay(self.tokens.access, time.time()))
            response = await self.client.post(
                api.REFRESH_PATH, json={"refresh": self.tokens.refresh}
            )
            self.tokens = api.tokens_from(response, "refresh")
            self.headers.update(api.bearer(self.tokens.access))
            self.refreshes += 1
            for listener in self.listeners:
                await listener(self.tokens.access)


@dataclass
class Sent:
    op: Op
    sent: float
    answered: float | None = None
    version: int | None = None
    error: str = ""


class Scanner:
    """The open loop: one operation every 1/rate s from the start, whatever the answers take;
    a shelf's done waits for the answers of that shelf's scans (the UI completes a shelf once
    its last scan shows)."""

    def __init__(self, client: Any, audit_id: int, headers: dict[str, str], rate: float) -> None:
        self.client = client
        self.audit_id = audit_id
        self.headers = headers  # kept fresh by the user's Session
        self.rate = rate
        self.records: list[Sent] = []
        self.pending: dict[int, list[asyncio.Task[None]]] = {}
        self.not_sent = 0
        self.max_lag = 0.0

    async def one(self, op: Op) -> None:
        if op.is_done:
            await asyncio.gather(*self.pending.pop(op.shelf, []))
            path = f"/api/v1/inventory-audits/{self.audit_id}/shelves/{op.shelf}/done/"
            body: dict[str, Any] | None = None
        else:
            path = f"/api/v1/inventory-audits/{self.audit_id}/scans/"
            body = {"shelf": op.shelf, "code": op.code, "client_key": str(uuid.uuid4())}
        record = Sent(op, time.perf_counter())
        self.records.append(record)
        try:
            response = await self.client.post(path, json=body, headers=self.headers)
        except Exception as exc:  # every failure is counted, by kind
            record.error = type(exc).__name__
            return
        record.answered = time.perf_counter()
        if response.status_code not in (200, 201):
            record.error = f"HTTP {response.status_code}"
            return
        data = response.json()
        if op.is_done:
            record.version = int(data["version"])
            return
        if response.status_code != 201 or not data.get("created"):
            record.error = "scan not created"
        elif data.get("result") != op.expect:
            record.error = f"result {data.get('result')} (planned {op.expect})"
        record.version = int(data["audit_version"])

    async def run(self, ops: list[Op]) -> float:
        interval = 1.0 / self.rate
        tasks: set[asyncio.Task[None]] = set()
        started = time.perf_counter()
        for n, op in enumerate(ops):
            delay = started + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                self.max_lag = max(self.max_lag, -delay)
            if len(tasks) >= MAX_IN_FLIGHT:
                self.not_sent += 1
                continue
            task = asyncio.create_task(self.one(op))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            if not op.is_done:
                self.pending.setdefault(op.shelf, []).append(task)
        if tasks:
            await asyncio.wait(tasks)
        return time.perf_counter() - started


def summarise(
    records: list[Sent],
    arrivals: dict[int, float],
    not_sent: int,
    shown: dict[int, float] | None = None,
) -> dict[str, Any]:
    """Latencies (ms) and errors of the loop, in the order the operations were sent; with
    ``shown`` (--refetch), also scan to the refetched detail (never an error when it is missing:
    the last events may still be fetching when the run ends)."""
    to_screen: list[float] = []
    to_refetched: list[float] = []
    scan_post: list[float] = []
    done_post: list[float] = []
    errors: dict[str, int] = {}
    for record in records:
        kind = record.error
        if record.answered is not None:
            (done_post if record.op.is_done else scan_post).append(
                (record.answered - record.sent) * 1000
            )
        if not kind and record.version is not None and not record.op.is_done:
            arrived = arrivals.get(record.version)
            if arrived is None:
                kind = "event never arrived"
            else:
                to_screen.append((arrived - record.sent) * 1000)
            refetched = first_shown(shown, record.version) if shown is not None else None
            if refetched is not None:
                to_refetched.append((refetched - record.sent) * 1000)
        if kind:
            errors[kind] = errors.get(kind, 0) + 1
    if not_sent:
        errors["not sent: client at its in-flight limit"] = not_sent
    summary = {
        "scans": sum(1 for r in records if not r.op.is_done),
        "shelves_done": sum(1 for r in records if r.op.is_done and not r.error),
        "scan_to_screen_ms": latency_ms(to_screen, scale=1.0, digits=1),
        "scan_post_ms": latency_ms(scan_post, scale=1.0, digits=1),
        "done_post_ms": latency_ms(done_post, scale=1.0, digits=1),
        "growth": growth(to_screen),
        "errors": {"total": sum(errors.values()), "kinds": errors},
    }
    if shown is not None:
        summary["scan_to_refetched_ms"] = latency_ms(to_refetched, scale=1.0, digits=1)
    return summary


# --- The run -------------------------------------------------------------------------------------


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.inner_seed:
        seed(args.crates, args.per_shelf, Path(args.inner_seed))
        return 0
    from lib.topology import Topology, TopologyError, machine, make_logger

    log = make_logger("bench-inventory")
    topology = Topology(use_env=args.use_env, log=log)
    out = Path(args.out or tempfile.mkdtemp(prefix="strongroom-bench-inventory-")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    password = "Bench-" + secrets.token_urlsafe(18)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "settings": {k: getattr(args, k) for k in SETTINGS},
        "command": " ".join(shlex.quote(a) for a in [sys.executable, __file__, *sys.argv[1:]]),
        "commands": topology.commands,
    }

    def stop(signum: int, _frame: Any) -> None:
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        topology.services_up()
        env = topology.setup_env(password, {"STRONGROOM_ADMIN_PASSWORD": password})
        began = time.perf_counter()
        py = sys.executable
        topology.run([py, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
                     timeout=600, name="migrate")  # fmt: skip
        topology.run([py, "manage.py", "initial_setup"], env=env, timeout=600,
                     name="initial_setup")  # fmt: skip
        layout_file = topology.work / "layout.json"
        topology.run(
            [py, str(Path(__file__).resolve()), "--inner-seed", str(layout_file),
             "--crates", str(args.crates), "--per-shelf", str(args.per_shelf)],
            env={**env, PASSWORD_ENV: password}, timeout=900, name="seed",
        )  # fmt: skip
        results["setup_seconds"] = round(time.perf_counter() - began, 1)
        layout = json.loads(layout_file.read_text())
        lifetime = {"STRONGROOM_ACCESS_MINUTES": str(args.access_minutes)}
        ports = topology.daphnes_up(args.daphnes, lifetime if args.access_minutes else None)
        topology.nginx_up(ports)
        topology.wait_ready()
        results["topology"] = {"nginx": topology.base, "daphne_ports": ports}
        asyncio.run(measure(args, topology, layout, password, results, log))
    except (TopologyError, Stop, OSError, RuntimeError, ValueError, KeyError) as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        results["finished_at"] = datetime.now(UTC).isoformat()
        results["verdict"] = verdict(results, args.target_ms)
        (out / "bench_inventory.json").write_text(json.dumps(results, indent=2) + "\n")
        (out / "bench_inventory.md").write_text(markdown(results))
        try:
            topology.cleanup(keep_logs=out / "logs" if results.get("error") else None)
        finally:
            log(f"reports: {out / 'bench_inventory.md'} and bench_inventory.json")
    sys.stdout.write((out / "bench_inventory.md").read_text())
    return 1 if results["verdict"] else 0


async def measure(
    args: argparse.Namespace,
    topology: Any,
    layout: dict[str, Any],
    password: str,
    results: dict[str, Any],
    log: Any,
) -> None:
    import httpx
    from lib import api
    from lib.ws import EVENTS_PATH, authenticate, connect_events, send_auth

    host = f"localhost:{topology.https_port}"  # the certificate's name
    base = f"https://{host}"
    tls = ssl.create_default_context(cafile=str(topology.certificate))
    client = httpx.AsyncClient(
        base_url=base, verify=tls, trust_env=False, timeout=httpx.Timeout(30.0, connect=5.0)
    )
    async with client:
        head = Session(client, await api.login_async(client, STORE_HEAD, password))
        viewer = Session(client, await api.login_async(client, WATCHER, password))
        keepers = [asyncio.create_task(session.keep_fresh()) for session in (head, viewer)]
        headers = head.headers

        began = time.perf_counter()
        response = await client.post(
            "/api/v1/inventory-audits/",
            json={"scope": layout["scope"], "note": "bench_inventory.py"},
            headers=headers,
        )
        results["open_ms"] = round((time.perf_counter() - began) * 1000, 1)
        if response.status_code != 201:
            raise RuntimeError(f"opening the audit: HTTP {response.status_code} {response.text}")
        audit = response.json()
        audit_id = int(audit["id"])
        results["audit"] = audit["number"]
        results["expected"] = sum(s["expected_count"] for s in audit["shelves"])
        results["shelves"] = len(audit["shelves"])
        log(f"audit {audit['number']} opened in {results['open_ms']} ms")

        ops = limit_scans(
            plan_scans(
                [(int(shelf), codes) for shelf, codes in layout["shelves"]],
                misplaced=args.misplaced,
                missing=args.missing,
                unknown=args.unknown,
                seed=args.seed,
            ),
            args.scans,
        )
        mix: dict[str, int] = {}
        for op in ops:
            if not op.is_done:
                mix[op.expect] = mix.get(op.expect, 0) + 1
        results["planned_mix"] = mix

        results["commands"].extend(
            [
                f"# as {STORE_HEAD}, through nginx, an open loop at {args.rate:g} operations/s:",
                f"POST {base}/api/v1/inventory-audits/{audit_id}/scans/ "
                '{"shelf": …, "code": …, "client_key": <uuid4>}  '
                f"x {sum(mix.values())}",
                f"POST {base}/api/v1/inventory-audits/{audit_id}/shelves/<shelf>/done/  "
                f"x {sum(1 for op in ops if op.is_done)}",
                f"# as {WATCHER}: wss://{host}{EVENTS_PATH} (first-message auth), "
                "the audit's inventory events"
                + (
                    f"; GET {base}/api/v1/inventory-audits/{audit_id}/ on each"
                    if args.refetch
                    else ""
                ),
            ]
        )

        # Warm every Daphne process (nginx spreads the requests, least_conn) on the audit's
        # reads: a deployment in use has its code paths and connections warm.
        for _ in range(args.warmup):
            await client.get(f"/api/v1/inventory-audits/{audit_id}/", headers=headers)
            await client.get(f"/api/v1/inventory-audits/{audit_id}/scans/", headers=headers)

        watcher = Watcher(audit_id=audit_id)
        refetcher = None
        if args.refetch:
            refetcher = Refetcher(client, f"/api/v1/inventory-audits/{audit_id}/", viewer.headers)
            watcher.on_event = refetcher.poke
        async with connect_events(f"wss://{host}{EVENTS_PATH}", origin=base, ssl_context=tls) as ws:
            await authenticate(ws, viewer.tokens.access, timeout=10)

            async def reauthenticate(token: str) -> None:
                await send_auth(ws, token)

            viewer.listeners.append(reauthenticate)

            async def read() -> None:
                with contextlib.suppress(Exception):
                    async for raw in ws:
                        watcher.take(raw)

            reader = asyncio.create_task(read())
            fetching = asyncio.create_task(refetcher.run()) if refetcher else None
            scanner = Scanner(client, audit_id, headers, args.rate)
            results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
            log(f"scanning: {len(ops)} operations at {args.rate:g}/s")
            cpu_before = time.process_time()
            wall = await scanner.run(ops)
            cpu = time.process_time() - cpu_before
            await asyncio.sleep(3)  # the last events
            viewer.listeners.remove(reauthenticate)  # the socket closes here
            reader.cancel()
            if fetching is not None:
                fetching.cancel()
        results.update(
            summarise(
                scanner.records,
                watcher.arrivals,
                scanner.not_sent,
                refetcher.shown if refetcher else None,
            )
        )
        results["watcher_other_events"] = watcher.other
        if refetcher is not None:
            results["refetch"] = {
                "requests": len(refetcher.timings),
                "errors": refetcher.errors,
                "latency_ms": latency_ms(refetcher.timings, scale=1.0, digits=1),
            }
        results["achieved_rate"] = round(len(scanner.records) / wall, 2) if wall else None
        results["loop_max_lag_ms"] = round(scanner.max_lag * 1000, 1)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        share = cpu / wall if wall else 0.0
        results["client_cpu"] = {
            "cpu_seconds": round(cpu, 2),
            "wall_seconds": round(wall, 1),
            "percent_of_core": round(100 * share, 1),
            "starved": share > CLIENT_CPU_LIMIT,
        }
        log(
            f"scan-to-screen {results['scan_to_screen_ms']}, errors {results['errors']}, "
            f"client CPU {results['client_cpu']['percent_of_core']} %"
        )
        results["token_refreshes"] = head.refreshes + viewer.refreshes
        try:
            await finish(args, client, headers, audit_id, password, results, log)
        finally:
            failed = [k.exception() for k in keepers if k.done() and not k.cancelled()]
            if any(failed):
                results["error"] = f"a token refresh failed: {next(e for e in failed if e)!r}"
            for keeper in keepers:
                keeper.cancel()


async def finish(
    args: argparse.Namespace,
    client: Any,
    headers: dict[str, str],
    audit_id: int,
    password: str,
    results: dict[str, Any],
    log: Any,
) -> None:
    """Count complete, reconcile and close when every shelf was scanned and the discrepancies
    are few enough; cancel otherwise. Each step timed."""
    from lib import api

    path = f"/api/v1/inventory-audits/{audit_id}"
    detail = (await client.get(f"{path}/", headers=headers)).json()
    complete = all(shelf.get("done_at") for shelf in detail["shelves"])
    if not complete:
        began = time.perf_counter()
        body = api.signed_body(
            STORE_HEAD, password, version=detail["version"], reason="Benchmark run (partial)"
        )
        response = await client.post(f"{path}/cancel/", json=body, headers=headers)
        results["cancel_ms"] = round((time.perf_counter() - began) * 1000, 1)
        if response.status_code != 200:
            results["error"] = f"cancel: HTTP {response.status_code} {response.text[:500]}"
        log(f"not every shelf scanned: audit cancelled in {results['cancel_ms']} ms")
        return
    began = time.perf_counter()
    response = await client.post(
        f"{path}/count-complete/", json={"version": detail["version"]}, headers=headers
    )
    results["count_complete_ms"] = round((time.perf_counter() - began) * 1000, 1)
    if response.status_code != 200:
        results["error"] = f"count complete: HTTP {response.status_code} {response.text[:500]}"
        return
    detail = response.json()
    todo = [row for row in detail["results"] if row.get("allowed_actions")]
    if len(todo) > args.max_reconcile:
        results["reconcile"] = {
            "findings": len(todo),
            "seconds": 0,
            "skipped": f"more than --max-reconcile {args.max_reconcile}",
        }
        return
    preferred = {MISPLACED: "RELOCATE", MISSING: "MARK_MISSING"}
    timings: list[float] = []
    began = time.perf_counter()
    version = detail["version"]
    for row in todo:
        action = preferred.get(row["result"], "EXPLAIN")
        if action not in row["allowed_actions"]:
            action = row["allowed_actions"][-1]
        body = api.signed_body(
            STORE_HEAD, password, version=version, action=action, note="Benchmark reconciliation"
        )
        start = time.perf_counter()
        response = await client.post(
            f"{path}/findings/{row['finding_id']}/reconcile/", json=body, headers=headers
        )
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            results["error"] = f"reconcile: HTTP {response.status_code} {response.text[:500]}"
            return
        version = response.json()["version"]
    summary = latency_ms(timings, scale=1.0, digits=1)
    results["reconcile"] = {
        "findings": len(todo),
        "seconds": round(time.perf_counter() - began, 1),
        "p50_ms": summary["p50"],
        "p95_ms": summary["p95"],
    }
    began = time.perf_counter()
    body = api.signed_body(STORE_HEAD, password, version=version)
    response = await client.post(f"{path}/close/", json=body, headers=headers)
    results["close_ms"] = round((time.perf_counter() - began) * 1000, 1)
    if response.status_code != 200:
        results["error"] = f"close: HTTP {response.status_code} {response.text[:500]}"
    log(f"audit closed in {results['close_ms']} ms after {len(todo)} reconciliations")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--crates", type=int, default=5000, help="crates in the audit (%(default)s)")
    p.add_argument("--per-shelf", type=int, default=50, help="crates per shelf (%(default)s)")
    p.add_argument("--rate", type=float, default=5.0, help="operations per second (%(default)s)")
    p.add_argument("--scans", type=int, default=0, help="stop after this many scans (0: all)")
    p.add_argument("--target-ms", type=float, default=300.0, help="p95 scan-to-screen target")
    p.add_argument("--daphnes", type=int, default=2)
    p.add_argument("--misplaced", type=float, default=0.02, help="share read on the next shelf")
    p.add_argument("--missing", type=float, default=0.005, help="share never read")
    p.add_argument("--unknown", type=float, default=0.01, help="unknown labels per crate read")
    p.add_argument("--seed", type=int, default=20, help="the mix's random seed")
    p.add_argument("--max-reconcile", type=int, default=500,
                   help="reconcile and close only up to this many discrepancies")  # fmt: skip
    p.add_argument("--refetch", action="store_true",
                   help="the watcher also refetches the audit's detail on each event, as the "
                   "SPA's page does: scan to refetched detail (not in the target)")  # fmt: skip
    p.add_argument("--warmup", type=int, default=10,
                   help="reads of the audit before scanning (two requests each)")  # fmt: skip
    p.add_argument("--access-minutes", type=int, default=0,
                   help="access-token lifetime for the Daphne processes (0: production's); a "
                   "short one exercises the refresh and socket re-authentication")  # fmt: skip
    p.add_argument("--out", help="directory for the reports (default: a new temporary directory)")
    p.add_argument("--use-env", action="store_true",
                   help="use DATABASE_URL, REDIS_URL, CACHE_URL, CELERY_BROKER_URL from the "
                   "environment instead of starting PostgreSQL and Redis (the database is "
                   "migrated and written!)")  # fmt: skip
    p.add_argument("--inner-seed", metavar="FILE", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not (1 <= args.crates <= 100_000 and 1 <= args.per_shelf <= 1000):
        p.error("--crates 1..100000, --per-shelf 1..1000")
    if not (0 < args.rate <= 200 and 1 <= args.daphnes <= 8 and args.scans >= 0):
        p.error("--rate up to 200, --daphnes 1..8, --scans >= 0")
    if not all(0 <= x < 0.5 for x in (args.misplaced, args.missing, args.unknown)):
        p.error("--misplaced, --missing and --unknown are shares below 0.5")
    return args


if __name__ == "__main__":
    sys.exit(main())
