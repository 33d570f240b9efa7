"""A transition that commits while the Celery broker is unreachable (found by scripts/chaos.py in
a Redis restart): the caller gets its 200, not a 500 for a change that was made, and the
notifications the transition calls for are not lost — they follow once the broker is back."""

from typing import Any

import pytest
from kombu.exceptions import OperationalError

from strongroom.core.models import PendingTask
from strongroom.core.tasks import send_pending_tasks
from strongroom.notifications.models import Notification
from strongroom.notifications.tasks import send_notification_emails
from strongroom.requests.tasks import notify_request_event
from strongroom.requests.tests.conftest import Plant, act, withdrawal

pytestmark = pytest.mark.django_db


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_transition_committed_while_the_broker_is_down_answers_and_notifies_later(
    plant: Plant, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        body = withdrawal(plant)
    assert not PendingTask.objects.exists()  # sent after commit, then forgotten
    monkeypatch.setattr(notify_request_event, "apply_async", _broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(plant.client("approver"), body, "approve")

    assert response.status_code == 200
    assert response.json()["status"] == "APPROVED"
    assert not Notification.objects.filter(kind="REQUEST_APPROVED").exists()
    assert PendingTask.objects.filter(task=notify_request_event.name).count() == 1

    monkeypatch.undo()  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_tasks(older_than_seconds=0) == 1

    assert Notification.objects.filter(recipient=plant.manager, kind="REQUEST_APPROVED").exists()
    assert Notification.objects.filter(recipient=plant.storehead, kind="READY_TO_FULFIL").exists()
    assert not PendingTask.objects.exists()


def test_notification_e_mails_survive_a_broker_outage(
    plant: Plant, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(send_notification_emails, "apply_async", _broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal(plant)  # notifies the unit's two approvers

    notified = Notification.objects.filter(kind="REQUEST_SUBMITTED")
    assert notified.count() == 2
    assert not notified.filter(email_sent_at__isnull=False).exists()
    # One flush for both e-mails.
    assert PendingTask.objects.filter(task=send_notification_emails.name).count() == 1

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_tasks(older_than_seconds=0) == 1

    assert not notified.filter(email_sent_at__isnull=True).exists()
    assert not PendingTask.objects.exists()


def test_a_task_the_broker_lost_is_sent_again_until_it_has_run(
    plant: Plant,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """The broker took the task, then lost it — a worker killed between Redis handing it out
    and recording it as unacknowledged, or Redis crashing before its append-only file was
    written. The row stays until the task has run, and is sent again."""
    with django_capture_on_commit_callbacks(execute=True):
        body = withdrawal(plant)
    sent: list[Any] = []
    monkeypatch.setattr(  # accepted by the broker, never delivered
        notify_request_event, "apply_async", lambda *a, **k: sent.append(k)
    )
    with django_capture_on_commit_callbacks(execute=True):
        act(plant.client("approver"), body, "approve")
    assert len(sent) == 1
    assert sent[0]["task_id"].startswith("pending-")
    (pending,) = PendingTask.objects.filter(task=notify_request_event.name)
    assert pending.sent_at is not None

    assert send_pending_tasks() == 0  # sent a moment ago: it may still be queued or running
    settings.STRONGROOM_TASK_RESEND_SECONDS = 0  # production: 15 minutes
    assert send_pending_tasks() == 1
    assert len(sent) == 2  # sent again, under a task id of its own
    assert sent[1]["task_id"] != sent[0]["task_id"]

    monkeypatch.undo()  # this time the broker delivers it
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_tasks() == 1

    assert Notification.objects.filter(recipient=plant.manager, kind="REQUEST_APPROVED").exists()
    assert not PendingTask.objects.exists()  # gone once the task has run
