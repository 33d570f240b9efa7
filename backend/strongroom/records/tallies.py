"""Crates counted for the dashboard and the retention forecast (strongroom.core.tally), so that
neither reads every crate:

* by unit, department, status, hold and retention date: the crate figures and the forecast.
  Its rows are bounded by the calendar (one per retention date that occurs, per unit,
  department and status), not by the number of crates; ``documents`` sums ``document_count``;
* crates in storage per room, and the capacity of each room's active shelves: the dashboard's
  occupancy by room, one row per room. A crate stands on a shelf (storage's
  ``_OCCUPANT_PATH``), a shelf's rack and a rack's room never change (location_update keeps
  ``parent``), so the room a crate or shelf counts for is found once, when it is written.
"""

from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from strongroom.accounts.models import Department, Unit
from strongroom.core.tally import Tally, tallies_kept, tally_models, tally_register
from strongroom.storage.models import Location
from strongroom.storage.selectors import occupancy_annotations

CRATE_TALLY = tally_register(
    Tally(
        table="records_cratetally",
        source="records_crate",
        keys={
            "unit_id": "r.unit_id",
            "department_id": "r.department_id",
            "status": "r.status",
            "legal_hold": "r.legal_hold",
            "retain_permanently": "r.retain_permanently",
            "destroy_after": "r.destroy_after",
        },
        values={"crates": "1", "documents": "r.document_count"},
        number=1,
    )
)


# The room of a shelf (r is a crate on it, or the shelf itself).
_ROOM_OF_CRATE = (
    "(SELECT rack.parent_id FROM storage_location shelf JOIN storage_location rack "
    "ON rack.id = shelf.parent_id WHERE shelf.id = r.location_id)"
)
_ROOM_OF_SHELF = "(SELECT rack.parent_id FROM storage_location rack WHERE rack.id = r.parent_id)"

ROOM_TALLY = tally_register(
    Tally(
        table="records_roomtally",
        source="records_crate",
        keys={"room_id": _ROOM_OF_CRATE},
        values={"crates": "1"},
        where="r.status = 'IN_STORAGE' AND r.location_id IS NOT NULL",
        number=4,
    )
)
ROOM_CAPACITY_TALLY = tally_register(
    Tally(
        table="records_roomcapacitytally",
        source="storage_location",
        keys={"room_id": _ROOM_OF_SHELF},
        values={"capacity": "coalesce(r.capacity, 0)"},
        where="r.kind = 'SHELF' AND r.is_active",
        number=5,
    )
)


class CrateCounts(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=10)
    legal_hold = models.BooleanField()
    retain_permanently = models.BooleanField()
    destroy_after = models.DateField(null=True)
    crates = models.BigIntegerField()
    documents = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"unit {self.unit_id}, {self.status}: {self.crates} crate(s)"


class RoomCrates(models.Model):
    room = models.ForeignKey(
        Location,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="%(class)s",  # Location → roomtallynow: the dashboard joins it
        null=True,
    )
    crates = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"room {self.room_id}: {self.crates} crate(s)"


class RoomCapacity(models.Model):
    room = models.ForeignKey(
        Location,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="%(class)s",  # Location → roomcapacitytallynow
        null=True,
    )
    capacity = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"room {self.room_id}: {self.capacity} place(s)"


CrateTally, CrateTallyDelta, CrateTallyNow = tally_models(
    CRATE_TALLY,
    CrateCounts,
    name="CrateTally",
    indexes=[models.Index(fields=["unit", "status"], name="crate_tally_unit_idx")],
)
RoomTally, RoomTallyDelta, RoomTallyNow = tally_models(ROOM_TALLY, RoomCrates, name="RoomTally")
RoomCapacityTally, RoomCapacityTallyDelta, RoomCapacityTallyNow = tally_models(
    ROOM_CAPACITY_TALLY, RoomCapacity, name="RoomCapacityTally"
)


def room_occupancy_annotations() -> dict[str, Any]:
    """``occupancy`` and ``total_capacity`` of rooms (storage's occupancy_annotations) from the
    room tallies where the database keeps them, however many crates stand in the rooms."""
    if not tallies_kept():
        return occupancy_annotations()
    # Joins, not a subquery per room: each view then sums its rows once (a few hundred, one
    # per room) instead of once per room. A room has at most one row in each, so the sums
    # do not multiply.
    return {
        "occupancy": Coalesce(Sum("roomtallynow__crates"), 0),
        "total_capacity": Coalesce(Sum("roomcapacitytallynow__capacity"), 0),
    }


class CrateCounting:
    """Crates to count: the tally's rows where the database keeps it, else the crates
    themselves. ``rows`` filters like a crate queryset (unit, department, status, legal_hold,
    retain_permanently, destroy_after); ``crates()`` and ``documents()`` sum what they hold."""

    def __init__(self) -> None:
        self.kept = tallies_kept()

    def rows(self) -> QuerySet[Any]:
        if self.kept:
            return CrateTallyNow._default_manager.all()
        from strongroom.records.models import Crate

        return Crate.objects.all()

    def crates(self, condition: Q | None = None) -> Coalesce:
        total = Sum("crates", filter=condition) if self.kept else Count("pk", filter=condition)
        return Coalesce(total, 0)

    def documents(self, condition: Q | None = None) -> Coalesce:
        field = "documents" if self.kept else "document_count"
        return Coalesce(Sum(field, filter=condition), 0)
