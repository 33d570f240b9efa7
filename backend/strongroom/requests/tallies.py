"""Requests counted for the dashboard (strongroom.core.tally), without reading every request:

* open requests by unit, type and status (and, for issued ones, the return date: overdue is
  "issued withdrawals due before today");
* requests by unit, type and the day they were submitted on, in the project's time zone
  (settings.TIME_ZONE, kept with the count: strongroom.core.tally counts again after a change,
  and the readers count the requests until it has).

Their rows are bounded by the calendar and the statuses, not by the number of requests.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from strongroom.accounts.models import Unit
from strongroom.accounts.scope import units_filter
from strongroom.core.tally import Tally, tallies_kept, tally_models, tally_register

OPEN = "'SUBMITTED', 'APPROVED', 'ISSUED', 'SENT_BACK'"  # requests.models.OPEN_STATUSES

OPEN_REQUEST_TALLY = tally_register(
    Tally(
        table="workflow_openrequesttally",
        source="workflow_request",
        keys={
            "unit_id": "r.unit_id",
            "type": "r.type",
            "status": "r.status",
            "expected_return_on": "CASE WHEN r.status = 'ISSUED' THEN r.expected_return_on END",
        },
        values={"requests": "1"},
        where=f"r.status IN ({OPEN})",
        number=2,
    )
)
SUBMITTED_TALLY = tally_register(
    Tally(
        table="workflow_submittedtally",
        source="workflow_request",
        keys={
            "unit_id": "r.unit_id",
            "type": "r.type",
            "time_zone": "{time_zone}",
            "submitted_on": "(r.submitted_at AT TIME ZONE {time_zone})::date",
        },
        values={"requests": "1"},
        number=3,
        zoned=True,
    )
)


class OpenRequestCounts(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    type = models.CharField(max_length=12)
    status = models.CharField(max_length=10)
    expected_return_on = models.DateField(null=True)
    requests = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"unit {self.unit_id}, {self.type} {self.status}: {self.requests} request(s)"


class SubmittedCounts(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    type = models.CharField(max_length=12)
    time_zone = models.CharField(max_length=64)
    submitted_on = models.DateField()
    requests = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"unit {self.unit_id}, {self.type} on {self.submitted_on}: {self.requests}"


OpenRequestTally, OpenRequestTallyDelta, OpenRequestTallyNow = tally_models(
    OPEN_REQUEST_TALLY, OpenRequestCounts, name="OpenRequestTally"
)
SubmittedTally, SubmittedTallyDelta, SubmittedTallyNow = tally_models(
    SUBMITTED_TALLY,
    SubmittedCounts,
    name="SubmittedTally",
    indexes=[models.Index(fields=["unit", "submitted_on"], name="submitted_tally_unit_idx")],
)


class RequestCounting:
    """Requests to count: the tallies where the database keeps them, else the requests.
    ``open_rows()`` filters like requests in an open status (unit, type, status,
    expected_return_on of issued ones); ``requests()`` sums what they hold."""

    def __init__(self) -> None:
        self.kept = tallies_kept()

    def open_rows(self) -> QuerySet[Any]:
        if self.kept:
            return OpenRequestTallyNow._default_manager.all()
        from strongroom.requests.models import OPEN_STATUSES, Request

        return Request.objects.filter(status__in=OPEN_STATUSES)

    def requests(self, condition: Q | None = None) -> Coalesce:
        total = Sum("requests", filter=condition) if self.kept else Count("pk", filter=condition)
        return Coalesce(total, 0)

    def submitted_per_day(
        self, *, unit_ids: frozenset[int] | None, since: dt.date
    ) -> list[tuple[dt.date, str, int]]:
        """(day, type, requests) submitted on each day from ``since`` in the project's time zone,
        in ``unit_ids`` (None: every unit); one query while the tally counts in that zone."""
        if self.kept:
            rows = (
                units_filter(
                    SubmittedTallyNow._default_manager.filter(submitted_on__gte=since), unit_ids
                )
                .values("time_zone", "submitted_on", "type")
                .annotate(n=Sum("requests"))
                .order_by()
            )
            counted = [r for r in rows if r["n"]]
            if all(r["time_zone"] == settings.TIME_ZONE for r in counted):
                return [(r["submitted_on"], r["type"], r["n"]) for r in counted]
        from strongroom.requests.models import Request

        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        requests = units_filter(Request.objects.filter(submitted_at__gte=start), unit_ids)
        per_day = (
            requests.annotate(day=TruncDate("submitted_at"))
            .values("day", "type")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [(r["day"], r["type"], r["n"]) for r in per_day]
