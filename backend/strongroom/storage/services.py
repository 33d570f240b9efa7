"""Writes over storage locations. Each runs in one transaction with its audit event; the
real-time app's signals broadcast the rows after commit."""

import re
from typing import Any

from django.db import IntegrityError, transaction

from strongroom.accounts.models import Unit, User
from strongroom.accounts.scope import require_unit, require_unit_choice, scope_to_units
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.storage.models import Location
from strongroom.storage.selectors import occupants_beneath, shelf_occupancy

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
# One bulk call creates at most this many locations (rooms + racks + shelves).
GRID_MAX_LOCATIONS = 5000
EDITABLE_FIELDS = ("code", "name", "capacity", "security_class")


def _check_version(location: Location, version: int | None) -> None:
    version_check(location, version, what="location")


def _code(code: str) -> str:
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise ApplicationError(
            "A location code is 1 to 20 upper-case letters, digits or hyphens.",
            code="invalid_location_code",
            details={"code": ["Use e.g. R01, K03 or S2."]},
        )
    return code


def _sibling_exists(*, unit: Unit, parent: Location | None, code: str, exclude: int | None) -> bool:
    siblings = Location.objects.filter(unit=unit, parent=parent, code=code)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    return siblings.exists()


def _snapshot(location: Location) -> dict[str, Any]:
    return {
        "unit": location.unit_id,
        "parent": location.parent_id,
        "kind": location.kind,
        "code": location.code,
        "full_code": location.full_code,
        "name": location.name,
        "capacity": location.capacity,
        "security_class": location.security_class,
        "is_active": location.is_active,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@transaction.atomic
def location_create(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    code: str,
    parent: Location | None = None,
    name: str = "",
    capacity: int | None = None,
    security_class: int = 0,
) -> Location:
    require_unit_choice(user=actor, unit_ids=[unit.pk], field="unit")
    code = _code(code)
    expected_parent = Location.PARENT_KIND[Location.Kind(kind)]
    if expected_parent is None and parent is not None:
        raise ApplicationError(
            "A room has no parent.", code="invalid_parent", details={"parent": ["Must be empty."]}
        )
    if expected_parent is not None:
        if parent is None or parent.kind != expected_parent:
            raise ApplicationError(
                f"A {kind.lower()} belongs in a {str(expected_parent).lower()}.",
                code="invalid_parent",
                details={"parent": [f"Choose a {str(expected_parent).lower()}."]},
            )
        if parent.unit_id != unit.pk:
            raise ApplicationError(
                "The parent belongs to another unit.",
                code="invalid_parent",
                details={"parent": ["Not in this unit."]},
            )
        if not parent.is_active:
            raise ApplicationError(
                "The parent is deactivated.",
                code="invalid_parent",
                details={"parent": ["Deactivated."]},
            )
    if kind == Location.Kind.SHELF:
        if not capacity or capacity < 1:
            raise ApplicationError(
                "A shelf needs a capacity of at least one crate.",
                code="capacity_required",
                details={"capacity": ["At least 1."]},
            )
    elif capacity is not None:
        raise ApplicationError(
            "Only shelves have a capacity.",
            code="capacity_on_shelves_only",
            details={"capacity": ["Only shelves have a capacity."]},
        )
    if kind != Location.Kind.ROOM and security_class:
        raise ApplicationError(
            "Only rooms carry a security class.",
            code="security_class_on_rooms_only",
            details={"security_class": ["Only rooms carry a security class."]},
        )
    if _sibling_exists(unit=unit, parent=parent, code=code, exclude=None):
        raise ConflictError(
            f"{code} already exists here.",
            code="location_code_taken",
            details={"code": [f"{code} already exists here."]},
        )
    location = Location(
        unit=unit,
        parent=parent,
        kind=kind,
        code=code,
        name=name,
        capacity=capacity,
        security_class=security_class,
    )
    location.save()
    audit_event_record(
        action="location.create",
        actor=actor,
        object_type="location",
        object_id=location.pk,
        unit=unit,
        changes=_diff({}, _snapshot(location)),
    )
    return location


def _descendants(location: Location) -> list[Location]:
    if location.kind == Location.Kind.SHELF:
        return []
    children = list(Location.objects.select_related("parent").filter(parent=location))
    if location.kind == Location.Kind.ROOM:
        racks = [c.pk for c in children]
        children += list(Location.objects.select_related("parent").filter(parent_id__in=racks))
    return children


@transaction.atomic
def location_update(
    *,
    actor: User,
    location: Location,
    version: int | None,
    data: dict[str, Any],
    reason: str = "",
) -> Location:
    """Change code, name, capacity or security class. A capacity below the crates stored is
    refused; lowering a room's security class needs a reason; a new code renames the subtree."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    require_unit(user=actor, unit_id=location.unit_id)
    _check_version(location, version)
    before = _snapshot(location)
    changes = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "code" in changes:
        changes["code"] = _code(changes["code"])
        if _sibling_exists(
            unit=location.unit, parent=location.parent, code=changes["code"], exclude=location.pk
        ):
            raise ConflictError(
                f"{changes['code']} already exists here.",
                code="location_code_taken",
                details={"code": [f"{changes['code']} already exists here."]},
            )
    if "capacity" in changes:
        capacity = changes["capacity"]
        if location.kind != Location.Kind.SHELF:
            if capacity is not None:
                raise ApplicationError(
                    "Only shelves have a capacity.",
                    code="capacity_on_shelves_only",
                    details={"capacity": ["Only shelves have a capacity."]},
                )
        else:
            if not capacity or capacity < 1:
                raise ApplicationError(
                    "A shelf needs a capacity of at least one crate.",
                    code="capacity_required",
                    details={"capacity": ["At least 1."]},
                )
            stored = shelf_occupancy(location.pk)
            if capacity < stored:
                raise ApplicationError(
                    f"{stored} crates stand on this shelf; the capacity cannot be lower.",
                    code="capacity_below_occupancy",
                    details={"capacity": [f"At least {stored}."]},
                )
    if "security_class" in changes:
        new_class = changes["security_class"] or 0
        if location.kind != Location.Kind.ROOM and new_class:
            raise ApplicationError(
                "Only rooms carry a security class.",
                code="security_class_on_rooms_only",
                details={"security_class": ["Only rooms carry a security class."]},
            )
        if new_class < location.security_class and not reason.strip():
            raise ApplicationError(
                "Lowering a room's security class needs a reason.",
                code="reason_required",
                details={"reason": ["Required when lowering the security class."]},
            )
    for key, value in changes.items():
        setattr(location, key, value)
    location.full_code = location.build_full_code()
    diff = _diff(before, _snapshot(location))
    if not diff:
        return location
    location.version += 1
    location.save()
    if "code" in changes:
        # The full code of everything beneath changes with it (racks before their shelves).
        renamed = sorted(_descendants(location), key=lambda d: d.kind != Location.Kind.RACK)
        for descendant in renamed:
            descendant.refresh_from_db(fields=["parent"])
            descendant.version += 1
            descendant.save(update_fields=["full_code", "version", "updated_at"])
        if renamed:
            diff["descendants_renamed"] = [None, len(renamed)]
    audit_event_record(
        action="location.update",
        actor=actor,
        object_type="location",
        object_id=location.pk,
        unit=location.unit,
        changes=diff,
        reason=reason,
    )
    return location


@transaction.atomic
def location_set_active(
    *, actor: User, location: Location, version: int | None, active: bool, reason: str = ""
) -> Location:
    """Deactivate (never delete) a location and everything beneath it, or activate it and
    everything beneath it again (its parent must be active). A location with crates stored in
    it (or beneath it) cannot be deactivated. Each location changed gets its own audit event."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    require_unit(user=actor, unit_id=location.unit_id)
    _check_version(location, version)
    if location.is_active == active:
        return location
    if active:
        if (
            location.parent_id
            and not Location.objects.filter(pk=location.parent_id, is_active=True).exists()
        ):
            raise ApplicationError(
                "Activate its parent first.",
                code="invalid_parent",
                details={"parent": ["Deactivated."]},
            )
        affected = [location, *[d for d in _descendants(location) if not d.is_active]]
    else:
        stored = occupants_beneath(location)
        if stored.exists():
            raise ConflictError(
                f"{location.full_code} holds {stored.count()} crate(s); move them first.",
                code="location_not_empty",
            )
        affected = [location, *[d for d in _descendants(location) if d.is_active]]
    for item in affected:
        item.is_active = active
        item.version += 1
        item.save(update_fields=["is_active", "version", "updated_at"])
        audit_event_record(
            action="location.activate" if active else "location.deactivate",
            actor=actor,
            object_type="location",
            object_id=item.pk,
            unit=item.unit,
            changes={"is_active": [not active, active]},
            reason=reason,
        )
    return location


@transaction.atomic
def location_grid_create(
    *,
    actor: User,
    unit: Unit,
    rooms: int,
    racks_per_room: int,
    shelves_per_rack: int,
    capacity: int,
    first_room: int = 1,
    security_class: int = 0,
) -> list[Location]:
    """Rooms x racks x shelves in one transaction: rooms ``R01…``, racks ``K01…`` in each
    room, shelves ``S1…`` on each rack, every shelf with ``capacity``. Refused as a whole when
    a room code already exists in the unit."""
    require_unit_choice(user=actor, unit_ids=[unit.pk], field="unit")
    total = rooms * (1 + racks_per_room * (1 + shelves_per_rack))
    if total > GRID_MAX_LOCATIONS:
        raise ApplicationError(
            f"That grid has {total} locations; one call creates at most {GRID_MAX_LOCATIONS}.",
            code="grid_too_large",
            details={"rooms": [f"At most {GRID_MAX_LOCATIONS} locations in all."]},
        )
    room_codes = [f"R{n:02d}" for n in range(first_room, first_room + rooms)]
    taken = sorted(
        Location.objects.filter(unit=unit, parent=None, code__in=room_codes).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise ConflictError(
            f"These rooms already exist in {unit.code}: {', '.join(taken)}.",
            code="location_code_taken",
            details={"first_room": [f"Taken: {', '.join(taken)}. Start after them."]},
        )
    created: list[Location] = []
    try:
        for room_code in room_codes:
            room = Location(
                unit=unit, kind=Location.Kind.ROOM, code=room_code, security_class=security_class
            )
            room.save()
            created.append(room)
            for k in range(1, racks_per_room + 1):
                rack = Location(unit=unit, parent=room, kind=Location.Kind.RACK, code=f"K{k:02d}")
                rack.save()
                created.append(rack)
                for s in range(1, shelves_per_rack + 1):
                    shelf = Location(
                        unit=unit,
                        parent=rack,
                        kind=Location.Kind.SHELF,
                        code=f"S{s}",
                        capacity=capacity,
                    )
                    shelf.save()
                    created.append(shelf)
    except IntegrityError as exc:  # a concurrent call took a code first
        raise ConflictError(
            "Some of these locations were created meanwhile; reload and try again.",
            code="location_code_taken",
        ) from exc
    audit_event_record(
        action="location.bulk_create",
        actor=actor,
        object_type="location",
        object_id=created[0].pk if created else "",
        unit=unit,
        changes={
            "grid": [
                None,
                {
                    "rooms": room_codes,
                    "racks_per_room": racks_per_room,
                    "shelves_per_rack": shelves_per_rack,
                    "capacity": capacity,
                    "security_class": security_class,
                    "created": len(created),
                },
            ]
        },
    )
    return created


# --- Placing crates: the shelf rules the request workflow calls (the one copy) ------------------


def shelf_choose(
    *,
    user: User,
    shelf_id: int | None,
    field: str = "shelf",
    unit_id: int | None = None,
    not_location_id: int | None = None,
) -> Location:
    """The shelf ``user`` chose for a crate, as the value of ``field``.

    It must be an active shelf of one of the user's units (in ``unit_id``, if given, and not
    ``not_location_id``, where the crate stands now). A shelf that does not exist, is not an
    active shelf or belongs to a unit outside the user's gets the same refusal, naming nothing,
    so that trying ids reveals no other unit's locations (accounts/scope.py)."""
    shelf = (
        scope_to_units(Location.objects.select_related("unit"), user=user)
        .filter(pk=shelf_id or 0, kind=Location.Kind.SHELF, is_active=True)
        .first()
    )
    if shelf is None and not shelf_id:
        raise ApplicationError(
            "Choose a shelf.", code="shelf_required", details={field: ["Required."]}
        )
    if shelf is None:
        raise ApplicationError(
            "Choose an active shelf of one of your units.",
            code="not_a_shelf",
            details={field: ["Not an active shelf of your units."]},
        )
    if unit_id is not None and shelf.unit_id != unit_id:
        raise ApplicationError(
            "The shelf belongs to another unit.",
            code="shelf_other_unit",
            details={field: ["Another unit's shelf."]},
        )
    if not_location_id is not None and shelf.pk == not_location_id:
        raise ApplicationError(
            "The crate already stands there.",
            code="same_location",
            details={field: ["Same as the current shelf."]},
        )
    return shelf


def shelf_reserve(*, shelf: Location, field: str = "shelf") -> Location:
    """Lock the shelf and check it has room for one more crate, counting what stands on it as
    the locations list does (:func:`~strongroom.storage.selectors.shelf_occupancy`). Concurrent
    placements on the same shelf queue on the lock, so two crates never take its last place.
    Call it inside the transaction that places the crate; returns the locked row."""
    locked = Location.objects.select_for_update().get(pk=shelf.pk)
    assert locked.capacity is not None
    stored = shelf_occupancy(locked.pk)
    if stored >= locked.capacity:
        raise ConflictError(
            f"Shelf {locked.full_code} is full ({stored} of {locked.capacity}).",
            code="shelf_full",
            details={field: ["Full."]},
        )
    return locked


def location_security_class(location: Location | None) -> int:
    """The security class a location has: its room's (racks and shelves carry none)."""
    while location is not None and location.parent_id is not None:
        location = location.parent
    return location.security_class if location is not None else 0


def security_class_move_check(*, source: Location | None, target: Location, reason: str) -> None:
    """Moving a crate to a room of a lower security class needs a reason."""
    if location_security_class(target) < location_security_class(source) and not reason.strip():
        raise ApplicationError(
            "The target room has a lower security class: give a reason.",
            code="reason_required",
            details={"reason": ["Required for a lower security class."]},
        )
