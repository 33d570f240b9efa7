"""An inventory audit from opening to closing, through the API: the snapshot of expected
contents, every result class, idempotent scans, the one-counter-per-shelf rule, the signed
reconciliation's effects and the closing's last_verified_at."""

import datetime as dt

import pytest
from django.utils import timezone

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_check
from strongroom.inventory.models import AuditExpectation, AuditScan, AuditShelf, InventoryAudit
from strongroom.inventory.tests.conftest import (
    BASE,
    Room,
    close,
    count_complete,
    detail,
    open_audit,
    reconcile,
    result_of,
    scan,
    shelf_done,
)
from strongroom.notifications.models import Notification
from strongroom.records.models import Crate
from strongroom.requests.tests.conftest import withdrawal
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db


def test_opening_snapshots_the_crates_recorded_on_the_scope_shelves(room: Room) -> None:
    issued = room.on_a2[1]
    Crate.objects.filter(pk=issued.pk).update(status="ISSUED", location=None)
    audit = open_audit(room)
    assert audit["status"] == "OPEN"
    assert audit["number"].startswith("IA-")
    assert audit["scope_code"] == "GOA1/R09"
    expected = dict(
        AuditExpectation.objects.filter(audit_id=audit["id"]).values_list("crate_id", "shelf_id")
    )
    # In storage on a shelf of the room: yes. Issued, or on another room's shelf: no.
    assert expected == {
        room.on_a1[0].pk: room.a1.pk,
        room.on_a1[1].pk: room.a1.pk,
        room.on_a2[0].pk: room.a2.pk,
    }
    assert [(s["full_code"], s["expected_count"]) for s in audit["shelves"]] == [
        ("GOA1/R09/K01/A1", 2),
        ("GOA1/R09/K01/A2", 1),
    ]
    # A crate stored there after the opening is not expected: the snapshot is the reference.
    from strongroom.requests.tests.conftest import stored_crate

    later = stored_crate(room.plant.goa, room.a1, room.plant.manager)
    assert not AuditExpectation.objects.filter(audit_id=audit["id"], crate=later).exists()
    assert AuditEvent.objects.get(action="inventory_audit.open").changes["expected_crates"] == [
        None,
        3,
    ]


