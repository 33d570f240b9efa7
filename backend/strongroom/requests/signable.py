"""The canonical content of a request, as its signatures sign it (see compliance.canonical).

A signature binds to *what was asked for*: the request's substance (type, crate, purpose, listed
documents, dates, target). Workflow progress (status, timestamps, version) is not part of it, so
a signature stays valid as the request moves on, and becomes invalid when someone changes what
was signed (for example an edit after a send-back). A destruction also covers the documents it
destroys — those listed on the request, or, for a whole-crate destruction, the crate's documents
— with their number, title, type and retention. Since scheme 3 a storage request also covers the
document rows of the crate it files (number, title, type, preparation date, retention): what the
approver sees is what they sign, and a correction of a row after a send-back supersedes the
signatures made before it (``request.update`` records the digests before and after).
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


def request_content_scheme_2(request: Request) -> dict[str, Any]:
    """Scheme 2: a destruction also covers the documents it destroys."""
    content = request_content_legacy(request)
    if request.type == RequestType.DESTRUCTION:
        content["documents_destroyed"] = _destroyed_documents(request)
    return content


def _stored_documents(request: Request) -> list[list[Any]]:
    # Not the department nor the unit: a transfer to another unit moves the documents to the
    # department of the same code there, which does not change what was asked to be stored.
    return [
        [d.number, d.title, d.doc_type_id, d.prepared_on, d.retention_until, d.retain_permanently]
        for d in Document.objects.filter(crate=request.crate_id).order_by("number", "pk")
    ]


def request_content(request: Request) -> dict[str, Any]:
    """Scheme 3 (current): a storage request also covers the documents of its crate."""
    content = request_content_scheme_2(request)
    if request.type == RequestType.STORAGE:
        content["documents_stored"] = _stored_documents(request)
    return content


def register() -> None:
    signable(
        "request",
        model=Request,
        content=request_content,
        earlier_contents={1: request_content_legacy, 2: request_content_scheme_2},
        link="request",
        supersede_actions=("request.update",),
    )
