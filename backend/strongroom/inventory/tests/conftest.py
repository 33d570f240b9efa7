"""Inventory audits on the workflow tests' plant (requests/tests/conftest.py): GOA1 with its
people, and a store room R09 (rack K01, shelves A1 and A2) with crates on it."""

from dataclasses import dataclass
from typing import Any

import pytest

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.records.models import Crate
from strongroom.requests.tests.conftest import Plant, plant, stored_crate  # noqa: F401 (fixture)
from strongroom.storage.models import Location

BASE = "/api/v1/inventory-audits/"


@dataclass
class Room:
    plant: Plant
    room: Location
    rack: Location
    a1: Location
    a2: Location
    on_a1: list[Crate]  # two crates recorded on A1
    on_a2: list[Crate]  # two crates recorded on A2

    def client(self, name: str) -> Any:
        return self.plant.client(name)


def location(site: Plant, parent: Location | None, kind: str, code: str, **extra: Any) -> Location:
    return Location.objects.create(unit=site.goa, parent=parent, kind=kind, code=code, **extra)


@pytest.fixture
def room(plant: Plant) -> Room:  # noqa: F811 (the fixture imported above)
    r09 = location(plant, None, Location.Kind.ROOM, "R09", security_class=2)
    k01 = location(plant, r09, Location.Kind.RACK, "K01")
    a1 = location(plant, k01, Location.Kind.SHELF, "A1", capacity=5)
    a2 = location(plant, k01, Location.Kind.SHELF, "A2", capacity=5)
    return Room(
        plant=plant,
        room=r09,
        rack=k01,
        a1=a1,
        a2=a2,
        on_a1=[stored_crate(plant.goa, a1, plant.manager) for _ in range(2)],
        on_a2=[stored_crate(plant.goa, a2, plant.manager) for _ in range(2)],
    )


def open_audit(room: Room, scope: Location | None = None, client: str = "storehead") -> Any:
    response = room.client(client).post(
        BASE, {"scope": (scope or room.room).pk, "note": "Cycle count"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def scan(room: Room, audit: dict[str, Any], shelf: Location, code: str, **extra: Any) -> Any:
    client = extra.pop("client", "storehead")
    return room.client(client).post(
        f"{BASE}{audit['id']}/scans/", {"shelf": shelf.pk, "code": code, **extra}, format="json"
    )


def shelf_done(room: Room, audit: dict[str, Any], shelf: Location) -> Any:
    response = room.client("storehead").post(f"{BASE}{audit['id']}/shelves/{shelf.pk}/done/")
    assert response.status_code == 200, response.content
    return response.json()


def detail(room: Room, audit: dict[str, Any], client: str = "storehead") -> dict[str, Any]:
    response = room.client(client).get(f"{BASE}{audit['id']}/")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def count_complete(room: Room, audit: dict[str, Any]) -> dict[str, Any]:
    body = detail(room, audit)
    response = room.client("storehead").post(
        f"{BASE}{audit['id']}/count-complete/", {"version": body["version"]}, format="json"
    )
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()
    return result


def result_of(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in body["results"] if r["code"] == code)


def reconcile(
    room: Room, body: dict[str, Any], code: str, action: str, note: str = "Checked", **kw: Any
) -> Any:
    finding = result_of(body, code)
    return room.client(kw.get("client", "storehead")).post(
        f"{BASE}{body['id']}/findings/{finding['finding_id']}/reconcile/",
        {
            "version": body["version"],
            "action": action,
            "note": note,
            "signature": {"password": TEST_PASSWORD},
        },
        format="json",
    )


def close(room: Room, body: dict[str, Any], client: str = "storehead") -> Any:
    return room.client(client).post(
        f"{BASE}{body['id']}/close/",
        {"version": body["version"], "signature": {"password": TEST_PASSWORD}},
        format="json",
    )
