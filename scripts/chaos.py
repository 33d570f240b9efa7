#!/usr/bin/env python3
"""Fault injection on the loopback production topology (issue #9 item 3).

    backend/.venv/bin/python scripts/chaos.py                      # one run, about 3 minutes
    backend/.venv/bin/python scripts/chaos.py --runs 3 --json /tmp/chaos.json
    backend/.venv/bin/python scripts/chaos.py --duration 60 --clients 2 --subscribers 4 --seed 7

What it builds, afresh for every run (everything on 127.0.0.1, free ports, a temporary directory;
scripts/lib/topology.py):
  PostgreSQL 15 + Redis   scripts/services.sh with SERVICES_DURABLE=1: fsync, synchronous_commit
                          and full_page_writes on; Redis with an append-only file fsynced every
                          second (the throw-away default could lose acknowledged commits in a
                          crash, and the run would prove nothing)
  data                    manage.py migrate; initial_setup --demo (config.settings.local, debug off,
                          against the same database: initial_setup refuses production settings)
  2 Daphne processes      config.settings.production; the sockets connect to them directly
  Celery worker + Beat    config.settings.production; the visibility timeout is lowered to
                          --visibility seconds so that a task a killed worker held is handed out
                          again within the run (production keeps an hour), and a queued task
                          that has not run is sent again after --resend seconds (production: 15
                          minutes; strongroom/core/task_queue.py)
  nginx                   the repository's configuration; the HTTP clients go through it
                          (--no-nginx: straight to the Daphne processes)

The workload, for --duration seconds:
  --clients clients       each drives crates through the HTTP API as their unit's Document
                          Manager, Approvers and Store Heads would: a STORAGE request for a new
                          crate (approve, allocate), then withdrawals (approve, issue, receive) and
                          transfers (approve, transfer), some crates at the end a DESTRUCTION
                          (approve, destroy with a witness); now and then a send-back (and
                          resubmit), a rejection or a cancellation. Every action is signed with the
                          user's password; creations carry an Idempotency-Key; connection errors,
                          5xx and 429 are retried with backoff and jitter (a POST again, with the
                          same key); a 4xx answer makes the client re-read the request. What the
                          server acknowledged (2xx) is recorded: request, status, version.
  --subscribers sockets   on both Daphne processes, users with different scopes (System
                          Administrator, unit viewers, an approver and the requester, who also get
                          their own notifications); first-message auth, resume from the last event
                          id held, reconnect with backoff and jitter, `resync` answered by the HTTP
                          replay GET /api/v1/events/?after=. Every event id received is counted.
  a probe                 GET /api/v1/requests/?page_size=1 every 0.25 s, for recovery times.

Faults, one after another, each after the previous one has recovered:
  redis      SHUTDOWN (the AOF is flushed) and start again on the same port
  postgres   pg_ctl stop -m immediate (a crash: recovery from the WAL at start), start again
  daphne     SIGKILL one Daphne process (--seed picks which), start it again on the same port
  worker     SIGKILL the Celery worker and its children, start it again

Checks (the run passes only if all pass):
  acknowledged   every change the server answered 2xx is in the database in that or a later state
                 (same version and status, or a higher version in a status reachable from it)
  idempotent     one request per Idempotency-Key; each acknowledged creation is that request
  events         every subscriber holds every committed outbox event of its scope (after the
                 first cursor) exactly once by id: none missing, none received twice (over all its
                 connections and HTTP replays), none out of scope
  audit chain    manage.py verify_audit_chain
  invariants     derived from the models: at most one open request per crate; crate status agrees
                 with its requests (ISSUED ⇔ an issued withdrawal, DESTROYED ⇔ a completed
                 destruction, PENDING ⇔ no completed storage), its location (a shelf of its unit
                 exactly when IN_STORAGE) and shelf capacity; request timestamps in order and
                 present for the status; send-backs open exactly while SENT_BACK; version = number
                 of signatures (+ edits); the latest signature means the current status; the latest
                 outbox event of every request and crate carries its current version and status
  notifications  exactly one effect per notifying transition: for each signed submit, resubmit,
                 approve, reject, send-back and issue, its notifications exist once (complete set
                 of kinds and recipients) and each was e-mailed
  no 500         faults are answered 502/503/504 (retryable), never 500 (an error that leaked)
  recovered      each fault recovered within --recovery-timeout seconds: API answering, sockets
                 re-subscribed, subscribers holding every event committed before the API came back,
                 the worker processing tasks; no process died that was not killed on purpose

Recovery times are reported per fault, in seconds from the fault: the first API call started after
the service went down that got an answer; all sockets that dropped subscribed again (ready); every
subscriber holding every event committed by the time the API answered again; the first task the
worker finished (a notification created) after the service was back. They are shown next to
PRODUCT.md §7's targets (Redis restart: clients back with every event within 10 s; PostgreSQL
restart: API within 5 s) but do not decide the exit status.

--runs N repeats the whole scenario N times, each on a fresh topology (new database, new Redis,
new processes) with seed --seed + run index, so one run cannot hide another's damage. Everything
a run started is stopped and removed at its end, on an error and on Ctrl-C / SIGTERM.

Exit status: 0 every check of every run passed; 1 a check failed; 2 a run could not be carried out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))
from lib.topology import Topology, TopologyError, machine, make_logger  # noqa: E402

log = make_logger("chaos")

FAULTS = ("redis", "postgres", "daphne", "worker")
TARGETS = {
    "redis_events_s": 10.0,  # PRODUCT.md §7: every client back with every committed event
    "postgres_api_s": 5.0,  # PRODUCT.md §7: API recovers
}
SUBSCRIBER_USERS = (
    "sysadmin",
    "goa1-viewer",
    "mum1-viewer",
    "goa1-approver",
    "mum1-storehead",
    "goa1-manager",
    "mum1-manager",
    "goa1-unitadmin",
)

# --------------------------------------------------------------------------------------------------
# The checking logic (pure: unit-tested in backend/strongroom/core/tests/test_chaos_checks.py)
# --------------------------------------------------------------------------------------------------

OPEN_STATUSES = frozenset({"SUBMITTED", "APPROVED", "ISSUED", "SENT_BACK"})
# The request status machine of strongroom/requests/transitions.py.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    "SUBMITTED": frozenset({"APPROVED", "REJECTED", "SENT_BACK", "CANCELLED"}),
    "APPROVED": frozenset({"COMPLETED", "ISSUED", "SENT_BACK"}),
    "ISSUED": frozenset({"COMPLETED"}),
    "SENT_BACK": frozenset({"SUBMITTED", "CANCELLED"}),
    "COMPLETED": frozenset(),
    "REJECTED": frozenset(),
    "CANCELLED": frozenset(),
}
# The meaning of the signature that put a request in its status.
STATUS_MEANINGS: dict[str, frozenset[str]] = {
    "SUBMITTED": frozenset({"SUBMITTED", "RESUBMITTED"}),
    "APPROVED": frozenset({"APPROVED"}),
    "ISSUED": frozenset({"ISSUED"}),
    "SENT_BACK": frozenset({"SENT_BACK"}),
    "REJECTED": frozenset({"REJECTED"}),
    "CANCELLED": frozenset({"CANCELLED"}),
    "COMPLETED": frozenset({"ALLOCATED", "RECEIVED", "TRANSFERRED", "DESTROYED"}),
}
# Signature meaning -> the notification event its transition queues (strongroom/requests).
NOTIFYING_MEANINGS = {
    "SUBMITTED": "submitted",
    "RESUBMITTED": "submitted",
    "APPROVED": "approved",
    "REJECTED": "rejected",
    "SENT_BACK": "sent_back",
    "ISSUED": "issued",
    "DESTROYED": "destroyed",
}
# Notification event -> the kinds it creates (strongroom/requests/notifying.py).
EVENT_KINDS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"REQUEST_SUBMITTED"}),
    "approved": frozenset({"REQUEST_APPROVED", "READY_TO_FULFIL"}),
    "rejected": frozenset({"REQUEST_REJECTED"}),
    "sent_back": frozenset({"REQUEST_SENT_BACK"}),
    "issued": frozenset({"CRATE_ISSUED"}),
    "destroyed": frozenset({"CRATE_DESTROYED"}),
}


def reachable(source: str, target: str) -> bool:
    """Whether a request in ``source`` can be in ``target`` after zero or more transitions."""
    seen, todo = {source}, [source]
    while todo:
        status = todo.pop()
        if status == target:
            return True
        for following in NEXT_STATUSES.get(status, frozenset()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


@dataclass(frozen=True)
class Ack:
    """A change the server acknowledged (2xx): the request as the answer showed it."""

    request_id: int
    action: str
    status: str
    version: int
    at: float = 0.0
    client: str = ""


def ack_problems(acks: Iterable[Ack], rows: dict[int, tuple[str, int]]) -> list[str]:
    """Acknowledged changes that the database does not hold (``rows``: id -> status, version)."""
    problems = []
    for ack in acks:
        row = rows.get(ack.request_id)
        what = f"request #{ack.request_id} {ack.action} (acknowledged {ack.status} v{ack.version})"
        if row is None:
            problems.append(f"{what}: not in the database")
            continue
        status, version = row
        if version < ack.version:
            problems.append(f"{what}: the database has the older v{version} ({status})")
        elif version == ack.version and status != ack.status:
            problems.append(f"{what}: the database has {status} at the same version")
        elif not reachable(ack.status, status):
            problems.append(f"{what}: the database has {status} v{version}, unreachable from it")
    return problems


@dataclass(frozen=True)
class EventRow:
    id: int
    unit_id: int | None
    also_unit_id: int | None
    user_id: int | None


def in_scope(event: EventRow, user_id: int, unit_ids: frozenset[int] | None) -> bool:
    """strongroom.realtime.selectors.event_scope_q: a user's own events, and unit events of their
    units (``unit_ids`` None: every unit); a user event is nobody else's."""
    if event.user_id is not None:
        return event.user_id == user_id
    if unit_ids is None:
        return True
    return event.unit_id in unit_ids or event.also_unit_id in unit_ids


