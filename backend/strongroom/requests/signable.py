"""The canonical content of a request, as its signatures sign it (see compliance.canonical).

A signature binds to *what was asked for*: the request's substance (type, crate, purpose, listed
documents, dates, target). Workflow progress (status, timestamps, version) is not part of it, so
a signature stays valid as the request moves on, and becomes invalid when someone changes what
was signed (for example an edit after a send-back). A destruction also covers the documents it
destroys — those listed on the request, or, for a whole-crate destruction, the crate's documents
— with their number, title, type and retention.
"""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.records.models import Document
from strongroom.requests.models import Request, RequestType


def request_content_legacy(request: Request) -> dict[str, Any]:
    """Scheme 1: the content as signatures made before scheme 2 signed it."""
    return {
        "record": "request",
        "number": request.number,
        "type": request.type,
        "unit": request.unit_id,
        "crate": request.crate.code,
        "requester": request.requester_id,
        "purpose": request.purpose,
        "documents": sorted(request.documents.values_list("number", flat=True)),
        "expected_return_on": request.expected_return_on,
        # Only a transfer asks for a place; storage and returns record where they went.
        "target_location": request.target_location_id if request.type == "TRANSFER" else None,
    }


def _destroyed_documents(request: Request) -> list[list[Any]]:
    listed = request.documents.all()
    documents = listed if listed.exists() else Document.objects.filter(crate=request.crate_id)
    return [
        [d.number, d.title, d.doc_type_id, d.retention_until, d.retain_permanently]
        for d in documents.order_by("number", "pk")
    ]


def request_content(request: Request) -> dict[str, Any]:
    content = request_content_legacy(request)
    if request.type == RequestType.DESTRUCTION:
        content["documents_destroyed"] = _destroyed_documents(request)
    return content


def register() -> None:
    signable(
        "request",
        model=Request,
        content=request_content,
        legacy_content=request_content_legacy,
        link="request",
    )
