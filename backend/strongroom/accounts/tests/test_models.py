import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.accounts import roles
from strongroom.accounts.models import Department, User
from strongroom.accounts.scope import user_unit_ids
from strongroom.accounts.selectors import user_for_request
from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory, UserFactory
from strongroom.core.testing import assert_update_rejected, assert_violates

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["goa1", "G", "GOA 1", "GOA-1", "ABCDEFGHIJK"])
def test_unit_code_must_be_short_upper_case_alphanumeric(code: str) -> None:
    assert_update_rejected(UnitFactory(code="GOA1"), "unit_code_upper_alnum", code=code)


def test_unit_code_is_unique() -> None:
    UnitFactory(code="GOA1")
    other = UnitFactory(code="MUM1")
    assert_update_rejected(other, "code (unique=True)", code="GOA1")


def test_department_code_is_unique_within_its_unit_only() -> None:
    goa, mum = UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
    DepartmentFactory(unit=goa, code="QA")
    DepartmentFactory(unit=mum, code="QA")  # another unit may reuse the code
    with assert_violates(Department, "department_code_unique_in_unit"):
        Department.objects.create(unit=goa, code="QA", name="Duplicate")


def test_department_code_format() -> None:
    assert_update_rejected(DepartmentFactory(), "department_code_upper_alnum", code="qa")


def test_an_active_user_has_no_deactivation_date(roles_synced: None) -> None:
    from django.utils import timezone

    user = UserFactory()
    assert_update_rejected(user, "user_deactivation_consistent", deactivated_at=timezone.now())


@pytest.mark.compliance("11.100(a)", "11.300(a)")
def test_username_format_and_uniqueness(roles_synced: None) -> None:
    UserFactory(username="alice")
    bob = UserFactory(username="bob")
    assert_update_rejected(bob, "user_username_format", username="b o b")
    assert_update_rejected(bob, "username (unique=True)", username="alice")


@pytest.mark.django_db
@pytest.mark.parametrize("role_name", roles.ROLES)
def test_the_user_loaded_for_a_request_has_the_same_access_as_a_fresh_one(
    roles_synced: None, role_name: str
) -> None:
    """user_for_request's preloaded permissions and units (PostgreSQL) agree with Django's."""
    goa, mum = UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
    UnitFactory(code="PUN1")
    user = UserFactory(role_name=role_name, units=[goa, mum])
    loaded = user_for_request(user.pk)
    fresh = User.objects.get(pk=user.pk)
    assert loaded is not None
    assert loaded.get_all_permissions() == fresh.get_all_permissions()
    assert loaded.get_all_permissions() == roles.ROLE_PERMISSIONS[role_name]
    assert user_unit_ids(loaded) == user_unit_ids(fresh)
    expected = None if role_name == roles.SYSTEM_ADMINISTRATOR else frozenset({goa.pk, mum.pk})
    assert user_unit_ids(loaded) == expected
    for field in User._meta.concrete_fields:  # every column, as the ORM loads it
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert loaded._state.adding is False
    assert loaded._state.db == fresh._state.db
    with CaptureQueriesContext(connection) as queries:
        assert loaded.role is not None
        assert loaded.role.name == role_name
        assert loaded.role.pk == fresh.role_id
    assert queries.captured_queries == []  # the role came with the user
    assert user_for_request(999_999) is None
    assert user_for_request("not-a-number") is None


@pytest.mark.django_db
def test_a_user_without_units_or_role_loads_with_none(roles_synced: None) -> None:
    user = UserFactory(role_name=roles.VIEWER)
    User.objects.filter(pk=user.pk).update(role=None)
    loaded = user_for_request(user.pk)
    assert loaded is not None
    assert loaded.get_all_permissions() == set()
    assert user_unit_ids(loaded) == frozenset()


@pytest.mark.django_db
def test_has_perm_answers_from_the_role_without_walking_the_backends(roles_synced: None) -> None:
    from unittest import mock

    viewer = UserFactory(role_name=roles.VIEWER)
    user = user_for_request(viewer.pk)
    assert user is not None
    user.has_perm("records.view_crate")  # the role's permissions, cached with the user
    with mock.patch("django.contrib.auth.get_backends", side_effect=AssertionError):
        assert user.has_perm("records.view_crate") is True
        assert user.has_perm("accounts.add_user") is False  # not the viewer role's
    user.is_active = False
    assert user.has_perm("records.view_crate") is False  # Django's rule for inactive users
