"""The one unit-scope rule (accounts/scope.py): 404 for an object outside your units, a field
error for a unit outside them chosen in a field."""

from typing import Any

import pytest

from strongroom.accounts import roles
from strongroom.accounts.models import Department
from strongroom.accounts.scope import require_unit, require_unit_choice, scope_to_units
from strongroom.accounts.tests.factories import DepartmentFactory, UserFactory
from strongroom.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(roles_synced: None, units: Any) -> dict[str, Any]:
    goa, mum = units
    return {
        "goa": UserFactory(role_name=roles.STORE_HEAD, units=[goa]),
        "both": UserFactory(role_name=roles.STORE_HEAD, units=[goa, mum]),
        "sysadmin": UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR),
        "gone": UserFactory(role_name=roles.STORE_HEAD, units=[goa], is_active=False),
    }


@pytest.mark.parametrize(
    ("who", "unit_index", "allowed"),
    [
        ("goa", 0, True),
        ("goa", 1, False),
        ("both", 1, True),
        ("sysadmin", 1, True),
        ("gone", 0, False),  # an inactive user acts in no unit
    ],
)
def test_require_unit_answers_404_outside_the_callers_units(
    people: dict[str, Any], units: Any, who: str, unit_index: int, allowed: bool
) -> None:
    user, unit = people[who], units[unit_index]
    if allowed:
        require_unit(user=user, unit_id=unit.pk)
        return
    with pytest.raises(ApplicationError) as excinfo:
        require_unit(user=user, unit_id=unit.pk)
    assert (excinfo.value.status_code, excinfo.value.code) == (404, "not_found")


def test_require_unit_choice_is_an_error_on_the_field(people: dict[str, Any], units: Any) -> None:
    goa, mum = units
    require_unit_choice(user=people["both"], unit_ids=[goa.pk, mum.pk], field="units")
    with pytest.raises(ApplicationError) as excinfo:
        require_unit_choice(user=people["goa"], unit_ids=[goa.pk, mum.pk], field="units")
    error = excinfo.value
    assert (error.status_code, error.code, list(error.details)) == (
        400,
        "unit_not_allowed",
        ["units"],
    )


def test_scope_to_units_filters_by_the_path_to_the_unit(people: dict[str, Any], units: Any) -> None:
    goa, mum = units
    goa_qa, mum_qa = DepartmentFactory(unit=goa, code="QA"), DepartmentFactory(unit=mum, code="QA")
    departments = Department.objects.all()
    assert set(scope_to_units(departments, user=people["goa"])) == {goa_qa}
    assert set(scope_to_units(departments, user=people["sysadmin"])) == {goa_qa, mum_qa}
    assert not scope_to_units(departments, user=people["gone"]).exists()
    units_seen = scope_to_units(type(goa).objects.all(), user=people["goa"], field="pk")
    assert list(units_seen) == [goa]
