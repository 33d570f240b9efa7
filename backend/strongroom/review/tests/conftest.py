"""Reviews on the workflow tests' plant (requests/tests/conftest.py): GOA1 with its people, and
audit events crafted in the month before this one (the month a review may open for)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import AuditEvent
from strongroom.requests.tests.conftest import Plant, plant  # noqa: F401 (fixture)
from strongroom.review.selectors import review_today

BASE = "/api/v1/audit-reviews/"


def last_month() -> tuple[dt.date, str]:
    first_of_this = review_today().replace(day=1)
    start = (first_of_this - dt.timedelta(days=1)).replace(day=1)
    return start, f"{start:%Y-%m}"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    start, _ = last_month()
    return dt.datetime.combine(
        start.replace(day=day),
        dt.time(hour, minute),
        tzinfo=ZoneInfo(settings.STRONGROOM_REVIEW_TIME_ZONE),
    )


@dataclass
class Month:
    plant: Plant
    period: str
    mum_approver: User
    night_edit: AuditEvent  # GOA1, 02:00 on a day of last month: outside working hours
    config: AuditEvent  # GOA1, a location changed in working hours (a Wednesday, 10:00)
    other_unit: AuditEvent  # MUM1's: not in GOA1's review

    def client(self, name: str) -> Any:
        return self.plant.client(name)


def _weekday(day: int) -> int:
    """The first day from ``day`` on that falls on a Wednesday of last month."""
    while local(day, 10).isoweekday() != 3:
        day += 1
    return day


@pytest.fixture
def month(plant: Plant, api_client_for: Any) -> Month:  # noqa: F811 (the fixture imported above)
    _, period = last_month()
    mum_approver = UserFactory(
        username="mum1-approver", role_name=roles.APPROVER, units=[plant.mum]
    )
    plant.clients["mum_approver"] = api_client_for(mum_approver)
    night_edit = audit_event_record(
        action="crate.update",
        actor=plant.manager,
        object_type="crate",
        object_id=plant.crate.pk,
        unit=plant.goa,
        changes={"description": ["a", "b"]},
        at=local(10, 2),
    )
    config = audit_event_record(
        action="location.update",
        actor=plant.unitadmin,
        object_type="location",
        object_id=plant.shelf.pk,
        unit=plant.goa,
        changes={"capacity": [3, 4]},
        at=local(_weekday(12), 10),
    )
    other_unit = audit_event_record(
        action="location.update",
        actor=plant.mum_storehead,
        object_type="location",
        object_id=plant.mum_shelf.pk,
        unit=plant.mum,
        at=local(10, 2),
    )
    return Month(plant, period, mum_approver, night_edit, config, other_unit)


def open_review(month: Month, client: str = "approver") -> Any:
    response = month.client(client).post(
        BASE, {"unit": month.plant.goa.pk, "period": month.period}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def decide(
    month: Month, body: dict[str, Any], flag: dict[str, Any], decision: str, comment: str
) -> Any:
    return month.client("approver").post(
        f"{BASE}{body['id']}/flags/{flag['id']}/decide/",
        {"version": flag["version"], "decision": decision, "comment": comment},
        format="json",
    )


def sign(month: Month, body: dict[str, Any], password: str = TEST_PASSWORD) -> Any:
    return month.client("approver").post(
        f"{BASE}{body['id']}/sign/",
        {"version": body["version"], "signature": {"password": password}},
        format="json",
    )
