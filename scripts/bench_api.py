#!/usr/bin/env python3
"""Benchmark the REST list endpoints through the production topology, on loopback, in one run.

    backend/.venv/bin/python scripts/bench_api.py --small            # ~5 minutes
    backend/.venv/bin/python scripts/bench_api.py                    # 1M documents / 200k crates
                                                                     # / 200k requests (~11 min)
    backend/.venv/bin/python scripts/bench_api.py --out /tmp/bench --duration 30
    backend/.venv/bin/python scripts/bench_api.py --endpoint /api/v1/retention/forecast/

What it builds (no containers; everything on 127.0.0.1, free ports, a temporary directory):
  PostgreSQL 15 + Redis   its own, from scripts/services.sh (or --use-env: DATABASE_URL,
                          REDIS_URL, CACHE_URL, CELERY_BROKER_URL from the environment)
  data                    manage.py migrate; initial_setup --demo; seed_volume --vacuum
  2 Daphne processes      config.settings.production, random DJANGO_SECRET_KEY
  nginx                   the repository's nginx/ configuration, rewritten the way
                          scripts/check_deploy_configs.sh does (paths into the temp dir, listen on
                          loopback ports, a fresh self-signed certificate) with the upstream
                          "backend:8000" replaced by the Daphne processes

What it measures (it logs in as --username):
  1. /healthz closed-loop throughput through nginx (wrk, 2 threads, 32 connections, unless
     --generator python), with wrk's own CPU and the Daphne processes' CPU per request over the
     same seconds (scripts/lib/wrk.py); a run where a wrk thread used 0.85 of a core or more is
     client-bound, and no ratio is reported against it
  2. each list endpoint (page of 50; an endpoint answering 404 is skipped) closed-loop
     throughput the same way, and its ratio to /healthz    target >= 50 %
  3. each list endpoint open-loop at --rate req/s (scripts/load_test.py): p50/p95
                                                            target p95 <= 100 ms
  4. deep pages: follows the cursor ``next`` links --deep-pages pages deep, then loads page 1
     and the deep page round-robin in one closed loop: deep p50 / page-1 p50   target <= 1.2
  5. (unless --no-profile) SQL queries per list request and a cProfile of the Python side,
     in-process against the same database (scripts/bench_profile.py)

The summary (JSON and Markdown, beside the load tests' own JSON reports) goes to --out (default
a new temporary directory): machine (nproc, RAM), data volume, seeding time, the exact commands,
and the figures next to PRODUCT.md §7's targets. Everything it started is stopped and removed
(but --out) at the end, on an error, and on Ctrl-C / SIGTERM.

DRF's per-user throttle (1200/minute by default) would answer 429 to one benchmark user; it is
raised through STRONGROOM_THROTTLE_USER for the Daphne processes (the throttle still runs, so its
cost is measured). Exit status: 0 the run completed (whether or not targets were met), 1 error.
"""

# ruff: noqa: S603 (it runs the repository's own tools: daphne, nginx, manage.py, bash)
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))
import load_test  # noqa: E402  (scripts/load_test.py: the load generator)
from lib import api  # noqa: E402
from lib.bench_api_report import markdown, py_spy_summary  # noqa: E402
from lib.topology import Topology, TopologyError, machine, make_logger  # noqa: E402
from lib.wrk import WrkError, wrk_run  # noqa: E402

# The lists, then the retention forecast and the eligible crates behind it (issue #18: p95 <= 300 ms
# at 1M documents; the forecast answers one page without a cursor).
ENDPOINTS = [
    "/api/v1/requests/",
    "/api/v1/crates/",
    "/api/v1/documents/",
    "/api/v1/retention/forecast/",
    "/api/v1/retention/eligible-crates/",
]
FULL = {"documents": 1_000_000, "crates": 200_000, "requests": 200_000}
SMALL = {"documents": 50_000, "crates": 10_000, "requests": 10_000}
TARGETS = {
    "ratio_to_healthz_min": 0.50,
    "daphne_cpu_ms_per_request_max": 7.5,
    "open_loop_p95_ms_max": 100.0,
    "deep_page_ratio_max": 1.2,
    "queries_per_list_max": 4,
}
REFERENCE = (
    "bare DRF list 142 req/s vs bare ping 426 req/s (33 %); the seed's own system: 10 req/s, "
    "44 queries per page"
)


