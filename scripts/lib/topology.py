"""The production topology on loopback, without containers, for the scripts that need it.

nginx (this repository's configuration, rewritten into a temporary prefix with a fresh
self-signed certificate) → N Daphne processes with ``config.settings.production`` → PostgreSQL 15
and Redis (throw-away instances from scripts/services.sh, or the environment's), plus a Celery
worker and Beat when asked for. Used by bench_api.py, check_production_topology.py and chaos/.

Every process is started in its own session so that it can be stopped (or killed) with its
children; :meth:`Topology.cleanup` stops everything, PostgreSQL and Redis included, and removes
the temporary directory.
"""

# ruff: noqa: S603, S607 (it runs the repository's own tools: daphne, celery, nginx, manage.py)
from __future__ import annotations

import contextlib
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from lib import nginx_render

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
SCRIPTS = REPO / "scripts"
SERVICE_URLS = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")
# The database owner (migrate, initial_setup, seed_volume) and the role it grants to; DATABASE_URL
# is the application role's, for Daphne, the worker and Beat (scripts/services.sh).
OWNER_VARIABLES = ("DATABASE_OWNER_URL", "STRONGROOM_DB_APP_ROLE")


class TopologyError(Exception):
    pass


def make_logger(prefix: str) -> Callable[[str], None]:
    def log(text: str) -> None:
        sys.stderr.write(f"[{prefix} {datetime.now(UTC):%H:%M:%S}] {text}\n")
        sys.stderr.flush()

    return log


# What a script's handlers turn into a clean stop (Ctrl-C, kill, its own time limit).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)


@contextlib.contextmanager
def signals_deferred() -> Iterator[Callable[[], None]]:
    """Hold back :data:`STOP_SIGNALS` for the block and deliver them when it ends: for steps that
    start daemons this process learns the names of only at the end (an interruption in between
    would leave them running). Yields the function that gives a child process (``preexec_fn``)
    the normal signal mask back."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def unblock() -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

    try:
        yield unblock
    finally:
        unblock()


def rss_kb(pid: int) -> int:
    """Resident memory of a process in KiB (0 once it has exited)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> dict[str, Any]:
    """The facts a reader needs to compare figures: cores, memory, CPU, versions."""
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
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else "?"

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


