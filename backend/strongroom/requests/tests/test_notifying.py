"""The routing of request events to notifications lives with the requests domain
(strongroom.requests.notifying); the notifications app only stores and delivers."""

from typing import Any

import pytest
from django.db import OperationalError

from strongroom.notifications.models import Notification
from strongroom.requests import notifying
from strongroom.requests.models import Request
from strongroom.requests.notifying import request_event_notify
from strongroom.requests.tasks import notify_request_event
from strongroom.requests.tests.conftest import Plant, plant, withdrawal  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _sent(request: Request) -> set[tuple[str, str]]:
    return {
        (kind, username)
        for kind, username in Notification.objects.filter(
            object_type="request", object_id=str(request.pk)
        ).values_list("kind", "recipient__username")
    }


def test_each_request_event_notifies_the_same_people_as_before(
    plant: Plant,  # noqa: F811 (the fixture imported above)
) -> None:
    # The after-commit task of the creation does not run here: each event is sent by hand.
    request = Request.objects.get(pk=withdrawal(plant)["id"])
    approvers = {"goa1-approver", "goa1-approver2"}
    fulfillers = {"goa1-storehead", "goa1-storehead2"}
    expected = {
        # The unit's approvers, never the requester (a manager cannot approve anyway).
        "submitted": {("REQUEST_SUBMITTED", name) for name in approvers},
        "approved": {("REQUEST_APPROVED", "goa1-manager")}
        | {("READY_TO_FULFIL", name) for name in fulfillers},
        "rejected": {("REQUEST_REJECTED", "goa1-manager")},
        "sent_back": {("REQUEST_SENT_BACK", "goa1-manager")},
        "issued": {("CRATE_ISSUED", "goa1-manager")},
        "destroyed": {("CRATE_DESTROYED", "goa1-manager")},
    }
    assert set(expected) == set(notifying.REQUEST_EVENT_ROUTES)
    for event, recipients in expected.items():
        Notification.objects.all().delete()
        created = request_event_notify(request_id=request.pk, event=event, version=1)
        assert _sent(request) == recipients, event
        assert created == len(recipients)
        # Idempotent: the task delivered twice notifies nobody twice.
        assert request_event_notify(request_id=request.pk, event=event, version=1) == 0
    # What the notification points at: the request's page, by a generic reference.
    (destroyed,) = Notification.objects.all()
    assert (destroyed.object_type, destroyed.object_id, destroyed.link) == (
        "request",
        str(request.pk),
        f"/requests/{request.pk}",
    )
    assert destroyed.unit_id == request.unit_id
    assert destroyed.title == (
        f"{request.number}: crate {request.crate.code} was destroyed; "
        "the destruction certificate is ready"
    )
    assert request_event_notify(request_id=request.pk, event="unknown", version=1) == 0


def test_a_task_queued_before_the_move_still_runs() -> None:
    # Tasks queued by the previous release (the PendingTask outbox, the broker) carry this name.
    assert notify_request_event.name == "strongroom.notifications.tasks.notify_request_event"


def test_the_notification_task_retries_while_the_database_restarts(
    plant: Plant,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by scripts/chaos.py: PostgreSQL stopped mid-task. A failed task is acknowledged and
    gone, and with it the notification; a retried one is not."""
    body = withdrawal(plant)  # its after-commit task does not run here
    real = notifying.notification_create_many
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("couldn't get a connection after 5.00 sec")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifying, "notification_create_many", flaky)

    result = notify_request_event.apply(args=[body["id"], "submitted", 1], throw=False)

    assert result.successful()
    assert calls["n"] == 2
    notified = Notification.objects.filter(object_id=str(body["id"]), kind="REQUEST_SUBMITTED")
    assert {n.recipient for n in notified} == {plant.approver, plant.approver2}