BenchError = TopologyError


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


log = make_logger("bench")


class Bench(Topology):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(use_env=args.use_env, log=log)
        self.args = args
        out = args.out or tempfile.mkdtemp(prefix="strongroom-bench-")
        self.out = Path(out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.results: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(),
            "machine": machine(),
            "targets": TARGETS,
            "reference": REFERENCE,
            "commands": self.commands,
        }
        self.password = "Bench-" + secrets.token_urlsafe(18)

    def prepare_data(self) -> None:
        py = sys.executable
        env = self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")})
        self.demo_data_up(env)
        a = self.args
        cmd = [py, "manage.py", "seed_volume", "--documents", str(a.documents), "--crates",
               str(a.crates), "--requests", str(a.requests), "--vacuum"]  # fmt: skip
        began = time.perf_counter()
        text = self.run(cmd, env=env, timeout=3600, name="seed_volume")
        seconds = time.perf_counter() - began
        done = re.search(r"Done in ([0-9.]+) s", text)
        self.results["seed"] = {
            "documents": a.documents,
            "crates": a.crates,
            "requests": a.requests,
            "seconds_command": float(done.group(1)) if done else None,
            "seconds_wall": round(seconds, 1),
            "log_tail": text.strip().splitlines()[-14:],
        }
        log(f"seeded in {seconds:.0f} s")
        self.results["volume"] = self.count_rows()

    def count_rows(self) -> dict[str, int]:
        import psycopg

        tables = {
            "documents": "records_document",
            "crates": "records_crate",
            "requests": "workflow_request",
            "locations": "storage_location",
            "users": "accounts_user",
        }
        counts = {}
        with psycopg.connect(self.services_env["DATABASE_URL"]) as conn:
            for key, table in tables.items():
                row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
                counts[key] = int(row[0]) if row else 0
            row = conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
            ).fetchone()
            counts_text = str(row[0]) if row else "?"
        return {**counts, "database_size": counts_text}  # type: ignore[dict-item]

    def deployment_up(self) -> None:
        ports = self.daphnes_up(
            self.args.daphnes,
            {
                "STRONGROOM_THROTTLE_USER": "1000000/minute",
                # Every client signs in as the same user.
                "STRONGROOM_THROTTLE_LOGIN_USERNAME": "1000000/minute",
                # Its users sign in with a password alone (two-factor sign-in is not measured).
                "STRONGROOM_2FA_REQUIRED_ROLES": "",
            },
        )
        self.nginx_up(ports)
        self.results["topology"] = {
            "nginx": self.base,
            "daphne_ports": ports,
            "nginx_upstream": "least_conn, keepalive 32 (repository config)",
            "http2_spelling": self.http2_spelling,
        }
        self.wait_ready()

    def token(self, client: httpx.Client) -> str:
        try:
            return api.login(client, self.args.username, self.password).access
        except api.ApiError as exc:
            raise BenchError(f"login failed: {exc}") from exc

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base,
            verify=False,  # noqa: S501 (our own throw-away self-signed certificate)
            trust_env=False,
            timeout=30,
        )

    def available_endpoints(self) -> list[str]:
        found = []
        with self.client() as client:
            headers = api.bearer(self.token(client))
            for path in self.args.endpoint or ENDPOINTS:
                response = client.get(path, headers=headers)
                if response.status_code == 404:
                    log(f"skipping {path}: 404")
                    self.results.setdefault("skipped", {})[path] = "404"
                    continue
                if response.status_code != 200:
                    raise BenchError(f"{path}: HTTP {response.status_code} {response.text[:300]}")
                body = response.json()
                found.append(path)
                results = len(body.get("results", []))
                log(f"{path}: 200, {results} results, {len(response.content)} bytes")
        return found

    def load(self, label: str, extra: list[str], *, auth: bool) -> dict[str, Any]:
        report = self.out / f"load-{label}.json"
        cmd = [sys.executable, str(SCRIPTS / "load_test.py"), "--base-url", self.base, "--insecure",
               "--no-progress", "--min-success", "0", "--json", str(report), *extra]  # fmt: skip
        if auth:
            cmd += ["--username", self.args.username]
        env = dict(os.environ)
        env[load_test.PASSWORD_ENV] = self.password
        shown = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(f"{load_test.PASSWORD_ENV}=… {shown}")
        log(f"load: {label}")
        sessions_before = self.pg_sessions()
        load_average = os.getloadavg()
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        sessions_after = self.pg_sessions()
        if proc.returncode not in (0, 1) or not report.exists():
            raise BenchError(
                f"load_test {label} failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
            )
        data: dict[str, Any] = json.loads(report.read_text())
        # New PostgreSQL sessions during the phase (minus the one that reads the counter): about
        # the number of requests without a connection pool, a handful with one.
        data["pg_sessions_opened"] = sessions_after - sessions_before - 1
        data["load_average_before"] = [round(x, 2) for x in load_average]
        sys.stderr.write(proc.stdout)
        log(f"  PostgreSQL sessions opened during {label}: {data['pg_sessions_opened']}")
        return data

    def wrk(self, label: str, path: str, *, auth: bool) -> dict[str, Any]:
        """A closed loop with wrk (C; scripts/lib/wrk.py): its figures, its own CPU and the
        Daphne processes' CPU per request over the same seconds."""
        a = self.args
        authorization = ""
        if auth:  # a fresh token: the run may outlast the previous one
            with self.client() as client:
                authorization = f"Bearer {self.token(client)}"
        pids = [p.pid for name, p in self.procs if name.startswith("daphne-")]
        log(f"wrk: {label}")
        load_average = os.getloadavg()
        try:
            run = wrk_run(
                f"{self.base}{path}",
                threads=a.wrk_threads,
                connections=a.concurrency,
                duration=max(1, round(a.duration)),
                authorization=authorization,
                server_pids=pids,
            )
        except WrkError as exc:
            raise BenchError(str(exc)) from exc
        self.commands.append(run.command)
        summary = run.summary()
        summary["load_average_before"] = [round(x, 2) for x in load_average]
        (self.out / f"wrk-{label}.json").write_text(json.dumps(summary, indent=2) + "\n")
        log(
            f"  {run.throughput_rps} req/s, p50 {run.latency_ms.get('p50')} ms, client "
            f"{run.client_cpu_cores} cores{' (CLIENT-BOUND)' if run.client_bound else ''}, "
            f"Daphne {run.server_cpu_ms_per_request} ms CPU per request"
        )
        return summary

    def pg_sessions(self) -> int:
        import psycopg

        with psycopg.connect(self.services_env["DATABASE_URL"]) as conn:
            row = conn.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            ).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _scenario(report: dict[str, Any], path: str) -> dict[str, Any]:
        for name, summary in report["scenarios"].items():
            if name == f"GET {path}":
                return dict(summary)
        raise BenchError(f"no result for {path} (skipped: {report.get('skipped')})")

    def measure(self) -> None:
        a = self.args
        endpoints = self.available_endpoints()
        if not endpoints:
            raise BenchError("no list endpoint answered 200")
        self.results["endpoints"] = endpoints
        closed = ["--concurrency", str(a.concurrency), "--duration", str(a.duration)]
        # Warm-up: caches, connection pools, PostgreSQL buffers.
        warm = [
            "--concurrency",
            str(a.concurrency),
            "--duration",
            str(a.warmup),
            "--scenarios",
            "healthz,api",
        ]
        for path in endpoints:
            warm += ["--api-path", path]
        self.load("warmup", warm, auth=True)

        figures: dict[str, Any] = {}
        healthz_runs = []
        for path in endpoints:
            name = path.strip("/").split("/")[-1]
            # /healthz right before each endpoint: other load on the shared cores drifts, so the
            # ratio is taken between neighbouring measurements.
            if a.generator == "wrk":
                healthz = self.wrk(f"healthz-before-{name}", "/healthz", auth=False)
                healthz_runs.append(healthz)
                closed_summary = self.wrk(f"{name}-closed", path, auth=True)
                report = {"load_average_before": closed_summary["load_average_before"]}
            else:
                health = self.load(
                    f"healthz-before-{name}", [*closed, "--scenarios", "healthz"], auth=False
                )
                healthz = health["scenarios"]["GET /healthz"]
                healthz_runs.append(healthz)
                report = self.load(
                    f"{name}-closed", [*closed, "--scenarios", "api", "--api-path", path], auth=True
                )
                closed_summary = self._scenario(report, path)
            open_report = self.load(
                f"{name}-open{a.rate:g}",
                ["--rate", str(a.rate), "--duration", str(a.duration), "--scenarios", "api",
                 "--api-path", path],
                auth=True,
            )  # fmt: skip
            open_summary = self._scenario(open_report, path)
            low_summary = None
            if a.low_rate:
                # Below saturation: the latency a lightly loaded deployment gives.
                low_report = self.load(
                    f"{name}-open{a.low_rate:g}",
                    ["--rate", str(a.low_rate), "--duration", str(a.duration), "--scenarios",
                     "api", "--api-path", path],
                    auth=True,
                )  # fmt: skip
                low_summary = self._scenario(low_report, path)
            deep = self.deep(path)
            figures[path] = {
                "healthz": healthz,
                "load_average_before": report.get("load_average_before"),
                "closed": closed_summary,
                "ratio_to_healthz": (
                    None  # the reference measured the client, not the server
                    if healthz.get("client_bound")
                    else round(closed_summary["throughput_rps"] / healthz["throughput_rps"], 3)
                    if healthz["throughput_rps"]
                    else None
                ),
                "open": open_summary,
                "open_low_rate": low_summary,
                "deep": deep,
            }
        figures["healthz"] = max(healthz_runs, key=lambda h: h["throughput_rps"] or 0)
        self.results["figures"] = figures
        if a.py_spy:
            # Sampling slows the sampled process down: its own phase, outside the figures.
            spied: dict[str, Any] = {}
            for path in endpoints:
                name = path.strip("/").split("/")[-1]
                spy = self.py_spy(f"{name}-closed")
                self.load(
                    f"{name}-py-spy", [*closed, "--scenarios", "api", "--api-path", path], auth=True
                )
                self.py_spy_wait(spy)
                spied[path] = py_spy_summary(self.out / f"py-spy-{name}-closed.txt")
            self.results["py_spy"] = spied

    def py_spy(self, label: str) -> subprocess.Popen[bytes] | None:
        """Samples the first Daphne process while a closed loop runs (--py-spy BIN)."""
        if not self.args.py_spy:
            return None
        daphne = next((p for n, p in self.procs if n == "daphne-1"), None)
        if daphne is None:
            return None
        cmd = [self.args.py_spy, "record", "--pid", str(daphne.pid), "--rate", "100",
               "--nonblocking",
               "--duration", str(int(self.args.duration)), "--format", "raw", "--threads",
               "--output", str(self.out / f"py-spy-{label}.txt")]  # fmt: skip
        return self.start(cmd, env=dict(os.environ), name=f"py-spy-{label}")

    def py_spy_wait(self, proc: subprocess.Popen[bytes] | None) -> None:
        if proc is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=60)
        name = next((n for n, p in self.procs if p is proc), None)
        if name is not None:
            self.end(name)

    def deep(self, path: str) -> dict[str, Any]:
        a = self.args
        with self.client() as client:
            headers = api.bearer(self.token(client))
            url = path
            depth = 0
            began = time.perf_counter()
            while depth < a.deep_pages:
                response = client.get(url, headers=headers)
                if response.status_code != 200:
                    raise BenchError(f"{url}: HTTP {response.status_code}")
                following = response.json().get("next")
                if not following:
                    break
                parts = urlsplit(following)
                url = f"{parts.path}?{parts.query}"
                depth += 1
            walk = time.perf_counter() - began
        log(f"{path}: followed {depth} next links in {walk:.1f} s")
        name = path.strip("/").split("/")[-1]
        report = self.load(
            f"{name}-deep",
            ["--concurrency", str(a.deep_concurrency), "--duration", str(a.duration),
             "--scenarios", "api", "--api-path", path, "--api-path", url],
            auth=True,
        )  # fmt: skip
        first, deep = self._scenario(report, path), self._scenario(report, url)
        p50_1, p50_d = first["latency_ms"]["p50"], deep["latency_ms"]["p50"]
        p95_1, p95_d = first["latency_ms"]["p95"], deep["latency_ms"]["p95"]
        return {
            "depth": depth,
            "deep_path": url,
            "walk_seconds": round(walk, 2),
            "page1": first,
            "deep_page": deep,
            "p50_ratio": round(p50_d / p50_1, 3) if p50_1 and p50_d else None,
            "p95_ratio": round(p95_d / p95_1, 3) if p95_1 and p95_d else None,
        }

    def profile(self) -> None:
        if self.args.no_profile:
            return
        env = dict(self.daphne_env)
        env["STRONGROOM_BENCH_USERNAME"] = self.args.username
        cmd = [
            sys.executable, str(SCRIPTS / "bench_profile.py"),
            "--json", str(self.out / "profile.json"), "--text", str(self.out / "profile.txt"),
            "--requests", str(self.args.profile_requests),
        ]  # fmt: skip
        for path in self.results.get("endpoints", []):
            cmd += ["--path", path]
        self.run(cmd, env=env, timeout=900, name="profile")
        self.results["profile"] = json.loads((self.out / "profile.json").read_text())

    # ------------------------------------------------------------------ report

    def write(self) -> None:
        self.results["finished_at"] = datetime.now(UTC).isoformat()
        self.results["settings"] = {
            k: getattr(self.args, k)
            for k in ("concurrency", "duration", "rate", "low_rate", "deep_pages",
                      "deep_concurrency", "daphnes", "username", "warmup")
        }  # fmt: skip
        (self.out / "bench_api.json").write_text(json.dumps(self.results, indent=2) + "\n")
        (self.out / "bench_api.md").write_text(markdown(self.results))
        log(f"summary: {self.out / 'bench_api.md'} and bench_api.json")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--small", action="store_true", help=f"quick run: {SMALL}")
    for key in FULL:
        p.add_argument(f"--{key}", type=int, help=f"rows to seed (default {FULL[key]:,})")
    p.add_argument("--out", help="directory for the reports (default: a new temporary directory)")
    p.add_argument("--use-env", action="store_true",
                   help="use DATABASE_URL, REDIS_URL, CACHE_URL, CELERY_BROKER_URL from the "
                   "environment instead of starting PostgreSQL and Redis (the database is migrated "
                   "and seeded!)")  # fmt: skip
    p.add_argument("--daphnes", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=32, help="closed-loop connections")
    p.add_argument("--generator", choices=["wrk", "python"], default="wrk",
                   help="closed-loop load generator: wrk (C, records its own CPU and Daphne's; "
                   "a client-bound /healthz gives no ratio) or scripts/load_test.py")  # fmt: skip
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--duration", type=float, default=20.0, help="seconds per measurement")
    p.add_argument("--warmup", type=float, default=8.0, help="seconds of warm-up")
    p.add_argument("--rate", type=float, default=50.0, help="open-loop requests per second")
    p.add_argument("--low-rate", type=float, default=10.0,
                   help="a second open loop below saturation (0: none)")  # fmt: skip
    p.add_argument("--deep-pages", type=int, default=50)
    p.add_argument("--deep-concurrency", type=int, default=4)
    p.add_argument("--username", default="goa1-approver")
    p.add_argument("--endpoint", action="append", choices=ENDPOINTS, metavar="PATH",
                   help="measure only this endpoint (repeatable; default: all of "
                   f"{', '.join(ENDPOINTS)})")  # fmt: skip
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--py-spy", metavar="BIN", help="py-spy binary: sample Daphne 1 during the "
                   "closed loops (raw collapsed stacks beside the reports)")  # fmt: skip
    p.add_argument("--profile-requests", type=int, default=100)
    args = p.parse_args(argv)
    sizes = SMALL if args.small else FULL
    for key, default in sizes.items():
        if getattr(args, key) is None:
            setattr(args, key, default)
    if args.small:
        args.duration = min(args.duration, 10.0)
        args.warmup = min(args.warmup, 4.0)
    if not (1 <= args.daphnes <= 8 and 1 <= args.concurrency <= 500 and 0 < args.duration <= 300):
        p.error("--daphnes 1..8, --concurrency 1..500, --duration up to 300 s")
    if not (0 < args.rate <= 1000 and 0 <= args.low_rate <= 1000 and 1 <= args.deep_pages <= 1000):
        p.error("--rate and --low-rate up to 1000, --deep-pages 1..1000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bench = Bench(args)

    def stop(signum: int, _frame: Any) -> None:
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        bench.services_up()
        bench.prepare_data()
        bench.deployment_up()
        bench.measure()
        bench.profile()
    except (BenchError, Stop, subprocess.SubprocessError, OSError) as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        bench.results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            bench.write()
        finally:
            bench.cleanup()
    sys.stdout.write((bench.out / "bench_api.md").read_text())
    return code


if __name__ == "__main__":
    sys.exit(main())
