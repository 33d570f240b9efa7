"""One holder per crate — an open request or an open batch — in the database, and the crates that
leave a batch when they stop being eligible (a withdrawal or transfer opened, a hold placed)."""

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.compliance.models import AuditEvent
from strongroom.disposition.models import BatchItem
from strongroom.disposition.tests.conftest import (
    BASE,
    Yard,
    act,
    approved_batch,
    create_batch,
    eligible_crate,
    item_of,
)
from strongroom.records.models import CrateClaim
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import create

pytestmark = pytest.mark.django_db


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _withdraw(yard: Yard, crate_id: int, kind: str = "WITHDRAWAL") -> Any:
    body: dict[str, Any] = {"type": kind, "crate": crate_id, "purpose": "Investigation"}
    if kind == "WITHDRAWAL":
        body["expected_return_on"] = str(timezone.localdate() + dt.timedelta(days=7))
    return create(yard.client("manager"), **body)


def test_a_crate_cannot_be_in_two_open_batches_even_bypassing_the_services(yard: Yard) -> None:
    first = create_batch(yard, yard.crates[:1])
    response = yard.client("manager").post(
        BASE, {"unit": yard.plant.goa.pk, "crates": [c.pk for c in yard.crates]}, format="json"
    )
    assert _error(response) == (409, "crates_not_eligible")
    details = response.json()["error"]["details"]["crates"]
    assert list(details) == [str(yard.crates[0].pk)]
    assert "another open destruction batch" in details[str(yard.crates[0].pk)][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        CrateClaim.objects.create(
            crate=yard.crates[0], holder_kind="BATCH", holder_id=first["id"] + 1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CrateClaim.objects.create(crate=yard.crates[0], holder_kind="REQUEST", holder_id=1)


def test_a_crate_with_an_open_request_cannot_join_a_batch_until_the_request_closes(
    yard: Yard,
) -> None:
    crate = yard.crates[0]
    request = _withdraw(yard, crate.pk).json()
    claim = CrateClaim.objects.get(crate=crate)
    assert (claim.holder_kind, claim.holder_id) == ("REQUEST", request["id"])
    response = yard.client("manager").post(
        BASE, {"unit": yard.plant.goa.pk, "crates": [crate.pk]}, format="json"
    )
    assert _error(response) == (409, "crates_not_eligible")
    assert "open request" in response.json()["error"]["details"]["crates"][str(crate.pk)][0]
    # The filter leaves it out rather than failing.
    body = create_batch(yard, [])
    assert crate.pk not in [i["crate"] for i in body["items"]]
    # The requester cancels: the claim goes with the request, and the crate may join a batch.
    response = yard.client("manager").post(
        f"/api/v1/requests/{request['id']}/cancel/",
        {"version": request["version"], "signature": {"password": TEST_PASSWORD}, "reason": "No"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert not CrateClaim.objects.filter(crate=crate).exists()
    yard.client("manager").post(
        f"{BASE}{body['id']}/items/",
        {"version": body["version"], "crates": [crate.pk]},
        format="json",
    )
    assert CrateClaim.objects.get(crate=crate).holder_kind == "BATCH"


@pytest.mark.parametrize("kind", ["WITHDRAWAL", "TRANSFER"])
def test_a_withdrawal_or_transfer_takes_the_crate_out_of_its_batch(yard: Yard, kind: str) -> None:
    body = approved_batch(yard)
    crate = yard.crates[1]
    extra = {"target_location": yard.plant.shelf2.pk} if kind == "TRANSFER" else {}
    response = (
        _withdraw(yard, crate.pk)
        if kind == "WITHDRAWAL"
        else create(yard.client("manager"), type=kind, crate=crate.pk, purpose="Move", **extra)
    )
    assert response.status_code == 201, response.content
    request = Request.objects.get(pk=response.json()["id"])
    item = BatchItem.objects.get(batch_id=body["id"], crate=crate)
    assert (item.state, item.reason_code) == ("DROPPED", "crate_request_opened")
    assert item.reason == f"Request {request.number} opened"
    claim = CrateClaim.objects.get(crate=crate)
    assert (claim.holder_kind, claim.holder_id) == ("REQUEST", request.pk)
    detail = yard.client("storehead").get(f"{BASE}{body['id']}/").json()
    assert detail["version"] == body["version"] + 1
    assert item_of(detail, crate)["state"] == "DROPPED"
    drop = AuditEvent.objects.get(action="batch.item_drop", object_id=str(body["id"]))
    assert drop.reason == "crate_request_opened"
    assert drop.changes["crates"] == [None, [crate.code]]


def test_a_destruction_request_for_a_crate_in_a_batch_is_refused(yard: Yard) -> None:
    create_batch(yard)
    response = create(
        yard.client("manager"), type="DESTRUCTION", crate=yard.crates[0].pk, purpose="One-off"
    )
    assert _error(response) == (409, "crate_in_destruction_batch")
    assert not Request.objects.exists()
    assert CrateClaim.objects.get(crate=yard.crates[0]).holder_kind == "BATCH"


@pytest.mark.compliance("A11-9")
def test_a_legal_hold_drops_the_crate_from_its_open_batch(yard: Yard) -> None:
    body = act(yard.client("manager"), create_batch(yard), "submit").json()
    crate = yard.crates[2]
    response = yard.client("unitadmin").post(
        f"/api/v1/crates/{crate.pk}/hold/",
        {
            "version": crate.version,
            "reason": "FDA inquiry 2026-14",
            "signature": {"password": TEST_PASSWORD},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    item = BatchItem.objects.get(batch_id=body["id"], crate=crate)
    assert (item.state, item.reason_code) == ("DROPPED", "crate_on_hold")
    assert item.reason == "Legal hold placed: FDA inquiry 2026-14"
    assert not CrateClaim.objects.filter(crate=crate).exists()
    # The batch goes on with the rest.
    body = yard.client("approver").get(f"{BASE}{body['id']}/").json()
    assert act(yard.client("approver"), body, "approve").status_code == 200


def test_a_request_releases_its_claim_when_it_is_rejected_or_completed(yard: Yard) -> None:
    plant = yard.plant
    first, second = yard.crates[0], eligible_crate(plant)
    rejected = _withdraw(yard, first.pk).json()
    response = act_request(plant.client("approver"), rejected, "reject", reason="Not needed")
    assert response.status_code == 200, response.content
    assert not CrateClaim.objects.filter(crate=first).exists()
    destruction = create(
        plant.client("manager"), type="DESTRUCTION", crate=second.pk, purpose="One-off"
    ).json()
    assert CrateClaim.objects.get(crate=second).holder_id == destruction["id"]
    approved = act_request(plant.client("approver"), destruction, "approve").json()
    response = act_request(
        plant.client("storehead"),
        approved,
        "destroy",
        witness={"username": "goa1-approver2", "password": TEST_PASSWORD},
    )
    assert response.status_code == 200, response.content
    assert not CrateClaim.objects.filter(crate=second).exists()


def act_request(client: Any, body: dict[str, Any], action: str, **extra: Any) -> Any:
    payload = {"version": body["version"], "signature": {"password": TEST_PASSWORD}, **extra}
    return client.post(f"/api/v1/requests/{body['id']}/{action}/", payload, format="json")
