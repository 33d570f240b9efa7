"""Two Daphne processes, one PostgreSQL, one Redis: what one process (or a Celery task) commits
reaches a socket on the other, and a Redis restart loses no committed event.

Runs in the PostgreSQL + Redis pass of ``make test`` (skipped without REDIS_URL and a PostgreSQL
DATABASE_URL). The Redis restart part needs the throw-away server of scripts/services.sh
(SERVICES_DIR, REDIS_PORT). Every wait is bounded.
"""

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect

from strongroom.accounts.models import Unit, User
from strongroom.accounts.tasks import password_expiry_reminders
from strongroom.core.testing import services_bash
from strongroom.realtime.models import Event
from strongroom.realtime.tests.conftest import access_token, adb, make_crate, make_user

BACKEND = Path(__file__).resolve().parents[3]
POLL_SECONDS = 3.0
LIVE_SECONDS = 2.0
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (
            os.environ.get("REDIS_URL")
            and os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
        ),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (the PostgreSQL pass of make test)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne on {port} exited with {process.returncode}")
        url = f"http://127.0.0.1:{port}/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"daphne on {port} did not become healthy")


@pytest.fixture
def daphnes(db: None) -> Iterator[list[int]]:
    """Two Daphne processes on the test database (pytest-django's test_<name>)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    test_db_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env = {
        **os.environ,
        "DATABASE_URL": test_db_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_POOL_MAX_SIZE": "4",
        # Slower than the layer, so that live delivery within LIVE_SECONDS proves the layer.
        "STRONGROOM_REALTIME_POLL_SECONDS": str(POLL_SECONDS),
    }
    logs = Path(tempfile.mkdtemp(prefix="strongroom-daphne-"))
    ports = [_free_port(), _free_port()]
    processes = []
    for port in ports:
        log = (logs / f"daphne-{port}.log").open("wb")
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    str(Path(sys.executable).parent / "daphne"),
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "config.asgi:application",
                ],
                cwd=BACKEND,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 30
        for port, process in zip(ports, processes, strict=True):
            _wait_healthy(port, process, deadline)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        shutil.rmtree(logs, ignore_errors=True)


class Socket:
    """A real WebSocket client that remembers every event id it received."""

    def __init__(self, port: int, user: User) -> None:
        self.port, self.user = port, user
        self.ws: ClientConnection | None = None
        self.received: list[int] = []

    async def open(
        self, last_event_id: int | None = None, recent_event_ids: list[int] | None = None
    ) -> dict[str, Any]:
        self.ws = await connect(
            f"ws://127.0.0.1:{self.port}/ws/v1/events/",
            origin="http://localhost",  # type: ignore[arg-type]
            proxy=None,
            compression=None,
            open_timeout=5,
        )
        token, _ = await adb(access_token, self.user)
        auth: dict[str, Any] = {"type": "auth", "token": token}
        if last_event_id is not None:
            auth["last_event_id"] = last_event_id
        if recent_event_ids is not None:
            auth["recent_event_ids"] = recent_event_ids
        await self.ws.send(json.dumps(auth))
        ready = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
        assert ready["type"] == "ready", ready
        return ready

    async def collect_until(self, wanted: set[int], timeout: float) -> set[int]:
        """Receive until every id in ``wanted`` arrived (or the time is up); the ids missing."""
        assert self.ws is not None
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.received):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                message = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            except TimeoutError:
                break
            if message["type"] == "event":
                self.received.append(message["id"])
        return wanted - set(self.received)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 3)


def _redis_restart(down_while: Any) -> Any:
    """Shut the services.sh Redis down, run ``down_while()``, start it again with
    services_start_redis (same port, same password); returns what ``down_while`` returned."""
    services_bash("_redis_cli shutdown nosave >/dev/null 2>&1 || true")
    try:
        return down_while()
    finally:
        services_bash("services_start_redis")


def _expiring_password_user(unit: Unit) -> User:
    """A user whom the Celery task password_expiry_reminders will notify."""
    user = make_user(unit)
    days = settings.STRONGROOM_PASSWORD_EXPIRY_DAYS
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days - 2)
    )
    return user


async def test_changes_reach_another_process_and_survive_a_redis_restart(
    roles_synced: None, daphnes: list[int], settings: Any
) -> None:
    settings.STRONGROOM_REALTIME_PUBLISH_TIMEOUT = 0.5  # while Redis is down
    port_a, port_b = daphnes
    unit = await adb(Unit.objects.create, code="GOA1", name="Goa")
    user = await adb(_expiring_password_user, unit)
    on_b = Socket(port_b, user)
    on_a = Socket(port_a, user)
    try:
        await on_b.open()
        await on_a.open()

        # A change committed here (as the workflow API of process A would) and one made by a
        # Celery task reach the sockets of both processes.
        crate = await adb(make_crate, unit)
        await adb(password_expiry_reminders.delay)
        committed = await adb(
            lambda: set(
                Event.objects.filter(unit=unit).values_list("id", flat=True)
                | Event.objects.filter(user=user).values_list("id", flat=True)
            )
        )
        topics = await adb(
            lambda: set(Event.objects.filter(id__in=committed).values_list("topic", flat=True))
        )
        assert {"crate", "notification"} <= topics
        assert await on_b.collect_until(committed, timeout=LIVE_SECONDS) == set()
        assert await on_a.collect_until(committed, timeout=LIVE_SECONDS) == set()
        assert crate.pk

        if not os.environ.get("SERVICES_DIR") or not os.environ.get("REDIS_PORT"):
            pytest.skip("the Redis restart needs the server of scripts/services.sh")

        # Redis goes away; changes keep committing (the outbox has them), then Redis returns.
        during = await adb(_redis_restart, lambda: [make_crate(unit).pk for _ in range(3)])
        assert len(during) == 3
        after = await adb(make_crate, unit)
        restarted_at = time.monotonic()

        # The client reconnects and, by replay, ends with every committed event.
        await on_b.close()
        everything = await adb(
            lambda: (
                set(Event.objects.filter(unit=unit).values_list("id", flat=True))
                | set(Event.objects.filter(user=user).values_list("id", flat=True))
            )
        )
        resumed = Socket(port_b, user)
        resumed.received = list(on_b.received)
        for attempt in range(20):
            try:
                await resumed.open(
                    last_event_id=max(resumed.received), recent_event_ids=resumed.received
                )
                break
            except Exception:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.5)
        missing = await resumed.collect_until(everything, timeout=10)
        assert missing == set()
        assert time.monotonic() - restarted_at < 10
        # No duplicates: the replay's look-back skips the ids the client said it holds.
        assert len(resumed.received) == len(set(resumed.received))
        assert after.pk
        await resumed.close()

        # The socket on A stayed open through the restart; the poller brought what it missed.
        assert await on_a.collect_until(everything, timeout=POLL_SECONDS + 5) == set()
        assert len(on_a.received) == len(set(on_a.received))
    finally:
        await on_a.close()
        await on_b.close()
