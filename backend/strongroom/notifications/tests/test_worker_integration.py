"""A real Celery worker and Beat against real Redis and PostgreSQL (the PG pass of make test).

1. Beat schedules the overdue check; the worker flags the withdrawal, the requester's
   notification lands in the database, on their open WebSocket (served by a Daphne process)
   and, as an e-mail, in the mail server.
2. The worker is killed (SIGKILL) in the middle of the overdue task (some withdrawals flagged,
   others not); after it restarts the task is delivered again and every withdrawal is flagged,
   and every notification created, exactly once.
3. The worker is killed while the e-mail flush waits for the mail server; after it
   restarts, the mail goes out exactly once. (Once a server has accepted a message, a crash
   before the send is recorded can repeat it: see strongroom/notifications/email.py.)
"""

import contextlib
import datetime as dt
import os
import signal
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UnitFactory, UserFactory
from strongroom.notifications.models import Notification
from strongroom.realtime.tests.test_multiprocess import daphnes  # noqa: F401 (fixture)
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.models import Request
from strongroom.requests.tests.factories import RequestFactory

BACKEND = Path(__file__).resolve().parents[3]
# Decided before any fixture starts processes: these tests need the PG + Redis pass.
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"),
    reason="needs the PostgreSQL + Redis pass of make test",
)
CELERY = str(BACKEND / ".venv" / "bin" / "celery")


def _needs_real_services() -> None:
    if connection.vendor != "postgresql" or not os.environ.get("CELERY_BROKER_URL", "").startswith(
        "redis://"
    ):
        pytest.skip("needs the PostgreSQL + Redis pass of make test")