def expected_ids(
    events: Iterable[EventRow],
    user_id: int,
    unit_ids: frozenset[int] | None,
    after: int,
    upto: int | None = None,
) -> set[int]:
    return {
        e.id
        for e in events
        if e.id > after and (upto is None or e.id <= upto) and in_scope(e, user_id, unit_ids)
    }


@dataclass
class DeliveryReport:
    expected: int
    held: int
    missing: list[int]
    duplicates: dict[int, int]  # id -> times received beyond the first
    out_of_scope: list[int]
    same_socket_duplicates: int

    @property
    def ok(self) -> bool:
        return not (
            self.missing or self.duplicates or self.out_of_scope or self.same_socket_duplicates
        )


def delivery_report(
    expected: set[int], received: Counter[int], same_socket_duplicates: int = 0
) -> DeliveryReport:
    held = set(received)
    return DeliveryReport(
        expected=len(expected),
        held=len(held),
        missing=sorted(expected - held),
        duplicates={i: n - 1 for i, n in sorted(received.items()) if n > 1},
        out_of_scope=sorted(held - expected),
        same_socket_duplicates=same_socket_duplicates,
    )


def notification_problems(
    signatures: Iterable[tuple[int, str]],
    notifications: Iterable[tuple[int, int, str, int]],
    request_units: dict[int, int],
) -> list[str]:
    """Exactly one effect per notifying transition.

    ``signatures``: (request id, meaning) of every signature on the requests looked at;
    ``notifications``: (request id, recipient id, dedupe key, emailed 0/1). A notification's key is
    ``request:<id>:<event>:<version>:<kind>``: one group per (request, event, version)."""
    wanted: Counter[tuple[int, str]] = Counter()
    for request_id, meaning in signatures:
        event = NOTIFYING_MEANINGS.get(meaning)
        if event is not None:
            wanted[(request_id, event)] += 1
    groups: dict[tuple[int, str, str], dict[str, set[int]]] = {}
    problems = []
    not_emailed = 0
    for request_id, recipient_id, key, emailed in notifications:
        parts = key.split(":")
        if len(parts) != 5 or parts[0] != "request" or parts[1] != str(request_id):
            continue
        _, _, event, version, kind = parts
        kinds = groups.setdefault((request_id, event, version), {})
        recipients = kinds.setdefault(kind, set())
        if recipient_id in recipients:
            problems.append(f"request #{request_id}: {key} twice for user #{recipient_id}")
        recipients.add(recipient_id)
        not_emailed += not emailed
    have: Counter[tuple[int, str]] = Counter((r, e) for r, e, _ in groups)
    for pair in sorted(set(wanted) | set(have)):
        if wanted[pair] != have[pair]:
            problems.append(
                f"request #{pair[0]}: {wanted[pair]} signed '{pair[1]}' transition(s), "
                f"{have[pair]} notified"
            )
    audience: dict[tuple[int, str], set[int]] = {}
    for (request_id, event, version), kinds in sorted(groups.items()):
        missing_kinds = EVENT_KINDS.get(event, frozenset()) - set(kinds)
        if missing_kinds:
            problems.append(
                f"request #{request_id} {event} v{version}: no {', '.join(sorted(missing_kinds))}"
            )
        for kind, recipients in kinds.items():
            if kind in (
                "REQUEST_SUBMITTED",
                "READY_TO_FULFIL",
            ):  # the unit's approvers, store heads:
                unit_kind = (request_units.get(request_id, 0), kind)  # the same for every group
                audience.setdefault(unit_kind, set()).update(recipients)
    for (request_id, event, version), kinds in sorted(groups.items()):
        for kind, recipients in kinds.items():
            everyone = audience.get((request_units.get(request_id, 0), kind))
            if everyone is not None and recipients != everyone:
                problems.append(
                    f"request #{request_id} {event} v{version} {kind}: {len(recipients)} of "
                    f"{len(everyone)} recipients"
                )
    if not_emailed:
        problems.append(f"{not_emailed} notification(s) never e-mailed")
    return problems


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the server's TIME_ZONE is UTC by default


def first_after(times: Iterable[float], t: float) -> float | None:
    later = [x for x in times if x >= t]
    return min(later) if later else None


# --------------------------------------------------------------------------------------------------
# The topology, the faults and the database reads
# --------------------------------------------------------------------------------------------------


class ChaosError(Exception):
    pass


class Stop(BaseException):
    """SIGINT / SIGTERM: a BaseException, like KeyboardInterrupt, so that no ``except Exception``
    on the way swallows it; everything started is stopped on the way out."""


@dataclass
class UnitRef:
    id: int
    code: str
    department_id: int
    shelves: list[int]


@dataclass
class FaultResult:
    name: str
    target: str = ""
    t0: float = 0.0  # fault injected
    down_at: float | None = None  # the service was gone
    up_at: float | None = None  # the service was back
    api_s: float | None = None
    sockets_s: float | None = None
    sockets_dropped: int = 0
    events_s: float | None = None
    events_upto: int | None = None
    worker_s: float | None = None
    api_failures: int = 0
    notes: list[str] = field(default_factory=list)

    def seconds(self, at: float | None) -> float | None:
        return None if at is None else round(at - self.t0, 2)

    def summary(self) -> dict[str, Any]:
        return {
            "fault": self.name,
            "target": self.target,
            "down_s": self.seconds(self.down_at),
            "back_s": self.seconds(self.up_at),
            "api_s": self.api_s,
            "api_failures": self.api_failures,
            "sockets_dropped": self.sockets_dropped,
            "sockets_s": self.sockets_s,
            "events_s": self.events_s,
            "events_upto_id": self.events_upto,
            "worker_s": self.worker_s,
            "notes": self.notes,
        }


class ChaosTopology(Topology):
    """The loopback topology plus what a chaos run needs: durable services, restarts, reads."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(log=log)
        self.args = args
        self.password = "Chaos-" + os.urandom(12).hex()
        self.killed: list[str] = []

    def durable_services_up(self) -> None:
        previous = os.environ.get("SERVICES_DURABLE")
        os.environ["SERVICES_DURABLE"] = "1"
        try:
            self.services_up()
        finally:
            if previous is None:
                os.environ.pop("SERVICES_DURABLE", None)
            else:
                os.environ["SERVICES_DURABLE"] = previous
        self.commands[-1] = "SERVICES_DURABLE=1 " + self.commands[-1]

    def prepare_data(self) -> None:
        self.demo_data_up(self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")}))

    def deployment_up(self) -> list[int]:
        a = self.args
        extra = {
            # One harness IP and a handful of users make thousands of calls: DRF's throttles
            # (which still run, with their Redis round trips) must not answer 429.
            "STRONGROOM_THROTTLE_USER": "1000000/minute",
            "STRONGROOM_THROTTLE_LOGIN": "1000/minute",
            "STRONGROOM_THROTTLE_LOGIN_USERNAME": "1000/minute",
            # A task a killed worker held comes back after this long (production: 3600 s).
            "STRONGROOM_CELERY_VISIBILITY_TIMEOUT": str(a.visibility),
            "STRONGROOM_CELERY_RESTORE_INTERVAL": "2",
            "STRONGROOM_CELERY_RESTORE_THROTTLE": "1",
            # A queued task that has not run this long is sent again (production: 900 s).
            "STRONGROOM_TASK_RESEND_SECONDS": str(a.resend),
        }
        ports = self.daphnes_up(2, extra)
        self.worker_up()
        self.beat_up()
        if a.no_nginx:
            self.base = f"http://127.0.0.1:{ports[0]}"
        else:
            self.nginx_up(ports)
        self.wait_ready(probes=4)
        return ports

    # --- faults (blocking: called through asyncio.to_thread) -------------------------------------
    def services_call(self, function: str) -> None:
        out = self.services_script(function, timeout=180)
        if out.returncode != 0:
            raise ChaosError(f"{function} failed: {out.stderr.strip()[-1000:]}")

    def daphne_restart(self, name: str) -> None:
        self.daphne_up(name)

    def kill(self, name: str) -> None:
        self.killed.append(name)
        self.end(name, signal.SIGKILL)

    def unexpected_exits(self) -> list[str]:
        return [f"{n} (exit {p.returncode})" for n, p in self.procs if p.poll() is not None]

    # --- database reads ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            self.services_env["DATABASE_URL"], connect_timeout=3, autocommit=True
        ) as conn:
            return list(conn.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def broker_backlog(self) -> int:
        """Messages waiting in the Celery queues or held unacknowledged by a worker."""
        import redis

        client = redis.Redis.from_url(self.services_env["CELERY_BROKER_URL"], socket_timeout=3)
        try:
            total = 0
            for key in client.scan_iter(count=500):
                name = key.decode(errors="replace")
                if name.startswith(("default", "email", "maintenance")):
                    if client.type(key) == b"list":
                        total += int(client.llen(key))
                elif name == "unacked":
                    total += int(client.hlen(key))
            return total
        finally:
            client.close()

    def broker_unacked(self) -> int:
        """Messages a worker has taken but not acknowledged (acks_late: running or reserved)."""
        import redis

        client = redis.Redis.from_url(self.services_env["CELERY_BROKER_URL"], socket_timeout=3)
        try:
            return int(client.hlen("unacked"))
        finally:
            client.close()

    def pending_tasks(self) -> int:
        """Tasks a transaction called for that the broker has not yet taken
        (strongroom.core.task_queue; re-sent every minute by ``send_pending_tasks``)."""
        return int(self.scalar("SELECT count(*) FROM core_pendingtask") or 0)

    def keep_logs(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for path in self.work.glob("*.log"):
            shutil.copy(path, directory / path.name)
        services = self.services.get("SERVICES_DIR")
        if services:
            for sub in ("pg", "redis"):
                source = Path(services) / sub / "log"
                if source.exists():
                    shutil.copy(source, directory / f"{sub}.log")


# --------------------------------------------------------------------------------------------------
# HTTP: sessions, retries, the API outcome timeline
# --------------------------------------------------------------------------------------------------


class Timeline:
    """Every API call's start, end and outcome: True a success (2xx, 3xx), False a failure
    (no answer, 5xx), None a refusal (4xx: the server works, the call was not allowed)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float, bool | None]] = []

    def record(self, start: float, end: float, status: int | None) -> None:
        ok = False if status is None or status >= 500 else (True if status < 400 else None)
        self.calls.append((start, end, ok))

    def first_success_started_after(self, t: float) -> float | None:
        ends = [end for start, end, ok in self.calls if ok and start >= t]
        return min(ends) if ends else None

    def failures_between(self, t0: float, t1: float) -> int:
        return sum(1 for start, _, ok in self.calls if ok is False and t0 <= start <= t1)


