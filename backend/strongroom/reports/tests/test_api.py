"""The dashboard and the reports: figures, scoping, JSON pages, CSV, query counts."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.core.csv_export import neutralise
from strongroom.core.testing import list_request_queries
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create
from strongroom.requests.models import RequestStatus, RequestType
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


@pytest.fixture
def goa(units: Any) -> Any:
    return units[0]


@pytest.fixture
def mum(units: Any) -> Any:
    return units[1]


@pytest.fixture
def client(api_client_for: Callable[..., Any], goa: Any) -> Any:
    return api_client_for(UserFactory(role_name=roles.VIEWER, units=[goa]))


def _stored(unit: Any, shelf: Any = None, **kwargs: Any) -> Crate:
    shelf = shelf or shelf_create(unit=unit, code=f"S{Crate.objects.count() + 1}")
    return CrateFactory(unit=unit, status=Crate.Status.IN_STORAGE, location=shelf, **kwargs)


def _issued(unit: Any, *, days_late: int) -> Any:
    crate = CrateFactory(unit=unit, status=Crate.Status.ISSUED)
    return RequestFactory(
        crate=crate,
        type=RequestType.WITHDRAWAL,
        status=RequestStatus.ISSUED,
        expected_return_on=timezone.localdate() - dt.timedelta(days=days_late),
        issued_at=timezone.now() - dt.timedelta(days=days_late + 7),
        submitted_at=timezone.now() - dt.timedelta(days=days_late + 8),
    )


@pytest.fixture
def world(roles_synced: None, goa: Any, mum: Any) -> dict[str, Any]:
    today = timezone.localdate()
    shelf = shelf_create(unit=goa, code="S1", capacity=10)
    due = _stored(goa, shelf, destroy_after=today + dt.timedelta(days=10))
    later = _stored(goa, shelf, destroy_after=today + dt.timedelta(days=100))
    held = _stored(
        goa,
        shelf,
        destroy_after=today - dt.timedelta(days=1),
        legal_hold=True,
        legal_hold_reason="Litigation",
        legal_hold_at=timezone.now(),
        legal_hold_by=UserFactory(),
    )
    overdue = _issued(goa, days_late=3)
    on_time = _issued(goa, days_late=-5)
    submitted = RequestFactory(crate=CrateFactory(unit=goa))
    destroyed = CrateFactory(unit=goa, status=Crate.Status.DESTROYED, destroyed_at=timezone.now())
    # Another unit's records, never counted for GOA1 users.
    _stored(mum, destroy_after=today)
    _issued(mum, days_late=9)
    return {
        "due": due,
        "later": later,
        "held": held,
        "overdue": overdue,
        "on_time": on_time,
        "submitted": submitted,
        "destroyed": destroyed,
    }


def test_dashboard_kpis_and_series(client: Any, world: dict[str, Any]) -> None:
    response = client.get("/api/v1/reports/dashboard/")
    assert response.status_code == 200
    body = response.json()
    kpis = body["kpis"]
    assert kpis["crates_in_storage"] == 3
    assert kpis["crates_issued"] == 2
    assert kpis["due_for_destruction"] == 1  # held crates are not due
    assert kpis["overdue"] == 1
    assert kpis["pending_approvals"] == 1
    assert kpis["crates_on_hold"] == 1
    weekly = body["requests_per_week"]
    assert len(weekly["weeks"]) == 12
    assert dt.date.fromisoformat(weekly["weeks"][0]).weekday() == 0
    totals = {s["type"]: sum(s["counts"]) for s in weekly["series"]}
    assert totals == {"STORAGE": 1, "WITHDRAWAL": 2, "TRANSFER": 0, "DESTRUCTION": 0}
    assert weekly["series"][0]["counts"][-1] >= 1  # submitted this week
    [room] = body["occupancy_by_room"]
    assert body["rooms_total"] == 1
    assert room["full_code"] == "GOA1/R01"
    assert (room["occupancy"], room["capacity"]) == (3, 10)


def test_dashboard_lists_the_fullest_rooms_and_counts_them_all(
    client: Any, roles_synced: None, goa: Any, mum: Any
) -> None:
    """Ten rooms at most, fullest first (then by code); a room without places comes last."""
    from strongroom.storage.models import Location

    used = [0, 3, 7, 1, 9, 5, 2, 10, 4, 6, 8, 5]
    for number, crates in enumerate(used, start=1):
        room = Location.objects.create(unit=goa, kind=Location.Kind.ROOM, code=f"R{number:02d}")
        rack = Location.objects.create(unit=goa, parent=room, kind=Location.Kind.RACK, code="K1")
        shelf = Location.objects.create(
            unit=goa, parent=rack, kind=Location.Kind.SHELF, code="S1", capacity=10
        )
        for _ in range(crates):
            _stored(goa, shelf)
    Location.objects.create(unit=goa, kind=Location.Kind.ROOM, code="R13")  # no shelves yet
    shelf_create(unit=mum, capacity=1)  # another unit's room, full, never shown
    _stored(mum, Location.objects.get(unit=mum, kind=Location.Kind.SHELF))

    body = client.get("/api/v1/reports/dashboard/").json()
    assert body["rooms_total"] == 13
    shown = [(r["full_code"], r["occupancy"], r["capacity"]) for r in body["occupancy_by_room"]]
    assert shown == [
        ("GOA1/R08", 10, 10),
        ("GOA1/R05", 9, 10),
        ("GOA1/R11", 8, 10),
        ("GOA1/R03", 7, 10),
        ("GOA1/R10", 6, 10),
        ("GOA1/R06", 5, 10),
        ("GOA1/R12", 5, 10),
        ("GOA1/R09", 4, 10),
        ("GOA1/R02", 3, 10),
        ("GOA1/R07", 2, 10),
    ]


def test_dashboard_without_rooms(client: Any, roles_synced: None) -> None:
    body = client.get("/api/v1/reports/dashboard/").json()
    assert (body["rooms_total"], body["occupancy_by_room"]) == (0, [])


def test_dashboard_query_count(client: Any, world: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/reports/dashboard/").status_code == 200
    # the user (see list_request_queries) + crates, requests, weekly series, rooms.
    assert len(queries) == list_request_queries() + 3, "\n".join(q["sql"][:150] for q in queries)


def test_system_administrator_sees_every_unit(
    api_client_for: Callable[..., Any], world: dict[str, Any]
) -> None:
    admin = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    kpis = admin.get("/api/v1/reports/dashboard/").json()["kpis"]
    assert kpis["crates_in_storage"] == 4
    assert kpis["overdue"] == 2


def test_inventory(client: Any, world: dict[str, Any]) -> None:
    rows = client.get("/api/v1/reports/inventory/").json()["results"]
    codes = {r["code"] for r in rows}
    assert world["destroyed"].code not in codes
    assert world["due"].code in codes
    assert all(r["unit_code"] == "GOA1" for r in rows)
    assert [r["code"] for r in rows] == sorted(codes)
    issued = client.get("/api/v1/reports/inventory/", {"status": "ISSUED"}).json()["results"]
    assert len(issued) == 2


def test_overdue(client: Any, world: dict[str, Any]) -> None:
    rows = client.get("/api/v1/reports/overdue/").json()["results"]
    assert [r["number"] for r in rows] == [world["overdue"].number]
    assert rows[0]["days_overdue"] == 3


def test_destruction_schedule(client: Any, world: dict[str, Any]) -> None:
    rows = client.get("/api/v1/reports/destruction-schedule/").json()["results"]
    assert [r["code"] for r in rows] == [
        world["held"].code,
        world["due"].code,
        world["later"].code,
    ]
    assert rows[0]["legal_hold"] is True
    assert rows[1]["days_left"] == 10
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    soon = client.get("/api/v1/reports/destruction-schedule/", {"until": until}).json()
    assert len(soon["results"]) == 2


def test_activity(client: Any, world: dict[str, Any]) -> None:
    rows = client.get("/api/v1/reports/activity/").json()["results"]
    assert len(rows) == 3
    recent = timezone.localdate().isoformat()
    today = client.get("/api/v1/reports/activity/", {"since": recent}).json()["results"]
    assert [r["number"] for r in today] == [world["submitted"].number]
    typed = client.get("/api/v1/reports/activity/", {"type": "WITHDRAWAL"}).json()["results"]
    assert len(typed) == 2
    assert client.get("/api/v1/reports/activity/", {"since": "yesterday"}).status_code == 400


@pytest.mark.parametrize("report", ["inventory", "overdue", "destruction-schedule", "activity"])
@pytest.mark.parametrize("page_size", [1, 50])
def test_report_query_count_is_constant(
    client: Any, world: dict[str, Any], report: str, page_size: int
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/reports/{report}/", {"page_size": page_size})
    assert response.status_code == 200
    assert len(queries) == list_request_queries(), [q["sql"] for q in queries]


def test_report_pages_follow_the_cursor(client: Any, world: dict[str, Any]) -> None:
    first = client.get("/api/v1/reports/inventory/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    seen = [r["code"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == len(seen)


@pytest.mark.compliance("11.10(b)", "A11-8")
def test_csv_export_is_neutralised_and_audited(client: Any, world: dict[str, Any]) -> None:
    Crate.objects.filter(pk=world["due"].pk).update(description='=HYPERLINK("http://x")')
    response = client.get("/api/v1/reports/inventory/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "inventory-" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "code", "unit_code"]
    assert len(rows) == 1 + 6  # header + GOA1's crates that are not destroyed
    descriptions = [r[rows[0].index("description")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in descriptions
    event = AuditEvent.objects.get(action="report.export")
    assert event.object_id == "inventory"


def test_overdue_csv(client: Any, world: dict[str, Any]) -> None:
    response = client.get("/api/v1/reports/overdue/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "days_overdue"
    assert [r[1] for r in rows[1:]] == [world["overdue"].number]


@pytest.mark.parametrize(
    "report", ["inventory", "overdue", "destruction-schedule", "activity"], ids=str
)
def test_csv_rows_are_the_json_rows(client: Any, world: dict[str, Any], report: str) -> None:
    """The export streams, row for row and cell for cell, what the JSON report lists (one
    serializer represents every row of an export)."""
    listed = client.get(f"/api/v1/reports/{report}/").json()["results"]
    response = client.get(f"/api/v1/reports/{report}/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert listed
    assert rows == [[neutralise(row[f]) for f in header] for row in listed]
