"""Writes over inventory audits (PRODUCT.md §8 "Inventory audits"). See
:mod:`strongroom.inventory.models` for the states and the rule of one counting audit per shelf.

Who does what (PRODUCT.md §1): the Store Head runs the store room — places, issues, transfers
and destroys crates — so the Store Head opens an audit, scans, completes the count and closes
it (``inventory.run_inventory_audit``), and also reconciles its discrepancies
(``inventory.reconcile_inventory_audit``): correcting a crate's recorded shelf is a move, which
is the Store Head's, and each reconciliation is signed. A crate marked missing alerts the
Unit Admins of its unit, who answer for the unit's records. Both permissions are separate, so
an organisation may give reconciliation to another role in ``accounts.roles``.

Every write locks the audit row (``select_for_update``), so the scans of one audit, from any
number of tablets, queue on it; a code is recorded once per shelf (unique in the database) and a
retried scan with the same ``client_key`` returns the scan it made. Locks are taken in one
order: the crate, then the audit, then its shelves and findings. Side effects (the live event,
e-mail for notifications) go out after commit.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import User
from strongroom.accounts.scope import not_found, require_unit, unit_allowed
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.core.models import Sequence
from strongroom.inventory.models import (
    OPEN_AUDIT_STATUSES,
    AuditExpectation,
    AuditFinding,
    AuditScan,
    AuditShelf,
    AuditStatus,
    FindingResult,
    InventoryAudit,
    Resolution,
)
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.records.codes import InvalidCrateCodeError, normalise
from strongroom.records.models import Crate
from strongroom.records.selectors import crate_known_prefixes
from strongroom.records.services.inventory import crate_location_correct, crate_mark_missing
from strongroom.storage.models import Location

OBJECT_TYPE = "inventory_audit"
FINDING_TYPE = "inventory_finding"
RUN = "inventory.run_inventory_audit"
RECONCILE = "inventory.reconcile_inventory_audit"
MAX_SHELVES = 2000
S = AuditStatus
R = FindingResult
COUNTING = (S.OPEN, S.IN_PROGRESS)


def audit_number_allocate(*, year: int | None = None) -> str:
    """``IA-2026-0007``: the next number of the year, race-free like request numbers."""
    year = year or timezone.now().year
    return f"IA-{year}-{Sequence.next_value(f'inventory_audit:{year}'):04d}"


def _forbidden() -> ApplicationError:
    return ApplicationError(
        "Your role does not allow this action.",
        code="permission_denied",
        status_code=status.HTTP_403_FORBIDDEN,
    )


def _require_permission(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise _forbidden()


def _require_text(value: str, field: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(
            "An explanation is required." if field == "note" else "A reason is required.",
            code=f"{field}_required",
            details={field: ["Required."]},
        )
    return value.strip()


def _lock_audit(*, actor: User, audit_id: int) -> InventoryAudit:
    audit = (
        InventoryAudit.objects.select_related("unit", "scope")
        .select_for_update(of=("self",))
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise not_found()
    require_unit(user=actor, unit_id=audit.unit_id)
    return audit


def _audit_save(audit: InventoryAudit, **changes: Any) -> None:
    for key, value in changes.items():
        setattr(audit, key, value)
    audit.version += 1
    audit.save()


def _status_change(before: str, audit: InventoryAudit) -> dict[str, list[Any]]:
    return {"status": [before, audit.status]} if before != audit.status else {}


def shelves_of(scope: Location) -> QuerySet[Location]:
    """The shelves of a location's subtree (the shelf itself for a shelf)."""
    if scope.kind == Location.Kind.SHELF:
        return Location.objects.filter(pk=scope.pk)
    return Location.objects.filter(
        unit_id=scope.unit_id, kind=Location.Kind.SHELF, full_code__startswith=f"{scope.full_code}/"
    )


# --- Opening -------------------------------------------------------------------------------------