class Http:
    def __init__(self, run: ChaosRun, name: str) -> None:
        self.run = run
        self.name = name
        self.client = httpx.AsyncClient(
            base_url=run.topology.base,
            verify=False,  # noqa: S501 (our own throw-away self-signed certificate)
            trust_env=False,
            timeout=httpx.Timeout(30.0, connect=5.0),
            headers={"X-Forwarded-Proto": "https"} if run.args.no_nginx else {},
        )
        self.rng = random.Random(f"{run.seed}-{name}")  # noqa: S311 (jitter, not secrets)
        self.errors: Counter[str] = Counter()

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        user: str | None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        deadline: float = 90.0,
        record: bool = True,
    ) -> httpx.Response | None:
        """The answer (< 500, not 401/429), or None when none came before ``deadline`` seconds:
        connection errors, 5xx and 429 are retried with exponential backoff and jitter, a 401
        renews the session."""
        end = time.monotonic() + deadline
        attempt = 0
        while True:
            sent = dict(headers or {})
            token = ""
            if user is not None:
                token = await self.run.sessions.token(user, self)
                sent["Authorization"] = f"Bearer {token}"
            start = time.time()
            try:
                response = await self.client.request(method, path, json=body, headers=sent)
            except httpx.HTTPError as exc:
                if record:
                    self.run.timeline.record(start, time.time(), None)
                kind = type(exc).__name__
            else:
                if record:
                    self.run.timeline.record(start, time.time(), response.status_code)
                if response.status_code == 401 and user is not None:
                    self.errors["401"] += 1
                    await self.run.sessions.renew(user, token, self)
                    kind = ""
                elif response.status_code == 429 or response.status_code >= 500:
                    kind = str(response.status_code)
                else:
                    return response
            if kind:
                self.errors[kind] += 1
            if time.monotonic() > end:
                return None
            delay = min(2.0, 0.2 * 2**attempt) * (0.5 + self.rng.random() / 2)
            attempt += 1
            await asyncio.sleep(delay)


