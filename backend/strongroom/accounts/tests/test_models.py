import pytest
from django.db import IntegrityError, transaction

from strongroom.accounts.models import Department
from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory, UserFactory
from strongroom.core.testing import assert_update_rejected

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["goa1", "G", "GOA 1", "GOA-1", "ABCDEFGHIJK"])
def test_unit_code_must_be_short_upper_case_alphanumeric(code: str) -> None:
    assert_update_rejected(UnitFactory(code="GOA1"), "unit_code_upper_alnum", code=code)


def test_unit_code_is_unique() -> None:
    UnitFactory(code="GOA1")
    other = UnitFactory(code="MUM1")
    assert_update_rejected(other, code="GOA1")


def test_department_code_is_unique_within_its_unit_only() -> None:
    goa, mum = UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
    DepartmentFactory(unit=goa, code="QA")
    DepartmentFactory(unit=mum, code="QA")  # another unit may reuse the code
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(unit=goa, code="QA", name="Duplicate")


def test_department_code_format() -> None:
    assert_update_rejected(DepartmentFactory(), "department_code_upper_alnum", code="qa")


def test_an_active_user_has_no_deactivation_date(roles_synced: None) -> None:
    from django.utils import timezone

    user = UserFactory()
    assert_update_rejected(user, "user_deactivation_consistent", deactivated_at=timezone.now())


def test_username_format_and_uniqueness(roles_synced: None) -> None:
    UserFactory(username="alice")
    bob = UserFactory(username="bob")
    assert_update_rejected(bob, "user_username_format", username="b o b")
    assert_update_rejected(bob, username="alice")
