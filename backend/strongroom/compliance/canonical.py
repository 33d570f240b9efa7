"""The canonical content of a signed record, and its SHA-256 digest.

A signature binds to *what was asked for*: the request's substance (type, crate, purpose,
listed documents, dates, target) or the crate's identity and contents. Workflow progress (status,
timestamps, version) is not part of it, so a signature stays valid as the request moves on, and
becomes invalid when someone changes what was signed (for example an edit after a send-back).
"""

import hashlib
from typing import Any

from strongroom.compliance.audit import canonical_json
from strongroom.records.models import Crate
from strongroom.requests.models import Request


def request_content(request: Request) -> dict[str, Any]:
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


def crate_content(crate: Crate) -> dict[str, Any]:
    return {
        "record": "crate",
        "code": crate.code,
        "unit": crate.unit_id,
        "department": crate.department_id,
        "description": crate.description,
        "destroy_after": crate.destroy_after,
        "retain_permanently": crate.retain_permanently,
        "documents": [
            [d.number, d.title, d.doc_type_id, d.retention_until, d.retain_permanently]
            for d in crate.documents.order_by("number")
        ],
    }


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def record_digest(*, request: Request | None = None, crate: Crate | None = None) -> str:
    if request is not None:
        return digest(request_content(request))
    if crate is not None:
        return digest(crate_content(crate))
    raise ValueError("A signature signs a request or a crate.")
