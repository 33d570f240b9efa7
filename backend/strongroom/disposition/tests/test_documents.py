"""The pick-list (shelf order) and the completed batch's certificate: every crate and document
with what became of it, every signature with its manifestation and validity."""

from typing import Any

import pytest

from strongroom.compliance.canonical import content_digest
from strongroom.compliance.models import Signature
from strongroom.disposition.models import DestructionBatch
from strongroom.disposition.tests.conftest import (
    BASE,
    Yard,
    act,
    approved_batch,
    create_batch,
    destroy,
    not_found,
)
from strongroom.records.models import Document
from strongroom.records.tests.pdf_inspect import pdf_text

pytestmark = pytest.mark.django_db


def _pdf(yard: Yard, batch_id: int, name: str, client: str = "viewer") -> Any:
    return yard.client(client).get(f"{BASE}{batch_id}/{name}.pdf", HTTP_ACCEPT="application/pdf")


def test_the_pick_list_runs_by_room_rack_shelf_and_code(yard: Yard) -> None:
    body = approved_batch(yard)
    response = _pdf(yard, body["id"], "pick-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    positions = [text.index(crate.code) for crate in yard.crates]
    assert positions == sorted(positions)
    assert "Pick-list" in text
    assert body["number"] in text


@pytest.mark.compliance("11.10(b)", "11.50", "11.70", "A11-8", "A11-14")
def test_the_certificate_lists_every_crate_document_and_signature(yard: Yard) -> None:
    first, second, third = yard.crates
    Document.objects.filter(crate=first).update(title="Batch record syrup & co")
    body = approved_batch(yard)
    body = destroy(yard, body, first).json()
    body = not_found(yard, body, second, "Not on shelf S8").json()
    body = destroy(yard, body, third).json()
    assert _pdf(yard, body["id"], "certificate").json()["error"]["code"] == "no_certificate"
    body = act(yard.client("storehead"), body, "complete").json()

    response = _pdf(yard, body["id"], "certificate")
    assert response.status_code == 200
    text = pdf_text(response.content)
    squeezed = text.replace(" ", "")
    assert "Certificate of destruction" in text
    assert body["number"] in text
    assert "DRAFT" not in text
    for crate in yard.crates:
        assert crate.code in text
        for document in Document.objects.filter(crate=crate):
            assert document.number in text
    assert "Batchrecordsyrup&amp;co" in squeezed or "Batchrecordsyrup&co" in squeezed
    assert "Not on shelf S8" in text
    assert "Not found" in text
    signatures = Signature.objects.filter(object_type__in=["destruction_batch", "batch_item"])
    assert signatures.count() == 7
    for signature in signatures:
        assert signature.printed_name.replace(" ", "") in squeezed
        assert signature.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text
    for meaning in ("Submitted", "Destruction batch approved", "Destroyed", "Witnessed",
                    "Destruction batch completed"):  # fmt: skip
        assert meaning.replace(" ", "") in squeezed
    assert "record changed" not in text  # every signature valid
    assert content_digest(DestructionBatch.objects.get(pk=body["id"])) in text


def test_a_certificate_shows_an_invalid_signature_as_such(yard: Yard) -> None:
    body = approved_batch(yard, yard.crates[:1])
    body = destroy(yard, body, yard.crates[0]).json()
    body = act(yard.client("storehead"), body, "complete").json()
    Document.objects.filter(crate=yard.crates[0]).update(title="Changed behind the trail")
    text = pdf_text(_pdf(yard, body["id"], "certificate").content)
    assert "record changed" in text


def test_a_draft_batch_has_a_pick_list_but_no_certificate(yard: Yard) -> None:
    body = create_batch(yard)
    assert _pdf(yard, body["id"], "pick-list").status_code == 200
    assert _pdf(yard, body["id"], "certificate").status_code == 404
    assert _pdf(yard, body["id"], "pick-list", client="mum_manager").status_code == 404
