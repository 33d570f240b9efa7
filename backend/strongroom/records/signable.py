"""The canonical content of a crate, as its signatures (legal holds) sign it: its identity,
retention and the documents in it (see compliance.canonical)."""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.records.models import Crate


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


def register() -> None:
    # The content has not changed since scheme 1: both schemes use it.
    signable("crate", model=Crate, content=crate_content, link="crate")
