"""The cheaper notification path: one task per event whatever its recipients, the notifications
written together, and e-mails flushed per recipient, several notifications in one message."""

from collections.abc import Iterator
from smtplib import SMTPServerDisconnected
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save

from config.celery import app as celery_app
from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.models import PendingTask
from strongroom.notifications import services
from strongroom.notifications.email import notification_emails_flush
from strongroom.notifications.models import EmailFlush, Notification, NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.notifications.tasks import send_notification_emails
from strongroom.realtime import services as realtime_services
from strongroom.realtime.models import Event
from strongroom.requests.tasks import notify_request_event
from strongroom.requests.tests.conftest import Plant, act, plant, withdrawal  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued() -> Iterator[list[str]]:
    """The name of every task queued through the outbox (strongroom.core.task_queue)."""
    names: list[str] = []

    def record(sender: Any, instance: PendingTask, created: bool, **kwargs: Any) -> None:
        if created:
            names.append(instance.task)

    post_save.connect(record, sender=PendingTask, dispatch_uid="test-digest-queued")
    yield names
    post_save.disconnect(sender=PendingTask, dispatch_uid="test-digest-queued")


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(realtime_services, "layer_group_send_many", sent.extend)
    return sent


def notify(users: list[Any], key: str, title: str = "REQ-1 was approved") -> list[Notification]:
    return notification_create_many(
        recipients=users,
        kind=NotificationKind.REQUEST_APPROVED,
        title=title,
        body=f"Body of {title}",
        dedupe_key=key,
        object_type="request",
        object_id=key,
        link=f"/requests/{key}",
    )


