#!/usr/bin/env python3
"""Benchmark signed actions through the production topology, on loopback (issue #22 item 3).

    backend/.venv/bin/python scripts/bench_sign.py                        # 8 approvers, ~4 minutes
    backend/.venv/bin/python scripts/bench_sign.py --users 4 --duration 20 --rate 20
    STRONGROOM_BENCH_PASSWORD=… backend/.venv/bin/python scripts/bench_sign.py \\
        --base-url https://127.0.0.1:8443 --approvers goa1-approver,mum1-approver

Every signature re-checks the signer's password (21 CFR 11.200(a)), so a signed action costs at
least one password hash: this measures what that leaves of the deployment's capacity.

What it builds (unless --base-url; everything on 127.0.0.1, free ports, a temporary directory),
the way scripts/bench_api.py does (scripts/lib/topology.py):
  PostgreSQL 15 + Redis   its own, from scripts/services.sh
  data                    manage.py migrate; initial_setup --demo; seed_volume (a pool of
                          SUBMITTED requests in GOA1 and MUM1, enough for the run: --pool)
  2 Daphne processes      config.settings.production (Argon2id first in PASSWORD_HASHERS)
  nginx                   the repository's configuration, in front of the Daphne processes

The signers: the demo's four approvers (goa1-approver, goa1-approver2, mum1-approver,
mum1-approver2), and for --users above four, approvers added through the people API as the demo's
`sysadmin` (each signs in with its one-time password and sets the benchmark's). Each signs in once
before anything is measured: the demo's development PBKDF2 hashes are rewritten as Argon2id then,
and the script checks in the database that every signer's hash is Argon2id at OWASP's parameters
(m=19456, t=2, p=1) before it measures — the figures are those of the production hasher.

What it measures: users approving requests of their unit, each approval signed with the user ID
and password (POST /api/v1/requests/{id}/approve/), each request approved once:
  1. warm-up, --warmup seconds, not counted
  2. open loop at --rate signatures per second spread over the users, --duration seconds:
     p50/p95/p99 latency from each signature's scheduled time     target p95 <= 150 ms
  3. closed loop: the N users each approving as soon as their last approval answered,
     --duration seconds (or until the pool runs out): signatures per second   target >= 20
For each phase: the load generator's CPU (this process, user + system, over the phase's wall
time, as a share of one core), the Daphne processes' CPU per signature, the whole machine's busy
share (/proc/stat: other work on a shared machine shows there) and the load average. Issue #22
item 1's rule: a phase in which the load generator used more than --client-cpu-max of a core was
measured on the client, not the server — its figures are withheld (null, with the reason).

The summary (JSON and Markdown) goes to --out (default a new temporary directory) and the Markdown
to stdout. Everything it started is stopped and removed (but --out) at the end, on an error, on
Ctrl-C / SIGTERM, and after --max-runtime seconds. The per-user throttle is raised for the Daphne
processes (STRONGROOM_THROTTLE_USER; it still runs, so its cost is measured). Only loopback
targets are accepted. Exit status: 0 the run completed with every phase reported (targets met or
not), 1 error, 3 a phase's figures were withheld (client-bound, or nothing signed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))
import load_test  # noqa: E402  (its loopback guard)
from lib import api  # noqa: E402
from lib.stats import latency_ms  # noqa: E402
from lib.topology import Topology, TopologyError, machine, make_logger  # noqa: E402

TARGETS = {"p95_ms_max": 150.0, "signatures_per_second_min": 20.0}
PASSWORD_ENV = "STRONGROOM_BENCH_PASSWORD"  # noqa: S105 (a variable name)
DEMO_APPROVERS = ["goa1-approver", "goa1-approver2", "mum1-approver", "mum1-approver2"]
ADMIN = "sysadmin"
# The production hasher's parameters (strongroom/accounts/hashers.py): what every signer's hash
# must show before anything is measured.
ARGON2_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
# Share of SUBMITTED requests among the requests seed_volume writes (about 18 %: devdata/volume.py
# _story), with a margin.
SUBMITTED_SHARE = 0.15
EXIT_CLIENT_BOUND = 3

log = make_logger("bench-sign")


class BenchError(Exception):
    pass


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


# ---------------------------------------------------------------------------- CPU accounting


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (all its threads); 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot (/proc/stat); (0, 0) where unreadable."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return 0, 0
    values = [int(v) for v in first[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is counted in user already
    return total - idle, total


@dataclass
class CpuWindow:
    """CPU used during one phase: this process, the server processes, the whole machine."""

    server_pids: list[int]
    wall: float = 0.0
    client: float = 0.0
    server: float = 0.0
    machine_busy: float | None = None
    _began: float = 0.0
    _client: float = 0.0
    _server: float = 0.0
    _ticks: tuple[int, int] = (0, 0)

    def start(self) -> None:
        self._began = time.perf_counter()
        self._client = time.process_time()
        self._server = sum(process_cpu_seconds(pid) for pid in self.server_pids)
        self._ticks = machine_cpu_ticks()

    def stop(self) -> None:
        self.wall = time.perf_counter() - self._began
        self.client = time.process_time() - self._client
        self.server = sum(process_cpu_seconds(pid) for pid in self.server_pids) - self._server
        busy, total = machine_cpu_ticks()
        if total > self._ticks[1]:
            self.machine_busy = (busy - self._ticks[0]) / (total - self._ticks[1])


def verdict(*, client_cpu_core: float | None, client_cpu_max: float, signatures: int) -> str | None:
    """Why a phase's figures must not be reported (None: they may be): the load generator was
    CPU-bound (then the latency and the rate are the client's, not the server's), or nothing
    was signed."""
    if signatures == 0:
        return "no signature succeeded"
    if client_cpu_core is None:
        return "the load generator's CPU was not measured"
    if client_cpu_core > client_cpu_max:
        return (
            f"client-bound: the load generator used {client_cpu_core:.0%} of a core "
            f"(limit {client_cpu_max:.0%}); measure with more cores or fewer users"
        )
    return None


# ---------------------------------------------------------------------------- the signers


@dataclass
class Signer:
    username: str
    client: httpx.AsyncClient
    token: str = ""
    user_id: int = 0
    units: tuple[int, ...] = ()
    queue: deque[tuple[int, int]] = field(default_factory=deque)  # (request id, version)


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    not_sent: int = 0
    pool_ran_out: bool = False


def new_client(base_url: str, *, verify: bool) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        verify=verify,
        trust_env=False,
        timeout=httpx.Timeout(30.0, connect=5.0),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
    )


async def sign_in(signer: Signer, password: str) -> None:
    try:
        tokens = await api.login_async(signer.client, signer.username, password)
    except api.ApiError as exc:
        raise BenchError(str(exc)) from exc
    signer.token = tokens.access
    user = tokens.body.get("user") or {}
    signer.user_id = int(user.get("id") or 0)
    signer.units = tuple(sorted(int(u["id"]) for u in user.get("units") or []))
    if user.get("must_change_password"):
        raise BenchError(f"{signer.username} must change their password first")


async def submitted_requests(signer: Signer) -> list[dict[str, Any]]:
    """Every SUBMITTED request the signer may approve now (its ``available_actions``)."""
    found: list[dict[str, Any]] = []
    url = "/api/v1/requests/?status=SUBMITTED&page_size=200"
    while url:
        response = await signer.client.get(url, headers=api.bearer(signer.token))
        if response.status_code != 200:
            raise BenchError(f"listing requests as {signer.username}: HTTP {response.status_code}")
        body = response.json()
        for row in body.get("results", []):
            if any(a.get("name") == "approve" for a in row.get("available_actions", [])):
                found.append(row)
        following = body.get("next")
        url = ""
        if following:
            parts = urlsplit(following)
            url = f"{parts.path}?{parts.query}"
    return found


async def assign_pool(signers: list[Signer]) -> int:
    """Share the SUBMITTED requests among the signers who may approve them, each request to
    one signer, evenly; listed once per set of units."""
    by_units: dict[tuple[int, ...], list[Signer]] = {}
    for signer in signers:
        by_units.setdefault(signer.units, []).append(signer)
    taken: set[int] = set()
    for group in by_units.values():
        rows = await submitted_requests(group[0])
        k = 0
        for row in sorted(rows, key=lambda r: int(r["id"])):
            request_id = int(row["id"])
            if request_id in taken:
                continue
            signer = group[k % len(group)]
            if int(row.get("requester") or 0) == signer.user_id:
                continue
            signer.queue.append((request_id, int(row["version"])))
            taken.add(request_id)
            k += 1
    return len(taken)


async def sign_one(signer: Signer, password: str, phase: Phase, since: float) -> bool:
    """One approval; False when the signer has no request left."""
    if not signer.queue:
        phase.pool_ran_out = True
        return False
    request_id, version = signer.queue.popleft()
    body = api.signed_body(signer.username, password, version=version)
    try:
        response = await signer.client.post(
            f"/api/v1/requests/{request_id}/approve/", json=body, headers=api.bearer(signer.token)
        )
    except httpx.HTTPError as exc:
        phase.errors[type(exc).__name__] += 1
        return True
    if response.status_code == 200:
        phase.latencies.append(time.perf_counter() - since)
    else:
        phase.errors[f"{response.status_code} {api.error_code(response)}".strip()] += 1
    return True


async def closed_loop(signers: list[Signer], password: str, phase: Phase, duration: float) -> None:
    deadline = time.perf_counter() + duration

    async def user_loop(signer: Signer) -> None:
        while time.perf_counter() < deadline:
            if not await sign_one(signer, password, phase, time.perf_counter()):
                return

    await asyncio.gather(*(user_loop(s) for s in signers))


async def open_loop(
    signers: list[Signer], password: str, phase: Phase, duration: float, rate: float
) -> None:
    """Signatures at ``rate`` per second, round-robin over the signers, each timed from its
    scheduled moment (a late answer delays no later signature)."""
    began = time.perf_counter()
    count = max(1, int(duration * rate))
    tasks: set[asyncio.Task[bool]] = set()
    for n in range(count):
        scheduled = began + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= 500:
            phase.not_sent += 1
            continue
        task = asyncio.create_task(sign_one(signers[n % len(signers)], password, phase, scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)


def phase_summary(
    phase: Phase, cpu: CpuWindow, *, client_cpu_max: float, load_before: tuple[float, ...]
) -> dict[str, Any]:
    ok = len(phase.latencies)
    client_core = cpu.client / cpu.wall if cpu.wall > 0 else None
    withheld = verdict(client_cpu_core=client_core, client_cpu_max=client_cpu_max, signatures=ok)
    figures = {
        "signatures_per_second": round(ok / cpu.wall, 2) if cpu.wall > 0 else None,
        "latency_ms": latency_ms(phase.latencies),
    }
    return {
        "signatures": ok,
        "errors": sum(phase.errors.values()),
        "error_kinds": dict(phase.errors.most_common()),
        "not_sent": phase.not_sent,
        "pool_ran_out": phase.pool_ran_out,
        "seconds": round(cpu.wall, 2),
        "withheld": withheld,
        **(figures if withheld is None else {"signatures_per_second": None, "latency_ms": None}),
        "measured_anyway": figures if withheld is not None else None,
        "client_cpu_share_of_a_core": None if client_core is None else round(client_core, 3),
        "client_cpu_ms_per_signature": round(1000 * cpu.client / ok, 2) if ok else None,
        "server_cpu_ms_per_signature": (
            round(1000 * cpu.server / ok, 1) if ok and cpu.server_pids else None
        ),
        "machine_cpu_busy": None if cpu.machine_busy is None else round(cpu.machine_busy, 3),
        "load_average_before": [round(x, 2) for x in load_before],
    }


async def measure(
    args: argparse.Namespace,
    *,
    base_url: str,
    password: str,
    usernames: list[str],
    server_pids: list[int],
    verify: bool,
) -> dict[str, Any]:
    signers = [Signer(name, new_client(base_url, verify=verify)) for name in usernames]
    try:
        log(f"signing in {len(signers)} users")
        for signer in signers:
            await sign_in(signer, password)
        pool = await assign_pool(signers)
        log(f"{pool} SUBMITTED requests shared among the signers")
        if pool == 0:
            raise BenchError("no SUBMITTED request that these users may approve")
        results: dict[str, Any] = {"pool": pool, "phases": {}}
        if args.warmup > 0:
            warm = Phase("warmup")
            await closed_loop(signers, password, warm, args.warmup)
            results["warmup"] = {"signatures": len(warm.latencies), "errors": dict(warm.errors)}
            log(f"warm-up: {len(warm.latencies)} signatures, errors {dict(warm.errors)}")
        phases: list[tuple[str, Any]] = []
        if args.rate > 0:
            phases.append((f"open loop at {args.rate:g}/s", "open"))
        phases.append((f"closed loop, {len(signers)} users", "closed"))
        for label, kind in phases:
            phase = Phase(label)
            cpu = CpuWindow(server_pids)
            load_before = os.getloadavg()
            cpu.start()
            if kind == "open":
                await open_loop(signers, password, phase, args.duration, args.rate)
            else:
                await closed_loop(signers, password, phase, args.duration)
            cpu.stop()
            summary = phase_summary(
                phase, cpu, client_cpu_max=args.client_cpu_max, load_before=load_before
            )
            results["phases"][kind] = {"label": label, **summary}
            log(
                f"{label}: {summary['signatures']} signatures in {summary['seconds']} s, "
                f"errors {summary['error_kinds']}, client CPU "
                f"{summary['client_cpu_share_of_a_core']} of a core"
                + (f" — withheld: {summary['withheld']}" if summary["withheld"] else "")
            )
        results["remaining_pool"] = sum(len(s.queue) for s in signers)
        return results
    finally:
        for signer in signers:
            await signer.client.aclose()


# ---------------------------------------------------------------------------- the deployment


class SignBench(Topology):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(log=log)
        self.args = args
        self.password = "Bench-" + secrets.token_urlsafe(18)

    def prepare(self) -> None:
        env = self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")})
        self.demo_data_up(env)
        crates = max(200, math.ceil(self.args.pool / SUBMITTED_SHARE))
        cmd = [sys.executable, "manage.py", "seed_volume", "--documents", str(crates),
               "--crates", str(crates), "--requests", str(crates), "--vacuum"]  # fmt: skip
        began = time.perf_counter()
        self.run(cmd, env=env, timeout=1800, name="seed_volume")
        log(f"seeded {crates:,} crates and requests in {time.perf_counter() - began:.0f} s")

    def deployment_up(self) -> None:
        unlimited = "1000000/minute"
        ports = self.daphnes_up(
            self.args.daphnes,
            {
                "STRONGROOM_THROTTLE_USER": unlimited,
                "STRONGROOM_THROTTLE_LOGIN": unlimited,
                "STRONGROOM_THROTTLE_LOGIN_USERNAME": unlimited,
                # The benchmark signs in as its System Administrator with a password alone (it
                # measures signatures, not two-factor sign-in).
                "STRONGROOM_2FA_REQUIRED_ROLES": "",
            },
        )
        self.nginx_up(ports)
        self.wait_ready()

    def daphne_pids(self) -> list[int]:
        return [p.pid for n, p in self.procs if n.startswith("daphne-")]

    def signers_ensure(self, count: int) -> list[str]:
        """The demo approvers, and approvers added through the people API up to ``count``."""
        names = DEMO_APPROVERS[:count]
        extra = count - len(names)
        if extra <= 0:
            return names
        with httpx.Client(base_url=self.base, verify=False, trust_env=False, timeout=60) as http:  # noqa: S501
            admin = api.bearer(api.login(http, ADMIN, self.password).access)
            listed = http.get("/api/v1/units/", headers=admin).json()
            rows = listed["results"] if isinstance(listed, dict) else listed
            unit_ids = [u["id"] for u in rows if u["code"] in ("GOA1", "MUM1")]
            if not unit_ids:
                raise BenchError("the demo units GOA1 and MUM1 are missing")
            for n in range(extra):
                username = f"bench-approver-{n + 1}"
                created = http.post(
                    "/api/v1/users/",
                    json={"username": username, "full_name": f"Bench Approver {n + 1}",
                          "role": "Approver", "units": [unit_ids[n % len(unit_ids)]]},
                    headers=admin,
                )  # fmt: skip
                if created.status_code != 201:
                    raise BenchError(f"creating {username}: HTTP {created.status_code}")
                one_time = created.json()["one_time_password"]
                access = api.login(http, username, one_time).access
                changed = http.post(
                    "/api/v1/auth/change-password/",
                    json={"current_password": one_time, "new_password": self.password},
                    headers=api.bearer(access),
                )
                if changed.status_code != 200:
                    raise BenchError(f"{username}: password change HTTP {changed.status_code}")
                names.append(username)
        log(f"added {extra} approvers through the people API")
        return names

    def hash_check(self, usernames: list[str]) -> dict[str, int]:
        """How the signers' passwords are stored now (the parameters part of the hash only)."""
        import psycopg

        kinds: Counter[str] = Counter()
        with psycopg.connect(self.owner_database_url) as conn:
            rows = conn.execute(
                "SELECT password FROM accounts_user WHERE username = ANY(%s)", [usernames]
            ).fetchall()
        for (encoded,) in rows:
            parts = str(encoded).split("$")
            kinds["$".join(parts[:4]) if parts[0] == "argon2" else parts[0]] += 1
        return dict(kinds)


