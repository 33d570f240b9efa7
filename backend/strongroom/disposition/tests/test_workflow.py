"""A destruction batch from selection to certificate, its state machine, separation of duties, the
scanned label and the witness."""

import datetime as dt
import re

import pytest

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_check
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.tests.conftest import (
    BASE,
    Yard,
    act,
    approved_batch,
    create_batch,
    destroy,
    item_of,
    not_found,
)
from strongroom.records.models import Crate, CrateClaim, Document

pytestmark = pytest.mark.django_db


def _events(batch_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="destruction_batch", object_id=str(batch_id))
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.mark.compliance("11.10(e)", "11.10(f)", "11.50", "11.70", "A11-9", "A11-14")
def test_a_batch_goes_from_selection_to_completion(yard: Yard) -> None:
    first, second, third = yard.crates
    body = create_batch(yard, note="Retention ended 2020")
    assert body["status"] == "DRAFT"
    assert re.fullmatch(r"DB-\d{4}-\d{4}", body["number"])
    assert [i["crate_code"] for i in body["items"]] == [c.code for c in yard.crates]
    assert [(i["room_code"], i["rack_code"], i["shelf_code"]) for i in body["items"]] == [
        ("R01", "K01", "S7"),
        ("R01", "K01", "S8"),
        ("R02", "K01", "S1"),
    ]
    assert {i["document_count"] for i in body["items"]} == {2}
    assert CrateClaim.objects.filter(holder_kind="BATCH", holder_id=body["id"]).count() == 3

    body = act(yard.client("manager"), body, "submit").json()
    assert body["status"] == "SUBMITTED"
    body = act(yard.client("approver"), body, "approve").json()
    assert body["status"] == "APPROVED"
    assert body["approved_by"] == yard.plant.approver.pk

    response = destroy(yard, body, first)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "IN_PROGRESS"
    item = item_of(body, first)
    assert item["state"] == "DESTROYED"
    assert item["witness"]["username"] == "goa1-approver2"
    assert item["destroyed_by"]["username"] == "goa1-storehead"
    first.refresh_from_db()
    assert (first.status, first.location_id) == (Crate.Status.DESTROYED, None)
    assert not Document.objects.filter(crate=first).exclude(status="DESTROYED").exists()

    body = not_found(yard, body, second, "Not on its shelf; searched R01").json()
    assert item_of(body, second)["state"] == "NOT_FOUND"
    assert item_of(body, second)["reason"] == "Not on its shelf; searched R01"
    assert (
        act(yard.client("storehead"), body, "complete").json()["error"]["code"] == "items_pending"
    )
    # Scanned without separators, in lower case, as a scanner may send it.
    body = destroy(yard, body, third, scanned=third.code.replace("-", "").lower()).json()
    response = act(yard.client("storehead"), body, "complete")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "COMPLETED"
    assert not CrateClaim.objects.filter(holder_kind="BATCH", holder_id=body["id"]).exists()

    meanings = [s["meaning"] for s in body["signatures"]]
    assert sorted(meanings) == sorted(
        ["SUBMITTED", "BATCH_APPROVED", "DESTROYED", "WITNESSED", "DESTROYED", "WITNESSED",
         "BATCH_COMPLETED"]
    )  # fmt: skip
    assert {s["status"] for s in body["signatures"]} == {"valid"}
    assert _events(body["id"]) == [
        "batch.create",
        "signature.sign",
        "batch.submit",
        "signature.sign",
        "batch.approve",
        "batch.item_destroy",
        "batch.item_not_found",
        "batch.item_destroy",
        "signature.sign",
        "batch.complete",
    ]


def test_the_state_machine_refuses_wrong_states_and_stale_versions(yard: Yard) -> None:
    body = create_batch(yard)
    response = act(yard.client("approver"), body, "approve")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_transition")
    response = act(yard.client("storehead"), body, "complete")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_transition")
    stale = {**body, "version": body["version"] + 1}
    response = act(yard.client("manager"), stale, "submit")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "stale_version")
    body = act(yard.client("manager"), body, "submit").json()
    response = act(yard.client("manager"), body, "submit")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_transition")
    assert DestructionBatch.objects.get(pk=body["id"]).version == body["version"]


