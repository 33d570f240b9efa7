"""The canonical content of a destruction batch and of one of its crates, as their signatures
sign them (see compliance.canonical).

A batch's signatures (submitted, approved, sent back, cancelled, completed) bind to *what is to
be destroyed*: the batch number, unit, preparer and note, and every crate it lists with its
documents (number, title, type). Workflow progress — the batch's status, an item's state, a
document's status — is not part of it, so the approval stays valid as crates are destroyed or
dropped. Items are added and removed only in DRAFT, by audited edits that record the content
digests before and after (``batch.items_add`` / ``batch.items_remove``), so a signature made
before such an edit reads as superseded, not invalid.

A batch item's signatures (the Store Head's ``DESTROYED`` and the witness's ``WITNESSED``) bind
to that crate of that batch and the documents destroyed with it.
"""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.records.models import Crate, Document


def _documents(crate_id: int) -> list[list[Any]]:
    return [
        [d.number, d.title, d.doc_type_id]
        for d in Document.objects.filter(crate_id=crate_id).order_by("number", "pk")
    ]


def batch_content(batch: DestructionBatch) -> dict[str, Any]:
    crates = Crate.objects.filter(batch_items__batch=batch).order_by("code")
    return {
        "record": "destruction_batch",
        "number": batch.number,
        "unit": batch.unit_id,
        "prepared_by": batch.prepared_by_id,
        "note": batch.note,
        "crates": [[crate.code, _documents(crate.pk)] for crate in crates],
    }


def batch_item_content(item: BatchItem) -> dict[str, Any]:
    return {
        "record": "batch_item",
        "batch": item.batch.number,
        "crate": item.crate.code,
        "documents": _documents(item.crate_id),
    }


def register() -> None:
    signable(
        "destruction_batch",
        model=DestructionBatch,
        content=batch_content,
        supersede_actions=("batch.items_add", "batch.items_remove"),
    )
    signable("batch_item", model=BatchItem, content=batch_item_content)
