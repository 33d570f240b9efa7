"""Compose as the checks drive it: one project directory laid out like an installation
(/opt/strongroom), the project name ``strongroom``, the images tagged by STRONGROOM_IMAGE_TAG.

The compose command is ``docker-compose`` (Compose 1.29, Debian's package); the private dockerd
is the one DOCKER_HOST names (scripts/check_compose_stack.sh starts it)."""

# ruff: noqa: S603, S607 (fixed commands: docker, docker-compose, git, tar and the repository's
# own scripts)

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = "strongroom"
COMPOSE_FILE = "docker-compose.production.yml"
HOST = "localhost"  # the name in the generated certificate and DJANGO_ALLOWED_HOSTS
ENV_FILES = (".env.production", ".env.production.owner", ".env.production.redis")
# What an operator keeps in the installation directory across `git checkout` of a release.
KEPT = (*ENV_FILES, "nginx/certs")
OPEN_FILES = 65535  # the ulimits of backend and nginx in the compose file
SERVICES = ("postgres", "redis", "migrate", "backend", "worker", "beat", "nginx")


class StackError(Exception):
    pass


def say(text: str) -> None:
    sys.stdout.write(f"    {text}\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Container:
    id: str
    name: str
    service: str
    status: str  # running, exited, restarting, ...
    exit_code: int
    health: str  # healthy, unhealthy, starting, or "" without a health check
    started_at: str
    finished_at: str
    user: str
    image: str
    raw: dict[str, Any]


def container_from(raw: dict[str, Any]) -> Container:
    state = raw["State"]
    return Container(
        id=raw["Id"][:12],
        name=raw["Name"].lstrip("/"),
        service=raw["Config"]["Labels"].get("com.docker.compose.service", ""),
        status=state["Status"],
        exit_code=int(state.get("ExitCode", 0)),
        health=(state.get("Health") or {}).get("Status", ""),
        started_at=state.get("StartedAt", ""),
        finished_at=state.get("FinishedAt", ""),
        user=raw["Config"].get("User", ""),
        image=raw["Config"].get("Image", ""),
        raw=raw,
    )


def source_tree(repo: Path, ref: str | None, into: Path) -> Path:
    """The files of ``ref`` (a tag: ``git archive``) or, for None, of the working tree as it is
    (tracked and untracked files, less what .gitignore ignores), unpacked into ``into``."""
    into.mkdir(parents=True)
    if ref is not None:
        archive = subprocess.run(
            # The working tree's modes (644/755), not git archive's default 664/775: the same
            # files then hit the same build cache.
            ["git", "-C", str(repo), "-c", "tar.umask=0022", "archive", "--format=tar", ref],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        return into
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    names = sorted({n.decode() for n in listed if n and (repo / n.decode()).is_file()})
    tar_path = into.parent / f".{into.name}.tar"
    with tarfile.open(tar_path, "w") as tar:
        for name in names:
            tar.add(repo / name, arcname=name, recursive=False)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="tar")
    tar_path.unlink()
    return into


class Stack:
    def __init__(self, directory: Path, *, repo: Path, tag: str) -> None:
        self.dir = directory
        self.repo = repo
        self.tag = tag
        self.secrets: dict[str, str] = {}
        self.admin_password = ""
        self.overrides: list[Path] = []

    def fit_open_files_limit(self, into: Path) -> str:
        """The compose file gives nginx and the backend 65,535 open files. A machine whose root
        may not raise its hard limit that high (no CAP_SYS_RESOURCE: this VM's is 20,000) cannot
        start such a container; there an override file lowers that limit to the machine's, and
        the message says so ("" when none is needed)."""
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard == resource.RLIM_INFINITY or hard >= OPEN_FILES:
            return ""
        limit = f"        nofile:\n          soft: {hard}\n          hard: {hard}\n"
        path = into / "docker-compose.open-files.yml"
        path.write_text(
            "# This machine's hard limit of open files (RLIMIT_NOFILE) is below the compose\n"
            "# file's; written by scripts/check_compose_stack.py.\nservices:\n"
            + "".join(f"  {name}:\n    ulimits:\n{limit}" for name in ("backend", "nginx"))
        )
        self.overrides.append(path)
        return (
            f"this machine's hard limit of open files is {hard} (< {OPEN_FILES}; root lacks "
            f"CAP_SYS_RESOURCE): {path.name} lowers the ulimits of backend and nginx to it"
        )

    # ------------------------------------------------------------------ commands

    def env(self) -> dict[str, str]:
        return {**os.environ, "STRONGROOM_IMAGE_TAG": self.tag}

    def compose_command(self) -> list[str]:
        files = [str(self.dir / COMPOSE_FILE), *(str(p) for p in self.overrides)]
        return [
            "docker-compose",
            "--project-name",
            PROJECT,
            *(x for f in files for x in ("--file", f)),
        ]

    def compose(
        self,
        *args: str,
        check: bool = True,
        input_text: str | None = None,
        timeout: float = 900,
        quiet: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.compose_command(), *args],
            cwd=self.dir,
            env=self.env(),
            input=input_text,
            capture_output=quiet,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            output = ((result.stdout or "") + (result.stderr or ""))[-3000:]
            raise StackError(f"docker-compose {' '.join(args)}: exit {result.returncode}\n{output}")
        return result

    @staticmethod
    def docker(*args: str, check: bool = True, timeout: float = 120) -> str:
        result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise StackError(
                f"docker {' '.join(args)}: exit {result.returncode}\n{result.stderr[-2000:]}"
            )
        return result.stdout

    def run_script(self, script: str, *args: str, timeout: float = 600) -> tuple[int, str]:
        """scripts/<script> of the installation directory, against this stack (its "docker
        compose" is Compose 1.29 through the docker shim on the PATH)."""
        result = subprocess.run(
            [
                "bash",
                str(self.dir / "scripts" / script),
                "--compose-file",
                str(self.dir / COMPOSE_FILE),
                *args,
            ],
            cwd=self.dir,
            env={**self.env(), "COMPOSE_PROJECT_NAME": PROJECT},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return result.returncode, result.stdout + result.stderr

    # ------------------------------------------------------------------ the installation

    def checkout(self, source: Path) -> None:
        """Replace the installation's files by ``source``'s, keeping the env files and the
        certificates, as `git checkout <release>` does in /opt/strongroom."""
        kept = self.dir.parent / f".{self.dir.name}.kept"
        if kept.exists():
            shutil.rmtree(kept)
        kept.mkdir()
        if self.dir.exists():
            for name in KEPT:
                if (self.dir / name).exists():
                    (kept / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(self.dir / name, kept / name)
            shutil.rmtree(self.dir)
        shutil.copytree(source, self.dir, symlinks=True)
        for name in KEPT:
            if (kept / name).exists():
                (self.dir / name).parent.mkdir(parents=True, exist_ok=True)
                if (self.dir / name).is_dir():
                    shutil.rmtree(self.dir / name)
                shutil.move(kept / name, self.dir / name)
        shutil.rmtree(kept)

    def configure(self) -> None:
        """.env.production, .env.production.owner and .env.production.redis from the examples,
        with generated secrets (kept in memory for the log checks, never printed), and a
        self-signed certificate for localhost (scripts/make_cert.sh)."""
        redis_password = secrets.token_hex(24)
        app_password = secrets.token_hex(24)
        owner_password = secrets.token_hex(24)
        self.admin_password = "Admin-" + secrets.token_urlsafe(18)
        values = {
            ".env.production": {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "STRONGROOM_JWT_SIGNING_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": HOST,
                "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
                "STRONGROOM_PUBLIC_URL": f"https://{HOST}",
                "STRONGROOM_WS_ALLOWED_ORIGINS": f"https://{HOST}",
                "STRONGROOM_ADMIN_PASSWORD": self.admin_password,
                "DATABASE_URL": f"postgres://strongroom_app:{app_password}@postgres:5432/strongroom",
                "REDIS_URL": f"redis://:{redis_password}@redis:6379/0",
                "CELERY_BROKER_URL": f"redis://:{redis_password}@redis:6379/1",
                "CACHE_URL": f"redis://:{redis_password}@redis:6379/2",
                # No mail server here: the worker writes each e-mail to its log instead.
                "EMAIL_URL": "consolemail://",
            },
            ".env.production.owner": {
                "POSTGRES_PASSWORD": owner_password,
                "STRONGROOM_DB_APP_PASSWORD": app_password,
                "DATABASE_URL": f"postgres://strongroom:{owner_password}@postgres:5432/strongroom",
            },
            ".env.production.redis": {"REDIS_PASSWORD": redis_password},
        }
        for name, changes in values.items():
            lines = []
            for line in (self.dir / f"{name}.example").read_text().splitlines():
                key = line.split("=", 1)[0] if "=" in line and not line.startswith("#") else ""
                lines.append(f"{key}={changes[key]}" if key in changes else line)
            text = "\n".join(lines) + "\n"
            left = [x for x in text.splitlines() if "change-me" in x and not x.startswith("#")]
            if left:
                raise StackError(
                    f"{name}: values left to fill in: {[x.split('=')[0] for x in left]}"
                )
            path = self.dir / name
            path.write_text(text)
            path.chmod(0o600)
            for key, value in changes.items():
                # The secrets and the URLs that carry a password.
                if any(word in key for word in ("SECRET", "PASSWORD", "KEY")) or (
                    key.endswith("_URL") and ":" in value.partition("@")[0].partition("//")[2]
                ):
                    self.secrets[f"{key} ({name})"] = value
        for label, value in [
            ("the Redis password", redis_password),
            ("the application role's password", app_password),
            ("the owner's password", owner_password),
        ]:
            self.secrets[label] = value
        certs = self.dir / "nginx" / "certs"
        subprocess.run(
            ["bash", str(self.dir / "scripts" / "make_cert.sh"), HOST, str(certs)],
            check=True,
            capture_output=True,
            env={**os.environ, "FORCE": "1"},
        )

    @property
    def certificate(self) -> Path:
        return self.dir / "nginx" / "certs" / "fullchain.pem"

    # ------------------------------------------------------------------ life cycle

    def build(self) -> float:
        """Strongroom's images with the repository's Dockerfiles (BuildKit, through the docker
        client): the backend image once (migrate, backend, worker and beat share it), nginx's."""
        began = time.monotonic()
        self.compose("build", "migrate", "nginx", timeout=2400)
        return time.monotonic() - began

    def up(self, *services: str, timeout: float = 600) -> None:
        self.compose("up", "-d", *services, timeout=timeout)

    def down(self, *, volumes: bool = False) -> None:
        self.compose("down", *(["--volumes"] if volumes else []), "--timeout", "30")

    def containers(self, *, all_states: bool = True) -> list[Container]:
        ids = self.docker(
            "ps",
            *(["-a"] if all_states else []),
            "-q",
            "--filter",
            f"label=com.docker.compose.project={PROJECT}",
        ).split()
        if not ids:
            return []
        raws: list[dict[str, Any]] = json.loads(self.docker("inspect", *ids))
        return sorted((container_from(r) for r in raws), key=lambda c: c.name)

    def service(self, name: str) -> list[Container]:
        return [c for c in self.containers() if c.service == name]

    def logs(self, container: Container) -> str:
        result = subprocess.run(
            ["docker", "logs", container.id], capture_output=True, text=True, timeout=60
        )
        return result.stdout + result.stderr

    def service_logs(self, name: str) -> str:
        return "".join(self.logs(c) for c in self.service(name))

    def wait_ready(self, *, timeout: float = 420, replicas: int = 2) -> float:
        """Until migrate exited 0, postgres, redis, every backend replica and nginx are healthy
        and the worker and Beat run; StackError on a failed container or the timeout."""
        began = time.monotonic()
        last = ""
        while time.monotonic() - began < timeout:
            found = self.containers()
            by: dict[str, list[Container]] = {}
            for c in found:
                by.setdefault(c.service, []).append(c)
            problems = []
            for c in found:
                if c.service == "migrate":
                    if c.status == "exited" and c.exit_code != 0:
                        raise StackError(f"migrate exited {c.exit_code}:\n{self.logs(c)[-3000:]}")
                elif c.status in ("exited", "dead") or c.health == "unhealthy":
                    raise StackError(
                        f"{c.name} is {c.status} {c.health} (exit {c.exit_code}):\n"
                        f"{self.logs(c)[-3000:]}"
                    )
            for name in SERVICES:
                cs = by.get(name, [])
                want = replicas if name == "backend" else 1
                if len(cs) != want:
                    problems.append(f"{name}: {len(cs)} container(s)")
                elif name == "migrate":
                    if cs[0].status != "exited":
                        problems.append(f"migrate {cs[0].status}")
                elif name in ("worker", "beat"):
                    if cs[0].status != "running":
                        problems.append(f"{name} {cs[0].status}")
                else:
                    problems.extend(f"{c.name} {c.health}" for c in cs if c.health != "healthy")
            if not problems:
                return time.monotonic() - began
            state = ", ".join(problems)
            if state != last:
                say(f"waiting: {state}")
                last = state
            time.sleep(2)
        raise StackError(f"not ready after {timeout:.0f} s: {last}")

    def manage(self, *args: str, timeout: float = 300) -> tuple[int, str]:
        """python manage.py ... in a one-off migrate container (the owner's connection)."""
        result = self.compose(
            "run",
            "--rm",
            "--no-deps",
            "-T",
            "migrate",
            "manage",
            *args,
            check=False,
            timeout=timeout,
        )
        return result.returncode, result.stdout + result.stderr

    def psql(self, sql: str) -> str:
        """One SQL statement as the database owner, inside the postgres container (sent on
        standard input); the rows, one per line, columns separated by |."""
        result = self.compose(
            "exec",
            "-T",
            "postgres",
            "sh",
            "-c",
            'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtq -v ON_ERROR_STOP=1',
            input_text=sql,
            timeout=60,
        )
        return result.stdout.strip()


Timer = Callable[[], float]
