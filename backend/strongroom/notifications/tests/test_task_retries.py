"""The e-mail task that meets a database restarting (found by scripts/chaos.py: PostgreSQL
stopped mid-task) retries instead of failing for good — a failed task is acknowledged and gone,
and with it the notification or the e-mail."""

from typing import Any

import pytest
from django.core import mail
from django.db import OperationalError

from strongroom.accounts.tests.factories import UserFactory
from strongroom.notifications import email
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db


def _fails_once(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> dict[str, int]:
    real = getattr(module, name)
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("couldn't get a connection after 5.00 sec")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    return calls


def test_the_e_mail_task_retries_while_the_database_restarts(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = UserFactory(email="alice@example.com")
    (notification,) = notification_create_many(
        recipients=[alice],
        kind=NotificationKind.REQUEST_APPROVED,
        title="REQ-1 was approved",
        dedupe_key="k",
    )
    calls = _fails_once(monkeypatch, email.Notification.objects, "select_for_update")

    result = send_notification_email.apply(args=[notification.pk], throw=False)

    assert result.successful()
    assert calls["n"] == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_the_e_mail_flush_retries_while_the_database_restarts(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strongroom.notifications.tasks import send_notification_emails

    alice = UserFactory(email="alice@example.com")
    (notification,) = notification_create_many(
        recipients=[alice],
        kind=NotificationKind.REQUEST_APPROVED,
        title="REQ-1 was approved",
        dedupe_key="k",
    )  # its flush does not run here (no commit)
    calls = _fails_once(monkeypatch, email, "_digest_send")

    result = send_notification_emails.apply(throw=False)

    assert result.successful()
    assert calls["n"] == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_sent_at is not None