@pytest.mark.parametrize("extra_approvers", [0, 6])
def test_an_event_costs_one_task_whatever_its_recipients(
    plant: Plant,  # noqa: F811 (the fixture imported above)
    extra_approvers: int,
    queued: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    for _ in range(extra_approvers):
        UserFactory(role_name=roles.APPROVER, units=[plant.goa])
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal(plant)  # signed SUBMITTED: every approver of the unit is told
    recipients = 2 + extra_approvers
    assert Notification.objects.filter(kind="REQUEST_SUBMITTED").count() == recipients
    # The event's task, and one flush for all of its e-mails.
    assert queued == [notify_request_event.name, send_notification_emails.name]
    assert len(mail.outbox) == recipients  # one message each
    assert not PendingTask.objects.exists()  # all of them ran


def test_e_mails_of_several_events_wait_for_one_flush(
    plant: Plant,  # noqa: F811 (the fixture imported above)
    queued: list[str],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = 60
    countdowns: list[Any] = []
    # The broker takes the flush and holds it for its countdown.
    monkeypatch.setattr(
        send_notification_emails, "apply_async", lambda *a, **k: countdowns.append(k["countdown"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        body = withdrawal(plant)
    with django_capture_on_commit_callbacks(execute=True):
        act(plant.client("approver"), body, "approve")
    # Two events, two tasks; their e-mails wait for the one flush the first queued.
    assert queued == [
        notify_request_event.name,
        send_notification_emails.name,
        notify_request_event.name,
    ]
    assert countdowns == [60]
    assert mail.outbox == []
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_notification_emails.apply().get() == 5  # 2 approvers, requester, 2 store heads
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    assert EmailFlush.objects.get().due_at is None  # the next e-mail queues a flush again


def test_notifications_are_written_together_and_go_out_live(
    roles_synced: None, django_capture_on_commit_callbacks: Any, published: list[Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int, key: str) -> int:
        users = [UserFactory() for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert len(notify(users, key)) == count
        return len(captured)

    notify([UserFactory()], "first")  # the flush is queued from here on
    # As many queries for 12 recipients as for 1: no query per recipient.
    assert queries_for(12, "many") == queries_for(1, "one")

    alice, bob = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            created = notify([alice, bob], "live")
            # Read at once in the same transaction: one event, as after a save.
            created[1].read_at = created[1].created_at
            created[1].save(update_fields=["read_at"])
        assert published == []  # nothing before the commit
    events = Event.objects.filter(topic="notification", object_id__in=[str(n.pk) for n in created])
    assert {(e.user_id, e.action, e.data["read"]) for e in events} == {
        (alice.pk, "created", False),
        (bob.pk, "created", True),
    }
    assert sorted(group for group, _ in published) == sorted([f"user.{alice.pk}", f"user.{bob.pk}"])
    assert all('"topic":"notification"' in message["text"] for _, message in published)


def test_a_retried_notification_task_notifies_and_mails_nobody_twice(
    roles_synced: None, django_capture_on_commit_callbacks: Any
) -> None:
    alice, bob = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify([alice, bob], "k")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([alice, bob], "k") == []  # the task delivered again
        assert send_notification_emails.apply().get() == 0  # and the flush too
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


def test_a_concurrent_run_of_the_same_task_leaves_one_notification_each(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another delivery of the same task committed bob's notification after this one looked:
    the bulk INSERT fails on the unique key and this run keeps only what it created."""
    alice, bob = UserFactory(), UserFactory()
    (other,) = notify([bob], "k")  # the other run
    monkeypatch.setattr(services, "_already_notified", lambda **kwargs: set())  # not seen yet
    created = notify([alice, bob], "k")
    assert [n.recipient_id for n in created] == [alice.pk]
    assert set(Notification.objects.filter(dedupe_key="k").values_list("pk", flat=True)) == {
        other.pk,
        created[0].pk,
    }


def test_several_notifications_for_one_person_go_in_one_message(
    roles_synced: None, settings: Any
) -> None:
    settings.STRONGROOM_PUBLIC_URL = "https://strongroom.example.com"
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    nobody = UserFactory(email="")
    first = notify([alice, nobody], "7", "REQ-7 was approved")
    second = notify([alice, bob], "8", "REQ-8 was approved")
    notify([alice], "9", "REQ-9 was approved")
    # Their after-commit work did not run: one flush sends everything pending.
    assert notification_emails_flush() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"alice@example.com", "bob@example.com"}
    digest = by_address["alice@example.com"]
    assert digest.subject == "[Strongroom] 3 notifications: REQ-7 was approved"
    assert digest.body == (
        "- REQ-7 was approved\n  Body of REQ-7 was approved\n"
        "  Open in Strongroom: https://strongroom.example.com/requests/7\n"
        "\n- REQ-8 was approved\n  Body of REQ-8 was approved\n"
        "  Open in Strongroom: https://strongroom.example.com/requests/8\n"
        "\n- REQ-9 was approved\n  Body of REQ-9 was approved\n"
        "  Open in Strongroom: https://strongroom.example.com/requests/9\n"
    )
    alices = Notification.objects.filter(recipient=alice).order_by("id")
    ids = [n.pk for n in alices]
    assert digest.extra_headers["Message-ID"] == (
        f"<notifications-{ids[0]}-{ids[-1]}-3@strongroom.example.com>"
    )
    # One notification alone keeps the single message of before.
    single = by_address["bob@example.com"]
    assert single.subject == "[Strongroom] REQ-8 was approved"
    assert single.extra_headers["Message-ID"] == (
        f"<notification-{second[1].pk}@strongroom.example.com>"
    )
    assert all(n.email_sent_at is not None for n in alices)
    assert Notification.objects.get(pk=first[1].pk).email_sent_at is None  # nobody: no mail
    assert notification_emails_flush() == 0  # nothing twice
    assert len(mail.outbox) == 2


@pytest.fixture
def retries_run_inline() -> Iterator[None]:
    """Eager tasks retry inline; errors are the result, as in a worker, not raised."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def test_a_flush_meeting_a_failing_mail_server_retries_and_sends_once(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch, retries_run_inline: None
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    alice = UserFactory(email="alice@example.com")
    notify([alice], "a")
    notify([alice], "b")
    real_send = EmailBackend.send_messages
    failures = {"left": 2}

    def flaky(self: Any, messages: Any) -> int:
        if failures["left"]:
            failures["left"] -= 1
            raise SMTPServerDisconnected("connection lost")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    assert send_notification_emails.apply(throw=False).successful()
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("email_attempts", flat=True)) == {3}
    assert send_notification_emails.apply(throw=False).get() == 0  # delivered again: no mail
    assert len(mail.outbox) == 1


def test_an_account_deactivated_before_the_flush_gets_no_mail(roles_synced: None) -> None:
    from django.utils import timezone

    alice = UserFactory(email="alice@example.com")
    gone = UserFactory(email="gone@example.com", is_active=False, deactivated_at=timezone.now())
    (inactive,) = notify([gone], "x")
    assert inactive.email_due_at is None  # never queued
    notify([alice], "y")
    alice.is_active, alice.deactivated_at = False, timezone.now()
    alice.save(update_fields=["is_active", "deactivated_at"])
    assert notification_emails_flush() == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(email_due_at__isnull=False).exists()


def test_e_mails_nobody_queued_a_flush_for_get_one_from_beat(
    roles_synced: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process stopped between the notifications' commit and queueing their flush: the
    minutely check queues one once they are late, and only when no flush is outstanding."""
    import datetime as dt

    from django.utils import timezone

    from strongroom.notifications.tasks import queue_late_notification_emails

    alice = UserFactory(email="alice@example.com")
    (notification,) = notify([alice], "k")  # its after-commit work never runs
    assert queue_late_notification_emails() is False  # not late yet
    Notification.objects.filter(pk=notification.pk).update(
        email_due_at=timezone.now() - dt.timedelta(minutes=2)
    )
    sent: list[Any] = []
    monkeypatch.setattr(send_notification_emails, "apply_async", lambda *a, **k: sent.append(k))
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_late_notification_emails() is True
    assert len(sent) == 1
    # That flush is outstanding (queued, not yet run): no second one.
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_late_notification_emails() is False
    monkeypatch.undo()
    assert send_notification_emails.apply().get() == 1
    assert len(mail.outbox) == 1


def test_a_flush_the_broker_lost_does_not_hold_back_later_e_mails(
    roles_synced: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """A flush was queued and never ran (a broker that lost it): a few seconds past its due time
    its mark covers nothing, and the next e-mail queues a flush that sends both."""
    import datetime as dt

    from django.utils import timezone

    settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = 60
    countdowns: list[Any] = []
    # The broker takes each flush and never hands it to a worker.
    monkeypatch.setattr(
        send_notification_emails, "apply_async", lambda *a, **k: countdowns.append(k["countdown"])
    )
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "lost")
    assert countdowns == [60]
    # Due 2 s ago, a worker may be taking it now: it covers the next e-mail.
    EmailFlush.objects.filter(pk=1).update(due_at=timezone.now() - dt.timedelta(seconds=2))
    with django_capture_on_commit_callbacks(execute=True):
        notify([bob], "covered")
    assert countdowns == [60]
    # Due minutes ago: the broker lost it.
    EmailFlush.objects.filter(pk=1).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        notify([bob], "later")
    assert countdowns == [60, 60]
    assert EmailFlush.objects.get().due_at > timezone.now() + dt.timedelta(seconds=50)
    monkeypatch.undo()
    # The new flush (the worker gets this one) sends everything pending.
    assert send_notification_emails.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


def test_a_flush_due_later_than_an_e_mail_does_not_hold_it_back(
    roles_synced: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """``initial_setup --demo`` (60 s) queued a flush that has not run when the worker (1 s)
    writes a notification: its e-mail gets a flush of its own, due in 1 s, not in a minute."""
    import datetime as dt

    from django.utils import timezone

    countdowns: list[Any] = []
    monkeypatch.setattr(
        send_notification_emails, "apply_async", lambda *a, **k: countdowns.append(k["countdown"])
    )
    alice = UserFactory(email="alice@example.com")
    settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "demo")
    settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "approval")
    assert countdowns == [60, 1]
    mark = EmailFlush.objects.get().due_at
    assert mark is not None
    assert mark < timezone.now() + dt.timedelta(seconds=2)
    # Another e-mail meanwhile rides along with that flush.
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "next")
    assert countdowns == [60, 1]


def test_e_mails_of_a_flush_the_broker_lost_get_one_from_beat(
    roles_synced: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """The flush is lost, its outbox row waits for STRONGROOM_TASK_RESEND_SECONDS, and no later
    e-mail comes: the minutely check queues one once the e-mails are late."""
    import datetime as dt

    from django.utils import timezone

    from strongroom.notifications.tasks import queue_late_notification_emails

    settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = 60
    sent: list[Any] = []
    monkeypatch.setattr(send_notification_emails, "apply_async", lambda *a, **k: sent.append(k))
    alice = UserFactory(email="alice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify([alice], "k")
    assert len(sent) == 1  # and lost
    assert PendingTask.objects.filter(task=send_notification_emails.name).count() == 1
    two_minutes_ago = timezone.now() - dt.timedelta(minutes=2)
    Notification.objects.filter(pk=notification.pk).update(email_due_at=two_minutes_ago)
    EmailFlush.objects.filter(pk=1).update(due_at=two_minutes_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_late_notification_emails() is True
    assert len(sent) == 2
    assert sent[1]["countdown"] is None  # at once (countdown 0)
    # That flush is on its way: no third one.
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_late_notification_emails() is False
    monkeypatch.undo()
    assert send_notification_emails.apply().get() == 1
    assert len(mail.outbox) == 1
