"""The canonical content of an inventory audit and of one of its findings, as their signatures
sign them (see compliance.canonical).

A finding's ``RECONCILED`` signature binds to the discrepancy and what was done about it: the
audit, the code read, the result, the shelf it was expected on and the one it was found on, the
resolution and its note. It is made after the change, so it signs the resolution itself.

The audit's ``AUDIT_CLOSED`` (and a cancellation's ``CANCELLED``) binds to the count: the scope,
the expected crates with their shelves (the snapshot), every scan (shelf, code, who, when) and
every finding with its resolution. None of it changes after counting completed.
"""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.inventory.models import AuditExpectation, AuditFinding, AuditScan, InventoryAudit


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def finding_content(finding: AuditFinding) -> dict[str, Any]:
    return {
        "record": "inventory_finding",
        "audit": finding.audit.number,
        "code": finding.code,
        "result": finding.result,
        "expected_shelf": finding.expected_shelf.full_code if finding.expected_shelf else None,
        "found_shelf": finding.found_shelf.full_code if finding.found_shelf else None,
        "resolution": finding.resolution,
        "note": finding.note,
    }


def audit_content(audit: InventoryAudit) -> dict[str, Any]:
    expected = sorted(
        [e.crate.code, e.shelf.full_code]
        for e in AuditExpectation.objects.filter(audit=audit).select_related("crate", "shelf")
    )
    scans = sorted(
        [s.audit_shelf.shelf.full_code, s.code, s.scanned_by_id, _at(s.scanned_at)]
        for s in AuditScan.objects.filter(audit=audit).select_related("audit_shelf__shelf")
    )
    findings = sorted(
        [f.code, f.result, f.resolution, f.note] for f in AuditFinding.objects.filter(audit=audit)
    )
    return {
        "record": "inventory_audit",
        "number": audit.number,
        "unit": audit.unit_id,
        "scope": audit.scope.full_code,
        "opened_by": audit.opened_by_id,
        "expected": expected,
        "scans": scans,
        "findings": findings,
    }


def register() -> None:
    signable("inventory_audit", model=InventoryAudit, content=audit_content)
    signable("inventory_finding", model=AuditFinding, content=finding_content)
