from smtplib import SMTPServerDisconnected
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app as celery_app
from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.models import PendingTask
from strongroom.notifications.models import Notification, NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.notifications.tasks import send_notification_email, send_notification_emails

pytestmark = pytest.mark.django_db


def notify(users: list[Any], key: str = "k") -> list[Notification]:
    return notification_create_many(
        recipients=users,
        kind=NotificationKind.REQUEST_APPROVED,
        title="REQ-1 was approved",
        body="Deviation investigation",
        dedupe_key=key,
        object_type="request",
        object_id="7",
        link="/requests/7",
    )


def test_a_recipient_without_an_address_is_notified_in_the_app_and_queues_no_email(
    roles_synced: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody, alice = UserFactory(email=""), UserFactory(email="alice@example.com")
    # The broker takes the flush; it does not run here.
    monkeypatch.setattr(send_notification_emails, "apply_async", lambda *a, **k: None)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([nobody, alice])
    queued = list(PendingTask.objects.values_list("task", flat=True))
    assert {n.recipient_id for n in created} == {nobody.pk, alice.pk}
    due = {n.recipient_id: n.email_due_at for n in created}
    assert due[nobody.pk] is None  # alice's e-mail only
    assert due[alice.pk] is not None
    assert queued == [send_notification_emails.name]  # no task per recipient


def test_nobody_with_an_address_queues_no_task_at_all(
    roles_synced: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify([UserFactory(email=""), UserFactory(email="")])
    assert len(created) == 2
    assert not PendingTask.objects.exists()
    assert all(n.email_due_at is None for n in created)
    assert len(callbacks) == 1  # the live events' publish, nothing else


def test_each_new_notification_is_mailed_once_after_commit(
    roles_synced: None, django_capture_on_commit_callbacks: Any
) -> None:
    alice = UserFactory(email="alice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([alice])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "[Strongroom] REQ-1 was approved"
    assert message.extra_headers["Message-ID"] == f"<notification-{created[0].pk}@127.0.0.1>"
    # The link the sender gave, on the public address.
    assert f"Open in Strongroom: {settings.STRONGROOM_PUBLIC_URL.rstrip('/')}/requests/7\n" in (
        message.body
    )
    # The task runs again (a redelivery): nothing more is sent.
    assert send_notification_email(created[0].pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([alice]) == []  # same key: no new notification, no new mail
    assert len(mail.outbox) == 1
    created[0].refresh_from_db()
    assert created[0].email_sent_at is not None
    assert created[0].email_attempts == 1


def test_nothing_is_rolled_back_into_a_mail(
    roles_synced: None, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    alice = UserFactory(email="alice@example.com")

    def create_then_fail() -> None:
        with transaction.atomic():
            notify([alice])
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        create_then_fail()
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.fixture
def retries_run_inline() -> Any:
    """Eager tasks retry inline; errors are the result, as in a worker, not raised."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def test_a_failing_mail_server_is_retried_until_it_answers(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch, retries_run_inline: None
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    alice = UserFactory(email="alice@example.com")
    notification = notify([alice])[0]
    real_send = EmailBackend.send_messages
    failures = {"left": 2}

    def flaky(self: Any, messages: Any) -> int:
        if failures["left"]:
            failures["left"] -= 1
            raise SMTPServerDisconnected("connection lost")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    send_notification_email.apply(args=[notification.pk], throw=False)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 3


def test_giving_up_is_logged_loudly(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    alice = UserFactory(email="alice@example.com")
    notification = notify([alice])[0]

    def down(self: Any, messages: Any) -> int:
        raise SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    # The last allowed retry fails too.
    result = send_notification_email.apply(
        args=[notification.pk], throw=False, retries=send_notification_email.max_retries
    )
    assert result.failed()
    assert "failed for good" in caplog.text
    notification.refresh_from_db()
    assert notification.email_sent_at is None


def test_users_without_an_address_or_inactive_get_no_mail(roles_synced: None) -> None:
    from django.utils import timezone

    nobody = UserFactory(email="")
    gone = UserFactory(email="gone@example.com", is_active=False, deactivated_at=timezone.now())
    for notification in notify([nobody, gone]):
        assert send_notification_email(notification.pk) is False
    assert mail.outbox == []