@transaction.atomic
def audit_open(*, actor: User, scope_id: int, note: str = "") -> InventoryAudit:
    """An OPEN audit of the shelves under ``scope`` (a room, rack or shelf of the caller's
    units), with the crates recorded on them now as its expected contents; audited
    ``inventory_audit.open``."""
    _require_permission(actor, RUN)
    scope = Location.objects.select_related("unit").filter(pk=scope_id).first()
    if scope is None or not unit_allowed(user=actor, unit_id=scope.unit_id):
        raise ApplicationError(
            "Choose a room, rack or shelf of one of your units.",
            code="invalid_scope",
            details={"scope": ["Not a location of your units."]},
        )
    shelves = list(shelves_of(scope).order_by("full_code")[: MAX_SHELVES + 1])
    if not shelves:
        raise ApplicationError(
            f"{scope.full_code} has no shelf to count.",
            code="scope_without_shelves",
            details={"scope": ["No shelf under this location."]},
        )
    if len(shelves) > MAX_SHELVES:
        raise ApplicationError(
            f"An audit counts at most {MAX_SHELVES} shelves; choose a smaller part of the store.",
            code="scope_too_large",
            details={"scope": [f"More than {MAX_SHELVES} shelves."]},
        )
    now = timezone.now()
    audit = InventoryAudit.objects.create(
        number=audit_number_allocate(),
        unit=scope.unit,
        scope=scope,
        note=(note or "").strip(),
        opened_by=actor,
        opened_at=now,
    )
    recorded = list(
        Crate.objects.filter(status=Crate.Status.IN_STORAGE, location__in=shelves)
        .order_by("pk")
        .values_list("pk", "location_id")
    )
    AuditExpectation.objects.bulk_create(
        [
            AuditExpectation(audit=audit, crate_id=crate_id, shelf_id=shelf_id)
            for crate_id, shelf_id in recorded
        ]
    )
    per_shelf = Counter(shelf_id for _, shelf_id in recorded)
    AuditShelf.objects.bulk_create(
        [
            AuditShelf(audit=audit, shelf=shelf, expected_count=per_shelf[shelf.pk])
            for shelf in shelves
        ]
    )
    audit_event_record(
        action="inventory_audit.open",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=audit.pk,
        unit=audit.unit,
        changes={
            "number": [None, audit.number],
            "status": [None, audit.status],
            "scope": [None, scope.full_code],
            "shelves": [None, len(shelves)],
            "expected_crates": [None, len(recorded)],
        },
    )
    return audit


# --- Counting ------------------------------------------------------------------------------------


@dataclass
class ScanOutcome:
    audit: InventoryAudit
    scan: AuditScan
    created: bool  # False: the same code on this shelf, or the same client_key, was recorded
    result: str


def _counting(audit: InventoryAudit) -> None:
    if audit.status not in COUNTING:
        raise ConflictError(
            f"Audit {audit.number} is {audit.get_status_display().lower()}: its count is over.",
            code="audit_not_counting",
        )


def _audit_shelf(audit: InventoryAudit, shelf_id: int) -> AuditShelf:
    audit_shelf = (
        AuditShelf.objects.select_for_update(of=("self",))
        .select_related("shelf")
        .filter(audit=audit, shelf_id=shelf_id)
        .first()
    )
    if audit_shelf is None:
        raise ApplicationError(
            "Choose a shelf of this audit.",
            code="not_audit_shelf",
            details={"shelf": ["Not a shelf of this audit."]},
        )
    return audit_shelf


def _other_audit_refusal(audit_shelf: AuditShelf) -> ConflictError:
    other = (
        AuditShelf.objects.filter(shelf_id=audit_shelf.shelf_id, holds_shelf=True)
        .exclude(audit_id=audit_shelf.audit_id)
        .values_list("audit__number", flat=True)
        .first()
    )
    return ConflictError(
        f"Shelf {audit_shelf.shelf.full_code} is being counted by inventory audit "
        f"{other or 'another audit'}; nothing was recorded. Scan it there, or wait until that "
        "audit is closed.",
        code="shelf_in_other_audit",
        details={"shelf": [f"Counted by {other or 'another open audit'}."]},
    )


def _hold_shelf(audit_shelf: AuditShelf, now: dt.datetime) -> None:
    """This audit starts counting the shelf: no other open audit may be counting it (the
    partial unique index on holders decides a race; the loser gets the same 409)."""
    if audit_shelf.holds_shelf:
        return
    if (
        AuditShelf.objects.filter(shelf_id=audit_shelf.shelf_id, holds_shelf=True)
        .exclude(audit_id=audit_shelf.audit_id)
        .exists()
    ):
        raise _other_audit_refusal(audit_shelf)
    try:
        with transaction.atomic():
            AuditShelf.objects.filter(pk=audit_shelf.pk).update(
                holds_shelf=True, started_at=audit_shelf.started_at or now
            )
    except IntegrityError as exc:
        raise _other_audit_refusal(audit_shelf) from exc
    audit_shelf.holds_shelf = True
    audit_shelf.started_at = audit_shelf.started_at or now


