"""The destruction certificate: crate, documents, every signature and the record digest."""

from typing import Any

import pytest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.canonical import record_digest
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signature_record
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, DocumentFactory
from strongroom.records.tests.pdf_inspect import pdf_pages, pdf_text
from strongroom.requests.certificate import destruction_certificate_pdf
from strongroom.requests.models import RequestStatus, RequestType
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def destruction(roles_synced: None, units: Any) -> Any:
    goa = units[0]
    requester = UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[goa], full_name="Asha Rao")
    approver = UserFactory(role_name=roles.APPROVER, units=[goa], full_name="Ben (QA) <Lead>")
    store_head = UserFactory(role_name=roles.STORE_HEAD, units=[goa], full_name="Chitra Nair")
    witness = UserFactory(role_name=roles.UNIT_ADMIN, units=[goa], full_name="Dev Patel")
    crate = CrateFactory(unit=goa, created_by=requester, description="QA batch records 2010")
    DocumentFactory(crate=crate, number="BMR-2010-001", title="Batch record tablets")
    DocumentFactory(crate=crate, number="BMR-2010-002", title="Batch record syrup & co")
    request = RequestFactory(
        crate=crate,
        requester=requester,
        type=RequestType.DESTRUCTION,
        purpose="Retention ended",
    )
    signatures = [
        signature_record(signer=requester, meaning=SignatureMeaning.SUBMITTED, request=request),
        signature_record(signer=approver, meaning=SignatureMeaning.APPROVED, request=request),
        signature_record(signer=store_head, meaning=SignatureMeaning.DESTROYED, request=request),
        signature_record(signer=witness, meaning=SignatureMeaning.WITNESSED, request=request),
    ]
    now = timezone.now()
    Crate.objects.filter(pk=crate.pk).update(status=Crate.Status.DESTROYED, destroyed_at=now)
    crate.documents.update(status="DESTROYED")
    type(request).objects.filter(pk=request.pk).update(
        status=RequestStatus.COMPLETED, witness=witness, completed_at=now
    )
    request.refresh_from_db()
    return request, signatures


@pytest.mark.compliance("11.10(b)", "11.50", "11.70", "A11-8", "A11-14")
def test_certificate_lists_crate_documents_signatures_and_digest(destruction: Any) -> None:
    request, signatures = destruction
    data = destruction_certificate_pdf(request)
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) >= 1
    text = pdf_text(data)
    assert "Certificate of destruction" in text
    assert request.number in text
    assert request.crate.code in text
    assert "QA batch records 2010" in text
    assert "BMR-2010-001" in text
    assert "BMR-2010-002" in text
    assert "Batch record syrup & co".replace(" ", "") in text.replace(" ", "")
    squeezed = text.replace(" ", "")  # markup entities may split a string into fragments
    for signature in signatures:
        assert signature.printed_name.replace(" ", "") in squeezed
        assert signature.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text
    for meaning in ("Submitted", "Approved", "Destroyed", "Witnessed"):
        assert meaning in text
    assert record_digest(request=request) in text
    assert "DRAFT" not in text


@pytest.mark.compliance("A11-8")
def test_an_unfinished_request_is_marked_as_a_draft(destruction: Any) -> None:
    request, _ = destruction
    request.status = RequestStatus.APPROVED
    text = pdf_text(destruction_certificate_pdf(request))
    assert "DRAFT" in text


@pytest.mark.compliance("11.10(b)", "A11-8")
def test_many_documents_flow_onto_more_pages(destruction: Any) -> None:
    request, _ = destruction
    for n in range(120):
        DocumentFactory(crate=request.crate, number=f"LOG-{n:04d}")
    data = destruction_certificate_pdf(request)
    assert pdf_pages(data) >= 3
    assert "LOG-0119" in pdf_text(data)
