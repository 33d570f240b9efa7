"""Coverage: which months of which units were reviewed, by whom, and what is overdue (JSON, CSV,
PDF with the signatures), and the weekly reminder of overdue months to the unit's reviewers."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from strongroom.accounts.models import Unit
from strongroom.compliance.models import AuditEvent
from strongroom.notifications.models import Notification
from strongroom.review.models import AuditReview
from strongroom.review.selectors import coverage_rows, months_ended
from strongroom.review.tasks import audit_review_reminders
from strongroom.review.tests.conftest import (
    BASE,
    Month,
    decide,
    last_month,
    open_review,
    sign,
)

pytestmark = pytest.mark.django_db


def _since(month: Month, year: int, mo: int) -> None:
    """GOA1 and MUM1 exist since the given month (coverage does not count months before)."""
    Unit.objects.filter(pk__in=[month.plant.goa.pk, month.plant.mum.pk]).update(
        created_at=dt.datetime(year, mo, 1, tzinfo=dt.UTC)
    )


def _signed_review(month: Month) -> dict[str, Any]:
    body = open_review(month)
    for flag in body["flags"]:
        body = decide(month, body, flag, "ACKNOWLEDGED", "Expected.").json()
    response = sign(month, body)
    assert response.status_code == 200
    return response.json()


def test_months_ended_are_calendar_months_before_today() -> None:
    assert months_ended(today=dt.date(2026, 1, 15), months=3) == [
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2025, 11, 1), dt.date(2025, 11, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 10, 31)),
    ]
    assert months_ended(today=dt.date(2024, 3, 1), months=1) == [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ]


@pytest.mark.compliance("A11-9")
@override_settings(STRONGROOM_REVIEW_GRACE_DAYS=15)
def test_coverage_statuses(month: Month) -> None:
    start, period = last_month()
    pune = Unit.objects.create(code="PUN1", name="Pune")
    _since(month, 2020, 1)
    Unit.objects.filter(pk=pune.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    review = _signed_review(month)  # GOA1, last month
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    for period_start, period_end in ((start, None), (previous, start - dt.timedelta(days=1))):
        AuditReview.objects.create(  # MUM1's last two months, open
            unit=month.plant.mum,
            period_start=period_start,
            period_end=period_end
            or (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
            opened_by=month.mum_approver,
            opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            flags_computed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    today = (start + dt.timedelta(days=32)).replace(day=10)  # the 10th of the next month
    rows = coverage_rows(user=None, months=2, today=today)
    status = {(r.unit_code, r.period): r.status for r in rows}
    assert status == {
        ("GOA1", period): "REVIEWED",
        ("MUM1", period): "IN_REVIEW",  # open, within the 15 days of grace
        ("PUN1", period): "DUE",  # not opened, within the grace
        ("GOA1", f"{previous:%Y-%m}"): "OVERDUE",  # never opened
        ("MUM1", f"{previous:%Y-%m}"): "OVERDUE",  # open, but past its grace
        ("PUN1", f"{previous:%Y-%m}"): "OVERDUE",
    }
    assert [r.unit_code for r in rows[:3]] == ["GOA1", "MUM1", "PUN1"]  # newest month first
    reviewed = next(r for r in rows if r.review_id == review["id"])
    assert reviewed.signed_by_name == month.plant.approver.full_name
    assert reviewed.opened_by_name == month.plant.approver.full_name
    assert reviewed.signature is not None
    assert reviewed.signature.meaning == "REVIEWED"
    # A unit created after a month does not owe its review; a review opened for it still shows.
    _since(month, today.year, today.month)
    assert {(r.unit_code, r.period) for r in coverage_rows(user=None, months=2, today=today)} == {
        ("GOA1", period),
        ("MUM1", period),
        ("MUM1", f"{previous:%Y-%m}"),
        ("PUN1", period),
        ("PUN1", f"{previous:%Y-%m}"),
    }


@pytest.mark.compliance("A11-9", "11.10(b)", "11.50")
def test_coverage_api_csv_and_pdf(month: Month) -> None:
    _since(month, 2020, 1)
    review = _signed_review(month)
    _, period = last_month()
    client = month.client("approver")
    rows = client.get(f"{BASE}coverage/", {"months": 2}).json()
    assert {r["unit_code"] for r in rows} == {"GOA1"}  # the caller's units only
    mine = next(r for r in rows if r["period"] == period)
    assert mine["status"] == "REVIEWED"
    assert mine["review"] == review["id"]
    assert mine["signature"]["meaning"] == "REVIEWED"
    assert mine["signature"]["status"] == "valid"
    assert len(rows) == 2

    csv = client.get(f"{BASE}coverage/", {"months": 2, "format": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("unit_code,unit_name,period,status")
    reviewed_line = next(line for line in lines if f",{period}," in line)
    assert "REVIEWED" in reviewed_line
    assert month.plant.approver.full_name in reviewed_line
    assert reviewed_line.endswith("Audit trail reviewed,valid")

    pdf = client.get(f"{BASE}coverage.pdf", {"months": 2})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    exports = AuditEvent.objects.filter(action="report.export").values_list("object_id", flat=True)
    assert sorted(exports) == ["audit-review-coverage.csv", "audit-review-coverage.pdf"]

    bad = client.get(f"{BASE}coverage/", {"months": 99})
    assert bad.status_code == 400
    assert "months" in bad.json()["error"]["details"]
    assert month.client("storehead").get(f"{BASE}coverage/").status_code == 403


@override_settings(STRONGROOM_REVIEW_GRACE_DAYS=0, STRONGROOM_REVIEW_COVERAGE_MONTHS=2)
def test_reminders_go_to_the_units_reviewers_once_a_week(month: Month) -> None:
    _since(month, 2020, 1)
    _signed_review(month)  # GOA1's last month is reviewed; the month before is not
    assert audit_review_reminders() > 0
    notified = Notification.objects.filter(kind="AUDIT_REVIEW_DUE")
    goa = {n.recipient.username for n in notified.filter(unit=month.plant.goa)}
    assert goa == {"goa1-approver", "goa1-approver2", "goa1-unitadmin"}
    mum = {n.recipient.username for n in notified.filter(unit=month.plant.mum)}
    assert mum == {"mum1-approver"}
    _, period = last_month()
    goa_title = notified.filter(unit=month.plant.goa).first()
    assert goa_title is not None
    assert period not in goa_title.title  # reviewed: not reminded
    count = notified.count()
    assert audit_review_reminders() == 0  # the same week: no second reminder
    assert Notification.objects.filter(kind="AUDIT_REVIEW_DUE").count() == count
