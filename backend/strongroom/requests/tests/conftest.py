"""A small plant for the workflow tests: GOA1 with its people, shelves and a stored crate, and a
MUM1 store head and shelf for scoping and cross-unit transfers."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create
from strongroom.storage.models import Location


@dataclass
class Plant:
    goa: Unit
    mum: Unit
    manager: User
    approver: User
    approver2: User
    storehead: User
    storehead2: User
    unitadmin: User
    viewer: User
    mum_storehead: User
    mum_manager: User
    shelf: Location
    shelf2: Location
    mum_shelf: Location
    crate: Crate
    clients: dict[str, Any]

    def client(self, name: str) -> Any:
        return self.clients[name]


def stored_crate(unit: Unit, shelf: Location, creator: User, **fields: Any) -> Crate:
    crate = CrateFactory(
        unit=unit,
        department=DepartmentFactory(unit=unit, code="QA"),
        created_by=creator,
        status=Crate.Status.IN_STORAGE,
        location=shelf,
        last_location=shelf,
        destroy_after=dt.date(2030, 1, 1),
        **fields,
    )
    for _ in range(2):
        DocumentFactory(crate=crate, retention_until=crate.destroy_after or dt.date(2030, 1, 1))
    return crate


@pytest.fixture
def plant(roles_synced: None, units: Any, api_client_for: Any) -> Plant:
    goa, mum = units
    people = {
        "manager": UserFactory(
            username="goa1-manager",
            full_name="Meera Manager",
            role_name=roles.DOCUMENT_MANAGER,
            units=[goa],
        ),
        "approver": UserFactory(
            username="goa1-approver",
            full_name="Arun Approver",
            role_name=roles.APPROVER,
            units=[goa],
        ),
        "approver2": UserFactory(
            username="goa1-approver2",
            full_name="Anita Approver",
            role_name=roles.APPROVER,
            units=[goa],
        ),
        "storehead": UserFactory(
            username="goa1-storehead",
            full_name="Sunil Store",
            role_name=roles.STORE_HEAD,
            units=[goa],
        ),
        "storehead2": UserFactory(
            username="goa1-storehead2",
            full_name="Sara Store",
            role_name=roles.STORE_HEAD,
            units=[goa],
        ),
        "unitadmin": UserFactory(
            username="goa1-unitadmin",
            full_name="Uma Admin",
            role_name=roles.UNIT_ADMIN,
            units=[goa],
        ),
        "viewer": UserFactory(username="goa1-viewer", role_name=roles.VIEWER, units=[goa]),
        "mum_storehead": UserFactory(
            username="mum1-storehead", role_name=roles.STORE_HEAD, units=[mum]
        ),
        "mum_manager": UserFactory(
            username="mum1-manager", role_name=roles.DOCUMENT_MANAGER, units=[mum]
        ),
    }
    shelf = shelf_create(unit=goa, code="S1", capacity=3)
    shelf2 = shelf_create(unit=goa, code="S2", capacity=1)
    mum_shelf = shelf_create(unit=mum, code="S1", capacity=3)
    crate = stored_crate(goa, shelf, people["manager"])
    return Plant(
        goa=goa,
        mum=mum,
        shelf=shelf,
        shelf2=shelf2,
        mum_shelf=mum_shelf,
        crate=crate,
        clients={name: api_client_for(user) for name, user in people.items()},
        **people,
    )


def create(client: Any, **body: Any) -> Any:
    body.setdefault("signature", {"password": TEST_PASSWORD})
    return client.post("/api/v1/requests/", body, format="json")


def withdrawal(plant: Plant, **overrides: Any) -> dict[str, Any]:
    body = {
        "type": "WITHDRAWAL",
        "crate": plant.crate.pk,
        "purpose": "Deviation investigation",
        "expected_return_on": str(timezone.localdate() + dt.timedelta(days=7)),
    }
    response = create(plant.client("manager"), **{**body, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


def act(
    client: Any, body: dict[str, Any], action: str, password: str = TEST_PASSWORD, **extra: Any
) -> Any:
    payload = {"version": body["version"], "signature": {"password": password}, **extra}
    return client.post(f"/api/v1/requests/{body['id']}/{action}/", payload, format="json")
