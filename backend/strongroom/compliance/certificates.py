"""Building blocks of the signed-record certificates (PDF, reportlab): the destruction
certificate of a DESTRUCTION request (requests/certificate.py) and of a destruction batch
(disposition/documents.py) share their styles, fact and signature tables and page footer, so
both print a signature's manifestation and validity the same way."""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

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

STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
MONO = ParagraphStyle("mono", parent=SMALL, fontName="Courier", fontSize=7.5)
_VALIDITY = {
    VALID: "yes",
    SUPERSEDED: "superseded by version {version}",
    RECORD_CHANGED: "NO — record changed",
    NOT_BOUND: "NO — not bound to this record (copied or altered)",
    NO_AUDIT_EVENT: "NO — no audit event",
}
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EAED")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
SCHEMES_NOTE = (
    "Schemes 2 and 3: the signature's digest binds the signer, the meaning, the UTC time, "
    "the record and its content, and the signature is checked against its audit event "
    "(scheme 3 also covers a storage request's documents). Scheme 1 (signatures made "
    "before scheme 2): the digest covers the content only. A signature superseded by a "
    "later version signed content an audited correction replaced."
)


def validity(signature: Signature, checks: SignatureCheckCache) -> str:
    """The signature's validity in words, as the certificate prints it."""
    status, version = signature_check_detail(signature, cache=checks)
    return _VALIDITY[status].format(version=version)


def utc(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def text(value: object) -> str:
    """Plain text made safe for reportlab's mini-markup."""
    return (
        str(value if value is not None else "—")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def cell(value: object, style: ParagraphStyle = SMALL) -> Paragraph:
    return Paragraph(text(value), style)


def facts_table(facts: Iterable[tuple[str, object]]) -> Table:
    """A two-column table of labelled facts."""
    table = Table([[cell(k), cell(v)] for k, v in facts], colWidths=[40 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA0A6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def rows_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float | None]) -> Table:
    """A table with a header row (the first) repeated on every page; cells given as text are
    made paragraphs."""
    body = [list(rows[0])] + [
        [value if isinstance(value, Flowable) else cell(value) for value in row] for row in rows[1:]
    ]
    table = Table(body, colWidths=list(col_widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def signatures_section(
    signatures: Sequence[Signature],
    checks: SignatureCheckCache,
    *,
    record_of: Callable[[Signature], str] | None = None,
) -> list[Flowable]:
    """Every signature with its manifestation (id, printed name, meaning, UTC time, reason,
    scheme) and validity; ``record_of`` adds a column naming what each one signed."""
    header: list[object] = [
        "Id",
        "Printed name",
        "Meaning",
        "Signed (UTC)",
        "Reason",
        "Scheme",
        "Valid",
    ]
    widths: list[float | None] = [12 * mm, 34 * mm, 22 * mm, 34 * mm, None, 13 * mm, 30 * mm]
    if record_of is not None:
        header.insert(1, "Signed record")
        widths = [11 * mm, 30 * mm, 28 * mm, 22 * mm, 30 * mm, None, 11 * mm, 24 * mm]
    rows: list[list[object]] = [header]
    for s in signatures:
        row: list[object] = [
            s.pk,
            s.printed_name,
            s.get_meaning_display(),
            utc(s.signed_at),
            s.reason or "—",
            s.scheme,
            validity(s, checks),
        ]
        if record_of is not None:
            row.insert(1, record_of(s))
        rows.append(row)
    return [
        Paragraph(f"Electronic signatures ({len(signatures)})", STYLES["Heading3"]),
        rows_table(rows, widths),
        Paragraph(SCHEMES_NOTE, SMALL),
        Spacer(1, 5 * mm),
    ]


def pdf_build(story: list[Flowable], *, title: str, footer: str) -> bytes:
    """Render ``story`` on A4 with the certificate margins and ``footer`` and the page number
    at the bottom of every page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Strongroom",
        creator="Strongroom",
    )

    def draw_footer(canvas: object, document: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("Helvetica", 7)  # type: ignore[attr-defined]
        canvas.drawString(  # type: ignore[attr-defined]
            18 * mm,
            10 * mm,
            f"{footer} · page {document.page}",  # type: ignore[attr-defined]
        )
        canvas.restoreState()  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
