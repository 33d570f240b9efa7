"""Locations over the API: list with occupancy, tree, CRUD, deactivation, bulk grid."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.core.testing import list_request_queries
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db
URL = "/api/v1/locations/"


@pytest.fixture
def goa(units: Any) -> Any:
    return units[0]


@pytest.fixture
def mum(units: Any) -> Any:
    return units[1]


@pytest.fixture
def store_head(roles_synced: None, goa: Any) -> Any:
    return UserFactory(role_name=roles.STORE_HEAD, units=[goa])


@pytest.fixture
def client(api_client_for: Callable[..., Any], store_head: Any) -> Any:
    return api_client_for(store_head)


def _store(shelf: Location, count: int = 1) -> list[Crate]:
    return [
        CrateFactory(unit=shelf.unit, status=Crate.Status.IN_STORAGE, location=shelf)
        for _ in range(count)
    ]


def test_list_shows_occupancy_for_shelves_racks_and_rooms(client: Any, goa: Any) -> None:
    s1 = shelf_create(unit=goa, code="S1", capacity=5)
    s2 = shelf_create(unit=goa, code="S2", capacity=3)
    _store(s1, 2)
    _store(s2, 1)
    CrateFactory(unit=goa)  # pending: on no shelf
    response = client.get(URL, {"unit": goa.pk})
    assert response.status_code == 200
    rows = {r["full_code"]: r for r in response.json()["results"]}
    assert rows["GOA1/R01/K01/S1"]["occupancy"] == 2
    assert rows["GOA1/R01/K01/S1"]["total_capacity"] == 5
    assert rows["GOA1/R01/K01/S1"]["free"] == 3
    assert rows["GOA1/R01/K01"]["occupancy"] == 3
    assert rows["GOA1/R01/K01"]["total_capacity"] == 8
    assert rows["GOA1/R01"]["occupancy"] == 3
    assert rows["GOA1/R01"]["total_capacity"] == 8
    assert rows["GOA1/R01/K01/S2"]["parent"] == rows["GOA1/R01/K01"]["id"]


def test_list_filters_by_kind_and_parent(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa)
    shelf_create(unit=goa, code="S2")
    shelves = client.get(URL, {"kind": "SHELF"}).json()["results"]
    assert {s["code"] for s in shelves} == {"S1", "S2"}
    children = client.get(URL, {"parent": shelf.parent_id}).json()["results"]
    assert len(children) == 2
    roots = client.get(URL, {"root": "true"}).json()["results"]
    assert [r["code"] for r in roots] == ["R01"]


@pytest.mark.parametrize("page_size", [1, 50])
def test_list_query_count_is_constant(client: Any, goa: Any, page_size: int) -> None:
    for n in range(1, 8):
        _store(shelf_create(unit=goa, code=f"S{n}"), 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 9)
    assert len(queries) == list_request_queries(), [q["sql"] for q in queries]


def test_tree_is_nested_with_occupancy(client: Any, goa: Any) -> None:
    _store(shelf_create(unit=goa, code="S1"), 2)
    shelf_create(unit=goa, code="S2")
    response = client.get(f"{URL}tree/", {"unit": goa.pk})
    assert response.status_code == 200
    [room] = response.json()
    assert room["code"] == "R01"
    assert room["occupancy"] == 2
    [rack] = room["children"]
    assert [s["code"] for s in rack["children"]] == ["S1", "S2"]
    assert rack["children"][0]["occupancy"] == 2


def test_tree_query_count_does_not_grow_with_the_tree(client: Any, goa: Any) -> None:
    for n in range(1, 4):
        _store(shelf_create(unit=goa, code=f"S{n}"), 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{URL}tree/").status_code == 200
    for n in range(4, 30):
        _store(shelf_create(unit=goa, code=f"S{n}"), 1)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(f"{URL}tree/").json()[0]["children"][0]["children"]) == 29
    assert len(small) == len(large) == list_request_queries()


def test_tree_rejects_a_bad_unit(client: Any) -> None:
    response = client.get(f"{URL}tree/", {"unit": "x"})
    assert response.status_code == 400


@pytest.mark.compliance("11.10(g)")
def test_other_units_locations_are_not_found(
    api_client_for: Callable[..., Any], goa: Any, mum: Any
) -> None:
    shelf = shelf_create(unit=goa)
    outsider = api_client_for(UserFactory(role_name=roles.STORE_HEAD, units=[mum]))
    assert outsider.get(f"{URL}{shelf.pk}/").status_code == 404
    assert outsider.get(URL).json()["results"] == []
    assert outsider.get(f"{URL}tree/").json() == []
    response = outsider.patch(f"{URL}{shelf.pk}/", {"version": 1, "name": "x"})
    assert response.status_code == 404
    response = outsider.post(URL, {"unit": goa.pk, "kind": "ROOM", "code": "R09"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unit_not_allowed"
    assert "unit" in response.json()["error"]["details"]


def test_create_room_rack_shelf(client: Any, goa: Any) -> None:
    room = client.post(URL, {"unit": goa.pk, "kind": "ROOM", "code": "r02", "security_class": 2})
    assert room.status_code == 201, room.json()
    assert room.json()["full_code"] == "GOA1/R02"
    rack = client.post(
        URL, {"unit": goa.pk, "kind": "RACK", "code": "K01", "parent": room.json()["id"]}
    )
    assert rack.status_code == 201
    shelf = client.post(
        URL,
        {"unit": goa.pk, "kind": "SHELF", "code": "S1", "parent": rack.json()["id"], "capacity": 4},
    )
    assert shelf.status_code == 201
    assert shelf.json()["full_code"] == "GOA1/R02/K01/S1"
    assert shelf.json()["total_capacity"] == 4
    event = AuditEvent.objects.filter(action="location.create").last()
    assert event is not None
    assert event.changes["full_code"] == [None, "GOA1/R02/K01/S1"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "SHELF", "code": "S1"}, "invalid_parent"),
        ({"kind": "ROOM", "code": "bad code"}, "invalid_location_code"),
        ({"kind": "ROOM", "code": "R05", "capacity": 3}, "capacity_on_shelves_only"),
    ],
)
def test_create_refuses_bad_input(client: Any, goa: Any, body: dict[str, Any], code: str) -> None:
    response = client.post(URL, {"unit": goa.pk, **body})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_create_shelf_needs_capacity_and_a_rack(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa)
    rack = shelf.parent
    assert rack is not None
    response = client.post(URL, {"unit": goa.pk, "kind": "SHELF", "code": "S7", "parent": rack.pk})
    assert response.json()["error"]["code"] == "capacity_required"
    response = client.post(
        URL,
        {"unit": goa.pk, "kind": "SHELF", "code": "S7", "parent": rack.parent_id, "capacity": 2},
    )
    assert response.json()["error"]["code"] == "invalid_parent"


def test_create_refuses_a_taken_code(client: Any, goa: Any) -> None:
    shelf_create(unit=goa)
    response = client.post(URL, {"unit": goa.pk, "kind": "ROOM", "code": "R01"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "location_code_taken"


@pytest.mark.compliance("11.10(e)", "A11-9")
def test_update_checks_version_and_audits_old_and_new(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa, capacity=5)
    response = client.patch(f"{URL}{shelf.pk}/", {"version": 1, "capacity": 8, "name": "Top"})
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    event = AuditEvent.objects.filter(action="location.update").last()
    assert event is not None
    assert event.changes == {"capacity": [5, 8], "name": ["", "Top"]}
    stale = client.patch(f"{URL}{shelf.pk}/", {"version": 1, "capacity": 9})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    shelf.refresh_from_db()
    assert shelf.capacity == 8


@pytest.mark.compliance("A11-5")
def test_update_refuses_capacity_below_occupancy(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa, capacity=5)
    _store(shelf, 3)
    response = client.patch(f"{URL}{shelf.pk}/", {"version": 1, "capacity": 2})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "capacity_below_occupancy"


@pytest.mark.compliance("A11-6", "A11-9")
def test_lowering_a_rooms_security_class_needs_a_reason(client: Any, goa: Any) -> None:
    room = client.post(URL, {"unit": goa.pk, "kind": "ROOM", "code": "R03", "security_class": 3})
    room_id = room.json()["id"]
    response = client.patch(f"{URL}{room_id}/", {"version": 1, "security_class": 1})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    raised = client.patch(f"{URL}{room_id}/", {"version": 1, "security_class": 4})
    assert raised.status_code == 200
    lowered = client.patch(
        f"{URL}{room_id}/", {"version": 2, "security_class": 1, "reason": "Vault retired"}
    )
    assert lowered.status_code == 200
    event = AuditEvent.objects.filter(action="location.update").last()
    assert event is not None
    assert event.reason == "Vault retired"
    assert event.changes == {"security_class": [4, 1]}


def test_renaming_a_room_renames_its_subtree(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa)
    rack = shelf.parent
    assert rack is not None
    assert rack.parent is not None
    response = client.patch(f"{URL}{rack.parent.pk}/", {"version": 1, "code": "R10"})
    assert response.status_code == 200, response.json()
    shelf.refresh_from_db()
    assert shelf.full_code == "GOA1/R10/K01/S1"
    assert shelf.version == 2
    event = AuditEvent.objects.filter(action="location.update").last()
    assert event is not None
    assert event.changes == {
        "code": ["R01", "R10"],
        "full_code": ["GOA1/R01", "GOA1/R10"],
        "descendants_renamed": [None, 2],
    }


def test_deactivate_refuses_a_shelf_holding_crates(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa)
    _store(shelf)
    response = client.post(f"{URL}{shelf.pk}/deactivate/", {"version": 1})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "location_not_empty"
    rack = shelf.parent
    assert rack is not None
    response = client.post(f"{URL}{rack.pk}/deactivate/", {"version": 1})
    assert response.status_code == 409


def test_deactivate_a_rack_deactivates_its_shelves_and_activate_again(
    client: Any, goa: Any
) -> None:
    shelf = shelf_create(unit=goa)
    rack = shelf.parent
    assert rack is not None
    response = client.post(f"{URL}{rack.pk}/deactivate/", {"version": 1, "reason": "Broken"})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    shelf.refresh_from_db()
    assert shelf.is_active is False
    assert AuditEvent.objects.filter(action="location.deactivate").count() == 2
    stale = client.post(f"{URL}{rack.pk}/activate/", {"version": 1})
    assert stale.status_code == 409
    response = client.post(f"{URL}{rack.pk}/activate/", {"version": 2})
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    shelf.refresh_from_db()
    assert shelf.is_active is True
    assert shelf.version == 3
    room = rack.parent
    assert room is not None
    client.post(f"{URL}{room.pk}/deactivate/", {"version": 1})
    orphan = client.post(f"{URL}{shelf.pk}/activate/", {"version": 4})
    assert orphan.status_code == 400
    assert orphan.json()["error"]["code"] == "invalid_parent"


@pytest.mark.compliance("11.10(c)")
def test_delete_is_not_offered(client: Any, goa: Any) -> None:
    shelf = shelf_create(unit=goa)
    assert client.delete(f"{URL}{shelf.pk}/").status_code == 405


def test_bulk_creates_a_grid_in_one_call(client: Any, goa: Any) -> None:
    body = {
        "unit": goa.pk,
        "rooms": 2,
        "racks_per_room": 3,
        "shelves_per_rack": 4,
        "capacity": 10,
        "security_class": 1,
    }
    response = client.post(f"{URL}bulk/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2 + 6 + 24
    assert response.json()["rooms"] == ["R01", "R02"]
    assert Location.objects.filter(unit=goa, kind="SHELF", capacity=10).count() == 24
    assert Location.objects.filter(full_code="GOA1/R02/K03/S4").exists()
    event = AuditEvent.objects.get(action="location.bulk_create")
    assert event.changes["grid"][1]["created"] == 32
    collision = client.post(f"{URL}bulk/", {**body, "first_room": 2})
    assert collision.status_code == 409
    assert collision.json()["error"]["code"] == "location_code_taken"
    assert "R02" in collision.json()["error"]["message"]
    assert Location.objects.filter(unit=goa).count() == 32
    after = client.post(f"{URL}bulk/", {**body, "rooms": 1, "first_room": 3})
    assert after.status_code == 201


def test_bulk_refuses_a_huge_grid(client: Any, goa: Any) -> None:
    body = {"unit": goa.pk, "rooms": 20, "racks_per_room": 20, "shelves_per_rack": 20}
    response = client.post(f"{URL}bulk/", {**body, "capacity": 1})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "grid_too_large"
    assert not Location.objects.exists()


def test_bulk_validates_input(client: Any, goa: Any) -> None:
    response = client.post(f"{URL}bulk/", {"unit": goa.pk, "rooms": 0})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
