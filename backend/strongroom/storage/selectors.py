"""Reads over storage locations, scoped to the caller's units (outside them: 404).

Occupancy is annotated in the same query as the list (two correlated subqueries per row, each
served by an index), so a page of any size costs one query: a shelf counts the crates standing
on it, a rack or room the crates on the shelves beneath it; capacity likewise sums the active
shelves beneath a rack or room.
"""

from typing import Any

from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units
from strongroom.storage.models import Location
from strongroom.storage.occupancy import occupants

# The path from an occupant's shelf up to the location a row describes, per kind.
_OCCUPANT_PATH = {
    Location.Kind.SHELF: "location_id",
    Location.Kind.RACK: "location__parent_id",
    Location.Kind.ROOM: "location__parent__parent_id",
}
_SHELF_PATH = {
    Location.Kind.RACK: "parent_id",
    Location.Kind.ROOM: "parent__parent_id",
}


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def _sum_capacity(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func(F("capacity"), function="SUM")).values("n")[:1],
        output_field=IntegerField(),
    )


def occupancy_annotations() -> dict[str, Any]:
    """``occupancy`` (crates stored) and ``total_capacity`` (crates it can hold) for any kind."""
    stored = occupants().stored
    occupancy = Case(
        *(
            When(kind=kind, then=_count(stored().filter(**{path: OuterRef("pk")})))
            for kind, path in _OCCUPANT_PATH.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    capacity = Case(
        When(kind=Location.Kind.SHELF, then=F("capacity")),
        *(
            When(
                kind=kind,
                then=_sum_capacity(
                    Location.objects.filter(
                        **{path: OuterRef("pk")}, kind=Location.Kind.SHELF, is_active=True
                    )
                ),
            )
            for kind, path in _SHELF_PATH.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return {
        "occupancy": Coalesce(occupancy, Value(0)),
        "total_capacity": Coalesce(capacity, Value(0)),
    }


def location_list_for_user(*, user: User) -> QuerySet[Location]:
    locations = Location.objects.select_related("unit").annotate(**occupancy_annotations())
    return scope_to_units(locations, user=user).order_by("full_code")


def location_get_for_user(*, user: User, location_id: int) -> Location | None:
    return location_list_for_user(user=user).filter(pk=location_id).first()


def location_tree_for_user(
    *, user: User, unit_id: int | None = None, include_inactive: bool = False
) -> list[dict[str, Any]]:
    """Nested rooms → racks → shelves with occupancy, for a tree widget. One query."""
    locations = location_list_for_user(user=user)
    if unit_id is not None:
        locations = locations.filter(unit_id=unit_id)
    if not include_inactive:
        locations = locations.filter(is_active=True)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    # full_code order puts every parent before its children.
    for location in locations.order_by("full_code"):
        node = {
            "id": location.pk,
            "unit": location.unit_id,
            "unit_code": location.unit.code,
            "parent": location.parent_id,
            "kind": location.kind,
            "code": location.code,
            "full_code": location.full_code,
            "name": location.name,
            "capacity": location.capacity,
            "security_class": location.security_class,
            "is_active": location.is_active,
            "last_verified_at": location.last_verified_at,
            "version": location.version,
            "occupancy": location.occupancy,  # type: ignore[attr-defined]
            "total_capacity": location.total_capacity,  # type: ignore[attr-defined]
            "children": [],
        }
        nodes[location.pk] = node
        parent = nodes.get(location.parent_id) if location.parent_id else None
        if parent is not None:
            parent["children"].append(node)
        elif location.parent_id is None:
            roots.append(node)
    return roots


def shelf_occupancy(shelf_id: int) -> int:
    return occupants().stored().filter(location_id=shelf_id).count()


def occupants_beneath(location: Location) -> QuerySet[Any]:
    """What still stands on the location or on the shelves beneath it (or will come back to
    them): crates not destroyed."""
    path = _OCCUPANT_PATH[Location.Kind(location.kind)]
    return occupants().present().filter(Q(**{path: location.pk}))