class Topology:
    """Starts, tracks and stops the processes of one loopback deployment."""

    def __init__(
        self,
        *,
        use_env: bool = False,
        log: Callable[[str], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.use_env = use_env
        # Where --use-env reads the service URLs: this process's environment unless given.
        self.environ = os.environ if environ is None else environ
        self.log = log or make_logger("topology")
        self.work = Path(tempfile.mkdtemp(prefix="strongroom-topology-"))
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.services: dict[str, str] = {}
        self.services_env: dict[str, str] = {}
        self.owner_env: dict[str, str] = {}
        self.daphne_env: dict[str, str] = {}
        self.daphne_ports: dict[str, int] = {}
        self.commands: list[str] = []
        self.base = ""
        self.http_port = 0
        self.https_port = 0
        self.nginx_prefix = self.work / "nginx"

    # ------------------------------------------------------------------ processes

    def run(self, cmd: list[str], *, env: dict[str, str], timeout: float, name: str) -> str:
        """Run a command to completion in backend/, its output in ``<work>/<name>.log``."""
        shown = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(shown)
        self.log(f"$ {shown}")
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
                raise TopologyError(f"{name} took longer than {timeout:.0f} s") from exc
            finally:
                self.end(name)
        text = logfile.read_text(errors="replace")
        if code != 0:
            raise TopologyError(f"{name} failed (exit {code}):\n{text[-3000:]}")
        return text

    def start(self, cmd: list[str], *, env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        """Start a long-running process in backend/, appending to ``<work>/<name>.log``."""
        shown = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(shown + " &")
        self.log(f"$ {shown} &")
        handle = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 (lives as long as the process)
        proc = subprocess.Popen(
            cmd, cwd=BACKEND, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs.append((name, proc))
        handle.close()
        return proc

    def finish(self, name: str, *, timeout: float) -> str:
        """Wait for a process from :meth:`start` to exit (for commands run side by side); its
        output, or :class:`TopologyError` if it failed or took longer than ``timeout``."""
        proc = self.proc(name)
        if proc is None:
            raise TopologyError(f"{name} was not started")
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise TopologyError(f"{name} took longer than {timeout:.0f} s") from exc
        finally:
            self.end(name)
        text = self.logfile(name)
        if code != 0:
            raise TopologyError(f"{name} failed (exit {code}):\n{text[-3000:]}")
        return text

    def proc(self, name: str) -> subprocess.Popen[bytes] | None:
        return next((p for n, p in self.procs if n == name), None)

    def end(
        self, name: str, sig: signal.Signals = signal.SIGTERM, *, signalled: bool = False
    ) -> None:
        """Stop the named process group: ``sig`` first (unless ``signalled`` already), SIGKILL
        after 10 s."""
        proc = self.proc(name)
        if proc is None:
            return
        if proc.poll() is None:
            if not signalled:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.log(f"{name} did not stop within 10 s: SIGKILL")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs = [(n, p) for n, p in self.procs if p is not proc]

    def logfile(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                raise TopologyError(f"{name} exited early:\n{self.logfile(name)[-3000:]}")

    def logs_copy(self, folder: Path) -> None:
        """Copy the log of every process (``<name>.log``) and nginx's logs (``nginx-*.log``)."""
        folder.mkdir(parents=True, exist_ok=True)
        for path in self.work.glob("*.log"):
            shutil.copy(path, folder / path.name)
        for path in (self.nginx_prefix / "logs").glob("*.log"):
            shutil.copy(path, folder / f"nginx-{path.name}")
        self.log(f"logs copied to {folder}")

    def cleanup(self, keep_logs: Path | None = None) -> None:
        """Stop everything, PostgreSQL and Redis included, and remove the temporary directory;
        first copy the logs (with what the processes wrote while stopping) to ``keep_logs``."""
        # SIGTERM to every process group first, so that they shut down side by side; then
        # end() waits for each (and kills what is still running after 10 s).
        for name, proc in reversed(list(self.procs)):
            self.log(f"stopping {name} (pid {proc.pid})")
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for name, _proc in reversed(list(self.procs)):
            self.end(name, signal.SIGTERM, signalled=True)
        if self.services.get("SERVICES_DIR"):
            self.log(f"stopping PostgreSQL and Redis ({self.services['SERVICES_DIR']})")
            self.services_script("services_stop", timeout=120)
            self.services = {}
        if keep_logs is not None:
            try:
                self.logs_copy(keep_logs)
            except OSError as exc:
                self.log(f"could not copy the logs to {keep_logs}: {exc}")
        shutil.rmtree(self.work, ignore_errors=True)
        self.log(f"removed {self.work}")

    # ------------------------------------------------------------------ PostgreSQL and Redis

    def services_script(self, function: str, *, timeout: float) -> subprocess.CompletedProcess[str]:
        """Call a function of scripts/services.sh against the instances this topology started."""
        assignments = " ".join(
            f"{k}={shlex.quote(v)}"
            for k, v in self.services.items()
            if k in ("SERVICES_DIR", "PG_PORT", "REDIS_PORT")
        )
        script = f"source {shlex.quote(str(SCRIPTS / 'services.sh'))}; {assignments} {function}"
        return subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=timeout, check=False
        )

    def services_up(self) -> None:
        if self.use_env:
            environ = self.environ
            missing = [k for k in SERVICE_URLS if not environ.get(k)]
            if missing:
                raise TopologyError(f"--use-env needs {', '.join(missing)} in the environment")
            self.services_env = {k: environ[k] for k in SERVICE_URLS}
            # Without DATABASE_OWNER_URL one role does everything (no split to check).
            self.owner_env = {k: environ[k] for k in OWNER_VARIABLES if environ.get(k)}
            self.owner_env.setdefault("DATABASE_OWNER_URL", environ["DATABASE_URL"])
            return
        names = [*SERVICE_URLS, *OWNER_VARIABLES, "SERVICES_DIR", "PG_PORT", "REDIS_PORT"]
        script = (
            f"source {shlex.quote(str(SCRIPTS / 'services.sh'))}; services_start >&2 && "
            + " && ".join(f'echo "{n}=${n}"' for n in names)
        )
        self.commands.append("source scripts/services.sh; services_start")
        self.log("starting PostgreSQL and Redis (scripts/services.sh)")
        # A Ctrl-C (or time limit) during services_start waits until its directory and ports
        # are known, so that cleanup() can stop both servers.
        with signals_deferred() as child_unblock:
            out = subprocess.run(
                ["bash", "-c", script], capture_output=True, text=True, timeout=300, check=False,
                preexec_fn=child_unblock,
            )  # fmt: skip
            for line in out.stdout.splitlines():
                key, _, value = line.partition("=")
                if key in names and value:
                    self.services[key] = value
        if out.returncode != 0 or "DATABASE_URL" not in self.services:
            raise TopologyError(f"services_start failed:\n{out.stderr[-2000:]}")
        self.services_env = {k: self.services[k] for k in SERVICE_URLS}
        self.owner_env = {k: self.services[k] for k in OWNER_VARIABLES if k in self.services}
        self.log(
            f"PostgreSQL on 127.0.0.1:{self.services.get('PG_PORT')}, Redis on "
            f"127.0.0.1:{self.services.get('REDIS_PORT')} ({self.services.get('SERVICES_DIR')})"
        )

    def base_env(self, settings_module: str) -> dict[str, str]:
        """This process's environment without Django/Strongroom settings or proxies, plus
        the service URLs."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "STRONGROOM_", "DATABASE_", "HTTP_", "HTTPS_"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
        }
        env.update(self.services_env)
        env["DJANGO_SETTINGS_MODULE"] = settings_module
        # The audit checkpoints' signing key: initial_setup creates it, every process signs with it.
        env["STRONGROOM_AUDIT_SIGNING_KEY_FILE"] = str(self.work / "audit-signing-key.pem")
        env["PYTHONUNBUFFERED"] = "1"
        # Each process imports several hundred modules; the virtualenv as uv installs it holds
        # few .pyc files, and without writing them every start compiles them again (~3 s of
        # CPU per process on the 2-core machine).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def manage(self, *args: str, timeout: float = 600, env: dict[str, str] | None = None) -> str:
        """``manage.py <args>`` with production settings (the way the migrate service runs)."""
        return self.run(
            [sys.executable, "manage.py", *args],
            env=env or self.production_env(),
            timeout=timeout,
            name="manage-" + "-".join(a.lstrip("-") for a in args[:1]),
        )

    @property
    def owner_database_url(self) -> str:
        """The database owner's URL (migrations, COPY): DATABASE_URL is the application role's."""
        return self.owner_env.get("DATABASE_OWNER_URL") or self.services_env["DATABASE_URL"]

    def setup_env(self, password: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The environment for ``migrate`` / ``initial_setup --demo`` / ``seed_volume``:
        development settings with debug off against this topology's database (initial_setup
        refuses production settings), as the database owner (as the compose ``migrate``
        service), every demo user's password ``password``."""
        env = self.base_env("config.settings.local")
        env.update({"DJANGO_DEBUG": "0", "STRONGROOM_DEMO_PASSWORD": password})
        env["DATABASE_URL"] = self.owner_database_url
        if self.owner_env.get("STRONGROOM_DB_APP_ROLE"):
            env["STRONGROOM_DB_APP_ROLE"] = self.owner_env["STRONGROOM_DB_APP_ROLE"]
        env.update(extra or {})
        return env

    def demo_data_up(self, env: dict[str, str], *, skip_checks: bool = False) -> None:
        """``migrate`` then ``initial_setup --demo`` (the demo goes through the real workflow)."""
        py = sys.executable
        checks = ["--skip-checks"] if skip_checks else []
        self.run([py, "manage.py", "migrate", "--no-input", "-v", "0", *checks], env=env,
                 timeout=600, name="migrate")  # fmt: skip
        self.run([py, "manage.py", "initial_setup", "--demo", *checks], env=env, timeout=600,
                 name="initial_setup")  # fmt: skip

    # ------------------------------------------------------------------ application processes

    def production_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        if not self.daphne_env:
            env = self.base_env("config.settings.production")
            env.update(
                {
                    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48)[:64],
                    "STRONGROOM_JWT_SIGNING_KEY": secrets.token_urlsafe(48)[:64],
                    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://127.0.0.1,https://localhost",
                    "STRONGROOM_WS_ALLOWED_ORIGINS": "127.0.0.1,localhost",
                    "DJANGO_LOG_LEVEL": "WARNING",
                    "STATIC_ROOT": str(self.work / "static"),
                    "MEDIA_ROOT": str(self.work / "media"),
                }
            )
            self.daphne_env = env
        return {**self.daphne_env, **(extra or {})}

    def daphne_up(self, name: str, port: int | None = None) -> int:
        """Start (or restart, on the same port) one Daphne process."""
        port = port or self.daphne_ports.get(name) or free_port()
        daphne = str(Path(sys.executable).parent / "daphne")
        cmd = [daphne, "-b", "127.0.0.1", "-p", str(port), "--proxy-headers",
               "config.asgi:application"]  # fmt: skip
        self.start(cmd, env=self.production_env(), name=name)
        self.daphne_ports[name] = port
        return port

    def daphnes_up(self, count: int, extra_env: dict[str, str] | None = None) -> list[int]:
        if extra_env:
            self.production_env(extra_env)
            self.daphne_env.update(extra_env)
        return [self.daphne_up(f"daphne-{n + 1}") for n in range(count)]

    def worker_up(
        self,
        name: str = "worker",
        *,
        concurrency: int = 2,
        queues: str = "default,email,maintenance",
    ) -> None:
        celery = str(Path(sys.executable).parent / "celery")
        # As backend/docker-entrypoint.sh runs it.
        cmd = [celery, "-A", "config", "worker", "-Q", queues, "--concurrency",
               str(concurrency), "--loglevel", "INFO", "-n", f"{name}@%h",
               "--without-gossip", "--without-mingle"]  # fmt: skip
        self.start(cmd, env=self.production_env(), name=name)

    def beat_up(self) -> None:
        celery = str(Path(sys.executable).parent / "celery")
        cmd = [celery, "-A", "config", "beat", "--loglevel", "INFO",
               "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
               "--pidfile", str(self.work / "beat.pid")]  # fmt: skip
        self.start(cmd, env=self.production_env(), name="beat")

    # ------------------------------------------------------------------ nginx

    def nginx_up(self, upstream_ports: list[int]) -> None:
        """The repository's nginx configuration in a temporary prefix, on loopback ports, in
        front of ``upstream_ports``; a fresh self-signed certificate for ``localhost``."""
        if shutil.which("nginx") is None:
            raise TopologyError("nginx is not installed (apt-get install nginx)")
        tmp = self.nginx_prefix
        (tmp / "html").mkdir(parents=True, exist_ok=True)
        if (REPO / "frontend" / "dist" / "index.html").exists():
            shutil.copytree(REPO / "frontend" / "dist", tmp / "html", dirs_exist_ok=True)
        else:
            (tmp / "html" / "index.html").write_text('<!doctype html><div id="root"></div>\n')
        self.http_port, self.https_port = free_port(), free_port()
        cmd = nginx_render.render(
            tmp,
            http_port=self.http_port,
            https_port=self.https_port,
            upstreams=upstream_ports,
            static_dir=self.work / "static",
            media_dir=self.work / "media",
        )
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise TopologyError(f"nginx -t failed:\n{check.stderr}")
        self.start([*cmd, "-g", "daemon off;"], env=dict(os.environ), name="nginx")
        self.base = f"https://127.0.0.1:{self.https_port}"
        old_http2 = nginx_render.nginx_version() < (1, 25, 1)
        self.http2_spelling = "listen ... ssl http2" if old_http2 else "http2 on"

    @property
    def access_log(self) -> Path:
        return self.nginx_prefix / "logs" / "access.log"

    @property
    def error_log(self) -> Path:
        return self.nginx_prefix / "logs" / "error.log"

    @property
    def certificate(self) -> Path:
        """nginx's self-signed certificate (for ``localhost``): a client that trusts this file
        verifies the TLS connection instead of switching verification off."""
        return self.nginx_prefix / "conf" / "certs" / "fullchain.pem"

    def wait_ready(self, timeout: float = 120, probes: int = 4) -> None:
        """Until ``probes`` consecutive /readyz through nginx answer 200 (each upstream once)."""
        deadline = time.monotonic() + timeout
        last = ""
        with httpx.Client(verify=False, trust_env=False, timeout=5) as client:  # noqa: S501
            while time.monotonic() < deadline:
                self.check_alive()
                try:
                    oks = sum(
                        client.get(f"{self.base}/readyz").status_code == 200 for _ in range(probes)
                    )
                    if oks == probes:
                        self.log(f"ready: {self.base}")
                        return
                    last = f"{oks}/{probes} /readyz answered 200"
                except httpx.HTTPError as exc:
                    last = repr(exc)
                time.sleep(1)
        raise TopologyError(f"the deployment did not become ready: {last}")
