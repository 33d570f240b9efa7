import datetime as dt

import pytest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UnitFactory, UserFactory
from strongroom.notifications.models import Notification
from strongroom.records.models import Crate
from strongroom.records.tasks import retention_due_digest
from strongroom.records.tests.factories import CrateFactory, shelf_create

pytestmark = pytest.mark.django_db


def stored_crate(unit, destroy_after, **fields):  # type: ignore[no-untyped-def]
    return CrateFactory(
        unit=unit,
        status=Crate.Status.IN_STORAGE,
        location=shelf_create(unit=unit, code=f"S{Crate.objects.count() + 1}"),
        destroy_after=destroy_after,
        **fields,
    )


def test_digest_lists_crates_due_within_30_days_without_hold(roles_synced: None) -> None:
    unit = UnitFactory(code="GOA1")
    admin = UserFactory(role_name=roles.UNIT_ADMIN, units=[unit])
    UserFactory(role_name=roles.APPROVER, units=[unit])  # witnesses too, but is no Unit Admin
    today = timezone.localdate()
    due = stored_crate(unit, today + dt.timedelta(days=10))
    later = stored_crate(unit, today + dt.timedelta(days=60))
    held = stored_crate(
        unit,
        today,
        legal_hold=True,
        legal_hold_reason="Inquiry",
        legal_hold_by=admin,
        legal_hold_at=timezone.now(),
    )

    assert retention_due_digest() == 1
    assert retention_due_digest() == 0  # once a day
    notification = Notification.objects.get()
    assert notification.recipient == admin
    assert due.code in notification.body
    assert later.code not in notification.body
    assert held.code not in notification.body
