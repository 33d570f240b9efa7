"""Correcting a sent-back STORAGE request: its crate's document rows are edited with the rules of
their creation, every refusal names its row and field and changes nothing, the edit is audited
with old and new values, and the signatures of the earlier version read as superseded — unless
the content changed outside the audited edit."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import binding_digest, content_digest
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_check, signature_check_detail
from strongroom.records.models import Attachment, Crate, Document
from strongroom.records.tests.factories import DocumentFactory, DocumentTypeFactory
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, create, withdrawal

pytestmark = pytest.mark.django_db


def _row(number: str, **fields: Any) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Batch {number}",
        "doc_type": "BMR",
        "prepared_on": "2026-07-01",
        "retention_until": "2036-12-31",
        **fields,
    }


def _sent_back_storage(plant: Plant) -> dict[str, Any]:
    DocumentTypeFactory(code="BMR", name="Batch Record")
    DocumentTypeFactory(code="SOP", name="SOP")
    response = create(
        plant.client("manager"),
        type="STORAGE",
        purpose="Archive Q3 batch records",
        department=plant.crate.department.pk,
        new_documents=[_row("BMR-1", title="Batch recrod 1"), _row("BMR-2")],
    )
    assert response.status_code == 201, response.content
    body = act(plant.client("approver"), response.json(), "send-back", reason="Title of BMR-1")
    assert body.status_code == 200, body.content
    return body.json()


def _rows_of(crate_id: int) -> list[tuple[Any, ...]]:
    return list(
        Document.objects.filter(crate=crate_id)
        .order_by("number")
        .values_list("number", "title", "doc_type__code", "retention_until")
    )


def _edit(plant: Plant, body: dict[str, Any], **fields: Any) -> Any:
    return plant.client("manager").patch(
        f"/api/v1/requests/{body['id']}/", {"version": body["version"], **fields}, format="json"
    )


@pytest.mark.compliance("11.10(e)", "11.70", "A11-9", "A11-14")
def test_a_sent_back_storage_request_corrects_its_rows_and_supersedes_earlier_signatures(
    plant: Plant,
) -> None:
    body = _sent_back_storage(plant)
    crate = Crate.objects.get(pk=body["crate"])
    first, second = Document.objects.filter(crate=crate).order_by("number")
    edited = _edit(
        plant,
        body,
        new_documents=[
            {**_row("BMR-1"), "id": first.pk, "title": "Batch record 1"},
            _row("BMR-3", doc_type="SOP", retention_until="2040-06-30"),
        ],
    )
    assert edited.status_code == 200, edited.content
    after = edited.json()
    assert after["version"] == body["version"] + 1
    assert _rows_of(crate.pk) == [
        ("BMR-1", "Batch record 1", "BMR", dt.date(2036, 12, 31)),
        ("BMR-3", "Batch BMR-3", "SOP", dt.date(2040, 6, 30)),
    ]
    assert Document.objects.get(pk=first.pk).title == "Batch record 1"  # the same document
    assert not Document.objects.filter(pk=second.pk).exists()
    crate.refresh_from_db()
    assert crate.destroy_after == dt.date(2040, 6, 30)

    event = AuditEvent.objects.filter(action="request.update", object_id=str(body["id"])).get()
    changes = event.changes
    assert changes["documents.BMR-1.title"] == ["Batch recrod 1", "Batch record 1"]
    assert changes["documents.BMR-2"][0]["title"] == "Batch BMR-2"
    assert changes["documents.BMR-2"][1] is None
    assert changes["documents.BMR-3"] == [
        None,
        {
            "number": "BMR-3",
            "title": "Batch BMR-3",
            "doc_type": "SOP",
            "department": plant.crate.department.code,
            "prepared_on": "2026-07-01",
            "retention_until": "2040-06-30",
            "retain_permanently": False,
        },
    ]
    assert changes["version"] == [body["version"], body["version"] + 1]
    old_digests, new_digests = changes["content_digest"]
    assert set(old_digests) == {"1", "2", "3", "4"}
    assert old_digests["3"] != new_digests["3"]
    assert old_digests["4"] != new_digests["4"]
    crate_event = AuditEvent.objects.filter(action="crate.update", object_id=str(crate.pk)).get()
    assert crate_event.changes["documents.BMR-1.title"] == ["Batch recrod 1", "Batch record 1"]
    assert crate_event.changes["destroy_after"] == ["2036-12-31", "2040-06-30"]

    # Resubmitted unchanged from here: the two signatures of the first version are superseded
    # by the edit's version, the resubmission's is valid.
    done = act(plant.client("manager"), after, "resubmit", reason="Title corrected").json()
    statuses = {
        s["meaning"]: (s["status"], s["superseded_by_version"], s["valid"], s["status_display"])
        for s in done["signatures"]
    }
    superseded = after["version"]
    assert statuses == {
        "SUBMITTED": ("superseded", superseded, False, f"Superseded by version {superseded}"),
        "SENT_BACK": ("superseded", superseded, False, f"Superseded by version {superseded}"),
        "RESUBMITTED": ("valid", None, True, "Valid"),
    }
    # The approver signs the rows they see: a scheme-4 signature covers them (not their
    # retention, which the schedule governs).
    assert Signature.objects.get(meaning="RESUBMITTED").scheme == 4


@pytest.mark.compliance("11.70", "A11-14")
def test_a_row_changed_outside_the_audited_edit_leaves_the_signatures_invalid(
    plant: Plant,
) -> None:
    body = _sent_back_storage(plant)
    Document.objects.filter(crate=body["crate"], number="BMR-1").update(title="Batch record 1")
    request = Request.objects.get(pk=body["id"])
    checks = [signature_check_detail(s) for s in request.signatures.all()]
    assert checks == [("record_changed", None), ("record_changed", None)]
    detail = plant.client("manager").get(f"/api/v1/requests/{body['id']}/").json()
    assert {s["status"] for s in detail["signatures"]} == {"record_changed"}
    assert {s["status_display"] for s in detail["signatures"]} == {
        "Invalid — record changed outside an audited edit"
    }


@pytest.mark.compliance("11.70", "A11-14")
def test_an_edit_of_another_record_does_not_supersede(plant: Plant) -> None:
    """The audited edit must be of the signed record, with the signed content as its "before"."""
    body = _sent_back_storage(plant)
    signature = Request.objects.get(pk=body["id"]).signatures.get(meaning="SUBMITTED")
    Document.objects.filter(crate=body["crate"], number="BMR-1").update(title="Batch record 1")
    audit_event_record(  # someone records a made-up edit of another request with this digest
        action="request.update",
        actor=plant.manager,
        object_type="request",
        object_id=plant.crate.pk + 1000,
        changes={
            "content_digest": [{"4": signature.content_digest}, {"4": "0" * 64}],
            "version": [1, 9],
        },
    )
    assert signature_check(signature) == "record_changed"


@pytest.mark.compliance("A11-5", "11.10(e)")
def test_bad_rows_are_refused_per_row_and_field_and_change_nothing(plant: Plant) -> None:
    body = _sent_back_storage(plant)
    crate_id = body["crate"]
    first, second = Document.objects.filter(crate=crate_id).order_by("number")
    DocumentFactory(crate=plant.crate, number="TAKEN-1")
    foreign = plant.crate.documents.first()
    assert foreign is not None
    rows_before = _rows_of(crate_id)
    events_before = AuditEvent.objects.count()

    refused = _edit(
        plant,
        body,
        purpose="Changed purpose",
        new_documents=[
            {**_row("BMR-1"), "id": first.pk},
            {**_row("BMR-2", doc_type="NOPE"), "id": second.pk},
            _row("TAKEN-1"),
            {**_row("BMR-9"), "id": foreign.pk},
            _row("BMR-1"),
            _row("BMR-8", retention_until="2020-01-01"),
        ],
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_documents"
    assert error["message"] == "Document rows 2, 3, 4, 5, 6 are not valid: see the marked fields."
    assert error["details"] == {
        "new_documents": [
            {},
            {"doc_type": ["Unknown document type 'NOPE'."]},
            {"number": [f"TAKEN-1 already exists in {plant.goa.code}."]},
            {"id": [f"Not a document of crate {body['crate_code']}."]},
            {"number": ["Repeats row 1."]},
            {"retention_until": ["Must not be before the preparation date."]},
        ]
    }
    # The input's own shape is checked the same way: a list aligned with the rows.
    missing = _edit(
        plant,
        body,
        new_documents=[{**_row("BMR-1"), "id": first.pk}, {"number": "BMR-2", "title": " "}],
    )
    assert missing.status_code == 400
    rows = missing.json()["error"]["details"]["new_documents"]
    assert rows[0] == {}
    assert set(rows[1]) == {"title", "doc_type", "prepared_on"}
    # At least one row remains.
    empty = _edit(plant, body, new_documents=[])
    assert (empty.status_code, empty.json()["error"]["code"]) == (400, "invalid_documents")
    assert empty.json()["error"]["details"] == {
        "new_documents": {"non_field_errors": ["At least one document."]}
    }

    request = Request.objects.get(pk=body["id"])
    assert (request.version, request.purpose) == (body["version"], "Archive Q3 batch records")
    assert _rows_of(crate_id) == rows_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.compliance("11.10(e)")
def test_a_refusal_after_some_rows_were_written_rolls_everything_back(plant: Plant) -> None:
    """A document with scans is not removed: the refusal comes after the other rows were
    checked, and neither they nor the purpose change."""
    body = _sent_back_storage(plant)
    first, second = Document.objects.filter(crate=body["crate"]).order_by("number")
    Attachment.objects.create(
        document=second,
        file="attachments/aa/scan.pdf",
        original_name="scan.pdf",
        extension=".pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
        uploaded_by=plant.manager,
    )
    rows_before = _rows_of(body["crate"])
    refused = _edit(
        plant,
        body,
        purpose="Changed purpose",
        new_documents=[{**_row("BMR-1", title="Batch record 1"), "id": first.pk}],
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "document_has_attachments"
    assert _rows_of(body["crate"]) == rows_before
    request = Request.objects.get(pk=body["id"])
    assert (request.version, request.purpose) == (body["version"], "Archive Q3 batch records")
    assert not AuditEvent.objects.filter(action__in=["request.update", "crate.update"]).exists()


def test_two_rows_may_exchange_their_numbers(plant: Plant) -> None:
    body = _sent_back_storage(plant)
    first, second = Document.objects.filter(crate=body["crate"]).order_by("number")
    edited = _edit(
        plant,
        body,
        new_documents=[
            {**_row("BMR-2", title="Batch recrod 1"), "id": first.pk},
            {**_row("BMR-1", title="Batch BMR-2"), "id": second.pk},
        ],
    )
    assert edited.status_code == 200, edited.content
    assert Document.objects.get(pk=first.pk).number == "BMR-2"
    assert Document.objects.get(pk=second.pk).number == "BMR-1"
    changes = AuditEvent.objects.get(action="request.update").changes
    assert changes["documents.BMR-1.number"] == ["BMR-1", "BMR-2"]
    assert changes["documents.BMR-2.number"] == ["BMR-2", "BMR-1"]


def test_rows_are_corrected_only_on_a_storage_request_and_with_the_version_read(
    plant: Plant,
) -> None:
    body = withdrawal(plant)
    body = act(plant.client("approver"), body, "send-back", reason="Which batch?").json()
    refused = _edit(plant, body, new_documents=[_row("BMR-1")])
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"new_documents": ["Only for a storage request."]}
    storage = _sent_back_storage(plant)
    first = Document.objects.filter(crate=storage["crate"]).order_by("number").first()
    assert first is not None
    stale = _edit(
        plant,
        {**storage, "version": storage["version"] - 1},
        new_documents=[{**_row("BMR-1"), "id": first.pk}],
    )
    assert stale.status_code == 409


@pytest.mark.compliance("11.70", "A11-14")
def test_scheme_2_signatures_stay_valid_and_are_superseded_by_an_audited_edit(
    plant: Plant,
) -> None:
    """A signature made before scheme 3 (its content without the storage rows) still verifies,
    and an audited edit of what it signed supersedes it."""
    body = _sent_back_storage(plant)
    request = Request.objects.get(pk=body["id"])
    signed_at = timezone.now()
    content = content_digest(request, scheme=2)
    old = Signature.objects.create(
        signer=plant.approver,
        printed_name=plant.approver.full_name,
        meaning="APPROVED",
        signed_at=signed_at,
        request=request,
        object_type="request",
        object_id=str(request.pk),
        unit=request.unit,
        scheme=2,
        content_digest=content,
        record_digest=binding_digest(
            signer_id=plant.approver.pk,
            meaning="APPROVED",
            signed_at=signed_at,
            object_type="request",
            object_id=str(request.pk),
            content_digest=content,
            scheme=2,
        ),
    )
    audit_event_record(
        action="signature.sign",
        actor=plant.approver,
        object_type="request",
        object_id=request.pk,
        unit=request.unit,
        changes={
            "meaning": [None, "APPROVED"],
            "signature": [None, old.pk],
            "digest": [None, old.record_digest],
            "scheme": [None, 2],
        },
    )
    assert signature_check(old) == "valid"
    first = Document.objects.filter(crate=request.crate_id).order_by("number").first()
    assert first is not None
    # Scheme 2 did not sign the rows: a row correction leaves it valid ...
    body = _edit(
        plant, body, new_documents=[{**_row("BMR-1"), "id": first.pk}, _row("BMR-2")]
    ).json()
    assert signature_check(old) == "valid"
    # ... a correction of what it signed supersedes it.
    body = _edit(plant, body, purpose="Archive Q3 batch records of line 2").json()
    old = Signature.objects.get(pk=old.pk)  # as a page reads it, with the request now
    assert signature_check_detail(old) == ("superseded", body["version"])


def test_the_request_page_reads_the_edit_events_once(
    plant: Plant, django_assert_max_num_queries: Any
) -> None:
    body = _sent_back_storage(plant)
    first = Document.objects.filter(crate=body["crate"]).order_by("number").first()
    assert first is not None
    for title in ("Batch record 1", "Batch record one"):
        body = _edit(
            plant, body, new_documents=[{**_row("BMR-1", title=title), "id": first.pk}]
        ).json()
    body = act(plant.client("manager"), body, "resubmit", reason="Corrected").json()
    body = act(plant.client("approver"), body, "send-back", reason="Again").json()
    client = plant.client("manager")
    url = f"/api/v1/requests/{body['id']}/"
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(40) as captured:
        detail = client.get(url).json()
    edits = [q for q in captured.captured_queries if "request.update" in q["sql"]]
    assert len(edits) == 1
    assert [s["status"] for s in detail["signatures"]] == [
        "superseded",
        "superseded",
        "valid",
        "valid",
    ]


def test_the_timeline_tells_a_row_correction_in_words(plant: Plant) -> None:
    """The correction's entry lists each row change in words (no digests or ids), and the
    signatures of the first version read "Superseded by version N"."""
    body = _sent_back_storage(plant)
    first = Document.objects.filter(crate=body["crate"]).order_by("number").first()
    assert first is not None
    edited = _edit(
        plant,
        body,
        new_documents=[{**_row("BMR-1"), "id": first.pk, "title": "Batch record 1"}, _row("BMR-3")],
    )
    assert edited.status_code == 200, edited.content
    resubmitted = act(plant.client("manager"), edited.json(), "resubmit", reason="Title fixed")
    assert resubmitted.status_code == 200, resubmitted.content

    timeline = plant.client("approver").get(f"/api/v1/requests/{body['id']}/").json()["timeline"]
    corrected = next(e for e in timeline if e["label"] == "Corrected and resubmitted")
    changes = {c["label"]: (c["old"], c["new"]) for c in corrected["changes"]}
    assert changes["Documents / BMR-1 / Title"] == ("Batch recrod 1", "Batch record 1")
    assert changes["Documents / BMR-2"][1] == "—"
    assert changes["Documents / BMR-2"][0].startswith("Number: BMR-2; Title: Batch BMR-2;")
    assert changes["Documents / BMR-3"][0] == "—"
    assert "Retain until: 31 Dec 2036" in changes["Documents / BMR-3"][1]
    assert not any("digest" in c["field"] or c["field"] == "version" for c in corrected["changes"])
    version = edited.json()["version"]
    submitted = timeline[0]["signatures"][0]
    assert (submitted["status"], submitted["status_label"]) == (
        "superseded",
        f"Superseded by version {version}",
    )