class Sessions:
    """One session per user, shared by the clients and sockets acting as that user."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.logins = 0
        self.refreshes = 0

    def _lock(self, user: str) -> asyncio.Lock:
        return self.locks.setdefault(user, asyncio.Lock())

    async def token(self, user: str, http: Http) -> str:
        if user in self.access:
            return self.access[user]
        async with self._lock(user):
            if user not in self.access:
                await self._login(user, http)
            return self.access[user]

    async def renew(self, user: str, stale: str, http: Http) -> None:
        async with self._lock(user):
            if self.access.get(user) != stale:
                return  # somebody renewed it already
            refresh = self.refresh.get(user)
            if refresh:
                response = await http.request(
                    "POST", "/api/v1/auth/refresh/", user=None, body={"refresh": refresh}
                )
                if response is not None and response.status_code == 200:
                    self.refreshes += 1
                    self._keep(user, response.json())
                    return
            await self._login(user, http)

    async def _login(self, user: str, http: Http) -> None:
        response = await http.request(
            "POST",
            "/api/v1/auth/login/",
            user=None,
            body={"username": user, "password": self.password},
        )
        if response is None or response.status_code != 200:
            got = "no answer" if response is None else f"HTTP {response.status_code}"
            raise ChaosError(f"login as {user} failed: {got}")
        self.logins += 1
        self._keep(user, response.json())

    def _keep(self, user: str, body: dict[str, Any]) -> None:
        self.access[user] = str(body["access"])
        self.refresh[user] = str(body["refresh"])


# --------------------------------------------------------------------------------------------------
# The workload
# --------------------------------------------------------------------------------------------------


class GaveUp(Exception):  # noqa: N818
    pass


class Client:
    """One person-team of a unit (Document Manager, Approvers, Store Heads) moving crates."""

    def __init__(self, run: ChaosRun, index: int, unit: UnitRef) -> None:
        self.run = run
        self.name = f"client-{index + 1}"
        self.unit = unit
        prefix = unit.code.lower()
        self.manager = f"{prefix}-manager"
        self.approvers = [f"{prefix}-approver", f"{prefix}-approver2"]
        self.storeheads = [f"{prefix}-storehead", f"{prefix}-storehead2"]
        self.witnesses = [f"{prefix}-approver2", f"{prefix}-unitadmin"]
        self.rng = random.Random(f"{run.seed}-{self.name}")  # noqa: S311 (a reproducible workload)
        self.http = Http(run, self.name)
        self.serial = 0
        self.conflicts: Counter[str] = Counter()
        self.abandoned = 0

    async def loop(self) -> None:
        while not self.run.stopping:
            try:
                await self.crate_lifecycle()
            except Exception as exc:  # GaveUp, a failed login, an unexpected answer
                self.abandoned += 1
                log(f"{self.name}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)

    async def crate_lifecycle(self) -> None:
        expired = self.rng.random() < 0.25
        request = await self.create(self.storage_body(expired))
        if request is None:
            return
        request = await self.drive(request)
        if request["status"] != "COMPLETED":
            return
        crate_id = int(request["crate"])
        for _ in range(self.rng.randint(1, 3)):
            if self.run.stopping:
                return
            if self.rng.random() < 0.7:
                body = {
                    "type": "WITHDRAWAL",
                    "crate": crate_id,
                    "expected_return_on": (utc_today() + dt.timedelta(days=14)).isoformat(),
                }
            else:
                crate = await self.http.request(
                    "GET", f"/api/v1/crates/{crate_id}/", user=self.manager
                )
                if crate is None or crate.status_code != 200:
                    raise GaveUp(f"crate #{crate_id} could not be read")
                here = crate.json().get("location")
                shelves = [s for s in self.unit.shelves if s != here]
                body = {
                    "type": "TRANSFER",
                    "crate": crate_id,
                    "target_location": self.rng.choice(shelves),
                }
            request = await self.create(body)
            if request is None:
                return
            request = await self.drive(request)
            if request["status"] in OPEN_STATUSES:
                return  # left open (stopping, or given up): this crate is done with
        if expired and not self.run.stopping:
            request = await self.create({"type": "DESTRUCTION", "crate": crate_id})
            if request is not None:
                await self.drive(request)

    def storage_body(self, expired: bool) -> dict[str, Any]:
        retention = "2020-12-31" if expired else "2035-12-31"
        documents = []
        for _ in range(2):
            self.serial += 1
            documents.append(
                {
                    "number": f"CH{self.run.tag}-{self.name[7:]}-{self.serial:05d}",
                    "title": f"Chaos record {self.serial}",
                    "doc_type": self.rng.choice(self.run.doc_types),
                    "prepared_on": "2019-06-01",
                    "retention_until": retention,
                }
            )
        return {
            "type": "STORAGE",
            "department": self.unit.department_id,
            "description": f"Chaos crate of {self.name}",
            "new_documents": documents,
        }

    async def create(self, body: dict[str, Any]) -> dict[str, Any] | None:
        self.serial += 1
        key = f"chaos-{self.run.tag}-{self.name}-{self.serial}"
        payload = {
            **body,
            "purpose": f"Chaos {body['type'].lower()} ({self.name})",
            # Both components: the first signature of a session takes the user ID (11.200(a)).
            "signature": {"username": self.manager, "password": self.run.topology.password},
        }
        self.run.keys_used.add(key)
        response = await self.http.request(
            "POST",
            "/api/v1/requests/",
            user=self.manager,
            body=payload,
            headers={"Idempotency-Key": key},
        )
        if response is None:
            raise GaveUp(f"create {body['type']}: no answer")
        if response.status_code in (200, 201):
            data: dict[str, Any] = response.json()
            self.run.acknowledge(data, "create", self.name)
            self.run.acked_keys[key] = int(data["id"])
            return data
        self.conflicts[f"create:{self.error_code(response)}"] += 1
        return None

    @staticmethod
    def error_code(response: httpx.Response) -> str:
        try:
            return str(response.json().get("code") or response.status_code)
        except ValueError:
            return str(response.status_code)

    async def drive(self, request: dict[str, Any]) -> dict[str, Any]:
        steps = 0
        while request["status"] in OPEN_STATUSES and not self.run.stopping:
            steps += 1
            if steps > 14:
                raise GaveUp(f"request #{request['id']} still {request['status']} after 14 steps")
            name, actor, extra = self.choose(request)
            request = await self.transition(request, name, actor, extra)
        return request

    def choose(self, request: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        status, kind, r = request["status"], request["type"], self.rng.random()
        approver = self.rng.choice(self.approvers)
        storehead = self.rng.choice(self.storeheads)
        if status == "SUBMITTED":
            if r < 0.07:
                return "send-back", approver, {}
            if r < 0.11:
                return "reject", approver, {}
            if r < 0.15:
                return "cancel", self.manager, {}
            return "approve", approver, {}
        if status == "SENT_BACK":
            return ("resubmit" if r < 0.8 else "cancel"), self.manager, {}
        if status == "ISSUED":
            return "receive", storehead, {} if r < 0.7 else {"shelf": self.shelf()}
        # APPROVED
        if r < 0.04:
            return "send-back", approver, {}
        if kind == "STORAGE":
            return "allocate", storehead, {"shelf": self.shelf()}
        if kind == "WITHDRAWAL":
            return "issue", storehead, {}
        if kind == "TRANSFER":
            return "transfer", storehead, {}
        witness = self.rng.choice(self.witnesses)
        return (
            "destroy",
            storehead,
            {"witness": {"username": witness, "password": self.run.topology.password}},
        )

    def shelf(self) -> int:
        return self.rng.choice(self.unit.shelves)

    async def transition(
        self, request: dict[str, Any], name: str, actor: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        request_id = int(request["id"])
        body = {
            "version": request["version"],
            "signature": {"username": actor, "password": self.run.topology.password},
            "reason": f"Chaos run {self.run.tag}: {name}",
            **extra,
        }
        response = await self.http.request(
            "POST", f"/api/v1/requests/{request_id}/{name}/", user=actor, body=body
        )
        if response is not None and response.status_code == 200:
            data: dict[str, Any] = response.json()
            self.run.acknowledge(data, name.replace("-", "_"), self.name)
            return data
        self.conflicts[
            f"{name}:{'no answer' if response is None else self.error_code(response)}"
        ] += 1
        # Refused, stale, or unknown outcome: read what the request is now.
        current = await self.http.request(
            "GET", f"/api/v1/requests/{request_id}/", user=self.manager
        )
        if current is None or current.status_code != 200:
            raise GaveUp(f"request #{request_id} could not be read after {name}")
        fresh: dict[str, Any] = current.json()
        return fresh


class Subscriber:
    """A WebSocket client as the SPA's (frontend/src/lib/realtime/client.ts), counting ids."""

    def __init__(
        self, run: ChaosRun, index: int, username: str, port: int, after: int, scope: Any
    ) -> None:
        self.run = run
        self.name = f"socket-{index + 1}"
        self.username = username
        self.port = port
        self.user_id: int = scope[0]
        self.unit_ids: frozenset[int] | None = scope[1]
        self.last_id = after
        self.received: Counter[int] = Counter()
        self.recent: deque[int] = deque(maxlen=1000)  # sent on resume: ids not to send again
        self.same_socket_duplicates = 0
        self.connected = False
        self.connections = 0
        self.ready_at: list[float] = []
        self.dropped_at: list[float] = []
        self.close_codes: Counter[str] = Counter()
        self.resyncs = 0
        self.http_replayed = 0
        # Events that arrived after a higher id (their transaction committed later than a newer
        # id's): the server's resume overlap must cover them.
        self.late_arrivals = 0
        self.scope_seen: Any = "?"
        self.rng = random.Random(f"{run.seed}-{self.name}")  # noqa: S311 (jitter)
        self.http = Http(run, self.name)

    async def loop(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed
        from websockets.typing import Origin

        attempt = 0
        while True:
            token = ""
            code = "?"
            try:
                token = await self.run.sessions.token(self.username, self.http)
                async with connect(
                    f"ws://127.0.0.1:{self.port}/ws/v1/events/",
                    origin=Origin("https://127.0.0.1"),
                    proxy=None,
                    compression=None,
                    ping_interval=None,
                    open_timeout=5,
                    close_timeout=2,
                    max_queue=None,
                ) as ws:
                    self.connections += 1
                    auth = {"type": "auth", "token": token, "last_event_id": self.last_id}
                    await ws.send(json.dumps({**auth, "recent_event_ids": list(self.recent)}))
                    here: set[int] = set()
                    async for raw in ws:
                        message = json.loads(raw)
                        kind = message.get("type")
                        if kind == "ready":
                            self.connected = True
                            self.ready_at.append(time.time())
                            self.scope_seen = message.get("user", {}).get("units")
                            attempt = 0
                        elif kind == "event":
                            self.take(int(message["id"]), here)
                        elif kind == "resync":
                            self.resyncs += 1
                            await self.replay_http()
                    code = str(ws.close_code)
            except ConnectionClosed as exc:
                code = str(exc.rcvd.code) if exc.rcvd is not None else "no close frame"
            except Exception as exc:  # refused, reset, timed out, a failed login
                code = type(exc).__name__
            if self.connected:
                self.dropped_at.append(time.time())
            self.connected = False
            self.close_codes[code] += 1
            if code == "4401" and token:
                with contextlib.suppress(ChaosError):
                    await self.run.sessions.renew(self.username, token, self.http)
            delay = min(4.0, 0.5 * 2**attempt) * (0.5 + self.rng.random() / 2)
            attempt += 1
            await asyncio.sleep(delay)

    def take(self, event_id: int, here: set[int]) -> None:
        if event_id in here:
            self.same_socket_duplicates += 1
        here.add(event_id)
        if event_id < self.last_id and event_id not in self.received:
            self.late_arrivals += 1
        if event_id not in self.received:
            self.recent.append(event_id)
        self.received[event_id] += 1
        self.last_id = max(self.last_id, event_id)

    async def replay_http(self) -> None:
        """What the SPA does on `resync`: the HTTP replay from the last id held."""
        path: str | None = f"/api/v1/events/?after={self.last_id}&limit=500"
        here: set[int] = set()
        while path:
            response = await self.http.request("GET", path, user=self.username, record=False)
            if response is None:
                raise ChaosError("the HTTP replay did not answer")
            body = response.json()
            if response.status_code == 410:
                self.close_codes["replay 410"] += 1
                self.last_id = int(body.get("details", {}).get("last_event_id", self.last_id))
                return
            for event in body.get("results", []):
                self.http_replayed += 1
                self.take(int(event["id"]), here)
            following = body.get("next")
            path = None
            if following:
                path = "/" + following.split("/", 3)[3]


# --------------------------------------------------------------------------------------------------
# One run
# --------------------------------------------------------------------------------------------------


class ChaosRun:
    def __init__(self, args: argparse.Namespace, index: int) -> None:
        self.args = args
        self.index = index
        self.seed = args.seed + index
        self.tag = f"{self.seed}{os.urandom(2).hex()}"
        self.topology = ChaosTopology(args)
        self.sessions = Sessions(self.topology.password)
        self.timeline = Timeline()
        self.acks: list[Ack] = []
        self.acked_keys: dict[str, int] = {}
        self.keys_used: set[str] = set()
        self.stopping = False
        self.clients: list[Client] = []
        self.subscribers: list[Subscriber] = []
        self.probe_http: Http | None = None
        self.faults: list[FaultResult] = []
        self.rng = random.Random(self.seed)  # noqa: S311 (a reproducible scenario)
        self.interrupted: str | None = None
        self.baseline_event = 0
        self.baseline_request = 0
        self.units: dict[str, UnitRef] = {}
        self.doc_types: list[str] = []
        self.ports: list[int] = []
        self.results: dict[str, Any] = {"run": index + 1, "seed": self.seed}
        self.probe_ok: list[float] = []

    def acknowledge(self, body: dict[str, Any], action: str, client: str) -> None:
        self.acks.append(
            Ack(
                request_id=int(body["id"]),
                action=action,
                status=str(body["status"]),
                version=int(body["version"]),
                at=time.time(),
                client=client,
            )
        )

    # --- set-up -----------------------------------------------------------------------------------
    def setup(self) -> None:
        began = time.monotonic()
        t = self.topology
        t.durable_services_up()
        t.prepare_data()
        self.ports = t.deployment_up()
        self.reference_data()
        self.results["setup_s"] = round(time.monotonic() - began, 1)
        self.results["topology"] = {
            "http": t.base + (" (nginx)" if not self.args.no_nginx else " (Daphne directly)"),
            "daphne_ports": self.ports,
            "postgres": "durable: fsync, synchronous_commit, full_page_writes on",
            "redis": "appendonly yes, appendfsync everysec",
            "work": str(t.work),
        }

    def reference_data(self) -> None:
        t = self.topology
        for unit_id, code in t.query("SELECT id, code FROM accounts_unit ORDER BY code"):
            department = t.scalar(
                "SELECT id FROM accounts_department WHERE unit_id = %s ORDER BY code = 'QA' DESC, "
                "id LIMIT 1",
                [unit_id],
            )
            shelves = [
                int(r[0])
                for r in t.query(
                    "SELECT id FROM storage_location WHERE unit_id = %s AND kind = 'SHELF' "
                    "AND is_active ORDER BY id",
                    [unit_id],
                )
            ]
            if department and shelves:
                self.units[str(code)] = UnitRef(int(unit_id), str(code), int(department), shelves)
        self.doc_types = [
            str(r[0])
            for r in t.query("SELECT code FROM records_documenttype WHERE is_active ORDER BY code")
        ]
        if not ({"GOA1", "MUM1"} <= set(self.units)) or not self.doc_types:
            raise ChaosError("the demo data lacks units GOA1 and MUM1, shelves or document types")

    def scope_of(self, username: str) -> tuple[int, frozenset[int] | None]:
        t = self.topology
        rows = t.query(
            "SELECT u.id, g.name FROM accounts_user u LEFT JOIN auth_group g ON g.id = u.role_id "
            "WHERE u.username = %s",
            [username],
        )
        if not rows:
            raise ChaosError(f"no user {username}")
        user_id, role = int(rows[0][0]), rows[0][1]
        if role == "System Administrator":
            return user_id, None
        units = t.query("SELECT unit_id FROM accounts_user_units WHERE user_id = %s", [user_id])
        return user_id, frozenset(int(r[0]) for r in units)

    # --- the scenario -----------------------------------------------------------------------------
    async def scenario(self) -> None:
        # Ctrl-C / SIGTERM while the event loop runs: cancel the scenario (its finally blocks
        # stop the clients and sockets at once); one_run then cleans up and reports the stop.
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        assert main is not None

        def interrupt(name: str) -> None:
            if self.interrupted is None:
                self.interrupted = name
                log(f"{name}: stopping")
                main.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, interrupt, sig.name)
        await self.workload()

    async def workload(self) -> None:
        a = self.args
        t = self.topology
        # The cursor every socket starts from: what commits after it must reach every socket in
        # scope (the worker may still be busy with the demo's notifications: they count too).
        self.baseline_event = int(await asyncio.to_thread(t.scalar, EVENT_MAX) or 0)
        self.baseline_request = int(
            await asyncio.to_thread(t.scalar, "SELECT coalesce(max(id), 0) FROM workflow_request")
            or 0
        )
        self.results["baseline"] = {
            "event_id": self.baseline_event,
            "request_id": self.baseline_request,
        }
        for i in range(a.subscribers):
            username = SUBSCRIBER_USERS[i % len(SUBSCRIBER_USERS)]
            scope = await asyncio.to_thread(self.scope_of, username)
            port = self.ports[i % len(self.ports)]
            self.subscribers.append(Subscriber(self, i, username, port, self.baseline_event, scope))
        units = [self.units["GOA1"], self.units["MUM1"]]
        self.clients = [Client(self, i, units[i % 2]) for i in range(a.clients)]
        sockets = [asyncio.create_task(s.loop(), name=s.name) for s in self.subscribers]
        try:
            await self.until(lambda: all(s.connected for s in self.subscribers), 30)
            if not all(s.connected for s in self.subscribers):
                raise ChaosError("not every socket subscribed at the start")
            began = time.time()
            workers = [asyncio.create_task(c.loop(), name=c.name) for c in self.clients]
            probe = asyncio.create_task(self.probe(), name="probe")
            try:
                await self.faults_in_turn(began)
                await asyncio.sleep(max(0.0, began + a.duration - time.time()))
            finally:
                self.stopping = True
                log("stopping the workload")
                # Let each client finish its call (an answer to record), unless interrupted.
                wait = 0.0 if self.interrupted else 120.0
                done, pending = await asyncio.wait(workers, timeout=wait)
                for task in pending:
                    task.cancel()
                probe.cancel()
                for task in done:
                    if not task.cancelled() and task.exception() is not None:
                        self.results.setdefault("client_errors", []).append(repr(task.exception()))
            self.results["workload_s"] = round(time.time() - began, 1)
            await self.drain()
        finally:
            for task in sockets:
                task.cancel()
            await asyncio.gather(*sockets, return_exceptions=True)
            for c in self.clients:
                await c.http.close()
            for s in self.subscribers:
                await s.http.close()

    async def until(self, condition: Any, timeout: float, step: float = 0.1) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            await asyncio.sleep(step)
        return bool(condition())

    async def probe(self) -> None:
        http = Http(self, "probe")
        self.probe_http = http
        try:
            while True:
                started = time.monotonic()
                with contextlib.suppress(ChaosError):
                    await http.request(
                        "GET", "/api/v1/requests/?page_size=1", user="goa1-viewer", deadline=0
                    )
                await asyncio.sleep(max(0.0, 0.25 - (time.monotonic() - started)))
        finally:
            await http.close()

    async def faults_in_turn(self, began: float) -> None:
        a = self.args
        faults = list(a.faults)
        warmup = min(10.0, a.duration / 10)
        gap = max(0.0, (a.duration - warmup - 10.0) / max(1, len(faults)))
        for i, name in enumerate(faults):
            await asyncio.sleep(max(0.0, began + warmup + i * gap - time.time()))
            result = await self.inject(name)
            self.faults.append(result)
            await self.recover(result)
            log(f"{name}: {json.dumps(result.summary())}")
            await asyncio.sleep(a.settle)

    async def inject(self, name: str) -> FaultResult:
        t = self.topology
        result = FaultResult(name=name, t0=time.time())
        log(f"fault: {name}")
        if name == "redis":
            result.target = f"redis :{t.services.get('REDIS_PORT')}"
            await asyncio.to_thread(t.services_call, "services_stop_redis graceful")
            result.down_at = time.time()
            await asyncio.sleep(self.args.outage)
            await asyncio.to_thread(t.services_call, "services_start_redis")
            result.up_at = time.time()
        elif name == "postgres":
            result.target = f"postgres :{t.services.get('PG_PORT')} (immediate stop)"
            await asyncio.to_thread(t.services_call, "services_stop_postgres immediate")
            result.down_at = time.time()
            await asyncio.sleep(self.args.outage)
            await asyncio.to_thread(t.services_call, "services_start_postgres")
            result.up_at = time.time()
        elif name == "daphne":
            victim = self.rng.choice(sorted(t.daphne_ports))
            port = t.daphne_ports[victim]
            result.target = f"{victim} :{port} (SIGKILL)"
            await asyncio.to_thread(t.kill, victim)
            result.down_at = time.time()
            await asyncio.sleep(self.args.outage)
            await asyncio.to_thread(t.daphne_restart, victim)
            async with httpx.AsyncClient(trust_env=False, timeout=2) as client:

                async def ready() -> bool:
                    try:
                        response = await client.get(f"http://127.0.0.1:{port}/readyz")
                    except httpx.HTTPError:
                        return False
                    return response.status_code == 200

                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not await ready():
                    await asyncio.sleep(0.1)
            result.up_at = time.time()
        elif name == "worker":
            result.target = "celery worker (SIGKILL, children included)"
            # Kill it with a task in hand (running or reserved) when there is one within 10 s:
            # that message must come back (acks_late) and take effect exactly once.
            held = 0
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and held == 0:
                held = await asyncio.to_thread(t.broker_unacked)
                if held == 0:
                    await asyncio.sleep(0.02)
            result.t0 = time.time()
            result.notes.append(f"{held} unacknowledged task(s) in hand at the kill")
            await asyncio.to_thread(t.kill, "worker")
            result.down_at = time.time()
            await asyncio.sleep(self.args.outage)
            await asyncio.to_thread(t.worker_up)
            result.up_at = time.time()
        else:
            raise ChaosError(f"unknown fault {name}")
        return result

    async def recover(self, result: FaultResult) -> None:
        """Wait for (and time) the recovery: API, sockets, events, worker."""
        t = self.topology
        timeout = self.args.recovery_timeout
        deadline = result.t0 + timeout
        down = result.down_at or result.t0
        api_at: float | None = None
        sockets_done = False
        events_at: float | None = None
        worker_at: float | None = None
        upto: int | None = None
        while time.time() < deadline:
            if api_at is None:
                api_at = self.timeline.first_success_started_after(down)
                if api_at is not None:
                    result.api_s = round(api_at - result.t0, 2)
                    result.api_failures = self.timeline.failures_between(result.t0, api_at)
            if not sockets_done:
                dropped = [s for s in self.subscribers if first_after(s.dropped_at, result.t0)]
                result.sockets_dropped = len(dropped)
                if all(s.connected for s in self.subscribers):
                    readies = [first_after(s.ready_at, result.t0) for s in dropped]
                    if all(r is not None for r in readies):
                        sockets_done = True
                        if dropped:
                            latest = max(r for r in readies if r is not None)
                            result.sockets_s = round(latest - result.t0, 2)
            if api_at is not None:
                try:
                    if upto is None:
                        upto = int(await asyncio.to_thread(t.scalar, EVENT_MAX) or 0)
                        result.events_upto = upto
                    if events_at is None and await self.caught_up(upto):
                        events_at = time.time()
                        result.events_s = round(events_at - result.t0, 2)
                    if worker_at is None:
                        since = result.up_at or result.t0
                        first = await asyncio.to_thread(
                            t.scalar,
                            "SELECT extract(epoch FROM min(created_at)) FROM "
                            "notifications_notification WHERE created_at > to_timestamp(%s)",
                            [since],
                        )
                        if first is not None:
                            worker_at = float(first)
                            result.worker_s = round(worker_at - result.t0, 2)
                except Exception as exc:  # the database itself may still be coming back
                    result.notes.append(f"poll: {type(exc).__name__}")
            if api_at and sockets_done and events_at and worker_at:
                return
            await asyncio.sleep(0.2)
        result.notes.append(f"not recovered within {timeout:g} s")

    async def caught_up(self, upto: int) -> bool:
        rows = await asyncio.to_thread(self.events_after, self.baseline_event)
        for s in self.subscribers:
            wanted = expected_ids(rows, s.user_id, s.unit_ids, self.baseline_event, upto)
            if not wanted <= set(s.received):
                return False
        return True

    def events_after(self, after: int) -> list[EventRow]:
        rows = self.topology.query(
            "SELECT id, unit_id, also_unit_id, user_id FROM realtime_event WHERE id > %s "
            "ORDER BY id",
            [after],
        )
        return [EventRow(int(r[0]), r[1], r[2], r[3]) for r in rows]

    async def drain(self) -> None:
        """After the workload: the worker finishes the queue (tasks a killed worker held come
        back after the visibility timeout; tasks whose queueing failed are re-sent within a
        minute), then every socket catches up."""
        began = time.monotonic()
        deadline = began + max(self.args.visibility, 60) + 60
        quiet_rounds = 0
        backlog = pending = -1
        while time.monotonic() < deadline and quiet_rounds < 3:
            try:
                backlog = await asyncio.to_thread(self.topology.broker_backlog)
                pending = await asyncio.to_thread(self.topology.pending_tasks)
            except Exception as exc:
                log(f"drain: {type(exc).__name__}")
                backlog = pending = -1
            quiet_rounds = quiet_rounds + 1 if backlog == 0 and pending == 0 else 0
            await asyncio.sleep(1.0)
        self.results["drain_worker_s"] = round(time.monotonic() - began, 1)
        self.results["left_in_queues"] = {"broker": backlog, "pending_tasks": pending}
        began = time.monotonic()
        deadline = began + 30
        while time.monotonic() < deadline:
            if all(s.connected for s in self.subscribers) and await self.caught_up(1 << 62):
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.5)  # anything still on its way arrives (or shows as a duplicate)
        self.results["drain_sockets_s"] = round(time.monotonic() - began, 1)

    # --- checks -----------------------------------------------------------------------------------
    def checks(self) -> list[dict[str, Any]]:
        results = []
        for name, check in (
            ("acknowledged changes are durable", self.check_acks),
            ("one request per Idempotency-Key", self.check_idempotency),
            ("every subscriber holds every event exactly once", self.check_events),
            ("audit chain verifies", self.check_audit),
            ("request and crate invariants", self.check_invariants),
            ("notifications: exactly one effect", self.check_notifications),
            ("every fault recovered", self.check_recovery),
            ("no internal error (500) answered", self.check_no_internal_errors),
        ):
            try:
                ok, detail, problems = check()
            except Exception as exc:
                ok, detail, problems = False, f"the check failed: {type(exc).__name__}: {exc}", []
            results.append({"check": name, "ok": ok, "detail": detail, "problems": problems[:50]})
        return results

    def check_acks(self) -> tuple[bool, str, list[str]]:
        ids = sorted({a.request_id for a in self.acks})
        rows = {
            int(r[0]): (str(r[1]), int(r[2]))
            for r in self.topology.query(
                "SELECT id, status, version FROM workflow_request WHERE id = ANY(%s)", [ids]
            )
        }
        problems = ack_problems(self.acks, rows)
        by_action = Counter(a.action for a in self.acks)
        detail = (
            f"{len(self.acks)} acknowledged on {len(ids)} requests "
            f"({', '.join(f'{k} {v}' for k, v in sorted(by_action.items()))})"
        )
        return not problems and bool(self.acks), detail, problems

    def check_idempotency(self) -> tuple[bool, str, list[str]]:
        rows = self.topology.query(
            "SELECT k.key, k.request_id FROM workflow_idempotencykey k WHERE k.key LIKE %s",
            [f"chaos-{self.tag}-%"],
        )
        stored = {str(k): int(r) for k, r in rows}
        problems = [
            f"{key}: acknowledged request #{rid}, the key names #{stored.get(key)}"
            for key, rid in self.acked_keys.items()
            if stored.get(key) != rid
        ]
        created = self.topology.query(
            "SELECT r.id FROM workflow_request r LEFT JOIN workflow_idempotencykey k "
            "ON k.request_id = r.id WHERE r.id > %s GROUP BY r.id HAVING count(k.id) <> 1",
            [self.baseline_request],
        )
        problems += [f"request #{r[0]}: not exactly one Idempotency-Key" for r in created]
        unknown = set(stored) - self.keys_used
        problems += [f"{key}: a key this run never sent" for key in sorted(unknown)]
        return (
            not problems,
            f"{len(self.keys_used)} keys sent, {len(stored)} stored, "
            f"{len(self.acked_keys)} creations acknowledged",
            problems,
        )

    def check_events(self) -> tuple[bool, str, list[str]]:
        rows = self.events_after(self.baseline_event)
        problems = []
        totals = Counter[str]()
        reports = {}
        for s in self.subscribers:
            wanted = expected_ids(rows, s.user_id, s.unit_ids, self.baseline_event)
            # An id at or below the starting cursor arrives when its transaction began before
            # the cursor was read and committed after: not part of what is checked.
            received = Counter({i: n for i, n in s.received.items() if i > self.baseline_event})
            totals["before_cursor"] += len(s.received) - len(received)
            report = delivery_report(wanted, received, s.same_socket_duplicates)
            scope = "all units" if s.unit_ids is None else sorted(s.unit_ids)
            if s.scope_seen != (None if s.unit_ids is None else sorted(s.unit_ids)):
                problems.append(f"{s.name} ({s.username}): socket scope {s.scope_seen}, DB {scope}")
            reports[s.name] = {
                "user": s.username,
                "port": s.port,
                "scope": scope,
                "connections": s.connections,
                "close_codes": dict(s.close_codes),
                "resyncs": s.resyncs,
                "http_replayed": s.http_replayed,
                "late_arrivals": s.late_arrivals,
                **asdict(report),
            }
            reports[s.name]["missing"] = report.missing[:30]
            reports[s.name]["out_of_scope"] = report.out_of_scope[:30]
            reports[s.name]["duplicates"] = dict(list(report.duplicates.items())[:30])
            totals["expected"] += report.expected
            totals["missing"] += len(report.missing)
            totals["duplicates"] += sum(report.duplicates.values())
            totals["out_of_scope"] += len(report.out_of_scope)
            totals["same_socket"] += report.same_socket_duplicates
            totals["late"] += s.late_arrivals
            if not report.ok:
                problems.append(
                    f"{s.name} ({s.username} on :{s.port}): {len(report.missing)} missing "
                    f"{report.missing[:10]}, {sum(report.duplicates.values())} duplicate "
                    f"{list(report.duplicates)[:10]}, {len(report.out_of_scope)} out of scope "
                    f"{report.out_of_scope[:10]}, {report.same_socket_duplicates} twice on one "
                    "socket"
                )
        self.results["subscribers"] = reports
        detail = (
            f"{len(self.subscribers)} sockets, {len(rows)} events committed after #"
            f"{self.baseline_event}, {totals['expected']} deliveries expected: "
            f"{totals['missing']} missing, {totals['duplicates']} duplicate, "
            f"{totals['out_of_scope']} out of scope; {totals['late']} arrived after a higher id"
            + (
                f" ({totals['before_cursor']} from before the cursor)"
                if totals["before_cursor"]
                else ""
            )
        )
        return not problems and totals["expected"] > 0, detail, problems

    def check_audit(self) -> tuple[bool, str, list[str]]:
        try:
            out = self.topology.manage("verify_audit_chain", timeout=300)
        except TopologyError as exc:
            return False, str(exc).strip().splitlines()[-1][:300], [str(exc)[-1000:]]
        return True, out.strip().splitlines()[-1] if out.strip() else "intact", []

    def check_invariants(self) -> tuple[bool, str, list[str]]:
        t = self.topology
        problems = []
        for label, sql in INVARIANTS:
            rows = t.query(sql)
            for row in rows[:10]:
                problems.append(f"{label}: {row}")
            if len(rows) > 10:
                problems.append(f"{label}: … {len(rows) - 10} more")
        counts = {
            "requests": t.scalar("SELECT count(*) FROM workflow_request"),
            "crates": t.scalar("SELECT count(*) FROM records_crate"),
            "requests_by_status": dict(
                t.query("SELECT status, count(*) FROM workflow_request GROUP BY 1 ORDER BY 1")
            ),
        }
        self.results["database"] = counts
        return (
            not problems,
            f"{len(INVARIANTS)} invariants over {counts['requests']} requests and "
            f"{counts['crates']} crates",
            problems,
        )

    def check_notifications(self) -> tuple[bool, str, list[str]]:
        t = self.topology
        signatures = [
            (int(r[0]), str(r[1]))
            for r in t.query(
                "SELECT request_id, meaning FROM compliance_signature WHERE request_id > %s",
                [self.baseline_request],
            )
        ]
        notifications = [
            (int(r[0]), int(r[1]), str(r[2]), int(r[3]))
            for r in t.query(
                "SELECT object_id::bigint, recipient_id, dedupe_key, "
                "(email_sent_at IS NOT NULL)::int FROM notifications_notification "
                "WHERE object_type = 'request' AND object_id::bigint > %s",
                [self.baseline_request],
            )
        ]
        units = {
            int(r[0]): int(r[1])
            for r in t.query(
                "SELECT id, unit_id FROM workflow_request WHERE id > %s", [self.baseline_request]
            )
        }
        problems = notification_problems(signatures, notifications, units)
        left = self.results.get("left_in_queues", {})
        if left.get("broker") or left.get("pending_tasks"):
            problems.append(f"tasks never run: {left}")
        if problems:  # when, relative to the faults, the transitions that went unnotified were
            self.results["notification_timeline"] = self.signature_timeline(problems)
        notifying = sum(1 for _, m in signatures if m in NOTIFYING_MEANINGS)
        return (
            not problems,
            f"{notifying} notifying transitions, {len(notifications)} notifications",
            problems,
        )

    def signature_timeline(self, problems: list[str]) -> list[str]:
        ids = sorted({int(m) for p in problems for m in re.findall(r"request #(\d+)", p)})
        began = self.faults[0].t0 if self.faults else 0.0
        rows = self.topology.query(
            "SELECT request_id, meaning, extract(epoch FROM signed_at) FROM compliance_signature "
            "WHERE request_id = ANY(%s) ORDER BY signed_at",
            [ids[:20]],
        )
        faults = ", ".join(f"{f.name} at +{f.t0 - began:.1f} s" for f in self.faults)
        return [f"faults: {faults}"] + [
            f"request #{r[0]} {r[1]} at +{float(r[2]) - began:.2f} s" for r in rows
        ]

    def check_no_internal_errors(self) -> tuple[bool, str, list[str]]:
        """A fault is answered 502, 503 or 504 (retryable); a 500 is an error that leaked."""
        errors: Counter[str] = Counter()
        https = [*(c.http for c in self.clients), *(s.http for s in self.subscribers)]
        for http in [*https, *([self.probe_http] if self.probe_http else [])]:
            errors.update(http.errors)
        retryable = {k: v for k, v in sorted(errors.items()) if k in ("502", "503", "504")}
        internal = errors.get("500", 0)
        return internal == 0, f"{internal} answers 500; retryable answers {retryable}", []

    def check_recovery(self) -> tuple[bool, str, list[str]]:
        problems = []
        for f in self.faults:
            for what, value in (
                ("API", f.api_s),
                ("events", f.events_s),
                ("worker", f.worker_s),
            ):
                if value is None:
                    problems.append(f"{f.name}: {what} not recovered")
            if f.sockets_dropped and f.sockets_s is None:
                problems.append(f"{f.name}: sockets not re-subscribed")
        missing = set(self.args.faults) - {f.name for f in self.faults}
        problems += [f"{name}: not injected" for name in sorted(missing)]
        problems += [f"died: {p}" for p in self.topology.unexpected_exits()]
        return not problems, f"{len(self.faults)} faults", problems