def _started(audit: InventoryAudit, now: dt.datetime) -> dict[str, Any]:
    if audit.status == S.OPEN:
        return {"status": S.IN_PROGRESS, "started_at": now}
    return {}


def scan_result(*, audit: InventoryAudit, shelf_id: int, crate_id: int | None) -> str:
    """What a scan says on its own: FOUND / MISPLACED for an expected crate (on its shelf or
    another of the audit), UNEXPECTED for a crate not expected here, UNKNOWN for no crate."""
    if crate_id is None:
        return R.UNKNOWN
    expected = (
        AuditExpectation.objects.filter(audit=audit, crate_id=crate_id)
        .values_list("shelf_id", flat=True)
        .first()
    )
    if expected is None:
        return R.UNEXPECTED
    return R.FOUND if expected == shelf_id else R.MISPLACED


def _read_code(text: str) -> str:
    """The code as a crate code when it reads as one (scanner or typed, any separators), else
    the text itself, upper-cased: a label that is no crate code is recorded as UNKNOWN."""
    raw = " ".join((text or "").split())
    if not raw:
        raise ApplicationError(
            "Scan or type a crate code.", code="code_required", details={"code": ["Required."]}
        )
    try:
        return normalise(raw, known_prefixes=crate_known_prefixes())
    except InvalidCrateCodeError:
        return raw.upper()[:60]


def audit_scan(
    *, actor: User, audit_id: int, shelf_id: int, code: str, client_key: str = ""
) -> ScanOutcome:
    """Record that ``code`` was read on the shelf, by the caller, now; audited
    ``inventory_audit.scan``. The first scan moves an OPEN audit IN_PROGRESS and makes the audit
    the shelf's counter. Reading the same code on the same shelf again, or retrying with the
    same ``client_key``, returns the recorded scan (``created`` False) and changes nothing."""
    _require_permission(actor, RUN)
    canonical = _read_code(code)
    client_key = (client_key or "").strip()[:64]
    with transaction.atomic():
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        if client_key:
            retried = (
                AuditScan.objects.select_related("audit_shelf")
                .filter(audit=audit, client_key=client_key)
                .first()
            )
            if retried is not None:
                return _outcome(audit, retried, created=False)
        _counting(audit)
        audit_shelf = _audit_shelf(audit, shelf_id)
        again = AuditScan.objects.filter(audit_shelf=audit_shelf, code=canonical).first()
        if again is not None:
            return _outcome(audit, again, created=False)
        if audit_shelf.done_at is not None:
            raise ConflictError(
                f"Shelf {audit_shelf.shelf.full_code} was completed; reopen it to scan more.",
                code="shelf_done",
                details={"shelf": ["Completed."]},
            )
        now = timezone.now()
        _hold_shelf(audit_shelf, now)
        crate_id = Crate.objects.filter(code=canonical).values_list("pk", flat=True).first()
        scan = AuditScan.objects.create(
            audit=audit,
            audit_shelf=audit_shelf,
            code=canonical,
            crate_id=crate_id,
            client_key=client_key,
            scanned_by=actor,
            scanned_at=now,
        )
        result = scan_result(audit=audit, shelf_id=audit_shelf.shelf_id, crate_id=crate_id)
        before = audit.status
        _audit_save(audit, **_started(audit, now))
        audit_event_record(
            action="inventory_audit.scan",
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=audit.pk,
            unit=audit.unit,
            changes={
                "scan": [None, scan.pk],
                "shelf": [None, audit_shelf.shelf.full_code],
                "code": [None, canonical],
                "result": [None, result],
                **_status_change(before, audit),
            },
        )
    return ScanOutcome(audit=audit, scan=scan, created=True, result=result)


def _outcome(audit: InventoryAudit, scan: AuditScan, *, created: bool) -> ScanOutcome:
    shelf_id = scan.audit_shelf.shelf_id
    return ScanOutcome(
        audit=audit,
        scan=scan,
        created=created,
        result=scan_result(audit=audit, shelf_id=shelf_id, crate_id=scan.crate_id),
    )


