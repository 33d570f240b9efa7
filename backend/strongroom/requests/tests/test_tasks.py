import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UnitFactory, UserFactory
from strongroom.notifications.models import Notification
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.tasks import flag_overdue_withdrawals
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


def issued_withdrawal(unit, *, due: dt.date) -> Request:  # type: ignore[no-untyped-def]
    crate = CrateFactory(unit=unit, status=Crate.Status.ISSUED)
    return RequestFactory(
        crate=crate,
        type=RequestType.WITHDRAWAL,
        status=RequestStatus.ISSUED,
        expected_return_on=due,
        issued_at=timezone.now() - dt.timedelta(days=10),
    )


@override_settings(STRONGROOM_OVERDUE_ESCALATION_DAYS=3)
def test_overdue_withdrawals_are_flagged_once_notified_and_escalated(roles_synced: None) -> None:
    goa, mum = UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
    store_head = UserFactory(role_name=roles.STORE_HEAD, units=[goa])
    other_unit_store_head = UserFactory(role_name=roles.STORE_HEAD, units=[mum])
    unit_admin = UserFactory(role_name=roles.UNIT_ADMIN, units=[goa])
    today = timezone.localdate()
    late = issued_withdrawal(goa, due=today - dt.timedelta(days=1))
    on_time = issued_withdrawal(goa, due=today + dt.timedelta(days=1))
    due_today = issued_withdrawal(goa, due=today)

    assert flag_overdue_withdrawals() == 1
    assert flag_overdue_withdrawals() == 0  # idempotent
    late.refresh_from_db()
    assert late.is_overdue
    assert late.version == 2
    for request in (on_time, due_today):
        request.refresh_from_db()
        assert not request.is_overdue
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {late.requester.username, store_head.username}
    assert other_unit_store_head.username not in notified

    # Escalation to the Unit Admin once flagged for longer than the escalation period.
    Request.objects.filter(pk=late.pk).update(
        overdue_flagged_at=timezone.now() - dt.timedelta(days=4)
    )
    flag_overdue_withdrawals()
    flag_overdue_withdrawals()
    escalations = Notification.objects.filter(dedupe_key=f"overdue-escalation:{late.pk}")
    assert list(escalations.values_list("recipient__username", flat=True)) == [unit_admin.username]
    late.refresh_from_db()
    assert late.overdue_escalated_at is not None


def test_a_returned_withdrawal_is_not_flagged(roles_synced: None) -> None:
    unit = UnitFactory()
    request = issued_withdrawal(unit, due=timezone.localdate() - dt.timedelta(days=3))
    Request.objects.filter(pk=request.pk).update(
        status=RequestStatus.COMPLETED, returned_at=timezone.now(), completed_at=timezone.now()
    )
    assert flag_overdue_withdrawals() == 0


def test_flagging_reaches_the_outbox(roles_synced: None) -> None:
    from strongroom.realtime.models import Event

    unit = UnitFactory()
    request = issued_withdrawal(unit, due=timezone.localdate() - dt.timedelta(days=1))
    Event.objects.all().delete()
    flag_overdue_withdrawals()
    events = Event.objects.filter(topic="request", object_id=str(request.pk))
    assert [(e.action, e.version) for e in events] == [("updated", 2)]


@pytest.mark.compliance("11.10(e)")
def test_the_overdue_flag_is_audited_once_per_request_by_the_system(roles_synced: None) -> None:
    from strongroom.compliance.models import AuditEvent
    from strongroom.requests.services import request_overdue_mark

    unit = UnitFactory()
    today = timezone.localdate()
    late = [issued_withdrawal(unit, due=today - dt.timedelta(days=n)) for n in (1, 5)]
    on_time = issued_withdrawal(unit, due=today)

    assert flag_overdue_withdrawals() == 2
    events = AuditEvent.objects.filter(action="request.overdue").order_by("object_id")
    assert [(e.object_id, e.actor_id, e.actor_username) for e in events] == [
        (str(r.pk), None, "") for r in sorted(late, key=lambda r: r.pk)
    ]
    for event in events:
        assert event.unit_id == unit.pk
        assert event.reason == "periodic_check"
        assert event.changes["is_overdue"] == [False, True]
        assert event.changes["version"] == [1, 2]
    # Idempotent: flagged requests are not flagged (nor audited) again, the one not due is not.
    assert request_overdue_mark(request_id=late[0].pk) is None
    assert request_overdue_mark(request_id=on_time.pk) is None
    assert flag_overdue_withdrawals() == 0
    assert AuditEvent.objects.filter(action="request.overdue").count() == 2


@override_settings(STRONGROOM_OVERDUE_ESCALATION_DAYS=3)
def test_the_escalation_is_audited_once(roles_synced: None) -> None:
    from strongroom.compliance.models import AuditEvent

    unit = UnitFactory()
    late = issued_withdrawal(unit, due=timezone.localdate() - dt.timedelta(days=1))
    flag_overdue_withdrawals()
    Request.objects.filter(pk=late.pk).update(
        overdue_flagged_at=timezone.now() - dt.timedelta(days=4)
    )
    flag_overdue_withdrawals()
    flag_overdue_withdrawals()
    (event,) = AuditEvent.objects.filter(action="request.overdue_escalate")
    assert (event.object_id, event.actor_id, event.reason) == (str(late.pk), None, "periodic_check")
    assert event.changes["version"] == [2, 3]
