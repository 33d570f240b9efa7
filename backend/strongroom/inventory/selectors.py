"""Reads over inventory audits, scoped to the caller's units (outside them an audit is a 404)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units
from strongroom.compliance.models import Signature
from strongroom.inventory.models import (
    AuditExpectation,
    AuditFinding,
    AuditScan,
    AuditShelf,
    AuditStatus,
    FindingResult,
    InventoryAudit,
)
from strongroom.inventory.services import findings_compute
from strongroom.storage.models import Location

PENDING = "PENDING"  # an expected crate not scanned yet on a shelf still being counted


def _count(model: Any, **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(audit=OuterRef("pk"), **filters)
        .order_by()
        .values("audit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def audit_list_for_user(*, user: User) -> QuerySet[InventoryAudit]:
    """The caller's units' audits, newest first, with their counts (one query)."""
    return scope_to_units(InventoryAudit.objects.order_by("-id"), user=user).annotate(
        unit_code=F("unit__code"),
        scope_code=F("scope__full_code"),
        opened_by_name=F("opened_by__full_name"),
        shelf_count=_count(AuditShelf),
        shelves_done=_count(AuditShelf, done_at__isnull=False),
        expected_count=_count(AuditExpectation),
        scan_count=_count(AuditScan),
        open_findings=_count(
            AuditFinding,
            resolution="",
            result__in=[r for r in FindingResult.values if r != "FOUND"],
        ),
    )


def audit_exists_for_user(*, user: User, audit_id: int) -> bool:
    return scope_to_units(InventoryAudit.objects.filter(pk=audit_id), user=user).exists()


def audit_get_for_user(*, user: User, audit_id: int) -> InventoryAudit | None:
    return (
        audit_list_for_user(user=user)
        .select_related("unit", "scope", "opened_by", "counted_by", "closed_by")
        .filter(pk=audit_id)
        .first()
    )


def audit_shelves(audit: InventoryAudit) -> QuerySet[AuditShelf]:
    return (
        AuditShelf.objects.filter(audit=audit)
        .select_related("shelf", "done_by")
        .annotate(scanned_count=Count("scans"))
        .order_by("shelf__full_code")
    )


def audit_scans(audit: InventoryAudit, *, shelf_id: int | None = None) -> QuerySet[AuditScan]:
    scans = AuditScan.objects.filter(audit=audit).select_related("audit_shelf__shelf", "scanned_by")
    if shelf_id is not None:
        scans = scans.filter(audit_shelf__shelf_id=shelf_id)
    return scans.order_by("-scanned_at", "-id")


def audit_signatures(audit: InventoryAudit) -> QuerySet[Signature]:
    finding_ids = [
        str(pk) for pk in AuditFinding.objects.filter(audit=audit).values_list("pk", flat=True)
    ]
    return (
        Signature.objects.filter(
            Q(object_type="inventory_audit", object_id=str(audit.pk))
            | Q(object_type="inventory_finding", object_id__in=finding_ids)
        )
        .select_related("signer")
        .order_by("signed_at", "id")
    )


@dataclass
class ResultRow:
    """One expected crate or scanned code: its result now (while counting, computed from the
    scans; after, the frozen finding)."""

    code: str
    result: str
    crate_id: int | None = None
    finding_id: int | None = None
    expected_shelf: str | None = None
    found_shelf: str | None = None
    recorded_status: str = ""
    resolution: str = ""
    note: str = ""
    resolved_at: Any = None
    resolved_by_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def audit_results(audit: InventoryAudit) -> list[ResultRow]:
    """Every expected crate and scanned code with its result, discrepancies first, then by
    code. While counting, an expected crate not scanned yet is PENDING on a shelf still being
    counted and MISSING on a completed one."""
    findings = list(
        AuditFinding.objects.filter(audit=audit).select_related("resolved_by").order_by("id")
    )
    done: set[int] | None = None
    if not findings and audit.status not in (AuditStatus.RECONCILING, AuditStatus.CLOSED):
        findings = findings_compute(audit)
        done = set(
            AuditShelf.objects.filter(audit=audit, done_at__isnull=False).values_list(
                "shelf_id", flat=True
            )
        )
    shelf_ids = {f.expected_shelf_id for f in findings} | {f.found_shelf_id for f in findings}
    codes = dict(
        Location.objects.filter(pk__in=[i for i in shelf_ids if i]).values_list("pk", "full_code")
    )
    rows = []
    for finding in findings:
        result = finding.result
        if done is not None and result == FindingResult.MISSING:
            result = FindingResult.MISSING if finding.expected_shelf_id in done else PENDING
        resolver = finding.resolved_by if finding.pk and finding.resolved_by_id else None
        rows.append(
            ResultRow(
                code=finding.code,
                result=result,
                crate_id=finding.crate_id,
                finding_id=finding.pk,
                expected_shelf=codes.get(finding.expected_shelf_id or 0),
                found_shelf=codes.get(finding.found_shelf_id or 0),
                recorded_status=finding.recorded_status,
                resolution=finding.resolution,
                note=finding.note,
                resolved_at=finding.resolved_at,
                resolved_by_name=(resolver.full_name or resolver.username) if resolver else None,
            )
        )
    order = {FindingResult.FOUND: 2, PENDING: 1}
    rows.sort(key=lambda r: (order.get(r.result, 0), r.code))
    return rows


def audit_detail_parts(audit: InventoryAudit) -> dict[str, Any]:
    """What the detail shows besides the audit: shelves, results and signatures."""
    return {
        "shelves": list(audit_shelves(audit)),
        "results": audit_results(audit),
        "signatures": list(audit_signatures(audit)),
    }