def audit_shelf_done(*, actor: User, audit_id: int, shelf_id: int) -> InventoryAudit:
    """The shelf is counted (every crate on it scanned, or none there): audited
    ``inventory_audit.shelf_done`` with what was expected and scanned. An empty shelf is held
    like a scanned one. Done twice: nothing changes."""
    _require_permission(actor, RUN)
    with transaction.atomic():
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        _counting(audit)
        audit_shelf = _audit_shelf(audit, shelf_id)
        if audit_shelf.done_at is not None:
            return audit
        now = timezone.now()
        _hold_shelf(audit_shelf, now)
        AuditShelf.objects.filter(pk=audit_shelf.pk).update(done_at=now, done_by=actor)
        before = audit.status
        _audit_save(audit, **_started(audit, now))
        audit_event_record(
            action="inventory_audit.shelf_done",
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=audit.pk,
            unit=audit.unit,
            changes={
                "shelf": [None, audit_shelf.shelf.full_code],
                "expected": [None, audit_shelf.expected_count],
                "scanned": [None, audit_shelf.scans.count()],
                **_status_change(before, audit),
            },
        )
    return audit


def audit_shelf_reopen(*, actor: User, audit_id: int, shelf_id: int, reason: str) -> InventoryAudit:
    """A shelf completed by mistake is counted again (reason required); audited
    ``inventory_audit.shelf_reopen``."""
    _require_permission(actor, RUN)
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        _counting(audit)
        audit_shelf = _audit_shelf(audit, shelf_id)
        if audit_shelf.done_at is None:
            raise ConflictError(
                f"Shelf {audit_shelf.shelf.full_code} is not completed.", code="shelf_not_done"
            )
        AuditShelf.objects.filter(pk=audit_shelf.pk).update(done_at=None, done_by=None)
        _audit_save(audit)
        audit_event_record(
            action="inventory_audit.shelf_reopen",
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=audit.pk,
            unit=audit.unit,
            reason=reason,
            changes={"shelf": [None, audit_shelf.shelf.full_code], "done": [True, False]},
        )
    return audit


# --- Results -------------------------------------------------------------------------------------


def findings_compute(audit: InventoryAudit) -> list[AuditFinding]:
    """The result of every expected crate and every scanned code, from the snapshot and the
    scans (unsaved rows): FOUND on its shelf, MISPLACED on another shelf of the audit, MISSING
    nowhere, UNEXPECTED a crate not expected (recorded elsewhere, issued, destroyed, missing),
    UNKNOWN a code that is no crate. A crate scanned on its own shelf and elsewhere is FOUND."""
    expected = {
        e.crate_id: e for e in AuditExpectation.objects.filter(audit=audit).select_related("crate")
    }
    scans_of: dict[int, list[AuditScan]] = {}
    findings: list[AuditFinding] = []
    for scan in (
        AuditScan.objects.filter(audit=audit)
        .select_related("audit_shelf", "crate")
        .order_by("scanned_at", "id")
    ):
        if scan.crate_id is None:
            findings.append(
                AuditFinding(
                    audit=audit,
                    code=scan.code,
                    result=R.UNKNOWN,
                    found_shelf_id=scan.audit_shelf.shelf_id,
                )
            )
        else:
            scans_of.setdefault(scan.crate_id, []).append(scan)
    for crate_id, expectation in expected.items():
        shelves = [s.audit_shelf.shelf_id for s in scans_of.get(crate_id, [])]
        if expectation.shelf_id in shelves:
            result, found = R.FOUND, expectation.shelf_id
        elif shelves:
            result, found = R.MISPLACED, shelves[-1]
        else:
            result, found = R.MISSING, None
        findings.append(
            AuditFinding(
                audit=audit,
                code=expectation.crate.code,
                crate_id=crate_id,
                result=result,
                expected_shelf_id=expectation.shelf_id,
                found_shelf_id=found,
                recorded_status=expectation.crate.status,
            )
        )
    for crate_id, scans in scans_of.items():
        if crate_id in expected:
            continue
        crate = scans[-1].crate
        assert crate is not None
        findings.append(
            AuditFinding(
                audit=audit,
                code=crate.code,
                crate_id=crate_id,
                result=R.UNEXPECTED,
                expected_shelf_id=crate.location_id,
                found_shelf_id=scans[-1].audit_shelf.shelf_id,
                recorded_status=crate.status,
            )
        )
    return findings