def test_a_rack_or_a_shelf_can_be_the_scope_and_other_units_locations_cannot(room: Room) -> None:
    assert len(open_audit(room, room.a2)["shelves"]) == 1
    response = room.client("storehead").post(
        BASE, {"scope": room.plant.mum_shelf.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_scope"
    assert "scope" in response.json()["error"]["details"]


def test_every_result_class(room: Room) -> None:
    a1_first, a1_second = room.on_a1
    a2_first, a2_second = room.on_a2
    elsewhere = room.plant.crate  # recorded on GOA1/R01/K01/S1, outside the audit
    issued = Crate.objects.get(pk=a2_second.pk)
    audit = open_audit(room)
    Crate.objects.filter(pk=issued.pk).update(status="ISSUED", location=None)  # after opening

    found = scan(room, audit, room.a1, a1_first.code)
    assert found.status_code == 201, found.content
    assert found.json()["result"] == "FOUND"
    assert scan(room, audit, room.a1, a2_first.code).json()["result"] == "MISPLACED"
    assert scan(room, audit, room.a1, elsewhere.code).json()["result"] == "UNEXPECTED"
    assert scan(room, audit, room.a1, "NOT A LABEL").json()["result"] == "UNKNOWN"

    body = detail(room, audit)
    assert body["status"] == "IN_PROGRESS"
    # Not scanned on a shelf still being counted: pending, not yet missing.
    assert result_of(body, a1_second.code)["result"] == "PENDING"
    shelf_done(room, audit, room.a1)
    assert result_of(detail(room, audit), a1_second.code)["result"] == "MISSING"
    shelf_done(room, audit, room.a2)

    body = count_complete(room, audit)
    assert body["status"] == "RECONCILING"
    results = {r["code"]: r for r in body["results"]}
    assert {code: r["result"] for code, r in results.items()} == {
        a1_first.code: "FOUND",
        a1_second.code: "MISSING",
        a2_first.code: "MISPLACED",
        a2_second.code: "MISSING",  # expected at opening; issued since and not on the shelf
        elsewhere.code: "UNEXPECTED",
        "NOT A LABEL": "UNKNOWN",
    }
    assert results[a2_first.code]["expected_shelf"] == "GOA1/R09/K01/A2"
    assert results[a2_first.code]["found_shelf"] == "GOA1/R09/K01/A1"
    assert results[elsewhere.code]["expected_shelf"] == "GOA1/R01/K01/S1"
    assert results[a1_first.code]["allowed_actions"] == []
    assert results[a1_second.code]["allowed_actions"] == ["MARK_MISSING", "EXPLAIN"]
    assert results["NOT A LABEL"]["allowed_actions"] == ["EXPLAIN"]
    assert body["open_findings"] == 5
    # Discrepancies first.
    assert body["results"][-1]["result"] == "FOUND"


def test_an_issued_crate_found_on_a_shelf_is_unexpected(room: Room) -> None:
    stray = room.plant.crate
    Crate.objects.filter(pk=stray.pk).update(status="ISSUED", location=None)
    audit = open_audit(room, room.a2)
    assert scan(room, audit, room.a2, stray.code).json()["result"] == "UNEXPECTED"


def test_a_scan_is_recorded_once_per_shelf_and_a_retry_returns_it(room: Room) -> None:
    audit = open_audit(room)
    code = room.on_a1[0].code
    first = scan(room, audit, room.a1, code, client_key="key-1")
    assert first.status_code == 201
    # The same label read again (a wedge scanner's double read): the same scan, nothing new.
    again = scan(room, audit, room.a1, code.replace("-", ""), client_key="key-2")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["scan"]["id"] == first.json()["scan"]["id"]
    # A retried submission (same key) returns its scan even if the body differs.
    retried = scan(room, audit, room.a1, room.on_a1[1].code, client_key="key-1")
    assert retried.status_code == 200
    assert retried.json()["scan"]["id"] == first.json()["scan"]["id"]
    # The Idempotency-Key header works as the client_key.
    header = room.client("storehead").post(
        f"{BASE}{audit['id']}/scans/",
        {"shelf": room.a1.pk, "code": room.on_a1[1].code},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-3",
    )
    assert header.status_code == 201
    assert AuditScan.objects.get(pk=header.json()["scan"]["id"]).client_key == "key-3"
    assert AuditScan.objects.filter(audit_id=audit["id"]).count() == 2
    assert AuditEvent.objects.filter(action="inventory_audit.scan").count() == 2
    # State comes from the server: a reload mid-shelf lists what was scanned on it.
    listed = room.client("storehead").get(f"{BASE}{audit['id']}/scans/?shelf={room.a1.pk}")
    assert sorted(s["code"] for s in listed.json()) == sorted(c.code for c in room.on_a1)


def test_bad_scans_are_refused_with_their_field(room: Room) -> None:
    audit = open_audit(room, room.a1)
    empty = scan(room, audit, room.a1, "  ")
    assert empty.status_code == 400
    assert empty.json()["error"]["code"] == "code_required"
    other_shelf = scan(room, audit, room.a2, room.on_a2[0].code)
    assert other_shelf.status_code == 400
    assert other_shelf.json()["error"]["code"] == "not_audit_shelf"
    assert "shelf" in other_shelf.json()["error"]["details"]
    shelf_done(room, audit, room.a1)
    done = scan(room, audit, room.a1, room.on_a1[0].code)
    assert done.status_code == 409
    assert done.json()["error"]["code"] == "shelf_done"


def test_a_shelf_counted_by_another_open_audit_is_refused_until_it_closes(room: Room) -> None:
    first = open_audit(room)
    assert scan(room, first, room.a1, room.on_a1[0].code).status_code == 201
    second = open_audit(room, room.rack)
    refused = scan(room, second, room.a1, room.on_a1[1].code)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "shelf_in_other_audit"
    assert first["number"] in error["message"]
    assert AuditScan.objects.filter(audit_id=second["id"]).count() == 0
    # The other shelf is free: the second audit may count it.
    assert scan(room, second, room.a2, room.on_a2[0].code).status_code == 201
    # Once the first audit is cancelled, its shelf is free again.
    body = detail(room, first)
    cancelled = room.client("storehead").post(
        f"{BASE}{first['id']}/cancel/",
        {"version": body["version"], "reason": "Restart", "signature": {"password": TEST_PASSWORD}},
        format="json",
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "CANCELLED"
    assert scan(room, second, room.a1, room.on_a1[1].code).status_code == 201


def test_counting_completes_only_when_every_shelf_is_done(room: Room) -> None:
    audit = open_audit(room)
    shelf_done(room, audit, room.a1)
    body = detail(room, audit)
    response = room.client("storehead").post(
        f"{BASE}{audit['id']}/count-complete/", {"version": body["version"]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "shelves_not_done"
    assert response.json()["error"]["details"]["shelves"] == ["GOA1/R09/K01/A2"]
    # A shelf completed by mistake is reopened, with a reason.
    reopened = room.client("storehead").post(
        f"{BASE}{audit['id']}/shelves/{room.a1.pk}/reopen/", {"reason": ""}, format="json"
    )
    assert reopened.status_code == 400
    assert reopened.json()["error"]["code"] == "reason_required"


def _reconciling(room: Room) -> tuple[dict, Crate, Crate, Crate]:
    """A1 has one crate missing; A2's first crate stands on A1 (misplaced); the crate
    recorded on R01/K01/S1 stands on A2 (unexpected)."""
    missing, present = room.on_a1
    misplaced, on_a2 = room.on_a2
    stray = room.plant.crate
    audit = open_audit(room)
    for shelf, crate in ((room.a1, present), (room.a1, misplaced), (room.a2, on_a2)):
        assert scan(room, audit, shelf, crate.code).status_code == 201
    assert scan(room, audit, room.a2, stray.code).json()["result"] == "UNEXPECTED"
    shelf_done(room, audit, room.a1)
    shelf_done(room, audit, room.a2)
    return count_complete(room, audit), missing, misplaced, stray


@pytest.mark.compliance("11.10(e)", "11.10(f)", "11.50", "11.70", "A11-9", "A11-14")
def test_signed_reconciliation_and_closing(room: Room) -> None:
    body, missing, misplaced, stray = _reconciling(room)
    refused = close(room, body)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "findings_open"

    marked = reconcile(room, body, missing.code, "MARK_MISSING", note="Not on A1 or nearby")
    assert marked.status_code == 200, marked.content
    body = marked.json()
    missing.refresh_from_db()
    assert missing.status == "MISSING"
    assert missing.location is None
    assert missing.last_location == room.a1
    # The crate's Unit Admin is told.
    alert = Notification.objects.get(kind="CRATE_MISSING")
    assert alert.recipient == room.plant.unitadmin
    assert missing.code in alert.title
    assert alert.link == f"/crates/{missing.pk}"

    moved = reconcile(room, body, misplaced.code, "RELOCATE", note="Left on A1 after a return")
    assert moved.status_code == 200, moved.content
    body = moved.json()
    misplaced.refresh_from_db()
    assert misplaced.location == room.a1
    relocate = AuditEvent.objects.get(action="crate.relocate", object_id=str(misplaced.pk))
    assert relocate.changes["location"] == ["GOA1/R09/K01/A2", "GOA1/R09/K01/A1"]
    assert relocate.reason == "Left on A1 after a return"

    body = reconcile(room, body, stray.code, "RELOCATE", note="Shelved in the wrong room").json()
    stray.refresh_from_db()
    assert stray.location == room.a2

    # A missing finding cannot be "relocated"; a reconciled one cannot be reconciled again.
    again = reconcile(room, body, missing.code, "EXPLAIN")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "finding_resolved"
    no_note = reconcile(room, body, result_of(body, missing.code)["code"], "EXPLAIN", note=" ")
    assert no_note.status_code == 400
    assert no_note.json()["error"]["code"] == "note_required"

    signatures = Signature.objects.filter(object_type="inventory_finding", meaning="RECONCILED")
    assert signatures.count() == 3
    assert all(signature_check(s) == "valid" for s in signatures)
    assert body["open_findings"] == 0
    assert {s["meaning"] for s in body["signatures"]} == {"RECONCILED"}

    before = timezone.now()
    closed = close(room, body)
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["status"] == "CLOSED"
    for shelf in (room.a1, room.a2):
        shelf.refresh_from_db()
        assert shelf.last_verified_at is not None
        assert shelf.last_verified_at >= before
    untouched = Location.objects.get(pk=room.plant.shelf.pk)
    assert untouched.last_verified_at is None
    assert not AuditShelf.objects.filter(audit_id=body["id"], holds_shelf=True).exists()
    closing = Signature.objects.get(object_type="inventory_audit", meaning="AUDIT_CLOSED")
    assert signature_check(closing) == "valid"
    assert closing.printed_name == room.plant.storehead.full_name
    assert body["available_actions"] == []


def test_a_missing_crate_cannot_be_withdrawn(room: Room) -> None:
    body, missing, _, _ = _reconciling(room)
    assert reconcile(room, body, missing.code, "MARK_MISSING").status_code == 200
    response = room.client("manager").post(
        "/api/v1/requests/",
        {
            "type": "WITHDRAWAL",
            "crate": missing.pk,
            "purpose": "Investigation",
            "expected_return_on": str(timezone.localdate() + dt.timedelta(days=3)),
            "signature": {"password": TEST_PASSWORD},
        },
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "crate_missing"


def test_an_approved_withdrawal_of_a_crate_marked_missing_since_cannot_be_issued(
    room: Room,
) -> None:
    site = room.plant
    pending = withdrawal(site, crate=room.on_a1[0].pk)  # the crate _reconciling leaves missing
    approved = site.client("approver").post(
        f"/api/v1/requests/{pending['id']}/approve/",
        {"version": pending["version"], "signature": {"password": TEST_PASSWORD}},
        format="json",
    )
    assert approved.status_code == 200, approved.content
    body, missing, _, _ = _reconciling(room)
    assert missing == room.on_a1[0]
    assert reconcile(room, body, missing.code, "MARK_MISSING").status_code == 200
    issue = site.client("storehead").post(
        f"/api/v1/requests/{pending['id']}/issue/",
        {"version": approved.json()["version"], "signature": {"password": TEST_PASSWORD}},
        format="json",
    )
    assert issue.status_code == 409
    assert issue.json()["error"]["code"] == "crate_missing"
    assert Crate.objects.get(pk=missing.pk).status == "MISSING"


def test_a_missing_crate_leaves_open_destruction_batches(room: Room) -> None:
    from strongroom.disposition.models import BatchItem
    from strongroom.disposition.services import CrateSelection, batch_create

    doomed = room.on_a1[0]
    Crate.objects.filter(pk=doomed.pk).update(destroy_after=dt.date(2020, 1, 1))
    doomed.documents.update(retention_until=dt.date(2020, 1, 1))
    batch = batch_create(
        actor=room.plant.manager,
        unit_id=room.plant.goa.pk,
        selection=CrateSelection(crate_ids=[doomed.pk]),
    )
    body, missing, _, _ = _reconciling(room)
    assert missing == doomed
    assert reconcile(room, body, missing.code, "MARK_MISSING").status_code == 200
    item = BatchItem.objects.get(batch=batch, crate=doomed)
    assert (item.state, item.reason_code) == ("DROPPED", "crate_missing")


def test_a_missing_crate_found_by_a_later_audit_is_back_in_storage(room: Room) -> None:
    body, missing, misplaced, stray = _reconciling(room)
    reconcile(room, body, missing.code, "MARK_MISSING")
    later = open_audit(room, room.a2)
    assert scan(room, later, room.a2, missing.code).status_code == 409  # A2 still held
    for code, action in ((misplaced.code, "RELOCATE"), (stray.code, "EXPLAIN")):
        body = reconcile(room, detail(room, body), code, action).json()
    assert close(room, body).status_code == 200
    assert scan(room, later, room.a2, missing.code).json()["result"] == "UNEXPECTED"
    shelf_done(room, later, room.a2)
    body = count_complete(room, later)
    assert result_of(body, missing.code)["recorded_status"] == "MISSING"
    assert reconcile(room, body, missing.code, "RELOCATE").status_code == 200
    missing.refresh_from_db()
    assert (missing.status, missing.location) == ("IN_STORAGE", room.a2)


@pytest.mark.compliance("11.10(b)", "11.50", "A11-8")
def test_the_audit_report_pdf_and_csv(room: Room) -> None:
    body, missing, _misplaced, _stray = _reconciling(room)
    reconcile(room, body, missing.code, "MARK_MISSING", note="Gone")
    pdf = room.client("viewer").get(f"{BASE}{body['id']}/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    csv = room.client("viewer").get(f"{BASE}{body['id']}/report.csv")
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("audit,unit,scope,audit_status,code,result")
    missing_line = next(line for line in lines if missing.code in line)
    assert ",MISSING," in missing_line
    assert "MARKED_MISSING" in missing_line
    assert "Sunil Store, Inventory discrepancy reconciled" in missing_line
    assert "(yes)" in missing_line  # the signature is valid
    assert len(lines) == 1 + 5  # header + 4 expected crates + the stray
    assert AuditEvent.objects.filter(action="report.export", object_id="inventory-audit").exists()


def test_inventory_audits_broadcast_on_their_unit_topic(room: Room) -> None:
    from strongroom.realtime.models import Event

    audit = open_audit(room)
    scan(room, audit, room.a1, room.on_a1[0].code)
    # One test transaction: the opening and the scan coalesce into the audit's one event.
    event = Event.objects.get(topic="inventory", object_id=audit["id"])
    assert event.unit_id == room.plant.goa.pk
    assert event.version == 2
    assert event.data == {"number": audit["number"], "status": "IN_PROGRESS"}


def test_the_audit_row_is_the_one_place_its_status_changes(room: Room) -> None:
    audit = open_audit(room)
    assert InventoryAudit.objects.get(pk=audit["id"]).version == 1
    scan(room, audit, room.a1, room.on_a1[0].code)
    assert InventoryAudit.objects.get(pk=audit["id"]).version == 2
