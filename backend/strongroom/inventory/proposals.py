"""Cycle counts proposed by risk (PRODUCT.md §8): each room is due for a count when the shelf of
it verified longest ago (or never: since the shelf was created) was verified more than its
security class's interval ago. Higher classes are counted more often; the most overdue rooms
come first. A room an open audit is counting (any of its shelves in an open audit) is not
proposed again. Read by the daily Beat task, which tells the unit's Store Heads, and by
``GET /inventory-audits/proposals/``."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from strongroom.inventory.models import OPEN_AUDIT_STATUSES, AuditShelf
from strongroom.storage.models import Location

# Days between counts by the room's security class (the highest listed class applies above it).
INTERVAL_DAYS = {0: 365, 1: 180, 2: 90, 3: 30}


def interval_days(security_class: int) -> int:
    return INTERVAL_DAYS[min(max(security_class, 0), max(INTERVAL_DAYS))]


@dataclass(frozen=True)
class Proposal:
    room_id: int
    unit_id: int
    full_code: str
    security_class: int
    shelves: int
    days_since_verified: int
    interval_days: int
    never_verified: bool

    @property
    def overdue_ratio(self) -> float:
        return self.days_since_verified / self.interval_days


def cycle_count_proposals(
    *, unit_ids: frozenset[int] | None, now: dt.datetime | None = None
) -> list[Proposal]:
    """The rooms of ``unit_ids`` (None: every unit) due for a count, most overdue first."""
    now = now or timezone.now()
    shelves = Location.objects.filter(kind=Location.Kind.SHELF, is_active=True)
    if unit_ids is not None:
        shelves = shelves.filter(unit_id__in=unit_ids)
    busy_shelves = AuditShelf.objects.filter(audit__status__in=OPEN_AUDIT_STATUSES).values(
        "shelf_id"
    )
    busy_rooms = set(
        Location.objects.filter(pk__in=busy_shelves).values_list("parent__parent_id", flat=True)
    )
    per_room = (
        shelves.values("parent__parent_id")
        .annotate(
            oldest=Min(Coalesce("last_verified_at", "created_at")),
            never=Count("pk", filter=None) - Count("last_verified_at"),
            count=Count("pk"),
        )
        .order_by()
    )
    rooms = {
        room.pk: room
        for room in Location.objects.filter(
            pk__in=[r["parent__parent_id"] for r in per_room], is_active=True
        )
    }
    proposals = []
    for row in per_room:
        room = rooms.get(row["parent__parent_id"])
        if room is None or room.pk in busy_rooms:
            continue
        days = max((now - row["oldest"]).days, 0)
        interval = interval_days(room.security_class)
        if days < interval:
            continue
        proposals.append(
            Proposal(
                room_id=room.pk,
                unit_id=room.unit_id,
                full_code=room.full_code,
                security_class=room.security_class,
                shelves=row["count"],
                days_since_verified=days,
                interval_days=interval,
                never_verified=row["never"] > 0,
            )
        )
    proposals.sort(key=lambda p: (-p.security_class, -p.overdue_ratio, p.full_code))
    return proposals
