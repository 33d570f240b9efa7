import pytest

from strongroom.accounts.tests.factories import UnitFactory
from strongroom.core.testing import assert_update_rejected
from strongroom.records.tests.factories import shelf_create
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db


def test_full_code_reads_unit_room_rack_shelf() -> None:
    shelf = shelf_create(unit=UnitFactory(code="GOA1"), code="S2")
    assert shelf.full_code == "GOA1/R01/K01/S2"


def test_shelves_need_a_positive_capacity_and_others_have_none() -> None:
    shelf = shelf_create()
    assert_update_rejected(shelf, "location_capacity_on_shelves_only", capacity=None)
    assert_update_rejected(shelf, "location_capacity_on_shelves_only", capacity=0)
    assert shelf.parent is not None
    assert_update_rejected(shelf.parent, "location_capacity_on_shelves_only", capacity=3)


def test_only_rooms_are_roots() -> None:
    shelf = shelf_create()
    assert_update_rejected(shelf, "location_only_rooms_are_roots", parent=None)


def test_kind_and_code_format() -> None:
    shelf = shelf_create()
    assert shelf.parent is not None
    assert_update_rejected(shelf.parent, "location_kind_valid", kind="BOX")
    assert_update_rejected(shelf, "location_code_format", code="s 1")


def test_codes_are_unique_among_siblings_and_rooms_within_a_unit() -> None:
    shelf = shelf_create(code="S1")
    # Renamed with an UPDATE, so that full_code (unique, computed on save) stays distinct and
    # only the constraint under test can refuse the row.
    sibling = Location.objects.create(
        unit=shelf.unit, parent=shelf.parent, kind="SHELF", code="S2", capacity=1
    )
    assert_update_rejected(sibling, "location_code_unique_among_siblings", code="S1")
    room = Location.objects.create(unit=shelf.unit, parent=None, kind="ROOM", code="R02")
    assert_update_rejected(room, "location_room_code_unique_in_unit", code="R01")
    # The same room code in another unit is fine.
    Location.objects.create(unit=UnitFactory(code="MUM1"), parent=None, kind="ROOM", code="R01")