@transaction.atomic
def audit_count_complete(*, actor: User, audit_id: int, version: int | None) -> InventoryAudit:
    """Counting is over: every shelf must be completed; the results are frozen into findings
    and the audit is RECONCILING; audited ``inventory_audit.count_complete`` with the counts by
    result."""
    _require_permission(actor, RUN)
    audit = _lock_audit(actor=actor, audit_id=audit_id)
    version_check(audit, version, what="audit")
    _counting(audit)
    open_shelves = list(
        AuditShelf.objects.filter(audit=audit, done_at__isnull=True)
        .order_by("shelf__full_code")
        .values_list("shelf__full_code", flat=True)
    )
    if open_shelves:
        listed = ", ".join(open_shelves[:10]) + ("…" if len(open_shelves) > 10 else "")
        raise ConflictError(
            f"{len(open_shelves)} shelf(s) are not completed: {listed}.",
            code="shelves_not_done",
            details={"shelves": open_shelves[:100]},
        )
    findings = AuditFinding.objects.bulk_create(findings_compute(audit))
    counts = Counter(f.result for f in findings)
    before = audit.status
    _audit_save(audit, status=S.RECONCILING, counted_at=timezone.now(), counted_by=actor)
    audit_event_record(
        action="inventory_audit.count_complete",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=audit.pk,
        unit=audit.unit,
        changes={
            "status": [before, audit.status],
            "findings": [None, {r: counts.get(r, 0) for r in R.values}],
            "version": [audit.version - 1, audit.version],
        },
    )
    return audit


# --- Reconciliation ------------------------------------------------------------------------------


class ReconcileAction:
    RELOCATE = "RELOCATE"
    MARK_MISSING = "MARK_MISSING"
    EXPLAIN = "EXPLAIN"
    CHOICES = [
        (RELOCATE, "Correct the location to the shelf it was found on"),
        (MARK_MISSING, "Mark the crate missing"),
        (EXPLAIN, "Explain"),
    ]


ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    R.MISPLACED: (ReconcileAction.RELOCATE, ReconcileAction.EXPLAIN),
    R.MISSING: (ReconcileAction.MARK_MISSING, ReconcileAction.EXPLAIN),
    R.UNEXPECTED: (ReconcileAction.RELOCATE, ReconcileAction.EXPLAIN),
    R.UNKNOWN: (ReconcileAction.EXPLAIN,),
    R.FOUND: (),
}
RESOLUTION_OF = {
    ReconcileAction.RELOCATE: Resolution.RELOCATED,
    ReconcileAction.MARK_MISSING: Resolution.MARKED_MISSING,
    ReconcileAction.EXPLAIN: Resolution.EXPLAINED,
}


def reconcile_refusal(*, actor: User, audit: InventoryAudit) -> ApplicationError | None:
    """Why ``actor`` may not reconcile the findings of ``audit`` now, or None."""
    if not actor.has_perm(RECONCILE):
        return _forbidden()
    if not unit_allowed(user=actor, unit_id=audit.unit_id):
        return not_found()
    if audit.status != S.RECONCILING:
        return ConflictError(
            f"Findings are reconciled once counting is complete; audit {audit.number} is "
            f"{audit.get_status_display().lower()}.",
            code="invalid_transition",
        )
    return None


def _raise(refusal: ApplicationError | None) -> None:
    if refusal is not None:
        raise refusal


def _unit_admins_notify(*, crate: Crate, audit: InventoryAudit, finding: AuditFinding) -> None:
    recipients = user_list_with_permission(permission="accounts.change_user", unit=crate.unit)
    recipients = recipients.filter(role__permissions__codename="witness_destruction")
    where = finding.expected_shelf.full_code if finding.expected_shelf else "its shelf"
    notification_create_many(
        recipients=recipients,
        kind=NotificationKind.CRATE_MISSING,
        title=f"Crate {crate.code} is missing: inventory audit {audit.number} did not find it "
        f"on {where}",
        body=finding.note,
        dedupe_key=f"crate-missing:{crate.pk}:{finding.pk}",
        unit=crate.unit,
        object_type="crate",
        object_id=str(crate.pk),
        link=f"/crates/{crate.pk}",
    )


@dataclass
class ReconcileInput:
    version: int | None
    action: str
    note: str
    password: str
    username: str = ""
    reauthentication: str = ""  # a re-authentication ticket (users of the identity provider)


