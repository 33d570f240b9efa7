"""The retention forecast and the eligible-crates list: periods and their boundaries, what is not
forecast (hold, permanent, pending event), unit scope, CSV = JSON, bad parameters, query counts."""

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
from strongroom.accounts.tests.factories import DepartmentFactory, UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.records import forecast
from strongroom.records.models import Crate, CrateClaim
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/retention/forecast/"
CSV_URL = "/api/v1/retention/forecast.csv"
ELIGIBLE_URL = "/api/v1/retention/eligible-crates/"
RANGE = {"from": "2027-01-01", "to": "2027-06-30"}


@pytest.fixture
def goa(units: Any) -> Any:
    return units[0]


@pytest.fixture
def mum(units: Any) -> Any:
    return units[1]


@pytest.fixture
def client(api_client_for: Callable[..., Any], goa: Any) -> Any:
    return api_client_for(UserFactory(role_name=roles.VIEWER, units=[goa]))


def _stored(unit: Any, department: Any = None, *, documents: int = 0, **kwargs: Any) -> Crate:
    shelf = shelf_create(unit=unit, code=f"S{Crate.objects.count() + 1}", capacity=50)
    department = department or DepartmentFactory(unit=unit, code="QA")
    crate = CrateFactory(
        unit=unit, department=department, status=Crate.Status.IN_STORAGE, location=shelf, **kwargs
    )
    for _ in range(documents):
        DocumentFactory(crate=crate)
    return crate


def _held(unit: Any, **kwargs: Any) -> Crate:
    return _stored(
        unit,
        legal_hold=True,
        legal_hold_reason="Litigation",
        legal_hold_at=timezone.now(),
        legal_hold_by=UserFactory(),
        **kwargs,
    )


@pytest.fixture
def world(roles_synced: None, goa: Any, mum: Any) -> dict[str, Crate]:
    qa = DepartmentFactory(unit=goa, code="QA")
    qc = DepartmentFactory(unit=goa, code="QC", name="Quality Control")
    return {
        # The last day of January and the first of February fall in different months.
        "jan31": _stored(goa, qa, documents=2, destroy_after=dt.date(2027, 1, 31)),
        "feb1": _stored(goa, qa, documents=1, destroy_after=dt.date(2027, 2, 1)),
        # The last day of a quarter and the first of the next.
        "mar31": _stored(goa, qc, destroy_after=dt.date(2027, 3, 31)),
        "apr1": _stored(goa, qa, documents=1, destroy_after=dt.date(2027, 4, 1)),
        "overdue": _stored(goa, qc, documents=1, destroy_after=dt.date(2026, 11, 15)),
        # Not forecast: each counted apart, or not at all.
        "held": _held(goa, destroy_after=dt.date(2027, 1, 10)),
        "held_pending": _held(goa),
        "permanent": _stored(goa, retain_permanently=True),
        "pending": _stored(goa, documents=1),
        "issued": CrateFactory(
            unit=goa, status=Crate.Status.ISSUED, destroy_after=dt.date(2027, 1, 5)
        ),
        "after_range": _stored(goa, destroy_after=dt.date(2027, 7, 1)),
        # Another unit's crates are never counted for GOA1.
        "mum": _stored(mum, documents=3, destroy_after=dt.date(2027, 1, 15)),
        "mum_pending": _stored(mum),
    }


def _rows(body: dict[str, Any]) -> list[tuple[str, str, str, int, int]]:
    return [
        (r["period_start"], r["unit_code"], r["department_code"], r["crates"], r["documents"])
        for r in body["rows"]
    ]


