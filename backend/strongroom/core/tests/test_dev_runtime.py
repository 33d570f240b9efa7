"""`make dev` as a developer runs it: scripts/dev.sh itself, on its embedded defaults (SQLite, the
file-system Celery broker, a prefork worker, Beat and Daphne), in a temporary folder
(STRONGROOM_DEV_VAR) on a free port.

1. Right after a burst of 100 requests sent back to back (each one queues its notification task,
   whose e-mails wait for one flush), the notification of the next request exists
   within 2 s: the worker keeps up with what the web process queues.
2. SIGTERM to dev.sh's process group stops every process of it within 10 s.
3. SIGTERM to dev.sh alone while it runs a foreground step (migrate) stops that step at once, and
   no service starts.

make dev runs on SQLite whatever the environment says: these run in the SQLite pass of make test.
Every wait is bounded.
"""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[4]
DEV_SH = REPO / "scripts" / "dev.sh"
PASSWORD = "Dev-runtime-test-1"  # the throw-away stack's demo password
BURST = 100
NOTIFIED_WITHIN_SECONDS = 2.0
STOPPED_WITHIN_SECONDS = 10.0
STARTUP_TIMEOUT_SECONDS = 300.0  # migrate and the demo data, on a busy machine

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="make dev runs on SQLite: the SQLite pass of make test runs these",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group(pgid: int) -> dict[int, str]:
    """The live processes of process group ``pgid``: pid -> command line (zombies are dead)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # gone meanwhile
        # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def _wait_until(what: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """``what()`` once it is truthy, or its last falsy value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = what()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


class DevStack:
    """scripts/dev.sh in a new session (its own process group), writing to ``var``."""

    def __init__(self, var: Path) -> None:
        self.var = var
        self.port = _free_port()
        self.log = var / "dev.log"
        # Nothing of the test run's environment (its database, broker, settings) leaks in.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "CACHE_", "CELERY_", "EMAIL_", "DJANGO_"))
            and not k.startswith("STRONGROOM_")
        }
        env.update(
            STRONGROOM_DEV_VAR=str(var),
            STRONGROOM_DEV_PORT=str(self.port),
            STRONGROOM_DEMO_PASSWORD=PASSWORD,
            PYTHONUNBUFFERED="1",
        )
        var.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own script)
                [shutil.which("bash") or "/bin/bash", str(DEV_SH)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pgid = self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_ready(self) -> None:
        ready = _wait_until(
            lambda: "Press Ctrl-C to stop." in self.output() or self.process.poll() is not None,
            STARTUP_TIMEOUT_SECONDS,
            interval=0.5,
        )
        assert ready, f"dev.sh did not start:\n{self.tail()}"
        assert self.process.poll() is None, f"dev.sh ended:\n{self.tail()}"

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(f"file:{self.var / 'strongroom.sqlite3'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def stop_within(self, timeout: float) -> dict[int, str]:
        """Waits up to ``timeout`` seconds for the group to empty; returns what is left."""
        emptied = _wait_until(lambda: not _group(self.pgid), timeout)
        self.process.poll()  # reap dev.sh
        return {} if emptied else _group(self.pgid)

    def kill(self) -> None:
        """Whatever happened, nothing of the stack outlives the test."""
        for _ in range(3):
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        self.process.wait(timeout=10)


@pytest.fixture
def dev_stack(tmp_path: Path) -> Iterator[Callable[[], DevStack]]:
    stacks: list[DevStack] = []

    def start() -> DevStack:
        stacks.append(DevStack(tmp_path / f"var{len(stacks)}"))
        return stacks[-1]

    yield start
    for stack in stacks:
        stack.kill()


def _storage_request(client: httpx.Client, department: int, doc_type: str) -> dict[str, Any]:
    """One signed storage request of goa1-manager: a new crate with one document."""
    number = f"DEV-{uuid.uuid4().hex[:12]}"
    r = client.post(
        "/api/v1/requests/",
        json={
            "type": "STORAGE",
            "purpose": "Burst",
            "department": department,
            "description": number,
            "new_documents": [
                {
                    "number": number,
                    "title": number,
                    "doc_type": doc_type,
                    "prepared_on": "2024-01-02",
                }
            ],
            "signature": {"username": "goa1-manager", "password": PASSWORD},
        },
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_dev_stack_notifies_within_seconds_after_a_burst_and_stops_on_sigterm(
    dev_stack: Callable[[], DevStack],
) -> None:
    stack = dev_stack()
    stack.wait_ready()
    with httpx.Client(base_url=stack.url, timeout=30, trust_env=False) as client:
        r = client.post(
            "/api/v1/auth/login/", json={"username": "goa1-manager", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['access']}"
        departments = client.get("/api/v1/departments/", params={"page_size": 100}).json()
        department = next(d["id"] for d in departments["results"] if d["code"] == "QA")
        types = client.get("/api/v1/document-types/").json()
        doc_type = (types["results"] if isinstance(types, dict) else types)[0]["code"]

        # The burst starts once what the demo data queued at start has run (or after a minute).
        _wait_until(lambda: not stack.query("SELECT count(*) FROM core_pendingtask")[0][0], 60)
        # Back to back, each as soon as the previous one is answered.
        burst = [_storage_request(client, department, doc_type) for _ in range(BURST)]
        assert len({x["id"] for x in burst}) == BURST
        change = _storage_request(client, department, doc_type)
        changed_at = time.monotonic()

    def notified() -> bool:
        return bool(
            stack.query(
                "SELECT 1 FROM notifications_notification "
                "WHERE object_type = 'request' AND object_id = ?",
                str(change["id"]),
            )
        )

    found = _wait_until(notified, NOTIFIED_WITHIN_SECONDS, interval=0.05)
    waited = time.monotonic() - changed_at
    queued = stack.query("SELECT count(*) FROM core_pendingtask")[0][0]
    assert found, (
        f"no notification of {change['number']} {waited:.1f}s after it was submitted "
        f"({queued} task(s) queued and not yet run)"
    )

    # SIGTERM to the whole process group, as systemd, a container stop or `kill -- -PGID` send it.
    assert len(_group(stack.pgid)) >= 4, _group(stack.pgid)  # dev.sh and the services
    signalled_at = time.monotonic()
    os.killpg(stack.pgid, signal.SIGTERM)
    left = stack.stop_within(STOPPED_WITHIN_SECONDS)
    waited = time.monotonic() - signalled_at
    assert not left, f"still running {waited:.1f}s after SIGTERM: {left}\n{stack.tail()}"


def test_dev_stops_at_once_when_terminated_during_a_foreground_step(
    dev_stack: Callable[[], DevStack],
) -> None:
    stack = dev_stack()

    def migrating() -> bool:
        return any("manage.py migrate" in cmd for cmd in _group(stack.pgid).values())

    assert _wait_until(migrating, 60), f"migrate never ran:\n{stack.tail()}"
    stack.process.send_signal(signal.SIGTERM)  # to dev.sh only, as `kill PID` does
    left = stack.stop_within(STOPPED_WITHIN_SECONDS)
    assert not left, f"still running after SIGTERM to dev.sh: {left}\n{stack.tail()}"
    assert stack.process.returncode == 128 + signal.SIGTERM
    assert "Strongroom is running" not in stack.output()
