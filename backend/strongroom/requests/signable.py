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

Since scheme 4 neither covers the documents' retention (``retention_until``,
``retain_permanently``): the retention schedule governs it and changes it after the request is
signed (a rule approved, an event date recorded), each change signed by the rule's approver and
traced in the retention history. The earlier schemes' content functions take ``as_of``, the
signing time, and read the retention of that time back from the history, so their signatures
stay valid through the schedule's changes and still show a change made outside it.
"""

import datetime as dt
from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.records.models import Document
from strongroom.records.retention_history import Retention, documents_retention_as_of
from strongroom.requests.models import Request, RequestType


def request_content_legacy(request: Request, *, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """Scheme 1: the content as signatures made before scheme 2 signed it (no retention:
    ``as_of`` changes nothing)."""
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


def _retention(documents: list[Document], as_of: dt.datetime | None) -> dict[int, Retention]:
    """Each document's retention now, or, given ``as_of`` (a signature's signing time), as it
    was then: the schedule's changes since are read back from the retention history."""
    current = {d.pk: (d.retention_until, d.retain_permanently) for d in documents}
    if as_of is not None and current:
        return documents_retention_as_of(current=current, as_of=as_of)
    return current


def _destroyed(request: Request) -> list[Document]:
    listed = request.documents.all()
    documents = listed if listed.exists() else Document.objects.filter(crate=request.crate_id)
    return list(documents.order_by("number", "pk"))


def _destroyed_documents(request: Request, as_of: dt.datetime | None) -> list[list[Any]]:
    documents = _destroyed(request)
    retention = _retention(documents, as_of)
    return [[d.number, d.title, d.doc_type_id, *retention[d.pk]] for d in documents]


def request_content_scheme_2(
    request: Request, *, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    """Scheme 2: a destruction also covers the documents it destroys, with their retention as
    of ``as_of`` (the signing time, when a signature is checked)."""
    content = request_content_legacy(request)
    if request.type == RequestType.DESTRUCTION:
        content["documents_destroyed"] = _destroyed_documents(request, as_of)
    return content


def _stored(request: Request) -> list[Document]:
    # Not the department nor the unit: a transfer to another unit moves the documents to the
    # department of the same code there, which does not change what was asked to be stored.
    return list(Document.objects.filter(crate=request.crate_id).order_by("number", "pk"))


def request_content_scheme_3(
    request: Request, *, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    """Scheme 3: a storage request also covers the documents of its crate, with their
    retention as of ``as_of``."""
    content = request_content_scheme_2(request, as_of=as_of)
    if request.type == RequestType.STORAGE:
        documents = _stored(request)
        retention = _retention(documents, as_of)
        content["documents_stored"] = [
            [d.number, d.title, d.doc_type_id, d.prepared_on, *retention[d.pk]] for d in documents
        ]
    return content


def request_content(request: Request) -> dict[str, Any]:
    """Scheme 4 (current): as scheme 3 without the documents' retention, which the retention
    schedule governs (its changes are signed by the rule approval and traced in the retention
    history): a destruction covers the number, title and type of the documents it destroys, a
    storage request those and the preparation date of its crate's documents."""
    content = request_content_legacy(request)
    if request.type == RequestType.DESTRUCTION:
        content["documents_destroyed"] = [
            [d.number, d.title, d.doc_type_id] for d in _destroyed(request)
        ]
    if request.type == RequestType.STORAGE:
        content["documents_stored"] = [
            [d.number, d.title, d.doc_type_id, d.prepared_on] for d in _stored(request)
        ]
    return content


def register() -> None:
    signable(
        "request",
        model=Request,
        content=request_content,
        earlier_contents={
            1: request_content_legacy,
            2: request_content_scheme_2,
            3: request_content_scheme_3,
        },
        link="request",
        supersede_actions=("request.update",),
    )
