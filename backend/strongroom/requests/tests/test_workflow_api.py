"""The request workflow over HTTP: every transition allowed and refused, preconditions,
signatures, versions, scoping and idempotency."""

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from strongroom.accounts.tests.factories import DepartmentFactory
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.notifications.models import Notification
from strongroom.records.models import Crate, Document
from strongroom.requests.models import Request, SendBack
from strongroom.requests.tests.conftest import Plant, act, create, stored_crate, withdrawal

pytestmark = pytest.mark.django_db


def meanings(request_id: int) -> list[str]:
    return list(Signature.objects.filter(request_id=request_id).values_list("meaning", flat=True))


@pytest.mark.compliance("11.10(e)", "11.10(f)", "11.50")
def test_withdrawal_issue_and_return(plant: Plant, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        body = withdrawal(plant)
    assert body["status"] == "SUBMITTED"
    assert body["number"].startswith("REQ-")
    assert {n.recipient for n in Notification.objects.all()} == {plant.approver, plant.approver2}

    with django_capture_on_commit_callbacks(execute=True):
        body = act(plant.client("approver"), body, "approve").json()
    assert body["status"] == "APPROVED"
    assert Notification.objects.filter(recipient=plant.manager, kind="REQUEST_APPROVED").exists()
    assert Notification.objects.filter(recipient=plant.storehead, kind="READY_TO_FULFIL").exists()

    body = act(plant.client("storehead"), body, "issue").json()
    assert body["status"] == "ISSUED"
    crate = Crate.objects.get(pk=plant.crate.pk)
    assert crate.status == "ISSUED"
    assert crate.location is None
    assert crate.last_location == plant.shelf

    body = act(plant.client("storehead2"), body, "receive").json()  # default: its last shelf
    assert body["status"] == "COMPLETED"
    crate.refresh_from_db()
    assert crate.status == "IN_STORAGE"
    assert crate.location == plant.shelf
    assert meanings(body["id"]) == ["SUBMITTED", "APPROVED", "ISSUED", "RECEIVED"]
    actions = set(
        AuditEvent.objects.filter(object_type="request", object_id=str(body["id"])).values_list(
            "action", flat=True
        )
    )
    assert {"request.create", "request.approve", "request.issue", "request.receive"} <= actions
    # One timeline entry per action, its signature folded in.
    timeline = body["timeline"]
    assert [entry["label"] for entry in timeline] == [
        "Submitted for approval",
        "Approved",
        "Issued",
        "Returned to storage",
    ]
    assert [[s["meaning"] for s in entry["signatures"]] for entry in timeline] == [
        ["SUBMITTED"],
        ["APPROVED"],
        ["ISSUED"],
        ["RECEIVED"],
    ]
    shown = body["signatures"][1]
    assert shown["printed_name"] == "Arun Approver"
    assert shown["meaning"] == "APPROVED"
    assert shown["valid"] is True


@pytest.mark.compliance("A11-6")
def test_a_withdrawal_may_list_documents_of_its_crate_only(plant: Plant) -> None:
    own = list(plant.crate.documents.values_list("pk", flat=True))
    body = withdrawal(plant, documents=own[:1])
    assert [d["id"] for d in body["documents"]] == own[:1]
    other = stored_crate(plant.goa, plant.shelf, plant.manager)
    foreign = other.documents.first()
    assert foreign is not None
    response = create(
        plant.client("manager"),
        type="WITHDRAWAL",
        crate=other.pk,
        purpose="x",
        expected_return_on=str(timezone.localdate() + dt.timedelta(days=3)),
        documents=[foreign.pk, *own[:1]],
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "document_not_in_crate"


@pytest.mark.parametrize("days", [0, -1])
@pytest.mark.compliance("A11-6")
def test_the_return_date_must_be_in_the_future(plant: Plant, days: int) -> None:
    response = create(
        plant.client("manager"),
        type="WITHDRAWAL",
        crate=plant.crate.pk,
        purpose="x",
        expected_return_on=str(timezone.localdate() + dt.timedelta(days=days)),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "return_date_invalid"
    assert not Request.objects.exists()


@pytest.mark.compliance("11.10(f)")
def test_one_open_request_per_crate(plant: Plant) -> None:
    withdrawal(plant)
    second = create(
        plant.client("manager"), type="DESTRUCTION", crate=plant.crate.pk, purpose="Retention ended"
    )
    assert second.status_code == 409
    assert Request.objects.count() == 1


@pytest.mark.compliance("11.10(f)")
def test_transitions_out_of_order_are_refused_and_change_nothing(plant: Plant) -> None:
    body = withdrawal(plant)
    for action, client in (
        ("issue", "storehead"),
        ("receive", "storehead"),
        ("allocate", "storehead"),
        ("resubmit", "manager"),
    ):
        response = act(plant.client(client), body, action, shelf=plant.shelf.pk, reason="r")
        assert response.status_code == 409, (action, response.content)
        assert response.json()["error"]["code"] == "invalid_transition"
    approved = act(plant.client("approver"), body, "approve").json()
    again = act(plant.client("approver2"), approved, "approve")
    assert again.status_code == 409
    assert Request.objects.get().status == "APPROVED"
    assert meanings(body["id"]) == ["SUBMITTED", "APPROVED"]


@pytest.mark.compliance("11.10(f)")
def test_a_stale_version_gets_409_and_changes_nothing(plant: Plant) -> None:
    body = withdrawal(plant)
    act(plant.client("approver"), body, "send-back", reason="Purpose unclear")
    stale = act(plant.client("approver2"), body, "approve")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert Request.objects.get().status == "SENT_BACK"


@pytest.mark.compliance("11.10(e)", "11.200(a)", "11.300(d)")
def test_a_wrong_signature_password_changes_nothing_and_is_audited(plant: Plant) -> None:
    body = withdrawal(plant)
    response = act(plant.client("approver"), body, "approve", password="not-my-password")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"
    request = Request.objects.get()
    assert request.status == "SUBMITTED"
    assert request.version == 1
    assert meanings(body["id"]) == ["SUBMITTED"]
    assert AuditEvent.objects.filter(action="signature.failed", actor=plant.approver).exists()
    assert AccessAttempt.objects.filter(username=plant.approver.username).exists()


@pytest.mark.compliance("11.10(g)")
def test_roles_may_only_take_their_own_steps(plant: Plant) -> None:
    body = withdrawal(plant)
    for client in ("viewer", "storehead", "manager", "unitadmin"):
        response = act(plant.client(client), body, "approve")
        assert response.status_code == 403, client
    approved = act(plant.client("approver"), body, "approve").json()
    for client in ("viewer", "approver", "manager"):
        assert act(plant.client(client), approved, "issue").status_code == 403, client


@pytest.mark.compliance("11.10(g)")
def test_a_request_of_another_unit_does_not_exist_for_you(plant: Plant) -> None:
    body = withdrawal(plant)
    assert plant.client("mum_storehead").get(f"/api/v1/requests/{body['id']}/").status_code == 404
    assert act(plant.client("mum_storehead"), body, "issue").status_code == 404
    listed = plant.client("mum_manager").get("/api/v1/requests/").json()["results"]
    assert listed == []


@pytest.mark.compliance("11.10(g)")
def test_nobody_approves_their_own_request(plant: Plant) -> None:
    from django.contrib.auth.models import Group, Permission

    both = Group.objects.create(name="Both (test only)")
    both.permissions.set(
        Permission.objects.filter(codename__in=["add_request", "approve_request", "view_request"])
    )
    plant.manager.role = both
    plant.manager.save()
    body = withdrawal(plant)
    response = act(plant.client("manager"), body, "approve")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "separation_of_duties"


@pytest.mark.compliance("11.10(f)", "11.70", "A11-6", "A11-14")
def test_send_back_edit_and_resubmit(plant: Plant, django_capture_on_commit_callbacks: Any) -> None:
    body = withdrawal(plant)
    missing_reason = act(plant.client("approver"), body, "send-back")
    assert missing_reason.status_code == 400
    assert missing_reason.json()["error"]["code"] == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        body = act(plant.client("approver"), body, "send-back", reason="Which batch?").json()
    assert body["status"] == "SENT_BACK"
    assert body["send_backs"][0]["reason"] == "Which batch?"
    assert Notification.objects.filter(recipient=plant.manager, kind="REQUEST_SENT_BACK").exists()

    not_mine = plant.client("approver").patch(
        f"/api/v1/requests/{body['id']}/",
        {"version": body["version"], "purpose": "x"},
        format="json",
    )
    assert not_mine.status_code == 403
    edited = plant.client("manager").patch(
        f"/api/v1/requests/{body['id']}/",
        {"version": body["version"], "purpose": "Deviation DEV-42, batch B-7"},
        format="json",
    )
    assert edited.status_code == 200, edited.content
    body = edited.json()
    assert body["purpose"] == "Deviation DEV-42, batch B-7"
    body = act(plant.client("manager"), body, "resubmit", reason="Batch added").json()
    assert body["status"] == "SUBMITTED"
    send_back = SendBack.objects.get()
    assert send_back.resolved_by == plant.manager
    assert send_back.response == "Batch added"
    # The first signature was on other content: it now shows as invalid.
    validity = {s["meaning"]: s["valid"] for s in body["signatures"]}
    assert validity["SUBMITTED"] is False
    assert validity["RESUBMITTED"] is True
    assert act(plant.client("approver"), body, "approve").status_code == 200


@pytest.mark.compliance("11.10(f)", "A11-6")
def test_reject_and_cancel(plant: Plant) -> None:
    body = withdrawal(plant)
    assert act(plant.client("approver"), body, "reject").status_code == 400  # reason required
    rejected = act(plant.client("approver"), body, "reject", reason="Not needed").json()
    assert rejected["status"] == "REJECTED"
    assert act(plant.client("manager"), rejected, "cancel", reason="x").status_code == 409

    other = withdrawal(plant)  # the crate is free again
    assert act(plant.client("storehead"), other, "cancel", reason="x").status_code == 403
    cancelled = act(plant.client("manager"), other, "cancel", reason="Raised twice").json()
    assert cancelled["status"] == "CANCELLED"


@pytest.mark.compliance("11.10(f)")
def test_storage_of_a_pending_crate_is_allocated_to_a_shelf_with_room(plant: Plant) -> None:
    from strongroom.records.tests.factories import CrateFactory

    pending = CrateFactory(unit=plant.goa, created_by=plant.manager)
    body = create(
        plant.client("manager"),
        type="STORAGE",
        crate=pending.pk,
        purpose="Archive 2025 batch records",
    ).json()
    body = act(plant.client("approver"), body, "approve").json()
    stored_crate(plant.goa, plant.shelf2, plant.manager)  # shelf2 (capacity 1) is now full
    full = act(plant.client("storehead"), body, "allocate", shelf=plant.shelf2.pk)
    assert full.status_code == 409
    assert full.json()["error"]["code"] == "shelf_full"
    wrong_unit = act(plant.client("storehead"), body, "allocate", shelf=plant.mum_shelf.pk)
    assert wrong_unit.status_code in (400, 404)
    done = act(plant.client("storehead"), body, "allocate", shelf=plant.shelf.pk)
    assert done.status_code == 200, done.content
    pending.refresh_from_db()
    assert pending.status == "IN_STORAGE"
    assert pending.location == plant.shelf
    assert meanings(body["id"])[-1] == "ALLOCATED"


def test_transfer_across_units_moves_the_crate_and_its_documents(plant: Plant) -> None:
    plant.manager.units.add(plant.mum)  # a cross-unit transfer goes to a unit of the requester
    DepartmentFactory(unit=plant.mum, code="QA")
    body = create(
        plant.client("manager"),
        type="TRANSFER",
        crate=plant.crate.pk,
        purpose="Consolidate at MUM1",
        target_location=plant.mum_shelf.pk,
    ).json()
    body = act(plant.client("approver"), body, "approve").json()
    done = act(plant.client("storehead"), body, "transfer")
    assert done.status_code == 200, done.content
    crate = Crate.objects.get(pk=plant.crate.pk)
    assert crate.unit == plant.mum
    assert crate.location == plant.mum_shelf
    assert set(crate.documents.values_list("unit__code", flat=True)) == {"MUM1"}


@pytest.mark.compliance("11.10(f)")
def test_transfer_refused_when_the_target_is_full(plant: Plant) -> None:
    body = create(
        plant.client("manager"),
        type="TRANSFER",
        crate=plant.crate.pk,
        purpose="Move",
        target_location=plant.shelf2.pk,
    ).json()
    body = act(plant.client("approver"), body, "approve").json()
    stored_crate(plant.goa, plant.shelf2, plant.manager)
    response = act(plant.client("storehead"), body, "transfer")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "shelf_full"
    assert Crate.objects.get(pk=plant.crate.pk).location == plant.shelf


def destruction(plant: Plant) -> dict[str, Any]:
    Crate.objects.filter(pk=plant.crate.pk).update(destroy_after=dt.date(2020, 1, 1))
    body = create(
        plant.client("manager"), type="DESTRUCTION", crate=plant.crate.pk, purpose="Retention ended"
    ).json()
    return act(plant.client("approver"), body, "approve").json()


@pytest.mark.compliance("11.10(c)", "11.10(f)", "A11-7.1")
def test_destruction_needs_retention_reached_and_no_hold(plant: Plant) -> None:
    early = create(
        plant.client("manager"), type="DESTRUCTION", crate=plant.crate.pk, purpose="Too early"
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "retention_not_reached"
    Crate.objects.filter(pk=plant.crate.pk).update(
        destroy_after=dt.date(2020, 1, 1),
        legal_hold=True,
        legal_hold_reason="Inquiry",
        legal_hold_by=plant.unitadmin,
        legal_hold_at=timezone.now(),
    )
    held = create(
        plant.client("manager"), type="DESTRUCTION", crate=plant.crate.pk, purpose="On hold"
    )
    assert held.status_code == 409
    assert held.json()["error"]["code"] == "crate_on_hold"


@pytest.mark.compliance("11.10(f)", "11.10(g)", "11.200(a)")
def test_destroy_with_a_witness(plant: Plant) -> None:
    from strongroom.accounts.tests.factories import TEST_PASSWORD

    body = destruction(plant)
    no_witness = act(plant.client("storehead"), body, "destroy")
    assert no_witness.status_code == 403
    assert no_witness.json()["error"]["code"] == "witness_invalid"
    own = act(
        plant.client("storehead"),
        body,
        "destroy",
        witness={"username": "goa1-storehead", "password": TEST_PASSWORD},
    )
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "separation_of_duties"
    not_allowed = act(
        plant.client("storehead"),
        body,
        "destroy",
        witness={"username": "goa1-storehead2", "password": TEST_PASSWORD},
    )
    assert not_allowed.status_code == 403
    wrong = act(
        plant.client("storehead"),
        body,
        "destroy",
        witness={"username": "goa1-approver2", "password": "wrong-password"},
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "witness_signature_invalid"
    assert Crate.objects.get(pk=plant.crate.pk).status == "IN_STORAGE"

    # A hold placed after approval still stops the destruction.
    Crate.objects.filter(pk=plant.crate.pk).update(
        legal_hold=True,
        legal_hold_reason="Late inquiry",
        legal_hold_by=plant.unitadmin,
        legal_hold_at=timezone.now(),
    )
    held = act(
        plant.client("storehead"),
        body,
        "destroy",
        witness={"username": "goa1-approver2", "password": TEST_PASSWORD},
    )
    assert held.status_code == 409
    Crate.objects.filter(pk=plant.crate.pk).update(
        legal_hold=False, legal_hold_reason="", legal_hold_by=None, legal_hold_at=None
    )

    done = act(
        plant.client("storehead"),
        body,
        "destroy",
        reason="Shredded on site",
        witness={"username": "goa1-approver2", "password": TEST_PASSWORD},
    )
    assert done.status_code == 200, done.content
    crate = Crate.objects.get(pk=plant.crate.pk)
    assert crate.status == "DESTROYED"
    assert crate.location is None
    assert set(Document.objects.filter(crate=crate).values_list("status", flat=True)) == {
        "DESTROYED"
    }
    assert meanings(body["id"])[-2:] == ["DESTROYED", "WITNESSED"]
    assert done.json()["witness_name"] == "Anita Approver"


@pytest.mark.compliance("11.10(f)")
def test_idempotency_key_returns_the_first_request(plant: Plant) -> None:
    client = plant.client("manager")
    body = {
        "type": "WITHDRAWAL",
        "crate": plant.crate.pk,
        "purpose": "Audit",
        "expected_return_on": str(timezone.localdate() + dt.timedelta(days=2)),
        "signature": {"password": "correct-horse-battery-staple"},
    }
    first = client.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Request.objects.count() == 1


def test_list_filters(plant: Plant) -> None:
    body = withdrawal(plant)
    approver = plant.client("approver")
    assert [
        r["id"] for r in approver.get("/api/v1/requests/?waiting_for_me=true").json()["results"]
    ] == [body["id"]]
    assert (
        plant.client("storehead").get("/api/v1/requests/?waiting_for_me=true").json()["results"]
        == []
    )
    assert [
        r["id"]
        for r in plant.client("manager").get("/api/v1/requests/?mine=true").json()["results"]
    ] == [body["id"]]
    assert approver.get("/api/v1/requests/?type=TRANSFER").json()["results"] == []
    approved = act(approver, body, "approve").json()
    issued = act(plant.client("storehead"), approved, "issue").json()
    Request.objects.filter(pk=issued["id"]).update(expected_return_on=dt.date(2020, 1, 1))
    overdue = approver.get("/api/v1/requests/?overdue=true").json()["results"]
    assert [(r["id"], r["overdue"]) for r in overdue] == [(body["id"], True)]


def test_a_storage_request_files_a_new_crate_with_its_documents(plant: Plant) -> None:
    from strongroom.records.tests.factories import DocumentTypeFactory

    DocumentTypeFactory(code="BMR", name="Batch Record")
    department = plant.crate.department
    response = create(
        plant.client("manager"),
        type="STORAGE",
        purpose="Archive Q3 batch records",
        department=department.pk,
        description="Q3 batch records",
        new_documents=[
            {
                "number": "BMR-2026-001",
                "title": "Batch 1",
                "doc_type": "BMR",
                "prepared_on": "2026-07-01",
                "retention_until": "2036-12-31",
            },
            {
                "number": "BMR-2026-002",
                "title": "Batch 2",
                "doc_type": "BMR",
                "prepared_on": "2026-07-02",
                "retention_until": "2037-12-31",
            },
        ],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    crate = Crate.objects.get(pk=body["crate"])
    assert crate.status == "PENDING"
    assert crate.destroy_after == dt.date(2037, 12, 31)
    assert sorted(crate.documents.values_list("number", flat=True)) == [
        "BMR-2026-001",
        "BMR-2026-002",
    ]
    body = act(plant.client("approver"), body, "approve").json()
    done = act(plant.client("storehead"), body, "allocate", shelf=plant.shelf.pk)
    assert done.status_code == 200, done.content
    crate.refresh_from_db()
    assert crate.status == "IN_STORAGE"


@pytest.mark.compliance("A11-5")
def test_a_storage_request_with_bad_documents_creates_nothing(plant: Plant) -> None:
    from strongroom.records.tests.factories import DocumentTypeFactory

    DocumentTypeFactory(code="VAL", name="Validation", default_retention_years=None)
    crates_before = Crate.objects.count()
    good = {
        "title": "t",
        "doc_type": "VAL",
        "prepared_on": "2026-07-01",
        "retain_permanently": True,
    }
    response = create(
        plant.client("manager"),
        type="STORAGE",
        purpose="Archive",
        department=plant.crate.department.pk,
        new_documents=[
            {**good, "number": "OK-1"},
            {
                "number": "X-1",
                "title": "t",
                "doc_type": "NOPE",
                "prepared_on": "2026-07-01",
                "retention_until": "2020-01-01",
            },
            # No retention, and Validation has no default: refused on the row's field.
            {"number": "X-2", "title": "t", "doc_type": "VAL", "prepared_on": "2026-07-01"},
        ],
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_documents"
    assert error["message"] == "Document rows 2, 3 are not valid: see the marked fields."
    # Aligned with the rows sent: one item per row, {} for a good one.
    rows = error["details"]["new_documents"]
    assert len(rows) == 3
    assert rows[0] == {}
    assert set(rows[1]) == {"doc_type", "retention_until"}
    assert rows[2] == {
        "retention_until": [
            "Required: Validation has no default retention (give a date or retain permanently)."
        ]
    }
    assert Crate.objects.count() == crates_before
    assert not Request.objects.exists()


def test_a_malformed_document_row_is_refused_in_the_same_per_row_shape(plant: Plant) -> None:
    response = create(
        plant.client("manager"),
        type="STORAGE",
        purpose="Archive",
        department=plant.crate.department.pk,
        new_documents=[
            {"number": "A-1", "title": "t", "doc_type": "BMR", "prepared_on": "2026-07-01"},
            {"number": "A-2", "title": "t", "doc_type": "BMR", "prepared_on": "01/07/2026"},
        ],
    )
    assert response.status_code == 400
    rows = response.json()["error"]["details"]["new_documents"]
    assert rows[0] == {}
    assert list(rows[1]) == ["prepared_on"]


def test_a_storage_row_without_retention_is_stored_with_its_types_default(plant: Plant) -> None:
    from strongroom.records.tests.factories import DocumentTypeFactory

    DocumentTypeFactory(code="LOG", name="Logbook", default_retention_years=7)
    response = create(
        plant.client("manager"),
        type="STORAGE",
        purpose="Archive the line 3 logbooks",
        department=plant.crate.department.pk,
        new_documents=[
            {"number": "LOG-1", "title": "Line 3", "doc_type": "LOG", "prepared_on": "2026-03-02"},
            {
                "number": "LOG-2",
                "title": "Line 4",
                "doc_type": "LOG",
                "prepared_on": "2026-03-02",
                "retention_until": None,
            },
        ],
    )
    assert response.status_code == 201, response.content
    crate = Crate.objects.get(pk=response.json()["crate"])
    assert set(crate.documents.values_list("retention_until", "retain_permanently")) == {
        (dt.date(2033, 3, 2), False)
    }
    assert crate.destroy_after == dt.date(2033, 3, 2)


def test_documents_csv_is_parsed_for_review(plant: Plant) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from strongroom.records.tests.factories import DocumentTypeFactory

    DocumentTypeFactory(code="BMR", name="Batch Record")
    csv_file = SimpleUploadedFile(
        "docs.csv",
        b"number,title,doc_type,department,prepared_on,retention_until\n"
        b"BMR-9,Batch 9,BMR,QA,2026-01-05,2036-01-05\n",
        content_type="text/csv",
    )
    response = plant.client("manager").post(
        "/api/v1/requests/documents-csv/",
        {"file": csv_file, "unit": plant.goa.pk},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert [d["number"] for d in response.json()["documents"]] == ["BMR-9"]


@pytest.mark.compliance("11.10(b)", "A11-8")
def test_the_destruction_certificate_is_served_once_completed(
    plant: Plant, django_capture_on_commit_callbacks: Any
) -> None:
    from strongroom.accounts.tests.factories import TEST_PASSWORD

    body = destruction(plant)
    early = plant.client("viewer").get(f"/api/v1/requests/{body['id']}/certificate.pdf")
    assert early.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        act(
            plant.client("storehead"),
            body,
            "destroy",
            witness={"username": "goa1-approver2", "password": TEST_PASSWORD},
        )
    # The requester is told, with a link to the request whose page offers the certificate.
    (done,) = Notification.objects.filter(kind="CRATE_DESTROYED")
    assert done.recipient == plant.manager
    assert done.link == f"/requests/{body['id']}"
    assert "destruction certificate" in done.title
    response = plant.client("viewer").get(f"/api/v1/requests/{body['id']}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    outsider = plant.client("mum_manager").get(f"/api/v1/requests/{body['id']}/certificate.pdf")
    assert outsider.status_code == 404


def test_resubmitting_resolves_the_send_back_live(plant: Plant) -> None:
    from strongroom.realtime.models import Event

    body = withdrawal(plant)
    body = act(plant.client("approver"), body, "send-back", reason="Which batch?").json()
    send_back_id = body["send_backs"][0]["id"]
    act(plant.client("manager"), body, "resubmit", reason="Batch B-7")
    # (The test runs in one transaction, so the outbox holds one coalesced row per object.)
    latest = Event.objects.filter(topic="sendback", object_id=str(send_back_id)).last()
    assert latest is not None
    assert latest.data["resolved"] is True
