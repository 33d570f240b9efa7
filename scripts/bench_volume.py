#!/usr/bin/env python3
"""What the request paths cost as the data grows: one data volume, seeded and measured through
the production topology on loopback (issue #22 item 5; PRODUCT.md §7).

    backend/.venv/bin/python scripts/bench_volume.py --out var/bench/volume-1m       # ~20 min
    backend/.venv/bin/python scripts/bench_volume.py --scale 10 --out var/bench/volume-10m
    backend/.venv/bin/python scripts/bench_volume.py --small --out /tmp/volume       # ~3 min
    backend/.venv/bin/python scripts/bench_volume.py --use-env --reuse OLD/volume.json --out NEW
                                         # this code against a database an earlier run seeded
    backend/.venv/bin/python scripts/bench_volume.py --out DIR/volume-1m \
        --pair-env 10m.env --pair-reuse OLD/volume.json --pair-out DIR/volume-10m
                                         # 1M seeded now, measured alternately with a 10M
                                         # database seeded earlier (service URLs in 10m.env)

``--scale K`` seeds K x (1M documents, 200k crates, 200k requests, 100k outbox events in the
replay window); scripts/bench_report.py --volume runs it at 1 and 10 and writes the side-by-side
table (target: every figure at 10M within 1.3x of 1M).

What it builds (scripts/lib/topology.py, everything on 127.0.0.1): PostgreSQL 15 + Redis
(scripts/services.sh, or --use-env), ``migrate``, ``initial_setup --demo``, ``seed_volume
--vacuum`` (timed: the seeding time is one of the figures), 2 Daphne processes with production
settings behind the repository's nginx configuration.

What it measures, one request at a time through nginx as --username (each figure: --samples
timed requests after --warmup untimed ones, p50/p95/max; every answer must be 200):
  * lists, page 1 and a deep page (--deep-pages ``next`` links in): requests, crates, documents
  * full-text document search (``?search=``), by document number, by crate code and by a title's
    "lot <serial>", terms drawn from the database, a different one each request
  * the dashboard and page 1 of each report (inventory, overdue, destruction schedule, activity,
    retention forecast, crates eligible for destruction)
  * ``events/?after=`` from a cursor near the newest event and from the window's oldest
  * the socket's replay: a fresh socket resuming --replay-events events back (``ready`` to
    the last replayed event), read from the database (the seeded events were never live)
  * CSV exports streamed to the end (inventory, activity): rows per second, and the growth of
    the serving Daphne's resident memory over its size before (sampled every 50 ms); constant
    memory means the growth does not follow the rows
  * the database's size and the largest tables

With --pair-env, a second deployment serves a second database (an earlier run's, as --reuse)
and every latency figure alternates between the two in --rounds rounds, the order swapped each
round, so that both volumes meet the same machine: a run minutes later drifts by more than the
1.3x the comparison tests (docs/PERFORMANCE.md). Its results go to --pair-out.

Results: ``volume.json`` and ``volume.md`` in --out. Exit 0 when every figure was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import shlex
import signal
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))
from lib import api  # noqa: E402
from lib.stats import latency_ms  # noqa: E402
from lib.topology import Topology, TopologyError, machine, make_logger, rss_kb  # noqa: E402
from lib.ws import connect_events, events_url, send_auth, wait_ready  # noqa: E402

log = make_logger("volume")

UNIT = {"documents": 1_000_000, "crates": 200_000, "requests": 200_000, "events": 100_000}
SMALL = {"documents": 20_000, "crates": 4_000, "requests": 4_000, "events": 2_000}
LISTS = ["/api/v1/requests/", "/api/v1/crates/", "/api/v1/documents/"]
REPORTS = [
    "/api/v1/reports/dashboard/",
    "/api/v1/reports/inventory/",
    "/api/v1/reports/overdue/",
    "/api/v1/reports/destruction-schedule/",
    "/api/v1/reports/activity/",
    "/api/v1/retention/forecast/",
    "/api/v1/retention/eligible-crates/",
]
EXPORTS = ["/api/v1/reports/inventory/?format=csv", "/api/v1/reports/activity/?format=csv"]
TABLES = ["records_document", "records_crate", "workflow_request", "realtime_event"]


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


class BenchError(Exception):
    pass


class Volume(Topology):
    def __init__(self, args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(use_env=args.use_env, log=log, environ=environ)
        self.args = args
        self.partner: Volume | None = None
        self.label = ""  # "[10M] " before its log lines when paired
        self.out = Path(args.out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.password = "Bench-" + secrets.token_urlsafe(18)
        self.results: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(),
            "machine": machine(),
            "sizes": args.sizes,
            "commands": self.commands,
            "figures": {},
        }

    # ------------------------------------------------------------------ set-up

    def prepare(self) -> None:
        env = self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")})
        if self.args.reuse:
            self.reuse(env)
            return
        self.demo_data_up(env)
        s = self.args.sizes
        cmd = [sys.executable, "manage.py", "seed_volume", "--vacuum"]
        for key in ("documents", "crates", "requests", "events"):
            cmd += [f"--{key}", str(s[key])]
        began = time.perf_counter()
        text = self.run(cmd, env=env, timeout=4 * 3600, name="seed_volume")
        done = re.search(r"Done in ([0-9.]+) s", text)
        self.results["seed"] = {
            "seconds_command": float(done.group(1)) if done else None,
            "seconds_wall": round(time.perf_counter() - began, 1),
            "log_tail": text.strip().splitlines()[-20:],
        }
        log(f"seeded in {self.results['seed']['seconds_wall']:.0f} s")
        self.results["database"] = self.database_facts()

    def reuse(self, env: dict[str, str]) -> None:
        """Measure this code against a database seeded earlier (--use-env --reuse FILE): apply
        the migrations it lacks, give the benchmark user a fresh password, and carry the seeding
        figures over from FILE (that run's volume.json)."""
        earlier = json.loads(Path(self.args.reuse).read_text())
        py = sys.executable
        began = time.perf_counter()
        self.run([py, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, timeout=3600,
                 name="migrate")  # fmt: skip
        code = (
            "from strongroom.accounts.models import User; "
            f"u = User.objects.get(username={self.args.username!r}); "
            "import os; u.set_password(os.environ['STRONGROOM_DEMO_PASSWORD']); u.save()"
        )
        self.run([py, "manage.py", "shell", "-c", code], env=env, timeout=600, name="password")
        self.results["seed"] = {
            **(earlier.get("seed") or {}),
            "reused_from": str(self.args.reuse),
            "reused_from_started_at": earlier.get("started_at"),
            "migrate_seconds": round(time.perf_counter() - began, 1),
        }
        self.results["sizes"] = earlier.get("sizes", self.results["sizes"])
        self.results["database"] = self.database_facts()

    def sql(self, statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.owner_database_url) as conn:
            return list(conn.execute(statement, params or []).fetchall())

    def database_facts(self) -> dict[str, Any]:
        size = self.sql("SELECT pg_database_size(current_database())")[0][0]
        tables = {}
        for table in TABLES:
            rows, total = self.sql(
                f'SELECT count(*), pg_total_relation_size(%s) FROM "{table}"',  # noqa: S608
                [table],
            )[0]
            tables[table] = {"rows": int(rows), "bytes": int(total)}
        return {"bytes": int(size), "tables": tables}

    def deployment_up(self) -> None:
        ports = self.daphnes_up(
            2,
            {
                "STRONGROOM_THROTTLE_USER": "1000000/minute",
                "STRONGROOM_THROTTLE_LOGIN_USERNAME": "1000000/minute",
                "STRONGROOM_2FA_REQUIRED_ROLES": "",
            },
        )
        self.nginx_up(ports)
        self.wait_ready()

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base,
            verify=False,  # noqa: S501 (our own throw-away self-signed certificate)
            trust_env=False,
            timeout=300,
        )

    def token(self) -> str:
        with self.client() as client:
            try:
                return api.login(client, self.args.username, self.password).access
            except api.ApiError as exc:
                raise BenchError(f"login failed: {exc}") from exc

    # ------------------------------------------------------------------ measurements

    def benches(self) -> list[Volume]:
        return [self] if self.partner is None else [self, self.partner]

    def timed(self, name: str, paths: list[str] | Callable[[Volume], list[str]]) -> None:
        """--warmup untimed then --samples timed GETs, one at a time, cycling over the paths
        ``paths`` gives for each deployment; with a partner, the timed ones in --rounds rounds
        that alternate between the two, the first of each round swapped."""
        a = self.args
        runs = [
            _Timing(bench, paths(bench) if callable(paths) else paths) for bench in self.benches()
        ]
        rounds = a.rounds if self.partner else 1
        try:
            for run in runs:
                run.get(name, a.warmup, keep=False)
            for r in range(rounds):
                share = a.samples // rounds + (1 if r < a.samples % rounds else 0)
                for run in runs if r % 2 == 0 else runs[::-1]:
                    run.get(name, share, keep=True)
        finally:
            for run in runs:
                run.client.close()
        for run in runs:
            figure = {"paths": run.paths[:3], "distinct_paths": len(run.paths)}
            figure.update(latency_ms(run.seconds), samples=len(run.seconds))
            if self.partner:
                figure["rounds"] = rounds
            log(f"{run.bench.label}{name}: p50 {figure['p50']} ms, p95 {figure['p95']} ms")
            run.bench.results["figures"][name] = figure

    def deep_path(self, path: str) -> str:
        headers = api.bearer(self.token())
        url, depth = path, 0
        with self.client() as client:
            while depth < self.args.deep_pages:
                following = client.get(url, headers=headers).json().get("next")
                if not following:
                    break
                parts = urlsplit(following)
                url, depth = f"{parts.path}?{parts.query}", depth + 1
        if depth < self.args.deep_pages:
            raise BenchError(f"{path}: only {depth} pages")
        return url

    def search_terms(self) -> dict[str, list[str]]:
        """Terms a records clerk types, drawn evenly over the documents (by id, no full scan)."""
        top = self.sql("SELECT max(id) FROM records_document")[0][0] or 0
        ids = [top * (k + 1) // 31 for k in range(30)]
        rows = self.sql(
            "SELECT DISTINCT ON (probe) d.number, c.code, "
            "substring(d.title from 'lot [0-9]+') FROM unnest(%s::bigint[]) AS probe "
            "JOIN LATERAL (SELECT * FROM records_document WHERE id >= probe ORDER BY id LIMIT 1) "
            "d ON true JOIN records_crate c ON c.id = d.crate_id",
            [ids],
        )
        return {
            "document number": [r[0] for r in rows],
            "crate code": [r[1] for r in rows],
            "title (lot number)": [r[2] for r in rows if r[2]],
        }

    def events(self) -> None:
        def after(bench: Volume, which: str) -> list[str]:
            latest, oldest = bench.sql("SELECT max(id), min(id) FROM realtime_event")[0]
            cursor = latest - 2 * self.args.replay_events if which == "recent" else oldest
            return [f"/api/v1/events/?after={cursor}"]

        self.timed("events/?after= (recent cursor)", lambda b: after(b, "recent"))
        self.timed("events/?after= (oldest in the window)", lambda b: after(b, "oldest"))
        for bench in self.benches():
            bench.replay()

    def replay(self) -> None:
        """Fresh sockets resuming ``--replay-events`` events back, from the database."""
        a = self.args
        user_units = [
            r[0]
            for r in self.sql(
                "SELECT unit_id FROM accounts_user_units m JOIN accounts_user u ON u.id = "
                "m.user_id WHERE u.username = %s",
                [a.username],
            )
        ]
        after = self.sql(
            "SELECT id FROM realtime_event WHERE unit_id = ANY(%s) ORDER BY id DESC "
            "OFFSET %s LIMIT 1",
            [user_units, a.replay_events],
        )[0][0]
        expected = self.sql(
            "SELECT count(*), max(id) FROM realtime_event WHERE id > %s AND unit_id = ANY(%s)",
            [after, user_units],
        )[0]
        context = ssl.create_default_context(cafile=str(self.certificate))
        context.check_hostname = False  # the certificate names localhost; we dial 127.0.0.1
        url = events_url(self.base)

        async def once(token: str) -> float:
            async with connect_events(url, origin=self.base, ssl_context=context, fast=True) as ws:
                began = time.perf_counter()
                await send_auth(ws, token, last_event_id=after)
                await wait_ready(ws, timeout=60)
                got = 0
                async with asyncio.timeout(60):
                    while True:
                        message = json.loads(await ws.recv())
                        if message.get("type") == "resync":
                            raise BenchError("replay answered resync")
                        if message.get("type") == "event" and message["id"] <= expected[1]:
                            got += 1
                            if message["id"] == expected[1]:
                                break
                if got < expected[0]:
                    raise BenchError(f"replay gave {got} of {expected[0]} events")
                return time.perf_counter() - began

        async def all_of() -> list[float]:
            token = self.token()
            times = []
            for k in range(a.warmup // 2 + a.replays):
                seconds = await once(token)
                if k >= a.warmup // 2:
                    times.append(seconds)
            return times

        seconds = asyncio.run(all_of())
        figure = {"events": int(expected[0]), "samples": len(seconds), **latency_ms(seconds)}
        p50, p95 = figure["p50"], figure["p95"]
        log(f"{self.label}replay of {expected[0]} events: p50 {p50} ms, p95 {p95} ms")
        self.results["figures"]["socket replay"] = figure

    def export(self, path: str) -> None:
        """One CSV export streamed to the end; rows per second and the serving Daphne's RSS."""
        pids = [p.pid for n, p in self.procs if n.startswith("daphne-")]
        baseline = {pid: rss_kb(pid) for pid in pids}
        peak = dict(baseline)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.05):
                for pid in pids:
                    peak[pid] = max(peak[pid], rss_kb(pid))

        sampler = threading.Thread(target=sample, daemon=True)
        headers = api.bearer(self.token())
        lines = size = 0
        first_byte = None
        sampler.start()
        began = time.perf_counter()
        try:
            with self.client() as client, client.stream("GET", path, headers=headers) as response:
                if response.status_code != 200:
                    raise BenchError(f"{path} answered {response.status_code}")
                for chunk in response.iter_bytes():
                    if first_byte is None:
                        first_byte = time.perf_counter() - began
                    lines += chunk.count(b"\n")
                    size += len(chunk)
        finally:
            stop.set()
            sampler.join()
        seconds = time.perf_counter() - began
        growth = max(peak[pid] - baseline[pid] for pid in pids)
        figure = {
            "rows": lines - 1,
            "bytes": size,
            "seconds": round(seconds, 2),
            "rows_per_second": round((lines - 1) / seconds, 1),
            "first_byte_ms": round((first_byte or 0) * 1000, 1),
            "rss_growth_mib": round(growth / 1024, 1),
            "rss_before_mib": [round(v / 1024, 1) for v in baseline.values()],
        }
        log(
            f"{path}: {figure['rows']:,} rows in {seconds:.1f} s ({figure['rows_per_second']:,} "
            f"rows/s), Daphne RSS +{figure['rss_growth_mib']} MiB"
        )
        self.results["figures"][f"CSV {path.split('?')[0]}"] = figure

    def measure(self) -> None:
        for path in LISTS:
            name = path.strip("/").split("/")[-1]
            self.timed(f"{name} page 1", [path])
            deep = {id(b): [b.deep_path(path)] for b in self.benches()}
            self.timed(f"{name} deep page", lambda bench: deep[id(bench)])  # noqa: B023
        terms = {id(b): b.search_terms() for b in self.benches()}
        for kind in terms[id(self)]:

            def search(bench: Volume, kind: str = kind) -> list[str]:
                return [
                    f"/api/v1/documents/?search={term.replace(' ', '+')}"
                    for term in terms[id(bench)][kind]
                ]

            self.timed(f"document search by {kind}", search)
        for path in REPORTS:
            self.timed(path.removeprefix("/api/v1/").rstrip("/"), [path])
        self.events()
        for path in EXPORTS:
            for bench in self.benches():
                bench.export(path)

    def write(self) -> None:
        self.results["finished_at"] = datetime.now(UTC).isoformat()
        (self.out / "volume.json").write_text(json.dumps(self.results, indent=2) + "\n")
        (self.out / "volume.md").write_text(markdown(self.results))
        log(f"results: {self.out / 'volume.md'} and volume.json")


class _Timing:
    """One deployment's side of a timed figure: its paths, client, token and times."""

    def __init__(self, bench: Volume, paths: list[str]) -> None:
        self.bench, self.paths = bench, paths
        self.headers = api.bearer(bench.token())
        self.client = bench.client()
        self.seconds: list[float] = []
        self.k = 0

    def get(self, name: str, count: int, *, keep: bool) -> None:
        for _ in range(count):
            path = self.paths[self.k % len(self.paths)]
            self.k += 1
            began = time.perf_counter()
            response = self.client.get(path, headers=self.headers)
            elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise BenchError(f"{name}: {path} answered {response.status_code}")
            if keep:
                self.seconds.append(elapsed)


def markdown(results: dict[str, Any]) -> str:
    s = results["sizes"]
    lines = [
        f"# Volume: {s['documents']:,} documents, {s['crates']:,} crates, "
        f"{s['requests']:,} requests, {s['events']:,} events",
        "",
    ]
    if results.get("error"):
        lines += [f"**Stopped:** {results['error']}", ""]
    seed, db = results.get("seed") or {}, results.get("database") or {}
    if seed:
        lines.append(f"Seeded in {seed.get('seconds_wall')} s; database {db.get('bytes', 0):,} B.")
    lines += ["", "| figure | p50 ms | p95 ms | max ms | n |", "|---|---|---|---|---|"]
    for name, f in results["figures"].items():
        if "p95" in f:
            lines.append(f"| {name} | {f['p50']} | {f['p95']} | {f['max']} | {f['samples']} |")
    for name, f in results["figures"].items():
        if "rows_per_second" in f:
            lines.append(
                f"\n{name}: {f['rows']:,} rows in {f['seconds']} s ({f['rows_per_second']:,}/s), "
                f"first byte {f['first_byte_ms']} ms, Daphne RSS +{f['rss_growth_mib']} MiB"
            )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--out", required=True, help="directory for volume.json and volume.md")
    p.add_argument("--scale", type=int, default=1, help="multiple of 1M documents (default 1)")
    p.add_argument("--small", action="store_true", help=f"quick run: {SMALL}")
    p.add_argument("--use-env", action="store_true",
                   help="PostgreSQL and Redis from DATABASE_URL, REDIS_URL, CACHE_URL, "
                   "CELERY_BROKER_URL (the database is migrated and seeded!)")  # fmt: skip
    p.add_argument(
        "--reuse",
        metavar="FILE",
        help="with --use-env: the database was seeded by the run whose volume.json "
        "is FILE; migrate it and measure (its seeding figures are carried over)",
    )
    p.add_argument("--samples", type=int, default=200, help="timed requests per figure")
    p.add_argument("--warmup", type=int, default=20, help="untimed requests before them")
    p.add_argument("--replays", type=int, default=40, help="timed socket replays")
    p.add_argument("--replay-events", type=int, default=200, help="events each replay resumes")
    p.add_argument("--deep-pages", type=int, default=50)
    p.add_argument("--username", default="goa1-approver")
    p.add_argument(
        "--pair-env",
        metavar="FILE",
        help="measure alternately with a second database: its DATABASE_URL, DATABASE_OWNER_URL, "
        "STRONGROOM_DB_APP_ROLE, REDIS_URL, CACHE_URL, CELERY_BROKER_URL as shell assignments "
        "(export K=V ...) in FILE",
    )
    p.add_argument("--pair-reuse", metavar="FILE", help="with --pair-env: as --reuse, for it")
    p.add_argument("--pair-out", metavar="DIR", help="with --pair-env: its results directory")
    p.add_argument("--rounds", type=int, default=10, help="with --pair-env: alternations")
    args = p.parse_args(argv)
    if args.pair_env and not (args.pair_reuse and args.pair_out):
        p.error("--pair-env needs --pair-reuse and --pair-out")
    if not 1 <= args.rounds <= args.samples:
        p.error("--rounds 1..--samples")
    if not (1 <= args.scale <= 20 and 10 <= args.samples <= 5000 and 0 <= args.warmup <= 1000):
        p.error("--scale 1..20, --samples 10..5000, --warmup 0..1000")
    if args.reuse and not args.use_env:
        p.error("--reuse measures an existing database: pass --use-env too")
    args.sizes = dict(SMALL) if args.small else {k: v * args.scale for k, v in UNIT.items()}
    if args.small:
        args.deep_pages = min(args.deep_pages, 10)
    return args


def assignments(text: str) -> dict[str, str]:
    """``export A='x' B=y`` lines (as a shell would read them, without expansion) as a dict."""
    found = {}
    for word in shlex.split(text, comments=True):
        key, sep, value = word.partition("=")
        if sep and key.isidentifier():
            found[key] = value
    return found


def paired(args: argparse.Namespace) -> Volume:
    """The deployment of --pair-env's database, measured alongside the main one."""
    other = argparse.Namespace(**vars(args))
    other.use_env, other.reuse, other.out = True, args.pair_reuse, args.pair_out
    other.sizes = json.loads(Path(args.pair_reuse).read_text()).get("sizes", args.sizes)
    return Volume(other, environ=assignments(Path(args.pair_env).read_text()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bench = Volume(args)
    if args.pair_env:
        bench.partner = paired(args)
        for one, other in ((bench, bench.partner), (bench.partner, bench)):
            one.label = f"[{one.args.sizes['documents']:,} documents] "
            one.results["interleaved_with"] = str(other.out)

    def stop(signum: int, _frame: Any) -> None:
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        for one in bench.benches():
            one.services_up()
            one.prepare()
            one.deployment_up()
        bench.measure()
    except (BenchError, TopologyError, Stop, OSError, httpx.HTTPError) as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        for one in bench.benches():
            one.results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for one in bench.benches():
            try:
                one.write()
            finally:
                one.cleanup(keep_logs=one.out / "logs")
    for one in bench.benches():
        sys.stdout.write((one.out / "volume.md").read_text())
    return code


if __name__ == "__main__":
    sys.exit(main())