async def _sign_in_all(base: str, usernames: list[str], password: str) -> None:
    """One sign-in each: Django rewrites an older hash with the first hasher then."""
    for name in usernames:
        signer = Signer(name, new_client(base, verify=False))
        try:
            await sign_in(signer, password)
        finally:
            await signer.client.aclose()


# ---------------------------------------------------------------------------- report


def _f(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(r: dict[str, Any]) -> str:
    m, s = r["machine"], r["settings"]
    lines = [
        "# Strongroom signed-action benchmark (scripts/bench_sign.py)",
        "",
        f"Run {r['started_at']} → {r.get('finished_at', '?')}.",
        "",
        f"**Machine:** {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM; Python "
        f"{m['python']}; load average before the run {r.get('load_average_at_start')}. The load "
        "generator, nginx, Daphne, PostgreSQL and Redis share the same cores.",
        "",
        f"**Setup:** {r.get('topology', 'an existing deployment')}; {s['users']} users approving "
        f"requests with a signature (user ID and password); open loop {s['rate']:g}/s and closed "
        f"loop, {s['duration']:g} s each after {s['warmup']:g} s of warm-up; pool "
        f"{r.get('pool', '?')} SUBMITTED requests. Signers' password hashes before measuring: "
        f"{r.get('hashes', 'not checked')}.",
        "",
    ]
    phases = r.get("phases") or {}
    if phases:
        lines += [
            "| phase | signatures | signatures/s (target ≥ 20) | p50 / p95 / p99 ms (target "
            "p95 ≤ 150) | errors | client CPU (share of a core) | Daphne CPU ms / signature | "
            "machine busy | load avg before |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for p in phases.values():
            lat = p.get("latency_ms") or {}
            shown = (
                f"{_f(lat.get('p50'))} / {_f(lat.get('p95'))} / {_f(lat.get('p99'))}"
                if lat
                else "withheld"
            )
            rate = _f(p.get("signatures_per_second")) if not p.get("withheld") else "withheld"
            busy = p.get("machine_cpu_busy")
            lines.append(
                f"| {p['label']} | {p['signatures']} | {rate} | {shown} | {p['errors']} | "
                f"{_f(p.get('client_cpu_share_of_a_core'), 2)} | "
                f"{_f(p.get('server_cpu_ms_per_signature'))} | "
                f"{'-' if busy is None else f'{busy:.0%}'} | {p.get('load_average_before')} |"
            )
        for p in phases.values():
            if p.get("withheld"):
                lines += ["", f"**{p['label']}: figures withheld** — {p['withheld']}."]
            if p.get("pool_ran_out"):
                lines += [
                    "",
                    f"{p['label']}: a signer's share of the SUBMITTED requests ran "
                    "out before the phase's end (--pool).",
                ]
        lines.append("")
    verdicts = r.get("targets_met")
    if verdicts:
        lines += [f"Targets: {verdicts}", ""]
    if r.get("error"):
        lines += [f"**The run stopped with an error:** {r['error']}", ""]
    if r.get("commands"):
        lines += ["## Commands", "", "```", *r["commands"], "```", ""]
    return "\n".join(lines)


def targets_met(phases: dict[str, Any]) -> dict[str, bool | None]:
    open_p95 = ((phases.get("open") or {}).get("latency_ms") or {}).get("p95")
    closed_rate = (phases.get("closed") or {}).get("signatures_per_second")
    return {
        "p95_ms_max": None if open_p95 is None else open_p95 <= TARGETS["p95_ms_max"],
        "signatures_per_second_min": (
            None if closed_rate is None else closed_rate >= TARGETS["signatures_per_second_min"]
        ),
    }


# ---------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--users", type=int, default=8, help="signers in parallel (default 8)")
    p.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    p.add_argument("--warmup", type=float, default=8.0, help="seconds of warm-up (0: none)")
    p.add_argument("--rate", type=float, default=20.0,
                   help="open-loop signatures per second (0: no open loop)")  # fmt: skip
    p.add_argument("--pool", type=int, help="SUBMITTED requests to seed (default: enough for "
                   "the run at up to 60 signatures per second)")  # fmt: skip
    p.add_argument("--daphnes", type=int, default=2)
    p.add_argument("--client-cpu-max", type=float, default=0.5,
                   help="withhold a phase's figures when the load generator used more than this "
                   "share of one core (default 0.5)")  # fmt: skip
    p.add_argument("--out", help="directory for the reports (default: a new temporary directory)")
    p.add_argument("--max-runtime", type=float, default=1800.0,
                   help="stop everything after this many seconds (default 1800)")  # fmt: skip
    p.add_argument("--base-url", help="measure an existing loopback deployment instead of "
                   f"building one (the users' password in {PASSWORD_ENV})")  # fmt: skip
    p.add_argument("--approvers", help="with --base-url: the signers, comma-separated")
    p.add_argument("--insecure", action="store_true",
                   help="with --base-url: do not verify its TLS certificate")  # fmt: skip
    args = p.parse_args(argv)
    if not (1 <= args.users <= 64 and 0 < args.duration <= 600 and 0 <= args.warmup <= 120):
        p.error("--users 1..64, --duration up to 600 s, --warmup up to 120 s")
    if not (0 <= args.rate <= 500 and 1 <= args.daphnes <= 8 and 0 < args.client_cpu_max <= 1):
        p.error("--rate up to 500, --daphnes 1..8, --client-cpu-max within (0, 1]")
    if args.pool is None:
        args.pool = int((args.warmup + args.duration) * 60 + args.rate * args.duration)
    if args.base_url:
        host = urlsplit(args.base_url).hostname or ""
        refusal = load_test.target_refusal(host, [])
        if refusal:
            p.error(f"refused: {refusal} (the benchmark loads loopback deployments only)")
        if not args.approvers:
            p.error("--base-url needs --approvers")
        if not os.environ.get(PASSWORD_ENV):
            p.error(f"--base-url needs the users' password in {PASSWORD_ENV}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="strongroom-bench-sign-")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "targets": TARGETS,
        "settings": {k: getattr(args, k) for k in
                     ("users", "duration", "warmup", "rate", "pool", "daphnes", "client_cpu_max")},
    }  # fmt: skip

    def stop(signum: int, _frame: Any) -> None:
        raise Stop(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        signal.signal(sig, stop)
    signal.alarm(max(1, int(args.max_runtime)))
    bench = None if args.base_url else SignBench(args)
    code = 0
    try:
        if bench is None:
            usernames = [u.strip() for u in args.approvers.split(",") if u.strip()]
            base, password, pids = args.base_url, os.environ[PASSWORD_ENV], []
            verify = not args.insecure
            results["settings"]["users"] = len(usernames)
        else:
            bench.services_up()
            bench.prepare()
            bench.deployment_up()
            base, password, pids, verify = bench.base, bench.password, bench.daphne_pids(), False
            results["topology"] = (
                f"nginx (repository config, TLS) → {args.daphnes} Daphne processes "
                "(config.settings.production) → PostgreSQL 15 + Redis, on loopback"
            )
            results["commands"] = bench.commands
            usernames = bench.signers_ensure(args.users)
            asyncio.run(_sign_in_all(base, usernames, password))
            hashes = bench.hash_check(usernames)
            results["hashes"] = hashes
            if hashes.get(ARGON2_PREFIX.rstrip("$")) != len(usernames):
                raise BenchError(f"the signers' hashes are not all Argon2id at OWASP's: {hashes}")
        results.update(
            asyncio.run(
                measure(args, base_url=base, password=password, usernames=usernames,
                        server_pids=pids, verify=verify)
            )
        )  # fmt: skip
        results["targets_met"] = targets_met(results["phases"])
        if any(p.get("withheld") for p in results["phases"].values()):
            code = EXIT_CLIENT_BOUND
    except (BenchError, TopologyError, Stop, subprocess.SubprocessError, OSError) as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        code = 1
    finally:
        signal.alarm(0)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
            signal.signal(sig, signal.SIG_IGN)
        try:
            results["finished_at"] = datetime.now(UTC).isoformat()
            (out / "bench_sign.json").write_text(json.dumps(results, indent=2) + "\n")
            (out / "bench_sign.md").write_text(markdown(results))
            log(f"summary: {out / 'bench_sign.md'} and bench_sign.json")
        finally:
            if bench is not None:
                bench.cleanup()
    sys.stdout.write((out / "bench_sign.md").read_text())
    return code


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
