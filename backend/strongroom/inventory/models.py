"""Inventory audits (cycle counts, PRODUCT.md §8): the crates recorded on a location subtree are
snapshotted when the audit opens, the Store Head scans the shelves one by one, and what was
found is compared with what was expected.

::

    OPEN --(first scan)--> IN_PROGRESS --count complete--> RECONCILING --close (signed)--> CLOSED
    OPEN|IN_PROGRESS|RECONCILING --cancel (signed, reason)--> CANCELLED

Each shelf of the scope is one :class:`AuditShelf`. A shelf is counted by one open audit at a
time: the first audit that scans it *holds* it (``holds_shelf``, unique per shelf among holders
in the database) until that audit closes or is cancelled; a scan of the shelf in another audit
is refused (409 ``shelf_in_other_audit``). Audits may overlap (a rack spot-check inside a room
audit); only the counting of one shelf may not.

When counting is complete, the result of every expected crate and every scanned code is frozen
into :class:`AuditFinding` rows; each discrepancy is reconciled with a signature (``RECONCILED``:
location corrected, crate marked missing, or explained) before the audit can be closed
(``AUDIT_CLOSED``), which sets each shelf's ``last_verified_at``. The status changes in exactly
one place, :mod:`strongroom.inventory.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from strongroom.accounts.models import Unit
from strongroom.records.models import Crate
from strongroom.storage.models import Location


class AuditStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    RECONCILING = "RECONCILING", "Reconciling"
    CLOSED = "CLOSED", "Closed"
    CANCELLED = "CANCELLED", "Cancelled"


OPEN_AUDIT_STATUSES = (AuditStatus.OPEN, AuditStatus.IN_PROGRESS, AuditStatus.RECONCILING)


class InventoryAudit(models.Model):
    Status = AuditStatus

    number = models.CharField(max_length=20, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inventory_audits")
    scope = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="inventory_audits",
        help_text="The room, rack or shelf whose shelves are counted.",
    )
    status = models.CharField(max_length=11, choices=AuditStatus.choices, default=AuditStatus.OPEN)
    note = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("run_inventory_audit", "Can open, scan, complete and close inventory audits"),
            ("reconcile_inventory_audit", "Can reconcile an inventory audit's discrepancies"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AuditStatus.values), name="inventory_audit_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^IA-[0-9]{4}-[0-9]{4,}$"),
                name="inventory_audit_number_format",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="inventory_audit_version_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["RECONCILING", "CLOSED"])
                | Q(counted_at__isnull=False, counted_by__isnull=False),
                name="inventory_audit_counted",
            ),
            models.CheckConstraint(
                condition=~Q(status="CLOSED") | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="inventory_audit_closed_by",
            ),
            models.CheckConstraint(
                condition=~Q(status="CANCELLED")
                | Q(cancelled_at__isnull=False) & ~Q(cancel_reason=""),
                name="inventory_audit_cancelled_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "-opened_at"], name="inventory_audit_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_AUDIT_STATUSES


class AuditShelf(models.Model):
    """One shelf of an audit's scope: how many crates were expected on it, whether it is being
    counted (held) by this audit, and when its count was declared done."""

    audit = models.ForeignKey(InventoryAudit, on_delete=models.PROTECT, related_name="shelves")
    shelf = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    expected_count = models.PositiveIntegerField(default=0)
    holds_shelf = models.BooleanField(
        default=False, help_text="This audit is counting the shelf; no other audit may scan it."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["shelf__full_code"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "shelf"], name="audit_shelf_once"),
            models.UniqueConstraint(
                fields=["shelf"], condition=Q(holds_shelf=True), name="audit_shelf_one_holder"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="audit_shelf_done_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.shelf_id}"


class AuditExpectation(models.Model):
    """A crate recorded on a shelf of the scope when the audit opened (the snapshot)."""

    audit = models.ForeignKey(InventoryAudit, on_delete=models.PROTECT, related_name="expectations")
    crate = models.ForeignKey(Crate, on_delete=models.PROTECT, related_name="+")
    shelf = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "crate"], name="audit_expectation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.crate_id}@{self.shelf_id}"


class AuditScan(models.Model):
    """One code read on one shelf of the audit: by whom, when. A code is recorded once per
    shelf (a second read of it is the same scan), and a retried submission carrying the same
    ``client_key`` returns the scan it already made."""

    audit = models.ForeignKey(InventoryAudit, on_delete=models.PROTECT, related_name="scans")
    audit_shelf = models.ForeignKey(AuditShelf, on_delete=models.PROTECT, related_name="scans")
    code = models.CharField(max_length=60, help_text="The crate code as read (normalised).")
    crate = models.ForeignKey(
        Crate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_key = models.CharField(max_length=64, blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField()

    class Meta:
        ordering = ["scanned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audit_shelf", "code"], name="audit_scan_code_once"),
            models.UniqueConstraint(
                fields=["audit", "client_key"],
                condition=~Q(client_key=""),
                name="audit_scan_client_key_once",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="audit_scan_code_required"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.code}"


class FindingResult(models.TextChoices):
    FOUND = "FOUND", "Found"
    MISPLACED = "MISPLACED", "Misplaced"
    MISSING = "MISSING", "Missing"
    UNEXPECTED = "UNEXPECTED", "Unexpected"
    UNKNOWN = "UNKNOWN", "Unknown code"


DISCREPANCIES = (
    FindingResult.MISPLACED,
    FindingResult.MISSING,
    FindingResult.UNEXPECTED,
    FindingResult.UNKNOWN,
)


class Resolution(models.TextChoices):
    RELOCATED = "RELOCATED", "Location corrected"
    MARKED_MISSING = "MARKED_MISSING", "Marked missing"
    EXPLAINED = "EXPLAINED", "Explained"


class AuditFinding(models.Model):
    """The frozen result of one expected crate or one scanned code, and how a discrepancy was
    reconciled (signed ``RECONCILED`` on this row)."""

    Result = FindingResult

    audit = models.ForeignKey(InventoryAudit, on_delete=models.PROTECT, related_name="findings")
    code = models.CharField(max_length=60)
    crate = models.ForeignKey(
        Crate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=10, choices=FindingResult.choices)
    expected_shelf = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_shelf = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_status = models.CharField(
        max_length=10, blank=True, help_text="The crate's status when counting completed."
    )
    resolution = models.CharField(max_length=14, choices=Resolution.choices, blank=True)
    note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=FindingResult.values), name="audit_finding_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolution__in=Resolution.values),
                name="audit_finding_resolution_valid",
            ),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_at__isnull=True, resolved_by__isnull=True)
                | ~Q(resolution="")
                & Q(resolved_at__isnull=False, resolved_by__isnull=False)
                & ~Q(note=""),
                name="audit_finding_resolved_with_note",
            ),
            models.CheckConstraint(
                condition=~Q(result="FOUND") | Q(resolution=""),
                name="audit_finding_found_needs_nothing",
            ),
            models.UniqueConstraint(
                fields=["audit", "crate"],
                condition=Q(crate__isnull=False),
                name="audit_finding_crate_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.code} {self.result}"

    @property
    def unit(self) -> Unit:
        """The audit's unit (a finding's signature is scoped by it)."""
        return self.audit.unit