EVENT_MAX = "SELECT coalesce(max(id), 0) FROM realtime_event"

# (label, query returning the offending rows): each must return nothing.
INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "more than one open request per crate",
        "SELECT crate_id, count(*) FROM workflow_request "
        "WHERE status IN ('SUBMITTED', 'APPROVED', 'ISSUED', 'SENT_BACK') "
        "GROUP BY crate_id HAVING count(*) > 1",
    ),
    (
        "crate ISSUED without exactly one issued withdrawal (or the reverse)",
        "SELECT c.id, c.code, c.status, count(r.id) FROM records_crate c "
        "LEFT JOIN workflow_request r ON r.crate_id = c.id AND r.status = 'ISSUED' "
        "GROUP BY c.id HAVING (c.status = 'ISSUED') <> (count(r.id) = 1)",
    ),
    (
        "issued request of another type than WITHDRAWAL",
        "SELECT id, number, type FROM workflow_request WHERE status = 'ISSUED' "
        "AND type <> 'WITHDRAWAL'",
    ),
    (
        "crate IN_STORAGE not on an active shelf of its unit, or elsewhere with a location",
        "SELECT c.id, c.code, c.status, c.location_id FROM records_crate c "
        "LEFT JOIN storage_location l ON l.id = c.location_id "
        "WHERE (c.status = 'IN_STORAGE' AND (l.id IS NULL OR l.kind <> 'SHELF' "
        "OR NOT l.is_active OR l.unit_id <> c.unit_id)) "
        "OR (c.status <> 'IN_STORAGE' AND c.location_id IS NOT NULL)",
    ),
    (
        "shelf over capacity",
        "SELECT l.id, l.full_code, l.capacity, count(c.id) FROM storage_location l "
        "JOIN records_crate c ON c.location_id = l.id AND c.status = 'IN_STORAGE' "
        "GROUP BY l.id HAVING count(c.id) > l.capacity",
    ),
    (
        "crate stored or moved on without exactly one completed storage request",
        "SELECT c.id, c.code, c.status FROM records_crate c WHERE (c.status <> 'PENDING') <> "
        "((SELECT count(*) FROM workflow_request r WHERE r.crate_id = c.id "
        "AND r.type = 'STORAGE' AND r.status = 'COMPLETED') = 1)",
    ),
    (
        "pending crate with a request other than storage",
        "SELECT c.id, c.code FROM records_crate c WHERE c.status = 'PENDING' AND EXISTS "
        "(SELECT 1 FROM workflow_request r WHERE r.crate_id = c.id AND r.type <> 'STORAGE')",
    ),
    (
        "crate DESTROYED without a completed destruction (or the reverse)",
        "SELECT c.id, c.code, c.status FROM records_crate c WHERE (c.status = 'DESTROYED') <> "
        "EXISTS (SELECT 1 FROM workflow_request r WHERE r.crate_id = c.id "
        "AND r.type = 'DESTRUCTION' AND r.status = 'COMPLETED')",
    ),
    (
        "open request whose crate is not in the state it needs",
        "SELECT r.id, r.number, r.type, r.status, c.status FROM workflow_request r "
        "JOIN records_crate c ON c.id = r.crate_id "
        "WHERE r.status IN ('SUBMITTED', 'APPROVED', 'SENT_BACK') AND c.status <> "
        "CASE WHEN r.type = 'STORAGE' THEN 'PENDING' ELSE 'IN_STORAGE' END",
    ),
    (
        "request timestamps missing or out of order for its status",
        "SELECT id, number, type, status FROM workflow_request WHERE "
        "(status = 'COMPLETED') <> (completed_at IS NOT NULL) "
        "OR (status IN ('APPROVED', 'ISSUED', 'COMPLETED', 'REJECTED') AND decided_at IS NULL) "
        "OR decided_at < submitted_at OR completed_at < decided_at "
        "OR (status = 'ISSUED' AND (issued_at IS NULL OR returned_at IS NOT NULL)) "
        "OR (type = 'WITHDRAWAL' AND status = 'COMPLETED' "
        "AND (issued_at IS NULL OR returned_at IS NULL OR returned_at < issued_at)) "
        "OR (status IN ('SUBMITTED', 'APPROVED', 'SENT_BACK', 'REJECTED', 'CANCELLED') "
        "AND (issued_at IS NOT NULL OR completed_at IS NOT NULL)) "
        "OR issued_at < submitted_at OR updated_at < created_at "
        "OR (type IN ('STORAGE', 'TRANSFER') AND status = 'COMPLETED' "
        "AND target_location_id IS NULL) "
        "OR (type = 'DESTRUCTION' AND status = 'COMPLETED' AND witness_id IS NULL)",
    ),
    (
        "send-backs open other than exactly one while SENT_BACK",
        "SELECT r.id, r.number, r.status, count(s.id) FROM workflow_request r "
        "LEFT JOIN workflow_sendback s ON s.request_id = r.id AND s.resolved_at IS NULL "
        "GROUP BY r.id HAVING (r.status = 'SENT_BACK' AND count(s.id) <> 1) "
        "OR (r.status NOT IN ('SENT_BACK', 'CANCELLED') AND count(s.id) <> 0) "
        "OR count(s.id) > 1",
    ),
    (
        "request version differs from its signatures (+ edits)",
        "SELECT r.id, r.number, r.version, "
        "(SELECT count(*) FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED') AS signed, "
        "(SELECT count(*) FROM compliance_auditevent a WHERE a.object_type = 'request' "
        "AND a.object_id = r.id::text AND a.action = 'request.update') AS edits "
        "FROM workflow_request r WHERE r.version <> "
        "(SELECT count(*) FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED') + "
        "(SELECT count(*) FROM compliance_auditevent a WHERE a.object_type = 'request' "
        "AND a.object_id = r.id::text AND a.action = 'request.update')",
    ),
    (
        "latest signature does not mean the request's status",
        "SELECT r.id, r.number, r.status, s.meaning FROM workflow_request r "  # noqa: S608 (constants)
        "JOIN LATERAL (SELECT meaning FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED' ORDER BY s.id DESC LIMIT 1) s ON true WHERE NOT ("
        + " OR ".join(
            f"(r.status = '{status}' AND s.meaning IN ({', '.join(repr(m) for m in sorted(ms))}))"
            for status, ms in STATUS_MEANINGS.items()
        )
        + ")",
    ),
    (
        "latest outbox event of a request differs from the request",
        "SELECT r.id, r.number, r.status, r.version, e.version, e.data->>'status' "
        "FROM workflow_request r LEFT JOIN LATERAL (SELECT version, data FROM realtime_event e "
        "WHERE e.topic = 'request' AND e.object_id = r.id::text ORDER BY e.id DESC LIMIT 1) e "
        "ON true WHERE e.version IS DISTINCT FROM r.version "
        "OR e.data->>'status' IS DISTINCT FROM r.status",
    ),
    (
        "latest outbox event of a crate differs from the crate",
        "SELECT c.id, c.code, c.status, c.version, e.version, e.data->>'status' "
        "FROM records_crate c LEFT JOIN LATERAL (SELECT version, data FROM realtime_event e "
        "WHERE e.topic = 'crate' AND e.object_id = c.id::text ORDER BY e.id DESC LIMIT 1) e "
        "ON true WHERE e.version IS DISTINCT FROM c.version "
        "OR e.data->>'status' IS DISTINCT FROM c.status "
        "OR (e.data->>'location_id')::bigint IS DISTINCT FROM c.location_id",
    ),
)


