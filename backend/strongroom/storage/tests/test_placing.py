"""The shelf rules the request workflow calls (storage/services.py, the one copy): which shelf
a user may choose, whether it has room, and when a move needs a reason."""

from typing import Any

import pytest
from django.db.models import Max

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.errors import ApplicationError
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create
from strongroom.storage.models import Location
from strongroom.storage.selectors import location_get_for_user
from strongroom.storage.services import (
    location_security_class,
    security_class_move_check,
    shelf_choose,
    shelf_reserve,
)

pytestmark = pytest.mark.django_db


def _refusal(**kwargs: Any) -> tuple[int, str, str, str]:
    with pytest.raises(ApplicationError) as excinfo:
        shelf_choose(**kwargs)
    error = excinfo.value
    return error.status_code, error.code, error.message, repr(error.details)


def test_another_units_shelves_are_refused_like_ids_that_do_not_exist(
    roles_synced: None, units: Any
) -> None:
    goa, mum = units
    user = UserFactory(role_name=roles.STORE_HEAD, units=[goa])
    mum_shelf = shelf_create(unit=mum)
    inactive = shelf_create(unit=goa, code="S9")
    Location.objects.filter(pk=inactive.pk).update(is_active=False)
    missing = (Location.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000
    tried = [mum_shelf.pk, mum_shelf.parent_id, inactive.pk, inactive.parent_id, missing]
    refusals = {_refusal(user=user, shelf_id=pk, field="target_location") for pk in tried}
    assert refusals == {
        (
            400,
            "not_a_shelf",
            "Choose an active shelf of one of your units.",
            repr({"target_location": ["Not an active shelf of your units."]}),
        )
    }
    assert _refusal(user=user, shelf_id=None)[1] == "shelf_required"
    goa_shelf = shelf_create(unit=goa, code="S2")
    assert shelf_choose(user=user, shelf_id=goa_shelf.pk) == goa_shelf


def test_a_chosen_shelf_is_in_the_unit_asked_and_not_where_the_crate_stands(
    roles_synced: None, units: Any
) -> None:
    goa, mum = units
    user = UserFactory(role_name=roles.STORE_HEAD, units=[goa, mum])
    goa_shelf, mum_shelf = shelf_create(unit=goa), shelf_create(unit=mum)
    assert shelf_choose(user=user, shelf_id=mum_shelf.pk) == mum_shelf
    assert _refusal(user=user, shelf_id=mum_shelf.pk, unit_id=goa.pk)[1] == "shelf_other_unit"
    same = _refusal(user=user, shelf_id=goa_shelf.pk, not_location_id=goa_shelf.pk)
    assert same[1] == "same_location"


def test_a_shelf_is_full_with_what_the_locations_list_counts(
    roles_synced: None, units: Any
) -> None:
    goa = units[0]
    user = UserFactory(role_name=roles.STORE_HEAD, units=[goa])
    shelf = shelf_create(unit=goa, capacity=2)
    # An issued crate belongs to the shelf but does not take its slot while it is out.
    CrateFactory(unit=goa, status=Crate.Status.ISSUED, last_location=shelf)
    CrateFactory(unit=goa, status=Crate.Status.IN_STORAGE, location=shelf, last_location=shelf)
    shown = location_get_for_user(user=user, location_id=shelf.pk)
    assert shown is not None
    assert shown.occupancy == 1  # type: ignore[attr-defined]
    assert shelf_reserve(shelf=shelf) == shelf
    CrateFactory(unit=goa, status=Crate.Status.IN_STORAGE, location=shelf, last_location=shelf)
    with pytest.raises(ApplicationError) as excinfo:
        shelf_reserve(shelf=shelf, field="target_location")
    assert (excinfo.value.status_code, excinfo.value.code) == (409, "shelf_full")
    assert excinfo.value.details == {"target_location": ["Full."]}


def test_a_move_to_a_lower_security_class_needs_a_reason(units: Any) -> None:
    goa = units[0]
    secure = shelf_create(unit=goa, code="S1")
    room = Location.objects.create(unit=goa, kind=Location.Kind.ROOM, code="R02")
    rack = Location.objects.create(unit=goa, kind=Location.Kind.RACK, code="K01", parent=room)
    plain = Location.objects.create(
        unit=goa, kind=Location.Kind.SHELF, code="S1", parent=rack, capacity=1
    )
    assert secure.parent is not None
    Location.objects.filter(pk=secure.parent.parent_id).update(security_class=2)
    secure = Location.objects.get(pk=secure.pk)
    assert (location_security_class(secure), location_security_class(plain)) == (2, 0)
    with pytest.raises(ApplicationError) as excinfo:
        security_class_move_check(source=secure, target=plain, reason=" ")
    assert (excinfo.value.code, list(excinfo.value.details)) == ("reason_required", ["reason"])
    security_class_move_check(source=secure, target=plain, reason="Audit room refit")
    security_class_move_check(source=plain, target=secure, reason="")
    security_class_move_check(source=None, target=plain, reason="")
