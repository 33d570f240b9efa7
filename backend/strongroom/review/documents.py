"""The audit-trail review coverage report (PDF): every unit-month of the look-back with its
status, reviewer and signer, then the ``REVIEWED`` signatures with their manifestation and
validity, built with the certificate blocks of :mod:`strongroom.compliance.certificates`."""

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from strongroom.compliance.certificates import (
    SMALL,
    STYLES,
    facts_table,
    pdf_build,
    rows_table,
    signatures_section,
    utc,
)
from strongroom.compliance.models import Signature
from strongroom.compliance.signing import SignatureCheckCache
from strongroom.review.selectors import CoverageRow, CoverageStatus

_LABELS = dict(CoverageStatus.CHOICES)


def coverage_pdf(rows: list[CoverageRow]) -> bytes:
    counts = {status: sum(1 for r in rows if r.status == status) for status in _LABELS}
    story: list[Flowable] = [
        Paragraph("Audit-trail review coverage", STYLES["Title"]),
        facts_table(
            [
                ("Printed at", utc(timezone.now())),
                ("Unit-months", len(rows)),
                *((_LABELS[s], n) for s, n in counts.items()),
            ]
        ),
        Spacer(1, 5 * mm),
    ]
    table: list[list[object]] = [
        ["Unit", "Month", "Status", "Due", "Flags", "Findings", "Reviewer", "Signed by", "Signed"]
    ]
    for row in rows:
        table.append(
            [
                row.unit_code,
                row.period,
                _LABELS[row.status],
                row.due_on.isoformat(),
                row.flag_count if row.review_id else "—",
                row.finding_count if row.review_id else "—",
                row.opened_by_name or "—",
                row.signed_by_name or "—",
                utc(row.signed_at),
            ]
        )
    story.append(
        rows_table(
            table,
            [18 * mm, 16 * mm, 18 * mm, 20 * mm, 12 * mm, 15 * mm, None, None, 30 * mm],
        )
    )
    if not rows:
        story.append(Paragraph("No unit-month in the look-back.", SMALL))
    story.append(Spacer(1, 5 * mm))
    signatures: list[Signature] = [r.signature for r in rows if r.signature is not None]
    by_id = {str(r.review_id): f"{r.unit_code} {r.period}" for r in rows}
    story += signatures_section(
        signatures,
        SignatureCheckCache(),
        record_of=lambda s: by_id.get(s.object_id, s.object_id),
    )
    return pdf_build(story, title="Audit-trail review coverage", footer="Strongroom · coverage")
