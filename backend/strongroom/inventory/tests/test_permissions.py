"""Who may do what with an inventory audit: every endpoint checked against role and unit."""

from typing import Any

import pytest

from strongroom.inventory.tests.conftest import (
    BASE,
    Room,
    count_complete,
    open_audit,
    reconcile,
    scan,
    shelf_done,
)

pytestmark = pytest.mark.django_db


def _status(response: Any) -> tuple[int, str]:
    code = response.json().get("error", {}).get("code", "") if response.content else ""
    return response.status_code, code


@pytest.mark.compliance("11.10(g)", "A11-12.1")
@pytest.mark.parametrize(
    "name", ["viewer", "manager", "approver", "unitadmin"], ids=lambda name: name
)
def test_roles_other_than_the_store_head_read_audits_but_run_none(room: Room, name: str) -> None:
    audit = open_audit(room)
    client = room.client(name)
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}{audit['id']}/").status_code == 200
    assert client.get(f"{BASE}{audit['id']}/report.pdf").status_code == 200
    assert client.get(f"{BASE}proposals/").status_code == 200
    writes = [
        client.post(BASE, {"scope": room.room.pk}, format="json"),
        client.post(
            f"{BASE}{audit['id']}/scans/",
            {"shelf": room.a1.pk, "code": room.on_a1[0].code},
            format="json",
        ),
        client.post(f"{BASE}{audit['id']}/shelves/{room.a1.pk}/done/"),
        client.post(f"{BASE}{audit['id']}/count-complete/", {"version": 1}, format="json"),
        client.post(
            f"{BASE}{audit['id']}/close/",
            {"version": 1, "signature": {"password": "x"}},
            format="json",
        ),
    ]
    assert [_status(w) for w in writes] == [(403, "permission_denied")] * len(writes)
    assert detail_actions(room, audit, name) == []


def detail_actions(room: Room, audit: dict[str, Any], name: str) -> list[str]:
    body = room.client(name).get(f"{BASE}{audit['id']}/").json()
    return [a["name"] for a in body["available_actions"]]


def test_only_the_store_head_reconciles(room: Room) -> None:
    audit = open_audit(room, room.a1)
    shelf_done(room, audit, room.a1)
    body = count_complete(room, audit)
    for name in ("approver", "unitadmin", "manager"):
        refused = reconcile(room, body, room.on_a1[0].code, "EXPLAIN", client=name)
        assert _status(refused) == (403, "permission_denied"), name
    assert detail_actions(room, audit, "storehead") == ["reconcile", "close", "cancel"]
    assert reconcile(room, body, room.on_a1[0].code, "EXPLAIN").status_code == 200


def test_another_units_store_head_finds_nothing(room: Room) -> None:
    audit = open_audit(room)
    other = room.client("mum_storehead")
    assert other.get(BASE).json()["results"] == []
    assert other.get(f"{BASE}{audit['id']}/").status_code == 404
    assert other.get(f"{BASE}{audit['id']}/report.csv").status_code == 404
    assert other.get(f"{BASE}{audit['id']}/scans/").status_code == 404
    scanned = scan(room, audit, room.a1, room.on_a1[0].code, client="mum_storehead")
    assert _status(scanned) == (404, "not_found")
    opened = other.post(BASE, {"scope": room.room.pk}, format="json")
    assert _status(opened) == (400, "invalid_scope")
    proposals = other.get(f"{BASE}proposals/").json()
    assert all(p["unit_id"] != room.plant.goa.pk for p in proposals)


def test_the_store_heads_available_actions_follow_the_status(room: Room) -> None:
    audit = open_audit(room, room.a1)
    assert detail_actions(room, audit, "storehead") == ["scan", "cancel"]
    scan(room, audit, room.a1, room.on_a1[0].code)
    assert detail_actions(room, audit, "storehead") == ["scan", "count_complete", "cancel"]
