"""The batch's printed documents (PDF): the pick-list the Store Head pulls crates by (ordered by
room, rack, shelf, then crate code) and the certificate of a completed batch (every crate and
its documents with what became of them, and every signature with its manifestation and
validity). Built with the certificate blocks of :mod:`strongroom.compliance.certificates`."""

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from strongroom.compliance.canonical import content_digest
from strongroom.compliance.certificates import (
    MONO,
    SMALL,
    STYLES,
    facts_table,
    pdf_build,
    rows_table,
    signatures_section,
    text,
    utc,
)
from strongroom.compliance.models import Signature
from strongroom.compliance.signing import SignatureCheckCache
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.selectors import batch_items, batch_signatures
from strongroom.records.models import Document
from strongroom.requests.certificate import document_retention

LEVELS = ("room", "rack", "shelf")


def _person(user: object) -> str:
    if user is None:
        return "—"
    return getattr(user, "full_name", "") or getattr(user, "username", "")


def _heading(batch: DestructionBatch, title: str) -> list[Flowable]:
    return [
        Paragraph(title, STYLES["Title"]),
        Paragraph(
            text(f"Destruction batch {batch.number} · {batch.unit.code} · {batch.unit.name}"),
            STYLES["Heading3"],
        ),
    ]


def batch_pick_list_pdf(batch: DestructionBatch) -> bytes:
    """The crates still to pull, and those already handled, in shelf order."""
    items = list(batch_items(batch))
    story = _heading(batch, "Pick-list")
    story += [
        facts_table(
            [
                ("Status", batch.get_status_display()),
                ("Approved by", _person(batch.approved_by)),
                ("Approved at", utc(batch.approved_at)),
                ("Crates", len(items)),
                ("Printed at", utc(timezone.now())),
            ]
        ),
        Spacer(1, 5 * mm),
    ]
    rows: list[list[object]] = [["#", "Room", "Rack", "Shelf", "Crate", "Docs", "State", "Done"]]
    for n, item in enumerate(items, start=1):
        room, rack, shelf = (getattr(item, f"{level}_code", None) or "—" for level in LEVELS)
        rows.append(
            [
                n,
                room,
                rack,
                shelf,
                item.crate.code,
                getattr(item, "document_count", item.crate.documents.count()),
                item.get_state_display(),
                "[   ]" if item.state == BatchItem.State.PENDING else "done",
            ]
        )
    story.append(
        rows_table(rows, [8 * mm, 16 * mm, 16 * mm, 16 * mm, None, 12 * mm, 22 * mm, 12 * mm])
    )
    return pdf_build(story, title=f"Pick-list {batch.number}", footer=f"{batch.number} pick-list")


def batch_certificate_pdf(batch: DestructionBatch) -> bytes:
    """One certificate for the batch: every crate with its documents, state and reason, every
    signature (the batch's and each crate's) with its validity, and the batch's content digest."""
    items = list(batch_items(batch))
    signatures: list[Signature] = list(batch_signatures(batch))
    checks = SignatureCheckCache()
    by_item = {str(item.pk): item for item in items}
    documents: dict[int, list[Document]] = {}
    for document in (
        Document.objects.filter(crate_id__in=[i.crate_id for i in items])
        .select_related("doc_type")
        .order_by("number")
    ):
        documents.setdefault(document.crate_id, []).append(document)

    story = _heading(batch, "Certificate of destruction")
    if batch.status != DestructionBatch.Status.COMPLETED:
        story.append(
            Paragraph(
                text(f"DRAFT — the batch is {batch.get_status_display()}, not completed."),
                STYLES["Heading2"],
            )
        )
    counts = dict.fromkeys(BatchItem.State.values, 0)
    for item in items:
        counts[item.state] += 1
    story += [
        facts_table(
            [
                ("Batch", batch.number),
                ("Unit", f"{batch.unit.code} ({batch.unit.name})"),
                ("Note", batch.note or "—"),
                ("Prepared by", _person(batch.prepared_by)),
                ("Approved by", f"{_person(batch.approved_by)} at {utc(batch.approved_at)}"),
                ("Completed by", f"{_person(batch.completed_by)} at {utc(batch.completed_at)}"),
                (
                    "Crates",
                    f"{len(items)}: {counts['DESTROYED']} destroyed, {counts['NOT_FOUND']} not "
                    f"found, {counts['DROPPED']} dropped",
                ),
            ]
        ),
        Spacer(1, 5 * mm),
    ]
    for item in items:
        crate = item.crate
        outcome = item.get_state_display()
        if item.state == BatchItem.State.DESTROYED:
            outcome += (
                f" at {utc(item.destroyed_at)} by {_person(item.destroyed_by)}, witnessed by "
                f"{_person(item.witness)}"
            )
        elif item.reason:
            outcome += f": {item.reason} ({item.reason_code})"
        rows: list[list[object]] = [["Number", "Title", "Type", "Prepared", "Retention", "Status"]]
        rows += [
            [
                d.number,
                d.title,
                d.doc_type.name,
                d.prepared_on,
                document_retention(d),
                d.get_status_display(),
            ]
            for d in documents.get(crate.pk, [])
        ]
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        text(f"Crate {crate.code} ({crate.department.code}) — {outcome}"),
                        STYLES["Heading4"],
                    ),
                    rows_table(rows, [28 * mm, None, 26 * mm, 19 * mm, 19 * mm, 18 * mm]),
                    Spacer(1, 3 * mm),
                ]
            )
        )

    def record_of(signature: Signature) -> str:
        if signature.object_type == "batch_item":
            item = by_item.get(signature.object_id)
            return f"Crate {item.crate.code}" if item is not None else "Crate ?"
        return f"Batch {batch.number}"

    story += signatures_section(signatures, checks, record_of=record_of)
    story.append(
        KeepTogether(
            [
                Paragraph("Record digest", STYLES["Heading3"]),
                Paragraph(
                    "SHA-256 of the batch's canonical content (its crates and their documents), "
                    "the content digest the batch's signatures above signed:",
                    SMALL,
                ),
                Paragraph(content_digest(batch), MONO),
                Spacer(1, 3 * mm),
                Paragraph(text(f"Issued by Strongroom at {utc(timezone.now())}."), SMALL),
            ]
        )
    )
    return pdf_build(
        story,
        title=f"Destruction certificate {batch.number}",
        footer=f"{batch.number} certificate",
    )
