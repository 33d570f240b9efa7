"""Transfers stay in scope: the target shelf is an active shelf of one of the requester's units,
refusals name no location outside them, the crate joins a department of its new unit, and the
target is checked again when the transfer is approved and carried out."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Max

from strongroom.accounts.models import Department
from strongroom.accounts.tests.factories import DepartmentFactory
from strongroom.records.models import Crate
from strongroom.records.tests.factories import shelf_create
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, create
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db


def transfer(plant: Plant, target: int, client: str = "manager") -> Any:
    return create(
        plant.client(client),
        type="TRANSFER",
        crate=plant.crate.pk,
        purpose="Consolidate",
        target_location=target,
    )


def _refusal(response: Any) -> dict[str, Any]:
    body = response.json()
    body["error"].pop("request_id", None)
    return body


@pytest.mark.compliance("11.10(d)", "11.10(g)")
def test_other_units_shelves_are_refused_alike_and_never_named(plant: Plant) -> None:
    """Trying ids: another unit's active shelf, its rack and room, an inactive shelf there, an id
    that does not exist and an inactive shelf of one's own unit all get the same answer, which
    names no location and no other unit."""
    inactive_mum = shelf_create(unit=plant.mum, code="S9", capacity=2)
    Location.objects.filter(pk=inactive_mum.pk).update(is_active=False)
    inactive_goa = shelf_create(unit=plant.goa, code="S9", capacity=2)
    Location.objects.filter(pk=inactive_goa.pk).update(is_active=False)
    mum_rack = plant.mum_shelf.parent
    assert mum_rack is not None
    missing = (Location.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000
    tried = [plant.mum_shelf.pk, mum_rack.pk, mum_rack.parent_id, inactive_mum.pk, missing]
    tried.append(inactive_goa.pk)
    responses = [transfer(plant, target) for target in tried]
    assert [r.status_code for r in responses] == [400] * len(tried), [r.content for r in responses]
    bodies = [_refusal(r) for r in responses]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["error"]["code"] == "not_a_shelf"
    text = str(bodies[0])
    foreign = Location.objects.filter(unit=plant.mum)
    for word in ["MUM1", *foreign.values_list("code", flat=True)]:
        assert word not in text
    assert not Request.objects.exists()


@pytest.mark.compliance("11.10(g)")
def test_a_cross_unit_transfer_goes_only_to_a_unit_of_the_requester(plant: Plant) -> None:
    DepartmentFactory(unit=plant.mum, code="QA")
    refused = transfer(plant, plant.mum_shelf.pk)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "not_a_shelf"

    plant.manager.units.add(plant.mum)
    body = transfer(plant, plant.mum_shelf.pk)
    assert body.status_code == 201, body.content
    body = act(plant.client("approver"), body.json(), "approve").json()
    done = act(plant.client("storehead"), body, "transfer")
    assert done.status_code == 200, done.content
    crate = Crate.objects.select_related("department__unit").get(pk=plant.crate.pk)
    assert (crate.unit, crate.location) == (plant.mum, plant.mum_shelf)
    assert (crate.department.unit, crate.department.code) == (plant.mum, "QA")
    assert set(crate.documents.values_list("unit__code", "department__unit__code")) == {
        ("MUM1", "MUM1")
    }


@pytest.mark.compliance("11.10(g)")
def test_a_cross_unit_transfer_needs_the_crates_department_in_the_new_unit(plant: Plant) -> None:
    plant.manager.units.add(plant.mum)
    DepartmentFactory(unit=plant.mum, code="QC")
    refused = transfer(plant, plant.mum_shelf.pk)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "department_not_in_unit"
    assert "target_location" in error["details"]
    DepartmentFactory(unit=plant.mum, code="QA", is_active=False)
    again = transfer(plant, plant.mum_shelf.pk)
    assert again.json()["error"]["code"] == "department_not_in_unit"
    assert not Request.objects.exists()


def _leave_mum(plant: Plant) -> None:
    plant.manager.units.remove(plant.mum)


def _shelf_off(plant: Plant) -> None:
    Location.objects.filter(pk=plant.mum_shelf.pk).update(is_active=False)


def _department_off(plant: Plant) -> None:
    Department.objects.filter(unit=plant.mum, code="QA").update(is_active=False)


CHANGES: dict[str, Callable[[Plant], None]] = {
    "requester-left-the-unit": _leave_mum,
    "shelf-deactivated": _shelf_off,
    "department-deactivated": _department_off,
}


@pytest.mark.compliance("11.10(f)")
@pytest.mark.parametrize("stage", ["approve", "transfer"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_target_is_checked_again_when_approved_and_carried_out(
    plant: Plant, change: str, stage: str
) -> None:
    DepartmentFactory(unit=plant.mum, code="QA")
    plant.manager.units.add(plant.mum)
    body = transfer(plant, plant.mum_shelf.pk).json()
    if stage == "transfer":
        body = act(plant.client("approver"), body, "approve").json()
        assert body["status"] == "APPROVED"
    CHANGES[change](plant)
    actor = "approver" if stage == "approve" else "storehead"
    response = act(plant.client(actor), body, stage)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "target_not_available"
    crate = Crate.objects.get(pk=plant.crate.pk)
    assert (crate.unit, crate.location) == (plant.goa, plant.shelf)
    assert Request.objects.get(pk=body["id"]).status == body["status"]