def finding_reconcile(
    *,
    http_request: HttpRequest,
    actor: User,
    audit_id: int,
    finding_id: int,
    data: ReconcileInput,
) -> InventoryAudit:
    """Reconcile one discrepancy, signed ``RECONCILED`` on the finding (after the change, so
    the signature covers the resolution): RELOCATE records the crate on the shelf it was found
    on (in storage again if it was missing; audited ``crate.relocate``), MARK_MISSING makes an
    expected crate that was not found MISSING (audited ``crate.mark_missing``; its unit's Unit
    Admins are notified; it leaves open destruction batches), EXPLAIN records the explanation
    only. Every action needs its explanation (``note``); audited ``inventory_audit.reconcile``."""
    _require_permission(actor, RECONCILE)
    note = _require_text(data.note, "note")
    preview = (
        AuditFinding.objects.filter(pk=finding_id, audit_id=audit_id)
        .values("crate_id", "result", "audit__unit_id")
        .first()
    )
    if preview is None:
        raise not_found()
    require_unit(user=actor, unit_id=preview["audit__unit_id"])
    allowed = ALLOWED_ACTIONS[preview["result"]]
    if data.action not in allowed:
        raise ApplicationError(
            f"A {FindingResult(preview['result']).label.lower()} finding is reconciled by "
            f"{' or '.join(a.lower().replace('_', ' ') for a in allowed) or 'nothing'}.",
            code="invalid_resolution",
            details={"action": [f"Allowed: {', '.join(allowed) or 'none'}."]},
        )
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=data.password,
        username=data.username,
        reauthentication=data.reauthentication,
        meaning=SignatureMeaning.RECONCILED,
        object_type=FINDING_TYPE,
        object_id=finding_id,
        reason=note,
    ) as change:
        crate = (
            Crate.objects.select_for_update(of=("self",))
            .select_related("unit", "location")
            .get(pk=preview["crate_id"])
            if preview["crate_id"]
            else None
        )
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        version_check(audit, data.version, what="audit")
        _raise(reconcile_refusal(actor=actor, audit=audit))
        finding = (
            AuditFinding.objects.select_for_update(of=("self",))
            .select_related("expected_shelf", "found_shelf")
            .get(pk=finding_id)
        )
        finding.audit = audit
        if finding.resolution:
            raise ConflictError(
                f"The finding for {finding.code} is already reconciled.", code="finding_resolved"
            )
        if data.action == ReconcileAction.RELOCATE:
            _relocate(change, crate=crate, audit=audit, finding=finding, note=note)
        elif data.action == ReconcileAction.MARK_MISSING:
            assert crate is not None
            before_shelf = crate.location.full_code if crate.location else None
            before_status = crate.status
            crate_mark_missing(crate=crate, reason=f"Missing in inventory audit {audit.number}")
            change.audit(
                action="crate.mark_missing",
                object_type="crate",
                object_id=crate.pk,
                unit=crate.unit,
                changes={
                    "status": [before_status, crate.status],
                    "location": [before_shelf, None],
                    "version": [crate.version - 1, crate.version],
                },
            )
        finding.resolution = RESOLUTION_OF[data.action]
        finding.note = note
        finding.resolved_at = timezone.now()
        finding.resolved_by = actor
        finding.save()
        if data.action == ReconcileAction.MARK_MISSING and crate is not None:
            _unit_admins_notify(crate=crate, audit=audit, finding=finding)
        _audit_save(audit)
        change.sign(finding)
        change.audit(
            action="inventory_audit.reconcile",
            object_type=OBJECT_TYPE,
            object_id=audit.pk,
            unit=audit.unit,
            with_signature=True,
            changes={
                "finding": [None, finding.pk],
                "code": [None, finding.code],
                "result": [None, finding.result],
                "resolution": [None, finding.resolution],
                "version": [audit.version - 1, audit.version],
            },
        )
    return audit


def _relocate(
    change: Any, *, crate: Crate | None, audit: InventoryAudit, finding: AuditFinding, note: str
) -> None:
    assert crate is not None
    assert finding.found_shelf is not None
    if crate.unit_id != audit.unit_id:
        raise ConflictError(
            f"Crate {crate.code} belongs to another unit: a transfer request moves it between "
            "units; explain the finding instead.",
            code="crate_other_unit",
        )
    # An open request or batch that holds the crate keeps it: only its recorded shelf changes.
    before_shelf = crate.location.full_code if crate.location else None
    before_status = crate.status
    crate_location_correct(crate=crate, shelf=finding.found_shelf)
    change.audit(
        action="crate.relocate",
        object_type="crate",
        object_id=crate.pk,
        unit=crate.unit,
        reason=note,
        changes={
            "location": [before_shelf, finding.found_shelf.full_code],
            **({"status": [before_status, crate.status]} if before_status != crate.status else {}),
            "version": [crate.version - 1, crate.version],
            "audit": [None, audit.number],
        },
    )


