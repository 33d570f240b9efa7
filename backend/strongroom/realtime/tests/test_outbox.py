"""The outbox: one event per logical change, in the change's transaction, published after commit
to the groups that may see it."""

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from strongroom.accounts.models import Unit
from strongroom.accounts.tests.factories import DepartmentFactory
from strongroom.notifications.models import Notification, NotificationKind
from strongroom.realtime import services
from strongroom.realtime.models import Event
from strongroom.realtime.tests.conftest import make_crate, make_user
from strongroom.records.models import Crate
from strongroom.records.tests.factories import shelf_create
from strongroom.requests.models import SendBack
from strongroom.requests.tests.factories import RequestFactory

# Real transactions: on_commit runs when the outermost atomic block commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(services, "layer_group_send_many", sent.extend)
    return sent


def test_creating_a_crate_then_saving_it_again_is_one_created_event(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    shelf = shelf_create(unit=goa)
    before = Event.objects.count()
    with transaction.atomic():
        crate = make_crate(goa)
        crate.status, crate.location, crate.version = Crate.Status.IN_STORAGE, shelf, 2
        crate.save()
    events = list(Event.objects.filter(topic="crate", object_id=str(crate.pk)))
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.unit_id, event.version) == ("created", goa.pk, 2)
    assert event.data == {
        "code": crate.code,
        "status": "IN_STORAGE",
        "location_id": shelf.pk,
        "legal_hold": False,
    }
    crate_messages = [m for g, m in published if m["id"] == event.id]
    assert [g for g, m in published if m["id"] == event.id] == [f"unit.{goa.pk}", "units.all"]
    assert '"status":"IN_STORAGE"' in crate_messages[0]["text"]
    assert Event.objects.count() - before >= 1


def test_a_rolled_back_change_writes_and_publishes_nothing(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    make_user(goa)  # the crate's creator, outside the rolled-back block
    before = Event.objects.count()
    published.clear()

    def change_then_fail() -> None:
        with transaction.atomic():
            make_crate(goa)
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert Event.objects.count() == before
    assert published == []


def test_a_rolled_back_savepoint_does_not_swallow_the_next_save(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    crate = make_crate(goa)
    published.clear()

    def save_then_fail() -> None:
        with transaction.atomic():
            crate.description = "first try"
            crate.save()
            raise RuntimeError("abort")

    with transaction.atomic():
        with pytest.raises(RuntimeError):
            save_then_fail()
        crate.description = "second try"
        crate.save()
    events = Event.objects.filter(topic="crate", object_id=str(crate.pk), action="updated")
    assert events.count() == 1
    assert len({m["id"] for _, m in published}) == 1


def test_two_objects_in_one_transaction_are_two_events(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    crate = make_crate(goa)
    published.clear()
    with transaction.atomic():
        request = RequestFactory(crate=crate, unit=goa, requester=crate.created_by)
        request.status = "APPROVED"
        request.save()
        crate.save()
    assert {(m["id"]) for _, m in published} == set(
        Event.objects.filter(object_id__in=[str(crate.pk), str(request.pk)])
        .filter(id__gt=min(m["id"] for _, m in published) - 1)
        .values_list("id", flat=True)
    )
    request_event = Event.objects.get(topic="request", object_id=str(request.pk))
    assert request_event.action == "created"
    assert request_event.data["status"] == "APPROVED"
    assert request_event.data["number"] == request.number


def test_a_cross_unit_transfer_reaches_both_units(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    crate = make_crate(goa)
    crate = Crate.objects.get(pk=crate.pk)  # as a transfer service would load it
    published.clear()
    with transaction.atomic():
        crate.unit, crate.department = mum, DepartmentFactory(unit=mum)
        crate.version += 1
        crate.save()
    event = Event.objects.filter(topic="crate", object_id=str(crate.pk)).latest("id")
    assert (event.unit_id, event.also_unit_id) == (mum.pk, goa.pk)
    groups = [g for g, m in published if m["id"] == event.id]
    assert set(groups) == {f"unit.{mum.pk}", f"unit.{goa.pk}", "units.all"}
    assert {tuple(m["unit_ids"]) for _, m in published} == {(mum.pk, goa.pk)}


def test_notifications_go_to_their_recipient_only(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    user = make_user(goa)
    published.clear()
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=user,
            kind=NotificationKind.REQUEST_APPROVED,
            title="t",
            dedupe_key="k",
            unit=goa,
        )
    event = Event.objects.get(topic="notification", object_id=str(notification.pk))
    assert (event.unit_id, event.user_id) == (None, user.pk)
    assert [g for g, _ in published] == [f"user.{user.pk}"]
    assert event.data["read"] is False


def test_sendback_and_location_and_delete(
    units: dict[str, Unit],
    published: list,
) -> None:
    goa = units["GOA1"]
    request = RequestFactory(crate=make_crate(goa), unit=goa)
    with transaction.atomic():
        sendback = SendBack.objects.create(
            request=request,
            sent_by=request.requester,
            reason="fix it",
            sent_at=timezone.now(),
            from_status="SUBMITTED",
        )
        shelf = shelf_create(unit=goa, code="S9")
    sendback_event = Event.objects.get(topic="sendback", object_id=str(sendback.pk))
    assert sendback_event.unit_id == goa.pk
    assert sendback_event.data == {"request_id": request.pk, "resolved": False}
    shelf_id = str(shelf.pk)
    shelf.delete()
    actions = Event.objects.filter(topic="location", object_id=shelf_id).values_list(
        "action", flat=True
    )
    assert list(actions) == ["created", "deleted"]


def test_a_write_that_bypasses_save_can_record_its_event(
    units: dict[str, Unit], published: list
) -> None:
    from strongroom.realtime.signals import outbox_record_change
    from strongroom.requests.models import Request

    goa = units["GOA1"]
    request = RequestFactory(crate=make_crate(goa), unit=goa)
    published.clear()
    with transaction.atomic():
        Request.objects.filter(pk=request.pk).update(status="APPROVED", version=2)
        outbox_record_change(Request.objects.get(pk=request.pk))
    event = Event.objects.filter(topic="request", object_id=str(request.pk)).latest("id")
    assert (event.action, event.version, event.data["status"]) == ("updated", 2, "APPROVED")
    assert {m["id"] for _, m in published} == {event.id}


def test_created_then_deleted_in_one_transaction_is_one_deleted_event(
    units: dict[str, Unit], published: list
) -> None:
    goa = units["GOA1"]
    shelf_create(unit=goa, code="S7")  # room and rack, committed
    published.clear()
    with transaction.atomic():
        shelf = shelf_create(unit=goa, code="S8")
        shelf_id = str(shelf.pk)
        shelf.delete()
    actions = Event.objects.filter(topic="location", object_id=shelf_id).values_list(
        "action", flat=True
    )
    assert list(actions) == ["deleted"]
    assert len(published) == 2  # unit.<id> and units.all, one event
