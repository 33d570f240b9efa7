"""Reads behind the dashboard and the reports, scoped to the caller's units.

Every report is a queryset of the rows it lists (joined with ``select_related``, one query per
page) that the API pages as JSON or streams as CSV.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, F, FloatField, Q, QuerySet, Window
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units, units_filter, user_unit_ids
from strongroom.records.models import Crate
from strongroom.records.tallies import CrateCounting, room_occupancy_annotations
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.tallies import RequestCounting
from strongroom.storage.models import Location

DUE_WITHIN_DAYS = 30
WEEKS = 12
ROOMS_SHOWN = 10  # the fullest; the Locations screen has every room


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(
        type=RequestType.WITHDRAWAL,
        status=RequestStatus.ISSUED,
        expected_return_on__lt=today or timezone.localdate(),
    )


def inventory_for_user(*, user: User) -> QuerySet[Crate]:
    """Every crate that exists physically (not destroyed)."""
    crates = Crate.objects.select_related("unit", "department", "location").exclude(
        status=Crate.Status.DESTROYED
    )
    return scope_to_units(crates, user=user)


def overdue_for_user(*, user: User) -> QuerySet[Request]:
    requests = Request.objects.select_related("unit", "crate", "requester").filter(overdue_q())
    return scope_to_units(requests, user=user)


def destruction_schedule_for_user(*, user: User, until: dt.date | None = None) -> QuerySet[Crate]:
    """Crates in storage with a retention date (optionally up to ``until``), soonest first;
    held crates are listed with their hold so nobody plans to destroy them."""
    crates = Crate.objects.select_related("unit", "department", "location").filter(
        status=Crate.Status.IN_STORAGE, destroy_after__isnull=False
    )
    if until is not None:
        crates = crates.filter(destroy_after__lte=until)
    return scope_to_units(crates, user=user)


def activity_for_user(
    *, user: User, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Request]:
    """Requests submitted in the period (by day, inclusive), with where they stand."""
    requests = Request.objects.select_related("unit", "crate", "requester")
    if since is not None:
        requests = requests.filter(submitted_at__date__gte=since)
    if until is not None:
        requests = requests.filter(submitted_at__date__lte=until)
    return scope_to_units(requests, user=user)


def dashboard_for_user(*, user: User) -> dict[str, Any]:
    """KPIs and chart series for the caller's units: four queries (crates, requests, the
    weekly series, rooms) after the unit scope. On PostgreSQL the crate and request figures are
    sums over the tallies (strongroom.records.tallies, strongroom.requests.tallies), whose rows
    do not grow with the number of crates and requests; elsewhere they count the rows.

    Occupancy lists the ``ROOMS_SHOWN`` fullest rooms (share of places used, then code) and
    how many rooms there are: a chart of every room grew with the archive (242 bars at 10M
    documents) and hid the rooms that need attention."""
    today = timezone.localdate()
    unit_ids = user_unit_ids(user)
    crates = CrateCounting()
    kpis = units_filter(crates.rows(), unit_ids).aggregate(
        crates_in_storage=crates.crates(Q(status=Crate.Status.IN_STORAGE)),
        crates_issued=crates.crates(Q(status=Crate.Status.ISSUED)),
        crates_pending=crates.crates(Q(status=Crate.Status.PENDING)),
        crates_on_hold=crates.crates(Q(legal_hold=True) & ~Q(status="DESTROYED")),
        due_for_destruction=crates.crates(
            Q(
                status=Crate.Status.IN_STORAGE,
                legal_hold=False,
                destroy_after__isnull=False,
                destroy_after__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
            )
        ),
    )
    requests = RequestCounting()
    kpis.update(
        units_filter(requests.open_rows(), unit_ids).aggregate(
            overdue=requests.requests(overdue_q(today)),
            pending_approvals=requests.requests(Q(status=RequestStatus.SUBMITTED)),
            awaiting_fulfilment=requests.requests(Q(status=RequestStatus.APPROVED)),
        )
    )
    first_week = _week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    weeks = [first_week + dt.timedelta(weeks=i) for i in range(WEEKS)]
    series: dict[str, list[int]] = {t: [0] * WEEKS for t in RequestType.values}
    for day, kind, n in requests.submitted_per_day(unit_ids=unit_ids, since=first_week):
        index = (day - first_week).days // 7
        if 0 <= index < WEEKS and kind in series:
            series[kind][index] += n
    used = Cast(F("occupancy"), FloatField()) / NullIf(F("total_capacity"), 0)
    rooms = list(
        units_filter(Location.objects.select_related("unit"), unit_ids)
        .filter(kind=Location.Kind.ROOM, is_active=True)
        .annotate(**room_occupancy_annotations())
        .annotate(rooms_total=Window(Count("pk")))
        .order_by(used.desc(nulls_last=True), "full_code")[:ROOMS_SHOWN]
    )
    return {
        "generated_at": timezone.now(),
        "kpis": kpis,
        "requests_per_week": {
            "weeks": weeks,
            "series": [{"type": t, "counts": counts} for t, counts in series.items()],
        },
        "rooms_total": rooms[0].rooms_total if rooms else 0,
        "occupancy_by_room": [
            {
                "id": room.pk,
                "unit_code": room.unit.code,
                "full_code": room.full_code,
                "name": room.name,
                "occupancy": room.occupancy,
                "capacity": room.total_capacity,
            }
            for room in rooms
        ],
    }


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