# --------------------------------------------------------------------------------------------------
# Reporting and the command line
# --------------------------------------------------------------------------------------------------


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def run_text(r: dict[str, Any]) -> str:
    lines = [
        f"Run {r['run']} (seed {r['seed']}): {'PASS' if r.get('passed') else 'FAIL'} "
        f"in {r.get('wall_s')} s" + (f" — {r['error']}" if r.get("error") else ""),
    ]
    topo = r.get("topology")
    if topo:
        lines.append(
            f"  topology: {topo['http']} → Daphne {topo['daphne_ports']}, Celery worker + Beat; "
            f"PostgreSQL {topo['postgres']}; Redis {topo['redis']}"
        )
    w = r.get("workload")
    if w and r.get("workload_s") is not None:
        lines.append(
            f"  workload: {w['clients']} clients for {r.get('workload_s')} s — "
            f"{w['acknowledged']} acknowledged changes ({w['by_action']}), retried errors "
            f"{w['errors'] or 'none'}, refusals {w['refusals'] or 'none'}; "
            f"{w['subscribers']} sockets; setup {r.get('setup_s')} s, drain worker "
            f"{r.get('drain_worker_s')} s + sockets {r.get('drain_sockets_s')} s"
        )
    faults = r.get("faults") or []
    if faults:
        lines.append(
            "  recovery, seconds from the fault | down | back | first API answer (failed calls) "
            "| sockets re-subscribed (dropped) | every event held | worker processing"
        )
        for f in faults:
            lines.append(
                f"    {f['fault']:<9} {f['target']:<40} | {_f(f['down_s'])} | {_f(f['back_s'])} "
                f"| {_f(f['api_s'])} ({f['api_failures']}) | {_f(f['sockets_s'])} "
                f"({f['sockets_dropped']}) | {_f(f['events_s'])} | {_f(f['worker_s'])}"
                + (f"  {'; '.join(f['notes'][:3])}" if f["notes"] else "")
            )
        lines.append(
            f"  PRODUCT.md §7 targets: Redis restart, every event held within "
            f"{TARGETS['redis_events_s']:g} s: {r.get('targets', {}).get('redis_events')}; "
            f"PostgreSQL restart, API within {TARGETS['postgres_api_s']:g} s: "
            f"{r.get('targets', {}).get('postgres_api')}"
        )
    for c in r.get("checks", []):
        lines.append(f"  {'PASS' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}")
        for problem in c["problems"][:8]:
            lines.append(f"       - {problem}")
    return "\n".join(lines)


