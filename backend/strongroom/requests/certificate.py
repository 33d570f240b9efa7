"""The destruction certificate (PDF) of a completed DESTRUCTION request: the crate, its
documents, every signature of the request with its manifestation (printed name, meaning, UTC
time, signature id) and the SHA-256 digest of the request's canonical content, so a reader can
check the certificate against the record (``GET /api/v1/signatures/{id}/``). The building blocks
are shared with the destruction batch's certificate (:mod:`strongroom.compliance.certificates`)."""

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from strongroom.compliance.canonical import record_digest
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
from strongroom.compliance.signing import SignatureCheckCache
from strongroom.records.models import Document
from strongroom.requests.models import Request


def document_retention(document: Document) -> str:
    return "permanent" if document.retain_permanently else str(document.retention_until)


def destruction_certificate_pdf(request: Request) -> bytes:
    """The certificate as PDF bytes. ``request`` is a DESTRUCTION request (normally
    COMPLETED; an unfinished one is marked as a draft)."""
    crate = request.crate
    documents = list(crate.documents.select_related("doc_type", "department").order_by("number"))
    signatures = list(request.signatures.select_related("signer").order_by("signed_at", "id"))
    checks = SignatureCheckCache()
    completed = request.status == Request.Status.COMPLETED

    story: list[Flowable] = [
        Paragraph("Certificate of destruction", STYLES["Title"]),
        Paragraph(
            text(f"Request {request.number} · {crate.unit.code} · {crate.unit.name}"),
            STYLES["Heading3"],
        ),
    ]
    if not completed:
        story.append(
            Paragraph(
                text(f"DRAFT — the request is {request.get_status_display()}, not completed."),
                STYLES["Heading2"],
            )
        )
    facts: list[tuple[str, object]] = [
        ("Crate", crate.code),
        (
            "Unit / department",
            f"{crate.unit.code} / {crate.department.code} ({crate.department.name})",
        ),
        ("Description", crate.description or "—"),
        ("Status", crate.get_status_display()),
        ("Destroyed at", utc(crate.destroyed_at)),
        ("Retention ended", "permanent" if crate.retain_permanently else crate.destroy_after),
        ("Requested by", request.requester.full_name or request.requester.username),
        ("Purpose", request.purpose),
        ("Submitted", utc(request.submitted_at)),
        ("Completed", utc(request.completed_at)),
        (
            "Witness",
            (request.witness.full_name or request.witness.username) if request.witness else "—",
        ),
    ]
    story += [facts_table(facts), Spacer(1, 5 * mm)]

    story.append(Paragraph(f"Documents ({len(documents)})", STYLES["Heading3"]))
    document_rows: list[list[object]] = [
        ["Number", "Title", "Type", "Dept", "Prepared", "Retention", "Status"]
    ]
    document_rows += [
        [
            d.number,
            d.title,
            d.doc_type.name,
            d.department.code,
            d.prepared_on,
            document_retention(d),
            d.get_status_display(),
        ]
        for d in documents
    ]
    story += [
        rows_table(document_rows, [28 * mm, None, 24 * mm, 13 * mm, 19 * mm, 19 * mm, 17 * mm]),
        Spacer(1, 5 * mm),
    ]
    story += signatures_section(signatures, checks)

    story.append(
        KeepTogether(
            [
                Paragraph("Record digest", STYLES["Heading3"]),
                Paragraph(
                    "SHA-256 of the request's canonical content (with the documents destroyed), "
                    "the content digest each scheme-2 or scheme-3 signature above signed (for a "
                    "destruction both schemes cover the same content):",
                    SMALL,
                ),
                Paragraph(record_digest(request=request), MONO),
                Spacer(1, 3 * mm),
                Paragraph(text(f"Issued by Strongroom at {utc(timezone.now())}."), SMALL),
            ]
        )
    )
    return pdf_build(
        story,
        title=f"Destruction certificate {request.number}",
        footer=f"{request.number} · {crate.code}",
    )