def test_send_back_returns_a_draft_with_the_reason(yard: Yard) -> None:
    body = act(yard.client("manager"), create_batch(yard), "submit").json()
    response = act(yard.client("approver"), body, "send-back")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "reason_required")
    body = act(yard.client("approver"), body, "send-back", reason="Add the 2019 crates").json()
    assert body["status"] == "DRAFT"
    assert body["send_back_reason"] == "Add the 2019 crates"
    # The draft is edited again: a crate removed, then resubmitted.
    first = item_of(body, yard.crates[0])
    response = yard.client("manager").delete(
        f"{BASE}{body['id']}/items/",
        {"version": body["version"], "items": [first["id"]]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["items"]) == 2
    assert not CrateClaim.objects.filter(crate=yard.crates[0]).exists()
    body = act(yard.client("manager"), body, "submit").json()
    assert body["status"] == "SUBMITTED"
    # The first submission signed the content before the edit: superseded, not invalid.
    statuses = {s["meaning"]: [] for s in body["signatures"]}
    for s in body["signatures"]:
        statuses[s["meaning"]].append(s["status"])
    assert sorted(statuses["SUBMITTED"]) == ["superseded", "valid"]


@pytest.mark.compliance("11.10(g)")
def test_the_preparer_cannot_approve_their_own_batch(yard: Yard) -> None:
    body = act(yard.client("manager"), create_batch(yard), "submit").json()
    # An approver who prepared it (the roles keep these apart; the rule holds regardless).
    DestructionBatch.objects.filter(pk=body["id"]).update(prepared_by=yard.plant.approver)
    for action in ("approve", "send-back"):
        response = act(yard.client("approver"), body, action, reason="x")
        assert (response.status_code, response.json()["error"]["code"]) == (
            403,
            "separation_of_duties",
        )
    assert act(yard.client("approver2"), body, "approve").status_code == 200


@pytest.mark.compliance("11.10(g)", "11.200(a)")
@pytest.mark.parametrize(
    ("witness", "password", "status", "code"),
    [
        ("goa1-storehead", "x", 403, "separation_of_duties"),  # the executor
        ("goa1-viewer", "x", 403, "witness_invalid"),  # may not witness
        ("mum1-manager", "x", 403, "witness_invalid"),  # another unit
        ("goa1-approver2", "wrong", 403, "witness_signature_invalid"),
        ("goa1-approver2", "", 400, "validation_error"),
    ],
)
def test_the_witness_must_be_another_permitted_person_who_signs(
    yard: Yard, witness: str, password: str, status: int, code: str
) -> None:
    body = approved_batch(yard)
    crate = yard.crates[0]
    response = destroy(yard, body, crate, witness=witness, witness_password=password)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), (
        response.content
    )
    crate.refresh_from_db()
    assert crate.status == Crate.Status.IN_STORAGE
    assert BatchItem.objects.get(batch_id=body["id"], crate=crate).state == "PENDING"
    if code == "witness_signature_invalid":  # the failed signature is audited, naming them
        failed = AuditEvent.objects.get(action="signature.failed", object_type="batch_item")
        assert failed.actor_id == yard.plant.storehead.pk
        assert failed.changes["signer"] == [None, "goa1-approver2"]


def test_a_label_of_another_crate_or_no_code_is_refused(yard: Yard) -> None:
    body = approved_batch(yard)
    first, second, _ = yard.crates
    response = destroy(yard, body, first, scanned=second.code)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "scan_mismatch")
    assert "scanned_code" in response.json()["error"]["details"]
    response = destroy(yard, body, first, scanned="not a label")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "scan_invalid")
    first.refresh_from_db()
    assert first.status == Crate.Status.IN_STORAGE
    assert not Signature.objects.filter(object_type="batch_item").exists()