def targets_met(faults: list[dict[str, Any]]) -> dict[str, str]:
    out = {}
    for key, fault, figure in (
        ("redis_events", "redis", "events_s"),
        ("postgres_api", "postgres", "api_s"),
    ):
        found = next((f for f in faults if f["fault"] == fault), None)
        limit = TARGETS[f"{fault}_{figure.removesuffix('_s')}_s"]
        if found is None or found[figure] is None:
            out[key] = "not measured"
        else:
            value = found[figure]
            # From the fault, and from the service being back (the restart's own duration is
            # not the application's).
            back = found["back_s"] or 0.0
            out[key] = (
                f"{value:.2f} s from the fault, {max(0.0, value - back):.2f} s after the "
                f"service was back: {'met' if value - back <= limit else 'NOT met'}"
            )
    return out


def one_run(args: argparse.Namespace, index: int) -> dict[str, Any]:
    run = ChaosRun(args, index)
    log(f"run {index + 1}/{args.runs}, seed {run.seed}")
    began = time.monotonic()
    try:
        run.setup()
        try:
            asyncio.run(run.scenario())
        except asyncio.CancelledError:
            if run.interrupted is None:
                raise
        finally:  # the event loop took the signals over, and gave them back to the default
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
        if run.interrupted is not None:
            raise Stop(run.interrupted)
        run.results["checks"] = run.checks()
        run.results["passed"] = all(c["ok"] for c in run.results["checks"])
    except Stop as exc:
        run.results["error"] = f"interrupted by {exc}"
        run.results["interrupted"] = True
        run.results["passed"] = False
    except Exception as exc:  # ChaosError, TopologyError, OSError, or a bug: report, clean up
        log(f"run {index + 1} stopped: {type(exc).__name__}: {exc}")
        run.results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        run.results["passed"] = False
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            collect(run)
            if args.logs and not run.results.get("passed"):
                target = Path(args.logs) / f"run-{index + 1}"
                run.topology.keep_logs(target)
                run.results["logs"] = str(target)
        finally:
            run.topology.cleanup()
            run.results["wall_s"] = round(time.monotonic() - began, 1)
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
    return run.results