# --- Closing and cancelling ----------------------------------------------------------------------


def _release_shelves(audit: InventoryAudit) -> int:
    return AuditShelf.objects.filter(audit=audit, holds_shelf=True).update(holds_shelf=False)


def close_refusal(*, actor: User, audit: InventoryAudit) -> ApplicationError | None:
    if not actor.has_perm(RUN):
        return _forbidden()
    if not unit_allowed(user=actor, unit_id=audit.unit_id):
        return not_found()
    if audit.status != S.RECONCILING:
        return ConflictError(
            f"A {audit.get_status_display().lower()} audit cannot be closed; complete the count "
            "first.",
            code="invalid_transition",
        )
    return None


def cancel_refusal(*, actor: User, audit: InventoryAudit) -> ApplicationError | None:
    if not actor.has_perm(RUN):
        return _forbidden()
    if not unit_allowed(user=actor, unit_id=audit.unit_id):
        return not_found()
    if audit.status not in OPEN_AUDIT_STATUSES:
        return ConflictError(
            f"A {audit.get_status_display().lower()} audit cannot be cancelled.",
            code="invalid_transition",
        )
    return None


def audit_close(
    *,
    http_request: HttpRequest,
    actor: User,
    audit_id: int,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> InventoryAudit:
    """Close a RECONCILING audit whose discrepancies are all reconciled, signed
    ``AUDIT_CLOSED``: every shelf of the audit gets ``last_verified_at`` = now and the shelves
    are free for other audits; audited ``inventory_audit.close``."""
    _require_permission(actor, RUN)
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=SignatureMeaning.AUDIT_CLOSED,
        object_type=OBJECT_TYPE,
        object_id=audit_id,
        reason=(reason or "").strip(),
    ) as change:
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        change.lock_loaded(audit, version=version, what="audit")
        _raise(close_refusal(actor=actor, audit=audit))
        open_findings = list(
            AuditFinding.objects.filter(audit=audit, resolution="")
            .exclude(result=R.FOUND)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if open_findings:
            raise ConflictError(
                f"{len(open_findings)} discrepancy(ies) are not reconciled: "
                f"{', '.join(open_findings[:10])}.",
                code="findings_open",
                details={"findings": open_findings[:100]},
            )
        now = timezone.now()
        shelf_ids = list(AuditShelf.objects.filter(audit=audit).values_list("shelf_id", flat=True))
        verified = Location.objects.filter(pk__in=shelf_ids).update(last_verified_at=now)
        _release_shelves(audit)
        before = audit.status
        _audit_save(audit, status=S.CLOSED, closed_at=now, closed_by=actor)
        change.audit(
            action="inventory_audit.close",
            changes={
                "status": [before, audit.status],
                "shelves_verified": [None, verified],
                "version": [audit.version - 1, audit.version],
            },
        )
    return audit


def audit_cancel(
    *,
    http_request: HttpRequest,
    actor: User,
    audit_id: int,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> InventoryAudit:
    """Cancel an open audit (reason required), signed ``CANCELLED``: its shelves are free for
    other audits, no shelf counts as verified; reconciliations already made stay. Audited
    ``inventory_audit.cancel``."""
    _require_permission(actor, RUN)
    reason = _require_text(reason, "reason")
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=SignatureMeaning.CANCELLED,
        object_type=OBJECT_TYPE,
        object_id=audit_id,
        reason=reason,
    ) as change:
        audit = _lock_audit(actor=actor, audit_id=audit_id)
        change.lock_loaded(audit, version=version, what="audit")
        _raise(cancel_refusal(actor=actor, audit=audit))
        released = _release_shelves(audit)
        before = audit.status
        _audit_save(audit, status=S.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason)
        change.audit(
            action="inventory_audit.cancel",
            changes={
                "status": [before, audit.status],
                "shelves_released": [None, released],
                "version": [audit.version - 1, audit.version],
            },
        )
    return audit