def test_a_crate_no_longer_eligible_is_dropped_instead_of_destroyed(yard: Yard) -> None:
    body = approved_batch(yard)
    crate = yard.crates[0]
    # Retention moved on without anyone telling the batch (the check at the shelf catches it).
    Crate.objects.filter(pk=crate.pk).update(destroy_after=dt.date(2999, 1, 1))
    response = destroy(yard, body, crate)
    assert response.status_code == 200, response.content
    item = item_of(response.json(), crate)
    assert (item["state"], item["reason_code"]) == ("DROPPED", "retention_not_reached")
    crate.refresh_from_db()
    assert crate.status == Crate.Status.IN_STORAGE
    assert not CrateClaim.objects.filter(crate=crate).exists()
    assert not Signature.objects.filter(object_type="batch_item").exists()


def test_cancel_drops_pending_crates_and_releases_every_claim(yard: Yard) -> None:
    body = approved_batch(yard)
    body = destroy(yard, body, yard.crates[0]).json()
    response = act(yard.client("manager"), body, "cancel")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "reason_required")
    body = act(yard.client("manager"), body, "cancel", reason="Audit pending").json()
    assert body["status"] == "CANCELLED"
    assert [i["state"] for i in body["items"]] == ["DESTROYED", "DROPPED", "DROPPED"]
    assert {i["reason_code"] for i in body["items"][1:]} == {"batch_cancelled"}
    assert not CrateClaim.objects.filter(holder_kind="BATCH").exists()
    response = act(yard.client("manager"), body, "cancel", reason="again")
    assert response.status_code == 409


def test_available_actions_follow_role_and_status(yard: Yard) -> None:
    def names(client: str, batch_id: int) -> list[str]:
        detail = yard.client(client).get(f"{BASE}{batch_id}/").json()
        return [a["name"] for a in detail["available_actions"]]

    body = create_batch(yard)
    assert names("manager", body["id"]) == ["submit", "cancel", "edit_items"]
    assert names("approver", body["id"]) == []
    body = act(yard.client("manager"), body, "submit").json()
    assert names("approver", body["id"]) == ["send_back", "approve"]
    assert names("storehead", body["id"]) == []
    act(yard.client("approver"), body, "approve")
    assert names("storehead", body["id"]) == ["complete", "destroy_item", "mark_not_found"]
    assert names("manager", body["id"]) == ["cancel"]


def test_signatures_bind_to_the_batch_and_each_crate(yard: Yard) -> None:
    body = approved_batch(yard)
    destroy(yard, body, yard.crates[0])
    item = BatchItem.objects.get(batch_id=body["id"], crate=yard.crates[0])
    signatures = Signature.objects.filter(object_type="batch_item", object_id=str(item.pk))
    assert sorted(signatures.values_list("meaning", flat=True)) == ["DESTROYED", "WITNESSED"]
    assert all(signature_check(s) == "valid" for s in signatures)
    # Changing what was signed (a document of the crate renamed behind the audit trail) breaks
    # the crate's signatures and the batch's approval.
    Document.objects.filter(crate=yard.crates[0]).update(title="Something else")
    assert {signature_check(s) for s in signatures} == {"record_changed"}
    approval = Signature.objects.get(object_type="destruction_batch", meaning="BATCH_APPROVED")
    assert signature_check(approval) == "record_changed"


def test_listing_is_scoped_to_the_callers_units(yard: Yard) -> None:
    body = create_batch(yard)
    listed = yard.client("viewer").get(BASE, {"status": "DRAFT"}).json()
    assert [b["id"] for b in listed["results"]] == [body["id"]]
    assert listed["results"][0]["item_count"] == 3
    assert yard.client("mum_manager").get(BASE).json()["results"] == []
    assert yard.client("mum_manager").get(f"{BASE}{body['id']}/").status_code == 404
    response = act(yard.client("mum_manager"), body, "cancel", reason="x")
    assert response.status_code == 404
