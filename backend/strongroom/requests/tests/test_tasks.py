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
