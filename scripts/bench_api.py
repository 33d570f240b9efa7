#!/usr/bin/env python3
"""Benchmark the REST list endpoints through the production topology, on loopback, in one run.

    backend/.venv/bin/python scripts/bench_api.py --small            # ~5 minutes
    backend/.venv/bin/python scripts/bench_api.py                    # 1M documents / 200k crates
                                                                     # / 200k requests (~11 min)
    backend/.venv/bin/python scripts/bench_api.py --out /tmp/bench --duration 30

What it builds (no containers; everything on 127.0.0.1, free ports, a temporary directory):
  PostgreSQL 15 + Redis   its own, from scripts/services.sh (or --use-env: DATABASE_URL,
                          REDIS_URL, CACHE_URL, CELERY_BROKER_URL from the environment)
  data                    manage.py migrate; initial_setup --demo; seed_volume --vacuum
  2 Daphne processes      config.settings.production, random DJANGO_SECRET_KEY
  nginx                   the repository's nginx/ configuration, rewritten the way
                          scripts/check_deploy_configs.sh does (paths into the temp dir, listen on
                          loopback ports, a fresh self-signed certificate) with the upstream
                          "backend:8000" replaced by the Daphne processes

What it measures (scripts/load_test.py drives the load; it logs in as --username):
  1. /healthz closed-loop throughput through nginx
  2. each list endpoint (page of 50; an endpoint answering 404 is skipped) closed-loop
     throughput, and its ratio to /healthz                  target >= 50 %
  3. each list endpoint open-loop at --rate req/s: p50/p95     target p95 <= 100 ms
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

# ruff: noqa: S603, S607 (it runs the repository's own tools: daphne, nginx, manage.py, bash)
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
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

ENDPOINTS = ["/api/v1/requests/", "/api/v1/crates/", "/api/v1/documents/"]
FULL = {"documents": 1_000_000, "crates": 200_000, "requests": 200_000}
SMALL = {"documents": 50_000, "crates": 10_000, "requests": 10_000}
TARGETS = {
    "ratio_to_healthz_min": 0.50,
    "open_loop_p95_ms_max": 100.0,
    "deep_page_ratio_max": 1.2,
    "queries_per_list_max": 4,
}
REFERENCE = (
    "bare DRF list 142 req/s vs bare ping 426 req/s (33 %); the seed's own system: 10 req/s, "
    "44 queries per page"
)


class BenchError(Exception):
    pass


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


def log(text: str) -> None:
    sys.stderr.write(f"[bench {datetime.now(UTC):%H:%M:%S}] {text}\n")
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> dict[str, Any]:
    mem_kb = 0
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "?"
        return (
            (out.stdout or out.stderr).strip().splitlines()[0]
            if (out.stdout or out.stderr)
            else "?"
        )

    pg_bin = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": version([f"{pg_bin}/postgres", "--version"]),
        "redis": version(["redis-server", "--version"]),
        "nginx": version(["nginx", "-v"]),
    }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = (
            Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="strongroom-bench-"))
        )
        self.out.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix="strongroom-bench-work-"))
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.services: dict[str, str] = {}
        self.services_env: dict[str, str] = {}
        self.daphne_env: dict[str, str] = {}
        self.env: dict[str, str] = {}
        self.commands: list[str] = []
        self.results: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(),
            "machine": machine(),
            "targets": TARGETS,
            "reference": REFERENCE,
            "commands": self.commands,
        }
        self.password = "Bench-" + secrets.token_urlsafe(18)
        self.base = ""

    # ------------------------------------------------------------------ processes

    def run(self, cmd: list[str], *, env: dict[str, str], timeout: float, name: str) -> str:
        shown = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(shown)
        log(f"$ {shown}")
        logfile = self.work / f"{name}.log"
        with open(logfile, "wb") as handle:
            proc = subprocess.Popen(
                cmd, cwd=BACKEND, env=env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            self.procs.append((name, proc))
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                raise BenchError(f"{name} took longer than {timeout:.0f} s") from exc
            finally:
                self._end(name, proc)
        text = logfile.read_text(errors="replace")
        if code != 0:
            raise BenchError(f"{name} failed (exit {code}):\n{text[-3000:]}")
        return text

    def start(self, cmd: list[str], *, env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        shown = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(shown + " &")
        log(f"$ {shown} &")
        handle = open(self.work / f"{name}.log", "wb")  # noqa: SIM115 (lives as long as the process)
        proc = subprocess.Popen(
            cmd, cwd=BACKEND, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        handle.close()
        self.procs.append((name, proc))
        return proc

    def _end(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs = [(n, p) for n, p in self.procs if p is not proc]

    def cleanup(self) -> None:
        for name, proc in reversed(list(self.procs)):
            log(f"stopping {name} (pid {proc.pid})")
            self._end(name, proc)
        if self.services.get("SERVICES_DIR"):
            log("stopping PostgreSQL and Redis")
            script = (
                f"source {shlex.quote(str(SCRIPTS / 'services.sh'))}; "
                + " ".join(
                    f"{k}={shlex.quote(v)}"
                    for k, v in self.services.items()
                    if k in ("SERVICES_DIR", "PG_PORT", "REDIS_PORT")
                )
                + " services_stop"
            )
            subprocess.run(["bash", "-c", script], timeout=120, check=False)
            self.services = {}
        shutil.rmtree(self.work, ignore_errors=True)

    # ------------------------------------------------------------------ topology

    def services_up(self) -> None:
        if self.args.use_env:
            missing = [
                k
                for k in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")
                if not os.environ.get(k)
            ]
            if missing:
                raise BenchError(f"--use-env needs {', '.join(missing)} in the environment")
            self.services_env = {
                k: os.environ[k]
                for k in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")
            }
            return
        names = ["DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "SERVICES_DIR"]
        names += ["PG_PORT", "REDIS_PORT"]
        script = (
            f"source {shlex.quote(str(SCRIPTS / 'services.sh'))}; services_start >&2 && "
            + " && ".join(f'echo "{n}=${n}"' for n in names)
        )
        self.commands.append("source scripts/services.sh; services_start")
        log("starting PostgreSQL and Redis (scripts/services.sh)")
        out = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=300, check=False
        )
        for line in out.stdout.splitlines():
            key, _, value = line.partition("=")
            if key in names and value:
                self.services[key] = value
        if out.returncode != 0 or "DATABASE_URL" not in self.services:
            raise BenchError(f"services_start failed:\n{out.stderr[-2000:]}")
        log(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "services up")
        self.services_env = {
            k: self.services[k]
            for k in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")
        }

    def base_env(self, settings_module: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "STRONGROOM_", "DATABASE_", "HTTP_", "HTTPS_"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
        }
        env.update(self.services_env)
        env["DJANGO_SETTINGS_MODULE"] = settings_module
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def prepare_data(self) -> None:
        py = sys.executable
        env = self.base_env("config.settings.local")
        env["DJANGO_DEBUG"] = "0"
        env["STRONGROOM_DEMO_PASSWORD"] = self.password
        env["STATIC_ROOT"] = str(self.work / "static")
        self.run([py, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, timeout=600,
                 name="migrate")  # fmt: skip
        self.run([py, "manage.py", "initial_setup", "--demo"], env=env, timeout=600,
                 name="initial_setup")  # fmt: skip
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

    def daphnes_up(self) -> list[int]:
        env = self.base_env("config.settings.production")
        env.update(
            {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(48)[:64],
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_CSRF_TRUSTED_ORIGINS": "https://127.0.0.1,https://localhost",
                "STRONGROOM_WS_ALLOWED_ORIGINS": "127.0.0.1,localhost",
                "STRONGROOM_THROTTLE_USER": "1000000/minute",
                "DJANGO_LOG_LEVEL": "WARNING",
                "STATIC_ROOT": str(self.work / "static"),
                "MEDIA_ROOT": str(self.work / "media"),
            }
        )
        self.daphne_env = env
        ports = []
        daphne = str(Path(sys.executable).parent / "daphne")
        for n in range(self.args.daphnes):
            port = free_port()
            cmd = [daphne, "-b", "127.0.0.1", "-p", str(port), "--proxy-headers",
                   "config.asgi:application"]  # fmt: skip
            self.start(cmd, env=env, name=f"daphne-{n + 1}")
            ports.append(port)
        return ports

    def nginx_up(self, upstream_ports: list[int]) -> None:
        if shutil.which("nginx") is None:
            raise BenchError("nginx is not installed (apt-get install nginx)")
        tmp = self.work / "nginx"
        conf = tmp / "conf"
        for sub in ("logs", "temp", "html", "static", "media", "acme"):
            (tmp / sub).mkdir(parents=True, exist_ok=True)
        (tmp / "html" / "index.html").write_text('<!doctype html><div id="root"></div>\n')
        shutil.copytree(REPO / "nginx" / "conf.d", conf / "conf.d")
        shutil.copytree(REPO / "nginx" / "snippets", conf / "snippets")
        shutil.copy(REPO / "nginx" / "nginx.conf", conf / "nginx.conf")
        if Path("/etc/nginx/mime.types").exists():
            shutil.copy("/etc/nginx/mime.types", conf / "mime.types")
        else:
            (conf / "mime.types").write_text("types { application/json json; }\n")
        subprocess.run(
            [str(SCRIPTS / "make_cert.sh"), "localhost", str(conf / "certs")],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        http_port, https_port = free_port(), free_port()
        nginx_version = subprocess.run(
            ["nginx", "-v"], capture_output=True, text=True, check=False
        ).stderr
        match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", nginx_version)
        old_http2 = bool(match) and tuple(int(x) for x in match.groups()) < (1, 25, 1)  # type: ignore[union-attr]
        user_line = "user root root;" if os.geteuid() == 0 else ""
        servers = "".join(
            f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstream_ports
        )
        files = [
            conf / "nginx.conf",
            *(conf / "conf.d").glob("*.conf"),
            *(conf / "snippets").glob("*.conf"),
        ]
        for path in files:
            text = path.read_text()
            text = re.sub(r"(?m)^user nginx;", user_line, text)
            text = text.replace("/etc/nginx/", f"{conf}/")
            text = text.replace("/var/log/nginx/", f"{tmp}/logs/")
            text = re.sub(r"(?m)^pid /run/nginx.pid;", f"pid {tmp}/nginx.pid;", text)
            text = text.replace("/usr/share/nginx/html", f"{tmp}/html")
            text = text.replace("/srv/strongroom/static/", f"{tmp}/static/")
            text = text.replace("/srv/strongroom/media/", f"{tmp}/media/")
            text = text.replace("/var/www/acme", f"{tmp}/acme")
            text = re.sub(r"(?m)^(\s*listen\s+)80\b", rf"\g<1>127.0.0.1:{http_port}", text)
            text = re.sub(r"(?m)^(\s*listen\s+)443\b", rf"\g<1>127.0.0.1:{https_port}", text)
            text = re.sub(r"(?m)^\s*server\s+[A-Za-z][A-Za-z0-9_.-]*:[0-9]+[^;]*;\n", servers, text)
            if old_http2:
                text = re.sub(r"(?m)^\s*http2 on;\n", "", text)
                text = re.sub(r"(?m)^(\s*listen\s+[^;]*\bssl\b[^;]*);", r"\1 http2;", text)
            if path.name == "nginx.conf":
                temp = tmp / "temp"
                text = text.replace(
                    "http {",
                    "http {\n"
                    + "".join(
                        f"    {kind}_temp_path {temp}/{kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                    ),
                    1,
                )
            path.write_text(text)
        cmd = [
            "nginx",
            "-p",
            f"{tmp}/",
            "-c",
            str(conf / "nginx.conf"),
            "-e",
            f"{tmp}/logs/error.log",
        ]
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise BenchError(f"nginx -t failed:\n{check.stderr}")
        self.start([*cmd, "-g", "daemon off;"], env=dict(os.environ), name="nginx")
        self.base = f"https://127.0.0.1:{https_port}"
        self.results["topology"] = {
            "nginx": self.base,
            "daphne_ports": upstream_ports,
            "nginx_upstream": "least_conn, keepalive 32 (repository config)",
            "http2_spelling": "listen ... ssl http2" if old_http2 else "http2 on",
        }

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        with httpx.Client(verify=False, trust_env=False, timeout=5) as client:  # noqa: S501
            while time.monotonic() < deadline:
                for name, proc in self.procs:
                    if proc.poll() is not None:
                        log_text = (self.work / f"{name}.log").read_text(errors="replace")
                        raise BenchError(f"{name} exited early:\n{log_text[-3000:]}")
                try:
                    oks = sum(
                        client.get(f"{self.base}/readyz").status_code == 200 for _ in range(4)
                    )
                    if oks == 4:
                        log(f"ready: {self.base}")
                        return
                    last = f"{oks}/4 /readyz answered 200"
                except httpx.HTTPError as exc:
                    last = repr(exc)
                time.sleep(1)
        raise BenchError(f"the deployment did not become ready: {last}")

    # ------------------------------------------------------------------ measurements

    def token(self, client: httpx.Client) -> str:
        response = client.post(
            "/api/v1/auth/login/",
            json={"username": self.args.username, "password": self.password},
        )
        if response.status_code != 200:
            raise BenchError(f"login failed: HTTP {response.status_code} {response.text[:300]}")
        return str(response.json()["access"])

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
            headers = {"Authorization": f"Bearer {self.token(client)}"}
            for path in ENDPOINTS:
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
                    round(closed_summary["throughput_rps"] / healthz["throughput_rps"], 3)
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
        self._end("py-spy", proc)

    def deep(self, path: str) -> dict[str, Any]:
        a = self.args
        with self.client() as client:
            headers = {"Authorization": f"Bearer {self.token(client)}"}
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


# Where a list request's time goes, by the frames py-spy saw on the stack (inclusive).
PY_SPY_MARKERS = {
    "authentication (JWT, user, session check)": "authenticate (strongroom/accounts/tokens.py",
    "permission checks": "check_permissions (rest_framework/views.py",
    "throttling": "check_throttles (rest_framework/views.py",
    "filter backends (django-filter, search, ordering)": "filter_queryset (",
    "pagination + list query (SQL, model instances)": "paginate_queryset (",
    "serializer (to_representation)": "data (rest_framework/serializers.py",
    "JSON rendering": "render (rest_framework/renderers.py",
    "SQL on the wire (psycopg execute/fetch)": "execute (psycopg/cursor.py",
    "row loading (psycopg)": "_load_",
    "the DRF view (everything after the middleware)": "view (rest_framework/viewsets.py",
    "Redis (cache: throttle, revoked sessions)": "(redis/",
    "Redis connection set-up": "Connection.connect (redis/",
    "asgiref thread hop (sync_to_async)": "thread_handler (asgiref/sync.py",
}


PY_SPY_IDLE_LEAVES = (
    "Condition.wait (",
    "EpollSelector.select (",
    "_worker (concurrent/futures/thread.py",
    "Thread._wait_for_tstate_lock (",
)


def py_spy_summary(path: Path) -> dict[str, Any]:
    """Top own-time frames and the share of samples under a few known frames."""
    if not path.exists():
        return {"error": "no py-spy output"}
    own: dict[str, int] = {}
    under = dict.fromkeys(PY_SPY_MARKERS, 0)
    total = idle = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if any(frames[-1].startswith(leaf) for leaf in PY_SPY_IDLE_LEAVES):
            idle += count  # a worker thread or the event loop waiting for work
            continue
        total += count
        leaf = re.sub(r":\d+\)$", ")", frames[-1])
        leaf = re.sub(r"\(/.*?site-packages/", "(", leaf)
        own[leaf] = own.get(leaf, 0) + count
        for label, marker in PY_SPY_MARKERS.items():
            if any(marker in f for f in frames):
                under[label] += count
    top = sorted(own.items(), key=lambda kv: -kv[1])[:25]
    return {
        "samples": total,
        "idle_samples_left_out": idle,
        "share_under": {k: round(v / total, 3) for k, v in under.items()} if total else {},
        "top_own": [[frame, round(n / total, 4)] for frame, n in top] if total else [],
    }


def _f(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(r: dict[str, Any]) -> str:
    m, vol, seed = r["machine"], r.get("volume", {}), r.get("seed", {})
    s = r.get("settings", {})
    lines = [
        "# Strongroom API benchmark (scripts/bench_api.py)",
        "",
        f"Run {r['started_at']} → {r.get('finished_at', '?')}.",
        "",
        f"**Machine:** {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM; {m['postgres']}; "
        f"{m['redis'].split(' sha=')[0]}; {m['nginx']}; Python {m['python']}. Load generator, "
        "nginx, Daphne, PostgreSQL and Redis share the same cores.",
        "",
        f"**Data:** {vol.get('documents', '?'):,} documents, {vol.get('crates', '?'):,} crates, "
        f"{vol.get('requests', '?'):,} requests, {vol.get('locations', '?'):,} locations "
        f"(database {vol.get('database_size', '?')}); seeded by `seed_volume` in "
        f"{_f(seed.get('seconds_command'))} s ({_f(seed.get('seconds_wall'))} s wall).",
        "",
        f"**Topology:** nginx (repository config, TLS, HTTP/1.1 keep-alive from the client) → "
        f"{s.get('daphnes')} Daphne processes, `config.settings.production`; user "
        f"`{s.get('username')}`; closed loop {s.get('concurrency')} clients for "
        f"{s.get('duration')} s; open loop {s.get('rate')} req/s for {s.get('duration')} s.",
        "",
    ]
    figures = r.get("figures", {})
    if figures:
        h = figures["healthz"]
        lines += [
            "| endpoint | closed-loop req/s | ratio to /healthz (target ≥ 0.50) | p50 / p95 ms at "
            f"{s.get('rate')} req/s (target p95 ≤ 100) | open-loop errors | deep page p50 / page 1 "
            "p50 (target ≤ 1.2) |",
            "|---|---|---|---|---|---|",
            f"| /healthz (best of the runs) | {_f(h['throughput_rps'])} | 1 | - | - | - |",
        ]
        for path, f in figures.items():
            if path == "healthz":
                continue
            c, o, d = f["closed"], f["open"], f["deep"]
            lines.append(
                f"| {path} | {_f(c['throughput_rps'])} | {_f(f['ratio_to_healthz'], 2)} (/healthz "
                f"{_f(f['healthz']['throughput_rps'])} just before) | "
                f"{_f(o['latency_ms']['p50'])} / {_f(o['latency_ms']['p95'])} | "
                f"{o['errors']}/{o['requests']} | "
                f"{_f(d['p50_ratio'], 2)} ({d['depth']} pages deep: "
                f"{_f(d['deep_page']['latency_ms']['p50'])} vs "
                f"{_f(d['page1']['latency_ms']['p50'])} ms) |"
            )
        low = [
            f"{path} p50 {_f(f['open_low_rate']['latency_ms']['p50'])} / p95 "
            f"{_f(f['open_low_rate']['latency_ms']['p95'])} ms"
            for path, f in figures.items()
            if path != "healthz" and f.get("open_low_rate")
        ]
        if low:
            lines += ["", f"Open loop at {s.get('low_rate')} req/s (below saturation): "
                      + "; ".join(low) + "."]  # fmt: skip
        lines += ["", f"Reference on this machine (PRODUCT.md §7): {r['reference']}.", ""]
    prof = r.get("profile")
    if prof:
        lines += ["## SQL queries and Python time per list request (in-process, same data)", ""]
        lines += ["| endpoint | queries per page (target ≤ 4) | ms per request (in-process) |",
                  "|---|---|---|"]  # fmt: skip
        for path, p in prof.get("endpoints", {}).items():
            lines.append(f"| {path} | {p['queries']} | {_f(p['ms_per_request'])} |")
        lines += ["", "Top functions: see profile.txt beside this file.", ""]
    for path, spy in (r.get("py_spy") or {}).items():
        if not spy.get("samples"):
            continue
        lines += [f"## py-spy of Daphne 1 under a closed loop on {path} ({spy['samples']} samples)",
                  "", "| inclusive share of samples | under |", "|---|---|"]  # fmt: skip
        for label, share in spy["share_under"].items():
            lines.append(f"| {share:.1%} | {label} |")
        lines += ["", "Top own-time frames:", ""]
        lines += [f"- {share:.1%} `{frame}`" for frame, share in spy["top_own"][:12]]
        lines.append("")
    if r.get("skipped"):
        lines += [f"Skipped: {r['skipped']}", ""]
    if r.get("error"):
        lines += [f"**The run stopped with an error:** {r['error']}", ""]
    lines += ["## Commands", "", "```"]
    lines += r["commands"]
    lines += ["```", ""]
    return "\n".join(lines)


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
    p.add_argument("--concurrency", type=int, default=16, help="closed-loop clients")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per measurement")
    p.add_argument("--warmup", type=float, default=8.0, help="seconds of warm-up")
    p.add_argument("--rate", type=float, default=50.0, help="open-loop requests per second")
    p.add_argument("--low-rate", type=float, default=10.0,
                   help="a second open loop below saturation (0: none)")  # fmt: skip
    p.add_argument("--deep-pages", type=int, default=50)
    p.add_argument("--deep-concurrency", type=int, default=4)
    p.add_argument("--username", default="goa1-approver")
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
        ports = bench.daphnes_up()
        bench.nginx_up(ports)
        bench.wait_ready()
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