class SlowSMTPHandler(socketserver.StreamRequestHandler):
    """A minimal SMTP server: it greets each client only after ``delay`` seconds — long enough to
    kill the worker while it waits — and counts the messages it accepted."""

    server: "SMTPServer"

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        time.sleep(self.server.delay)
        try:
            self.reply("220 test ESMTP")
        except OSError:
            return
        in_data, lines = False, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return  # the client went away: nothing accepted
            line = raw.decode(errors="replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.server.accepted.append("\n".join(lines))
                    self.reply("250 accepted")
                    lines = []
                else:
                    lines.append(line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "DATA":
                in_data = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), SlowSMTPHandler)
        self.delay = delay
        self.accepted: list[str] = []


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer(delay=0.0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def processes(
    smtp: SMTPServer, tmp_path: Path
) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Starts ``worker`` or ``beat`` against this test's database, Redis and mail server."""
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "STRONGROOM_CELERY_VISIBILITY_TIMEOUT": "4",
        "STRONGROOM_CELERY_RESTORE_INTERVAL": "1",
        "STRONGROOM_CELERY_RESTORE_THROTTLE": "1",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.server_address[1]}",
        "PYTHONUNBUFFERED": "1",
    }

    def start(role: str) -> subprocess.Popen[bytes]:
        args = {
            "worker": [
                CELERY,
                "-A",
                "config",
                "worker",
                "-l",
                "info",
                "-Q",
                "default,email,maintenance",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "-n",
                f"test-{len(started)}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            "beat": [CELERY, "-A", "config", "beat", "-l", "info", "--max-interval", "1"],
        }[role]
        log = (tmp_path / f"{role}-{len(started)}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603  (fixed arguments)
            args,
            cwd=BACKEND,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextlib.contextmanager
def _socket_for(port: int, user: Any) -> Iterator[Any]:
    """A real WebSocket client of the events endpoint, authenticated as ``user``."""
    import json

    from websockets.sync.client import connect

    from strongroom.accounts.tokens import session_tokens_issue

    url = f"ws://127.0.0.1:{port}/ws/v1/events/"
    with connect(url, origin="http://localhost", proxy=None, open_timeout=5) as ws:  # type: ignore[arg-type]
        token = str(session_tokens_issue(user).access_token)
        ws.send(json.dumps({"type": "auth", "token": token}))
        ready = json.loads(ws.recv(timeout=5))
        assert ready["type"] == "ready", ready
        yield ws


def _notification_event(ws: Any, timeout: float) -> dict[str, Any] | None:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            return None
        if message.get("type") == "event" and message.get("topic") == "notification":
            return dict(message)
    return None


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_flag_an_overdue_withdrawal_and_notify(
    roles_synced: None,
    processes: Callable[[str], Any],
    smtp: SMTPServer,
    daphnes: list[int],  # noqa: F811  (the fixture imported above)
) -> None:
    _needs_real_services()
    unit = UnitFactory(code="GOA1")
    requester = UserFactory(
        role_name=roles.DOCUMENT_MANAGER, units=[unit], email="requester@example.com"
    )
    UserFactory(role_name=roles.STORE_HEAD, units=[unit], email="store@example.com")
    crate = CrateFactory(unit=unit, created_by=requester, status=Crate.Status.ISSUED)
    late = RequestFactory(
        crate=crate,
        requester=requester,
        type="WITHDRAWAL",
        status="ISSUED",
        expected_return_on=timezone.localdate() - dt.timedelta(days=1),
        issued_at=timezone.now() - dt.timedelta(days=8),
    )
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="overdue (test)",
        interval=every_second,
        task="strongroom.requests.tasks.flag_overdue_withdrawals",
    )

    with _socket_for(daphnes[0], requester) as ws:
        processes("worker")
        processes("beat")
        wait_for(
            lambda: Request.objects.get(pk=late.pk).is_overdue,
            timeout=45,
            what="Beat to schedule and the worker to flag the withdrawal",
        )
        notification = wait_for(
            lambda: Notification.objects.filter(
                recipient=requester, kind="WITHDRAWAL_OVERDUE"
            ).first(),
            timeout=10,
            what="the requester's notification",
        )
        live = _notification_event(ws, timeout=15)
    assert live is not None, "the notification did not reach the requester's socket"
    assert live["object_id"] == str(notification.pk)
    wait_for(lambda: len(smtp.accepted) >= 2, timeout=30, what="the e-mails")
    assert any("requester@example.com" in message for message in smtp.accepted)
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_mailing_sends_once_after_restart(
    roles_synced: None, processes: Callable[[str], Any], smtp: SMTPServer
) -> None:
    _needs_real_services()
    from strongroom.notifications.models import NotificationKind
    from strongroom.notifications.tasks import send_notification_emails

    smtp.delay = 6.0  # the worker waits on the server: kill it then
    user = UserFactory(email="someone@example.com")
    notification = Notification.objects.create(
        recipient=user,
        kind=NotificationKind.REQUEST_APPROVED,
        title="REQ-1 was approved",
        dedupe_key="kill-test",
        email_due_at=timezone.now(),
    )
    worker = processes("worker")
    from config.celery import app

    app.conf.task_always_eager = False  # this time, through the broker
    try:
        send_notification_emails.apply_async()  # the flush of the pending e-mails
    finally:
        app.conf.task_always_eager = True
    wait_for(
        lambda: Notification.objects.get(pk=notification.pk).email_attempts >= 1,
        timeout=30,
        what="the worker to start sending",
    )
    time.sleep(1.0)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert smtp.accepted == []

    smtp.delay = 0.0
    processes("worker")
    wait_for(
        lambda: Notification.objects.get(pk=notification.pk).email_sent_at,
        timeout=60,
        what="the redelivered task to send the mail",
    )
    time.sleep(2.0)  # anything else in flight would arrive now
    assert len(smtp.accepted) == 1
    assert Notification.objects.get(pk=notification.pk).email_attempts == 2


def test_the_smtp_helper_counts_accepted_messages(smtp: SMTPServer) -> None:
    import smtplib

    with smtplib.SMTP(*smtp.server_address, timeout=5) as client:
        client.sendmail("a@example.com", ["b@example.com"], "Subject: hi\r\n\r\nbody")
    assert len(smtp.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_gives_exactly_one_effect_after_restart(
    roles_synced: None, processes: Callable[[str], Any], smtp: SMTPServer
) -> None:
    _needs_real_services()
    from config.celery import app
    from strongroom.requests.tasks import flag_overdue_withdrawals

    unit = UnitFactory(code="GOA1")
    requester = UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[unit], email="")
    store_heads = [
        UserFactory(role_name=roles.STORE_HEAD, units=[unit], email="") for _ in range(2)
    ]
    total = 300
    for _ in range(total):
        crate = CrateFactory(unit=unit, created_by=requester, status=Crate.Status.ISSUED)
        RequestFactory(
            crate=crate,
            requester=requester,
            type="WITHDRAWAL",
            status="ISSUED",
            expected_return_on=timezone.localdate() - dt.timedelta(days=1),
            issued_at=timezone.now() - dt.timedelta(days=8),
        )
    worker = processes("worker")
    app.conf.task_always_eager = False
    try:
        flag_overdue_withdrawals.apply_async()
    finally:
        app.conf.task_always_eager = True
    wait_for(
        lambda: Request.objects.filter(is_overdue=True).exists(),
        timeout=30,
        what="the task to start flagging",
    )
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    flagged_when_killed = Request.objects.filter(is_overdue=True).count()
    assert 0 < flagged_when_killed < total, "the kill did not land mid-task"

    processes("worker")
    wait_for(
        lambda: Request.objects.filter(is_overdue=True).count() == total,
        timeout=90,
        what="the redelivered task to finish",
    )
    time.sleep(1.0)
    assert set(Request.objects.values_list("version", flat=True)) == {2}  # flagged once each
    per_request = 1 + len(store_heads)
    assert Notification.objects.filter(kind="WITHDRAWAL_OVERDUE").count() == total * per_request
