"""The inventory audit report, as PDF and CSV: what was expected and what was found, every
discrepancy with its reconciliation, the shelves counted, and every signature (the audit's and
each finding's) with its manifestation and validity. The PDF is built with the certificate
blocks of :mod:`strongroom.compliance.certificates`, like the destruction certificate."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

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
    validity,
)
from strongroom.compliance.models import Signature
from strongroom.compliance.signing import SignatureCheckCache
from strongroom.inventory.models import AuditFinding, FindingResult, InventoryAudit, Resolution
from strongroom.inventory.selectors import (
    PENDING,
    ResultRow,
    audit_results,
    audit_shelves,
    audit_signatures,
)

RESULT_LABELS = {**dict(FindingResult.choices), PENDING: "Not scanned yet"}
RESOLUTION_LABELS = {"": "", **dict(Resolution.choices)}
CSV_HEADER = [
    "audit",
    "unit",
    "scope",
    "audit_status",
    "code",
    "result",
    "expected_shelf",
    "found_shelf",
    "recorded_status",
    "resolution",
    "note",
    "resolved_by",
    "resolved_at_utc",
    "reconciliation_signature",
]


def _person(user: object) -> str:
    if user is None:
        return "—"
    return getattr(user, "full_name", "") or getattr(user, "username", "")


def _finding_signatures(signatures: list[Signature]) -> dict[str, Signature]:
    return {s.object_id: s for s in signatures if s.object_type == "inventory_finding"}


def audit_report_csv_rows(audit: InventoryAudit) -> Iterator[list[Any]]:
    """One row per expected crate and scanned code; the reconciliation's signature as
    "printed name, meaning, UTC time (validity)"."""
    signatures = list(audit_signatures(audit))
    by_finding = _finding_signatures(signatures)
    checks = SignatureCheckCache()
    for row in audit_results(audit):
        signature = by_finding.get(str(row.finding_id)) if row.finding_id else None
        yield [
            audit.number,
            audit.unit.code,
            audit.scope.full_code,
            audit.status,
            row.code,
            row.result,
            row.expected_shelf or "",
            row.found_shelf or "",
            row.recorded_status,
            row.resolution,
            row.note,
            row.resolved_by_name or "",
            utc(row.resolved_at) if row.resolved_at else "",
            (
                f"{signature.printed_name}, {signature.get_meaning_display()}, "
                f"{utc(signature.signed_at)} ({validity(signature, checks)})"
                if signature
                else ""
            ),
        ]


def _outcome(row: ResultRow) -> str:
    if not row.resolution:
        return "—" if row.result in (FindingResult.FOUND, PENDING) else "Not reconciled"
    return f"{RESOLUTION_LABELS[row.resolution]}: {row.note} ({row.resolved_by_name})"


def audit_report_pdf(audit: InventoryAudit) -> bytes:
    rows = audit_results(audit)
    shelves = list(audit_shelves(audit))
    signatures = list(audit_signatures(audit))
    checks = SignatureCheckCache()
    counts = Counter(r.result for r in rows)
    story: list[Flowable] = [
        Paragraph("Inventory audit report", STYLES["Title"]),
        Paragraph(
            text(f"Inventory audit {audit.number} · {audit.unit.code} · {audit.unit.name}"),
            STYLES["Heading3"],
        ),
    ]
    if audit.status != InventoryAudit.Status.CLOSED:
        story.append(
            Paragraph(
                text(f"DRAFT — the audit is {audit.get_status_display()}, not closed."),
                STYLES["Heading2"],
            )
        )
    story += [
        facts_table(
            [
                ("Audit", audit.number),
                ("Scope", audit.scope.full_code),
                ("Note", audit.note or "—"),
                ("Opened", f"{utc(audit.opened_at)} by {_person(audit.opened_by)}"),
                ("Count completed", f"{utc(audit.counted_at)} by {_person(audit.counted_by)}"),
                ("Closed", f"{utc(audit.closed_at)} by {_person(audit.closed_by)}"),
                (
                    "Shelves",
                    f"{len(shelves)}, {sum(1 for s in shelves if s.done_at)} counted",
                ),
                (
                    "Results",
                    ", ".join(
                        f"{counts[key]} {label.lower()}"
                        for key, label in RESULT_LABELS.items()
                        if counts.get(key)
                    )
                    or "nothing expected, nothing scanned",
                ),
            ]
        ),
        Spacer(1, 5 * mm),
        Paragraph("Results", STYLES["Heading3"]),
    ]
    table: list[list[object]] = [["Crate / code", "Result", "Expected", "Found", "Reconciliation"]]
    table += [
        [
            r.code,
            RESULT_LABELS.get(r.result, r.result),
            r.expected_shelf or "—",
            r.found_shelf or "—",
            _outcome(r),
        ]
        for r in rows
    ]
    story.append(rows_table(table, [42 * mm, 20 * mm, 32 * mm, 32 * mm, None]))
    story += [Spacer(1, 4 * mm), Paragraph("Shelves", STYLES["Heading3"])]
    shelf_rows: list[list[object]] = [["Shelf", "Expected", "Scanned", "Counted (UTC)", "By"]]
    shelf_rows += [
        [
            s.shelf.full_code,
            s.expected_count,
            getattr(s, "scanned_count", 0),
            utc(s.done_at),
            _person(s.done_by),
        ]
        for s in shelves
    ]
    story.append(rows_table(shelf_rows, [None, 18 * mm, 18 * mm, 40 * mm, 40 * mm]))
    findings = {
        str(f.pk): f.code for f in AuditFinding.objects.filter(audit=audit).only("pk", "code")
    }

    def record_of(signature: Signature) -> str:
        if signature.object_type == "inventory_finding":
            return f"Finding {findings.get(signature.object_id, '?')}"
        return f"Audit {audit.number}"

    story += signatures_section(signatures, checks, record_of=record_of)
    story.append(
        KeepTogether(
            [
                Paragraph("Record digest", STYLES["Heading3"]),
                Paragraph(
                    "SHA-256 of the audit's canonical content (scope, expected crates, scans, "
                    "findings), the content digest the closing signature signed:",
                    SMALL,
                ),
                Paragraph(content_digest(audit), MONO),
                Spacer(1, 3 * mm),
                Paragraph(text(f"Issued by Strongroom at {utc(timezone.now())}."), SMALL),
            ]
        )
    )
    return pdf_build(
        story, title=f"Inventory audit {audit.number}", footer=f"{audit.number} report"
    )
