"""A Celery worker on Strongroom's Redis broker (strongroom.core.redis_broker) outlives a Redis
restart that catches it in the middle of a task, and runs the next task: a real worker process
against a real Redis server that the test stops and starts again."""

import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[3]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

pytestmark = [
    pytest.mark.skipif(
        not os.access(REDIS_SERVER, os.X_OK), reason="needs redis-server (make test installs it)"
    ),
    pytest.mark.single_pass,  # its own Redis and worker: the same run on either database
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.1)


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait("Redis answers", self.answers, 10)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def _worker(env: dict[str, str], log: Path) -> "subprocess.Popen[bytes]":
    with open(log, "wb") as out:
        command = [sys.executable, "-m", "celery", "-A", "strongroom.core.tests.redis_broker_app",
                   "worker", "--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO",
                   "-n", f"check-{os.getpid()}@%h"]  # fmt: skip
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=BACKEND,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_the_worker_survives_a_redis_restart_in_the_middle_of_a_task(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two pool processes, one busy: the consumer holds an unacknowledged message and is polling
    Redis for more when Redis goes away (kombu's own transport stops the worker here)."""
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    monkeypatch.setenv("CHECK_BROKER_URL", url)
    monkeypatch.setenv("CHECK_BROKER_TRANSPORT", "strongroom.core.redis_broker:Transport")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    marks = tmp_path / "marks"
    marks.mkdir()
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        _wait("the worker is ready", lambda: b" ready." in log.read_bytes(), 60)
        module = importlib.import_module("strongroom.core.tests.redis_broker_app")
        app = importlib.reload(module)  # this test's broker URL
        app.mark.delay(str(marks), "held", 4.0)
        # The task is running: its message is in the worker's hands, not yet acknowledged.
        _wait("the first task started", (marks / "held").exists, 30)

        redis_server.kill()
        time.sleep(1.0)
        redis_server.start()
        time.sleep(3.0)
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()[-3000:]}"

        app.mark.delay(str(marks), "after")
        _wait("a task sent after the restart ran", (marks / "after.done").exists, 40)
        assert worker.poll() is None
        assert b"Unrecoverable error" not in log.read_bytes()
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)