def collect(run: ChaosRun) -> None:
    errors: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    for c in run.clients:
        errors.update(c.http.errors)
        refusals.update(c.conflicts)
    by_action = Counter(a.action for a in run.acks)
    run.results["workload"] = {
        "clients": len(run.clients),
        "subscribers": len(run.subscribers),
        "acknowledged": len(run.acks),
        "by_action": ", ".join(f"{k} {v}" for k, v in sorted(by_action.items())),
        "errors": dict(errors),
        "refusals": dict(refusals),
        "abandoned": sum(c.abandoned for c in run.clients),
        "logins": run.sessions.logins,
        "refreshes": run.sessions.refreshes,
        "api_calls": len(run.timeline.calls),
    }
    run.results["faults"] = [f.summary() for f in run.faults]
    began = run.faults[0].t0 if run.faults else 0.0
    run.results["acks"] = [
        f"+{a.at - began:.2f} {a.client} #{a.request_id} {a.action} -> {a.status} v{a.version}"
        for a in run.acks
    ]
    run.results["targets"] = targets_met(run.results["faults"])
    run.results["commands"] = run.topology.commands
    for name in ("daphne-1", "daphne-2", "worker", "beat"):
        text = run.topology.logfile(name)
        if text:
            run.results.setdefault("log_errors", {})[name] = text.count("Traceback")


def _stop(signum: int, _frame: Any) -> None:
    raise Stop(signal.Signals(signum).name)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--duration", type=float, default=100.0,
                   help="seconds of workload, faults included (default 100)")  # fmt: skip
    p.add_argument("--clients", type=int, default=4, help="HTTP clients (default 4)")
    p.add_argument("--subscribers", type=int, default=6, help="WebSockets (default 6)")
    p.add_argument("--seed", type=int, default=1, help="run i uses seed + i (default 1)")
    p.add_argument("--runs", type=int, default=1, help="whole scenarios, each on a fresh topology")
    p.add_argument("--faults", default=",".join(FAULTS),
                   help=f"comma-separated, in order (default {','.join(FAULTS)})")  # fmt: skip
    p.add_argument("--outage", type=float, default=1.0,
                   help="seconds a stopped service or killed process stays down")  # fmt: skip
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds between one fault's recovery and the next fault")  # fmt: skip
    p.add_argument("--recovery-timeout", type=float, default=60.0,
                   help="a fault not recovered within this many seconds fails the run")  # fmt: skip
    p.add_argument("--visibility", type=int, default=20,
                   help="Celery visibility timeout for the run, seconds (default 20)")  # fmt: skip
    p.add_argument("--resend", type=int, default=30,
                   help="STRONGROOM_TASK_RESEND_SECONDS for the run (default 30)")  # fmt: skip
    p.add_argument("--no-nginx", action="store_true", help="HTTP straight to the Daphnes")
    p.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    p.add_argument("--logs", metavar="DIR", help="keep the process logs of failed runs here")
    args = p.parse_args(argv)
    args.faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        p.error(f"unknown fault(s): {', '.join(sorted(unknown))}")
    if not (1 <= args.clients <= 32 and 1 <= args.subscribers <= 64 and 1 <= args.runs <= 20):
        p.error("--clients 1..32, --subscribers 1..64, --runs 1..20")
    if not 20 <= args.duration <= 1800:
        p.error("--duration 20..1800 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    report: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("json", "logs")},
        "fresh_topology_per_run": True,
        "runs": [],
    }
    code = 0
    try:
        for index in range(args.runs):
            results = one_run(args, index)
            report["runs"].append(results)
            sys.stdout.write(run_text(results) + "\n\n")
            sys.stdout.flush()
            if results.get("interrupted"):
                code = 2
                break
            if results.get("error"):
                code = max(code, 2)
            elif not results.get("passed"):
                code = max(code, 1)
    except Stop as exc:
        log(f"stopped by {exc}")
        code = 2
    report["finished_at"] = dt.datetime.now(dt.UTC).isoformat()
    passed = sum(1 for r in report["runs"] if r.get("passed"))
    report["passed"] = code == 0 and passed == args.runs
    sys.stdout.write(
        f"{passed} of {args.runs} run(s) passed{'' if report['passed'] else ' — FAILED'}\n"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
