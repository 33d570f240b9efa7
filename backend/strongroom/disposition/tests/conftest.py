"""Destruction batches on the workflow tests' plant (requests/tests/conftest.py): GOA1 with its
people, plus crates past their retention on shelves of two rooms."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.records.models import Crate
from strongroom.records.tests.factories import shelf_create
from strongroom.requests.tests.conftest import Plant, plant, stored_crate  # noqa: F401 (fixture)
from strongroom.storage.models import Location

PAST = dt.date(2020, 1, 1)
BASE = "/api/v1/destruction-batches/"


@dataclass
class Yard:
    plant: Plant
    crates: list[Crate]  # eligible, in pick-list order: R01/K01/S7, R01/K01/S8, R02/K01/S1

    def client(self, name: str) -> Any:
        return self.plant.client(name)


def _shelf_in_room(site: Plant, room_code: str, shelf_code: str) -> Location:
    room, _ = Location.objects.get_or_create(
        unit=site.goa, parent=None, code=room_code, defaults={"kind": Location.Kind.ROOM}
    )
    rack, _ = Location.objects.get_or_create(
        unit=site.goa, parent=room, code="K01", defaults={"kind": Location.Kind.RACK}
    )
    return Location.objects.create(
        unit=site.goa, parent=rack, kind=Location.Kind.SHELF, code=shelf_code, capacity=5
    )


def eligible_crate(site: Plant, shelf: Location | None = None) -> Crate:
    shelf = shelf or shelf_create(unit=site.goa, code=f"X{Crate.objects.count() + 1}")
    crate = stored_crate(site.goa, shelf, site.manager)
    Crate.objects.filter(pk=crate.pk).update(destroy_after=PAST)
    crate.documents.update(retention_until=PAST)
    crate.refresh_from_db()
    return crate


@pytest.fixture
def yard(plant: Plant) -> Yard:  # noqa: F811 (the fixture imported above)
    # Created in an order other than the pick-list's, to show the list sorts them.
    third = eligible_crate(plant, _shelf_in_room(plant, "R02", "S1"))
    second = eligible_crate(plant, _shelf_in_room(plant, "R01", "S8"))
    first = eligible_crate(plant, _shelf_in_room(plant, "R01", "S7"))
    return Yard(plant=plant, crates=[first, second, third])


def signed(body: dict[str, Any], password: str = TEST_PASSWORD, **extra: Any) -> dict[str, Any]:
    return {"version": body["version"], "signature": {"password": password}, **extra}


def create_batch(yard: Yard, crates: list[Crate] | None = None, **extra: Any) -> dict[str, Any]:
    crates = yard.crates if crates is None else crates
    response = yard.client("manager").post(
        BASE,
        {"unit": yard.plant.goa.pk, "crates": [c.pk for c in crates], **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def act(client: Any, body: dict[str, Any], action: str, **extra: Any) -> Any:
    return client.post(f"{BASE}{body['id']}/{action}/", signed(body, **extra), format="json")


def approved_batch(yard: Yard, crates: list[Crate] | None = None) -> dict[str, Any]:
    body = create_batch(yard, crates)
    body = act(yard.client("manager"), body, "submit").json()
    response = act(yard.client("approver"), body, "approve")
    assert response.status_code == 200, response.content
    return response.json()


def item_of(body: dict[str, Any], crate: Crate) -> dict[str, Any]:
    return next(i for i in body["items"] if i["crate"] == crate.pk)


def destroy(
    yard: Yard,
    body: dict[str, Any],
    crate: Crate,
    *,
    scanned: str | None = None,
    witness: str = "goa1-approver2",
    witness_password: str = TEST_PASSWORD,
    client: str = "storehead",
) -> Any:
    item = item_of(body, crate)
    return yard.client(client).post(
        f"{BASE}{body['id']}/items/{item['id']}/destroy/",
        {
            "version": body["version"],
            "scanned_code": crate.code if scanned is None else scanned,
            "signature": {"password": TEST_PASSWORD},
            "witness": {"username": witness, "password": witness_password},
        },
        format="json",
    )


def not_found(yard: Yard, body: dict[str, Any], crate: Crate, reason: str = "Shelf empty") -> Any:
    item = item_of(body, crate)
    return yard.client("storehead").post(
        f"{BASE}{body['id']}/items/{item['id']}/not-found/",
        {"version": body["version"], "reason": reason},
        format="json",
    )
