"""The retention forecast: which crates become eligible for destruction, per month or quarter,
unit and department, and the list of crates behind each figure.

"Eligible" is :func:`strongroom.records.disposal.crates_eligible` (in storage, no legal hold, not
retained permanently, ``destroy_after`` reached); the forecast groups the crates that predicate
admits by the period their ``destroy_after`` falls in. Periods are grouped in SQL (one query for
the periods, one for the crates that are not forecast: waiting for an event, on hold, kept for
good, each read from a partial covering index of PostgreSQL, and one for the codes of the
departments found), so the cost does not grow with the number of crates in Python.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import (
    Case,
    DateField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncQuarter

from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.scope import units_filter, user_unit_ids
from strongroom.records.disposal import crates_eligible
from strongroom.records.models import Crate
from strongroom.records.selectors import crate_list_for_user
from strongroom.records.tallies import CrateCounting

Period = Literal["month", "quarter"]
PERIODS: tuple[Period, ...] = ("month", "quarter")
DEFAULT_MONTHS = 24
MAX_YEARS = 10


def period_start(day: dt.date, *, period: Period) -> dt.date:
    """The first day of the month or quarter ``day`` falls in."""
    month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    return day.replace(month=month, day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` (a first of the month) ``months`` months later."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(day: dt.date, *, period: Period) -> dt.date:
    """The last day of the month or quarter ``day`` falls in."""
    start = period_start(day, period=period)
    last_month = _add_months(start, 0 if period == "month" else 2)
    return last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])


def period_label(start: dt.date, *, period: Period) -> str:
    if period == "month":
        return start.strftime("%Y-%m")
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def forecast_default_range(*, period: Period, today: dt.date) -> tuple[dt.date, dt.date]:
    """This month (or quarter) and the periods of the next 24 months."""
    start = period_start(today, period=period)
    return start, period_end(_add_months(start, DEFAULT_MONTHS - 1), period=period)


def forecast_range_too_long(start: dt.date, end: dt.date) -> bool:
    """Whether ``start`` … ``end`` spans more than MAX_YEARS years."""
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS, day=28)
    return end >= limit


def forecast_periods(
    *, period: Period, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Every period (first day, last day) from ``start``'s to ``end``'s, in order."""
    periods = []
    current = period_start(start, period=period)
    step = 1 if period == "month" else 3
    while current <= end:
        periods.append((current, period_end(current, period=period)))
        current = _add_months(current, step)
    return periods


