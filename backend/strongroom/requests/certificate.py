"""The destruction certificate (PDF) of a completed DESTRUCTION request: the crate, its
documents, every signature of the request with its manifestation (printed name, meaning, UTC
time, signature id) and the SHA-256 digest of the request's canonical content, so a reader can
check the certificate against the record (``GET /api/v1/signatures/{id}/``)."""

import datetime as dt
import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from strongroom.compliance.canonical import record_digest
from strongroom.compliance.models import Signature
from strongroom.compliance.signing import (
    NO_AUDIT_EVENT,
    NOT_BOUND,
    RECORD_CHANGED,
    SUPERSEDED,
    VALID,
    SignatureCheckCache,
    signature_check_detail,
)
from strongroom.records.models import Document
from strongroom.requests.models import Request

_STYLES = getSampleStyleSheet()
_SMALL = ParagraphStyle("small", parent=_STYLES["BodyText"], fontSize=8, leading=10)
_MONO = ParagraphStyle("mono", parent=_SMALL, fontName="Courier", fontSize=7.5)
_VALIDITY = {
    VALID: "yes",
    SUPERSEDED: "superseded by version {version}",
    RECORD_CHANGED: "NO — record changed",
    NOT_BOUND: "NO — not bound to this record (copied or altered)",
    NO_AUDIT_EVENT: "NO — no audit event",
}


def _validity(signature: Signature, checks: SignatureCheckCache) -> str:
    status, version = signature_check_detail(signature, cache=checks)
    return _VALIDITY[status].format(version=version)


_TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EAED")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _utc(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _text(value: object) -> str:
    """Plain text made safe for reportlab's mini-markup."""
    return (
        str(value if value is not None else "—")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _cell(value: object, style: ParagraphStyle = _SMALL) -> Paragraph:
    return Paragraph(_text(value), style)


def _retention(document: Document) -> str:
    return "permanent" if document.retain_permanently else str(document.retention_until)


def destruction_certificate_pdf(request: Request) -> bytes:
    """The certificate as PDF bytes. ``request`` is a DESTRUCTION request (normally
    COMPLETED; an unfinished one is marked as a draft)."""
    crate = request.crate
    documents = list(crate.documents.select_related("doc_type", "department").order_by("number"))
    signatures = list(request.signatures.select_related("signer").order_by("signed_at", "id"))
    checks = SignatureCheckCache()
    completed = request.status == Request.Status.COMPLETED

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Destruction certificate {request.number}",
        author="Strongroom",
        creator="Strongroom",
    )
    story: list[Flowable] = [
        Paragraph("Certificate of destruction", _STYLES["Title"]),
        Paragraph(
            _text(f"Request {request.number} · {crate.unit.code} · {crate.unit.name}"),
            _STYLES["Heading3"],
        ),
    ]
    if not completed:
        story.append(
            Paragraph(
                _text(f"DRAFT — the request is {request.get_status_display()}, not completed."),
                _STYLES["Heading2"],
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
        ("Destroyed at", _utc(crate.destroyed_at)),
        ("Retention ended", "permanent" if crate.retain_permanently else crate.destroy_after),
        ("Requested by", request.requester.full_name or request.requester.username),
        ("Purpose", request.purpose),
        ("Submitted", _utc(request.submitted_at)),
        ("Completed", _utc(request.completed_at)),
        (
            "Witness",
            (request.witness.full_name or request.witness.username) if request.witness else "—",
        ),
    ]
    facts_table = Table(
        [[_cell(k), _cell(v)] for k, v in facts], colWidths=[40 * mm, None], hAlign="LEFT"
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [facts_table, Spacer(1, 5 * mm)]

    story.append(Paragraph(f"Documents ({len(documents)})", _STYLES["Heading3"]))
    document_rows = [["Number", "Title", "Type", "Dept", "Prepared", "Retention", "Status"]]
    document_rows += [
        [
            _cell(d.number),
            _cell(d.title),
            _cell(d.doc_type.name),
            _cell(d.department.code),
            _cell(d.prepared_on),
            _cell(_retention(d)),
            _cell(d.get_status_display()),
        ]
        for d in documents
    ]
    documents_table = Table(
        document_rows,
        colWidths=[28 * mm, None, 24 * mm, 13 * mm, 19 * mm, 19 * mm, 17 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    documents_table.setStyle(_TABLE_STYLE)
    story += [documents_table, Spacer(1, 5 * mm)]

    story.append(Paragraph(f"Electronic signatures ({len(signatures)})", _STYLES["Heading3"]))
    signature_rows: list[list[object]] = [
        ["Id", "Printed name", "Meaning", "Signed (UTC)", "Reason", "Scheme", "Valid"]
    ]
    signature_rows += [
        [
            _cell(s.pk),
            _cell(s.printed_name),
            _cell(s.get_meaning_display()),
            _cell(_utc(s.signed_at)),
            _cell(s.reason or "—"),
            _cell(s.scheme),
            _cell(_validity(s, checks)),
        ]
        for s in signatures
    ]
    signatures_table = Table(
        signature_rows,
        colWidths=[12 * mm, 34 * mm, 22 * mm, 34 * mm, None, 13 * mm, 30 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    signatures_table.setStyle(_TABLE_STYLE)
    story += [
        signatures_table,
        Paragraph(
            "Schemes 2 and 3: the signature's digest binds the signer, the meaning, the UTC time, "
            "the record and its content, and the signature is checked against its audit event "
            "(scheme 3 also covers a storage request's documents). Scheme 1 (signatures made "
            "before scheme 2): the digest covers the content only. A signature superseded by a "
            "later version signed content an audited correction replaced.",
            _SMALL,
        ),
        Spacer(1, 5 * mm),
    ]

    story.append(
        KeepTogether(
            [
                Paragraph("Record digest", _STYLES["Heading3"]),
                Paragraph(
                    "SHA-256 of the request's canonical content (with the documents destroyed), "
                    "the content digest each scheme-2 or scheme-3 signature above signed (for a "
                    "destruction both schemes cover the same content):",
                    _SMALL,
                ),
                Paragraph(record_digest(request=request), _MONO),
                Spacer(1, 3 * mm),
                Paragraph(_text(f"Issued by Strongroom at {_utc(timezone.now())}."), _SMALL),
            ]
        )
    )

    def footer(canvas: object, document: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("Helvetica", 7)  # type: ignore[attr-defined]
        canvas.drawString(  # type: ignore[attr-defined]
            18 * mm,
            10 * mm,
            f"{request.number} · {crate.code} · page {document.page}",  # type: ignore[attr-defined]
        )
        canvas.restoreState()  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