def test_monthly_periods_put_each_crate_in_the_month_of_its_date(
    client: Any, world: dict[str, Crate]
) -> None:
    response = client.get(URL, {**RANGE, "period": "month"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"], body["period"]) == ("2027-01-01", "2027-06-30", "month")
    assert [(p["start"], p["end"], p["label"]) for p in body["periods"]] == [
        ("2027-01-01", "2027-01-31", "2027-01"),
        ("2027-02-01", "2027-02-28", "2027-02"),
        ("2027-03-01", "2027-03-31", "2027-03"),
        ("2027-04-01", "2027-04-30", "2027-04"),
        ("2027-05-01", "2027-05-31", "2027-05"),
        ("2027-06-01", "2027-06-30", "2027-06"),
    ]
    assert [(p["crates"], p["documents"]) for p in body["periods"]] == [
        (1, 2), (1, 1), (1, 0), (1, 1), (0, 0), (0, 0)
    ]  # fmt: skip
    assert _rows(body) == [
        ("2027-01-01", "GOA1", "QA", 1, 2),
        ("2027-02-01", "GOA1", "QA", 1, 1),
        ("2027-03-01", "GOA1", "QC", 1, 0),
        ("2027-04-01", "GOA1", "QA", 1, 1),
    ]


def test_quarterly_periods(client: Any, world: dict[str, Crate]) -> None:
    body = client.get(URL, {**RANGE, "period": "quarter"}).json()
    assert [(p["label"], p["start"], p["end"]) for p in body["periods"]] == [
        ("2027-Q1", "2027-01-01", "2027-03-31"),
        ("2027-Q2", "2027-04-01", "2027-06-30"),
    ]
    assert _rows(body) == [
        ("2027-01-01", "GOA1", "QA", 2, 3),
        ("2027-01-01", "GOA1", "QC", 1, 0),
        ("2027-04-01", "GOA1", "QA", 1, 1),
    ]


def test_the_range_is_widened_to_whole_periods(client: Any, world: dict[str, Crate]) -> None:
    body = client.get(URL, {"from": "2027-01-31", "to": "2027-02-01"}).json()
    assert (body["start"], body["end"]) == ("2027-01-01", "2027-02-28")
    assert [p["crates"] for p in body["periods"]] == [1, 1]
    body = client.get(URL, {"from": "2027-02-15", "to": "2027-02-16", "period": "quarter"}).json()
    assert (body["start"], body["end"]) == ("2027-01-01", "2027-03-31")


def test_held_permanent_and_pending_crates_are_counted_apart(
    client: Any, world: dict[str, Crate]
) -> None:
    body = client.get(URL, RANGE).json()
    assert body["summary"] == {
        "already_eligible_crates": 1,
        "already_eligible_documents": 1,
        "forecast_crates": 4,
        "forecast_documents": 4,
        "pending_event_crates": 1,
        "on_hold_crates": 2,
        "retained_permanently_crates": 1,
    }
    assert [(r["department_code"], r["crates"]) for r in body["already_eligible"]] == [("QC", 1)]
    # Releasing the hold puts the crate back in its month.
    Crate.objects.filter(pk=world["held"].pk).update(legal_hold=False)
    body = client.get(URL, RANGE).json()
    assert body["periods"][0]["crates"] == 2
    assert body["summary"]["on_hold_crates"] == 1


def test_default_range_is_this_period_and_the_next_24_months(
    client: Any, world: dict[str, Crate]
) -> None:
    today = timezone.localdate()
    body = client.get(URL).json()
    assert body["today"] == today.isoformat()
    assert body["start"] == today.replace(day=1).isoformat()
    assert len(body["periods"]) == 24
    quarters = client.get(URL, {"period": "quarter"}).json()["periods"]
    assert len(quarters) == 8
    assert quarters[0]["start"] == forecast.period_start(today, period="quarter").isoformat()


def test_unit_scope(
    client: Any, api_client_for: Callable[..., Any], world: dict[str, Crate], goa: Any, mum: Any
) -> None:
    body = client.get(URL, {**RANGE, "unit": goa.pk}).json()
    assert {r["unit_code"] for r in body["rows"]} == {"GOA1"}
    assert body["summary"]["pending_event_crates"] == 1
    mum_department = world["mum"].department_id
    for params in ({"unit": mum.pk}, {"department": mum_department}, {"department": 999999}):
        response = client.get(URL, params)
        assert response.status_code == 404, params
        assert response.json()["error"]["code"] == "not_found"
        assert client.get(ELIGIBLE_URL, params).status_code == 404
        assert client.get(CSV_URL, params).status_code == 404
    admin = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    everything = admin.get(URL, RANGE).json()
    assert ("2027-01-01", "MUM1", "QA", 1, 3) in _rows(everything)
    assert everything["summary"]["pending_event_crates"] == 2
    only_mum = admin.get(URL, {**RANGE, "unit": mum.pk}).json()
    assert _rows(only_mum) == [("2027-01-01", "MUM1", "QA", 1, 3)]


def test_department_filter(client: Any, world: dict[str, Crate]) -> None:
    body = client.get(URL, {**RANGE, "department": world["mar31"].department_id}).json()
    assert _rows(body) == [("2027-03-01", "GOA1", "QC", 1, 0)]
    assert body["summary"]["already_eligible_crates"] == 1  # the overdue QC crate


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week"}, "period"),
        ({"from": "2027-13-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"from": "2027-03-01", "to": "2027-01-31"}, "to"),
        ({"from": "2027-01-01", "to": "2037-01-01"}, "to"),
        ({"unit": "GOA1"}, "unit"),
        ({"department": "-1"}, "department"),
    ],
)
def test_bad_parameters_are_refused_on_their_field(
    client: Any, world: dict[str, Crate], params: dict[str, str], field: str
) -> None:
    for url in (URL, CSV_URL):
        response = client.get(url, params)
        assert response.status_code == 400, (url, response.content)
        error = response.json()["error"]
        assert list(error["details"]) == [field]


def test_ten_years_is_the_longest_range(client: Any, world: dict[str, Crate]) -> None:
    response = client.get(URL, {"from": "2027-01-01", "to": "2036-12-31", "period": "quarter"})
    assert response.status_code == 200
    assert len(response.json()["periods"]) == 40


def test_csv_has_the_json_figures_and_is_audited(client: Any, world: dict[str, Crate]) -> None:
    body = client.get(URL, {**RANGE, "period": "quarter"}).json()
    response = client.get(CSV_URL, {**RANGE, "period": "quarter"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "retention-forecast-2027-01-01-2027-06-30.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header == [
        "row", "period", "period_start", "period_end", "unit", "department", "crates", "documents"
    ]  # fmt: skip
    periods = [line for line in lines if line[0] == "period"]
    assert [(p[2], p[4], p[5], int(p[6]), int(p[7])) for p in periods] == _rows(body)
    assert [p[1] for p in periods] == ["2027-Q1", "2027-Q1", "2027-Q2"]
    [before] = [line for line in lines if line[0] == "already_eligible"]
    assert before == ["already_eligible", "", "", "2026-12-31", "GOA1", "QC", "1", "1"]
    totals = {
        line[0]: int(line[6]) for line in lines if line[0] not in ("period", "already_eligible")
    }
    summary = body["summary"]
    assert totals == {
        "pending_event": summary["pending_event_crates"],
        "on_hold": summary["on_hold_crates"],
        "retained_permanently": summary["retained_permanently_crates"],
    }
    event = AuditEvent.objects.get(action="report.export", object_id="retention-forecast")
    assert event.changes["filters"][1]["period"] == "quarter"


def _forecast_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, RANGE).status_code == 200
    return len(queries)


def test_forecast_query_count_does_not_grow_with_crates(
    client: Any, world: dict[str, Crate], goa: Any
) -> None:
    before = _forecast_queries(client)
    for month in range(1, 7):
        department = DepartmentFactory(unit=goa, code=f"D{month}")
        _stored(goa, department, documents=2, destroy_after=dt.date(2027, month, 28))
    _held(goa)
    after = _forecast_queries(client)
    assert after == before
    # The user, then the periods and the crates not forecast.
    assert after <= 6


def test_a_crate_filed_under_another_units_department_keeps_its_own_unit(
    client: Any, world: dict[str, Crate], goa: Any, mum: Any
) -> None:
    """Codes are looked up after grouping: the unit comes from the crate, not its department."""
    Crate.objects.filter(pk=world["feb1"].pk).update(
        department=DepartmentFactory(unit=mum, code="PROD")
    )
    rows = _rows(client.get(URL, {**RANGE, "period": "month"}).json())
    assert ("2027-02-01", "GOA1", "PROD", 1, 1) in rows


def _eligible(client: Any, **params: Any) -> list[str]:
    response = client.get(ELIGIBLE_URL, params)
    assert response.status_code == 200, response.content
    return [c["code"] for c in response.json()["results"]]


def test_eligible_crates_on_a_day_and_in_a_period(client: Any, world: dict[str, Crate]) -> None:
    w = world
    on_june_30 = _eligible(client, on="2027-06-30")
    assert on_june_30 == [
        c.code for c in (w["overdue"], w["jan31"], w["feb1"], w["mar31"], w["apr1"])
    ]
    january = _eligible(client, on="2027-01-31", period_start="2027-01-01", period_end="2027-01-31")
    assert january == [w["jan31"].code]
    assert _eligible(client, on="2027-01-30", period_start="2027-01-01") == []
    assert _eligible(client, on="2027-06-30", department=w["mar31"].department_id) == [
        w["overdue"].code,
        w["mar31"].code,
    ]
    assert _eligible(client, on="2027-06-30", search=w["apr1"].code) == [w["apr1"].code]
    row = client.get(ELIGIBLE_URL, {"on": "2027-01-31", "period_start": "2027-01-01"}).json()
    assert row["results"][0] == {
        "id": w["jan31"].pk,
        "code": w["jan31"].code,
        "unit": w["jan31"].unit_id,
        "unit_code": "GOA1",
        "department": w["jan31"].department_id,
        "department_code": "QA",
        "location_code": w["jan31"].location.full_code,  # type: ignore[union-attr]
        "destroy_after": "2027-01-31",
        "document_count": 2,
        "claimed_by": None,
    }


def test_eligible_crates_say_which_open_request_or_batch_holds_them(
    client: Any, world: dict[str, Crate]
) -> None:
    w = world
    CrateClaim.objects.create(crate=w["jan31"], holder_kind="BATCH", holder_id=5)
    CrateClaim.objects.create(crate=w["mar31"], holder_kind="REQUEST", holder_id=12)
    rows = client.get(ELIGIBLE_URL, {"on": "2027-06-30"}).json()["results"]
    assert {row["code"]: row["claimed_by"] for row in rows} == {
        w["overdue"].code: None,
        w["jan31"].code: {"kind": "BATCH", "id": 5},
        w["feb1"].code: None,
        w["mar31"].code: {"kind": "REQUEST", "id": 12},
        w["apr1"].code: None,
    }


def test_eligible_crates_default_to_today(client: Any, world: dict[str, Crate]) -> None:
    today = timezone.localdate()
    Crate.objects.filter(pk=world["apr1"].pk).update(destroy_after=today)
    Crate.objects.filter(pk=world["feb1"].pk).update(destroy_after=today + dt.timedelta(days=1))
    codes = _eligible(client)
    assert world["apr1"].code in codes
    assert world["feb1"].code not in codes


def test_eligible_crates_bad_parameters(client: Any, world: dict[str, Crate]) -> None:
    for params, field in (
        ({"on": "tomorrow"}, "on"),
        ({"period_start": "2027-02-01", "period_end": "2027-01-31"}, "period_end"),
    ):
        response = client.get(ELIGIBLE_URL, params)
        assert response.status_code == 400
        assert list(response.json()["error"]["details"]) == [field]


@pytest.mark.parametrize("page_size", [1, 50])
def test_eligible_crates_query_count(
    client: Any, world: dict[str, Crate], page_size: int, django_assert_max_num_queries: Any
) -> None:
    from strongroom.core.testing import list_request_queries

    # Held crates on the page: who holds them comes with the page's one query (no N+1).
    for index, name in enumerate(("overdue", "jan31", "apr1")):
        CrateClaim.objects.create(crate=world[name], holder_kind="BATCH", holder_id=index + 1)
    with django_assert_max_num_queries(list_request_queries()):
        response = client.get(ELIGIBLE_URL, {"on": "2027-06-30", "page_size": page_size})
    results = response.json()["results"]
    assert len(results) == min(page_size, 5)
    assert results[0]["claimed_by"] == {"kind": "BATCH", "id": 1}


def test_period_helpers() -> None:
    assert forecast.period_end(dt.date(2028, 2, 10), period="month") == dt.date(2028, 2, 29)
    assert forecast.period_end(dt.date(2027, 11, 1), period="quarter") == dt.date(2027, 12, 31)
    assert forecast.period_start(dt.date(2027, 12, 31), period="quarter") == dt.date(2027, 10, 1)
    assert forecast.forecast_range_too_long(dt.date(2028, 2, 29), dt.date(2038, 2, 28))
    assert not forecast.forecast_range_too_long(dt.date(2028, 2, 29), dt.date(2038, 2, 27))
    assert forecast.forecast_default_range(period="month", today=dt.date(2026, 12, 6)) == (
        dt.date(2026, 12, 1),
        dt.date(2028, 11, 30),
    )