@dataclass(frozen=True)
class ForecastScope:
    """Which crates a forecast counts: the caller's units, optionally one unit or department."""

    user: User
    unit_id: int | None = None
    department_id: int | None = None

    def crates(self) -> QuerySet[Crate]:
        return self.narrow(Crate.objects.all())

    def narrow(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        """``rows`` (crates, or the crate tally's rows) in this scope."""
        rows = units_filter(rows, user_unit_ids(self.user))
        if self.unit_id is not None:
            rows = rows.filter(unit_id=self.unit_id)
        if self.department_id is not None:
            rows = rows.filter(department_id=self.department_id)
        return rows


def retention_forecast(
    *, scope: ForecastScope, period: Period, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The forecast from ``start``'s period to ``end``'s (both widened to whole periods).

    - ``rows``: per period, unit and department, the crates whose ``destroy_after`` falls in the
      period and that will be eligible then (as things stand today), and their documents;
    - ``already_eligible``: per unit and department, the eligible crates whose ``destroy_after``
      is before the first period (overdue for destruction);
    - ``summary``: totals, plus the crates in storage that are not forecast at all — on legal
      hold (whatever their dates), waiting for a retention event, or retained permanently.
    """
    start = period_start(start, period=period)
    end = period_end(end, period=period)
    # Sums over the crate tally (strongroom.records.tallies) where the database keeps it: its
    # rows do not grow with the number of crates.
    counting = CrateCounting()
    crates = scope.narrow(counting.rows())
    trunc = TruncMonth if period == "month" else TruncQuarter
    grouped = list(
        crates_eligible(on=end, crates=crates)
        .annotate(
            bucket=Case(
                When(destroy_after__lt=start, then=Value(None, output_field=DateField())),
                default=trunc("destroy_after", output_field=DateField()),
                output_field=DateField(),
            )
        )
        .values("bucket", "unit_id", "department_id")
        .annotate(crate_total=counting.crates(), document_total=counting.documents())
        .order_by()
    )
    departments = {
        d["pk"]: d
        for d in Department.objects.filter(pk__in={r["department_id"] for r in grouped}).values(
            "pk", "code", "unit_id", "unit__code"
        )
    }
    units = {d["unit_id"]: d["unit__code"] for d in departments.values()}
    if other := {r["unit_id"] for r in grouped} - units.keys():  # a crate moved to another unit
        units.update(Unit.objects.filter(pk__in=other).values_list("pk", "code"))
    periods = forecast_periods(period=period, start=start, end=end)
    ends = dict(periods)
    totals: dict[dt.date, dict[str, int]] = {s: {"crates": 0, "documents": 0} for s, _ in periods}
    rows: list[dict[str, Any]] = []
    already: list[dict[str, Any]] = []
    for row in grouped:
        bucket = row["bucket"]
        if isinstance(bucket, dt.datetime):  # SQLite's truncation of a date
            bucket = bucket.date()
        item = {
            "unit": row["unit_id"],
            "unit_code": units[row["unit_id"]],
            "department": row["department_id"],
            "department_code": departments[row["department_id"]]["code"],
            "crates": row["crate_total"],
            "documents": row["document_total"],
        }
        if bucket is None:
            already.append(item)
            continue
        rows.append({"period_start": bucket, "period_end": ends[bucket], **item})
        totals[bucket]["crates"] += item["crates"]
        totals[bucket]["documents"] += item["documents"]
    rows.sort(key=lambda r: (r["period_start"], r["unit_code"], r["department_code"]))
    already.sort(key=lambda r: (r["unit_code"], r["department_code"]))
    # Only the crates the aggregate counts (the condition of crate_not_forecast_idx, for the
    # count without tallies).
    not_forecast = crates.filter(
        Q(legal_hold=True) | Q(retain_permanently=True) | Q(destroy_after__isnull=True),
        status=Crate.Status.IN_STORAGE,
    ).aggregate(
        on_hold=counting.crates(Q(legal_hold=True)),
        pending_event=counting.crates(
            Q(legal_hold=False, retain_permanently=False, destroy_after__isnull=True)
        ),
        retained_permanently=counting.crates(Q(legal_hold=False, retain_permanently=True)),
    )
    return {
        "period": period,
        "start": start,
        "end": end,
        "periods": [
            {
                "start": s,
                "end": e,
                "label": period_label(s, period=period),
                **totals[s],
            }
            for s, e in periods
        ],
        "rows": rows,
        "already_eligible": already,
        "summary": {
            "already_eligible_crates": sum(r["crates"] for r in already),
            "already_eligible_documents": sum(r["documents"] for r in already),
            "forecast_crates": sum(t["crates"] for t in totals.values()),
            "forecast_documents": sum(t["documents"] for t in totals.values()),
            "pending_event_crates": not_forecast["pending_event"],
            "on_hold_crates": not_forecast["on_hold"],
            "retained_permanently_crates": not_forecast["retained_permanently"],
        },
    }


def crate_list_eligible_for_user(
    *,
    user: User,
    on: dt.date,
    search: str | None = None,
    unit_id: int | None = None,
    department_id: int | None = None,
    destroy_after_from: dt.date | None = None,
    destroy_after_to: dt.date | None = None,
) -> QuerySet[Crate]:
    """The caller's crates that may be destroyed on ``on``, optionally those whose retention
    date falls in a forecast period — what a destruction batch is chosen from. Each carries who
    holds it (``claim_kind``, ``claim_holder_id``: an open request or batch, or None), joined in
    the same query."""
    crates = crates_eligible(on=on, crates=crate_list_for_user(user=user, search=search)).annotate(
        claim_kind=F("claim__holder_kind"), claim_holder_id=F("claim__holder_id")
    )
    if unit_id is not None:
        crates = crates.filter(unit_id=unit_id)
    if department_id is not None:
        crates = crates.filter(department_id=department_id)
    if destroy_after_from is not None:
        crates = crates.filter(destroy_after__gte=destroy_after_from)
    if destroy_after_to is not None:
        crates = crates.filter(destroy_after__lte=destroy_after_to)
    return crates
