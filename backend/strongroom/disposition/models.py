"""Destruction batches (PRODUCT.md §8): eligible crates selected into one batch, approved once
with a signature, then destroyed crate by crate (scanned, witnessed) or marked not found, and
completed with a signature and one certificate.

A crate is in at most one open batch or request: the batch claims its crates in
``records.CrateClaim`` (one row per crate, unique), released when the item leaves the batch or
the batch closes. The status changes in exactly one place, :mod:`strongroom.disposition.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from strongroom.accounts.models import Unit
from strongroom.records.models import Crate


class BatchStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted"
    APPROVED = "APPROVED", "Approved"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


OPEN_BATCH_STATUSES = (
    BatchStatus.DRAFT,
    BatchStatus.SUBMITTED,
    BatchStatus.APPROVED,
    BatchStatus.IN_PROGRESS,
)
FINAL_BATCH_STATUSES = (BatchStatus.COMPLETED, BatchStatus.CANCELLED)


class DestructionBatch(models.Model):
    Status = BatchStatus

    number = models.CharField(max_length=20, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="destruction_batches")
    status = models.CharField(max_length=11, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    note = models.TextField(blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    send_back_reason = models.TextField(
        blank=True, help_text="Why the batch was last sent back to its preparer."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "destruction batches"
        permissions = [
            ("prepare_batch", "Can prepare and submit destruction batches"),
            ("approve_batch", "Can approve and send back destruction batches"),
            ("destroy_batch_item", "Can destroy a batch's crates and complete the batch"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="batch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^DB-[0-9]{4}-[0-9]{4,}$"), name="batch_number_format"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="batch_version_positive"),
            # Approved (and everything after it but a cancellation of an unapproved batch) has
            # its approver, who is not the preparer.
            models.CheckConstraint(
                condition=~Q(status__in=["APPROVED", "IN_PROGRESS", "COMPLETED"])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="batch_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                name="batch_approver_not_preparer",
            ),
            models.CheckConstraint(
                condition=~Q(status="COMPLETED")
                | Q(completed_at__isnull=False, completed_by__isnull=False),
                name="batch_completed_has_completer",
            ),
            models.CheckConstraint(
                condition=~Q(status="CANCELLED")
                | Q(cancelled_at__isnull=False) & ~Q(cancel_reason=""),
                name="batch_cancelled_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "-created_at"], name="batch_unit_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BATCH_STATUSES


class ItemState(models.TextChoices):
    PENDING = "PENDING", "Pending"
    DESTROYED = "DESTROYED", "Destroyed"
    NOT_FOUND = "NOT_FOUND", "Not found"
    DROPPED = "DROPPED", "Dropped"


class BatchItem(models.Model):
    """One crate of a batch and what became of it."""

    State = ItemState

    batch = models.ForeignKey(DestructionBatch, on_delete=models.PROTECT, related_name="items")
    crate = models.ForeignKey(Crate, on_delete=models.PROTECT, related_name="batch_items")
    state = models.CharField(max_length=9, choices=ItemState.choices, default=ItemState.PENDING)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    scanned_code = models.CharField(max_length=60, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who marked it not found (none for a drop: the change that made the crate "
        "ineligible did).",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "crate"], name="batch_item_crate_once"),
            models.CheckConstraint(
                condition=Q(state__in=ItemState.values), name="batch_item_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    state="PENDING",
                    reason_code="",
                    reason="",
                    destroyed_at__isnull=True,
                    destroyed_by__isnull=True,
                    witness__isnull=True,
                    resolved_at__isnull=True,
                )
                | ~Q(state="PENDING"),
                name="batch_item_pending_clean",
            ),
            models.CheckConstraint(
                condition=~Q(state="DESTROYED")
                | Q(
                    destroyed_at__isnull=False,
                    destroyed_by__isnull=False,
                    witness__isnull=False,
                    reason_code="",
                )
                & ~Q(scanned_code="")
                & ~Q(witness=models.F("destroyed_by")),
                name="batch_item_destroyed_witnessed",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["NOT_FOUND", "DROPPED"])
                | Q(destroyed_at__isnull=True, witness__isnull=True, resolved_at__isnull=False)
                & ~Q(reason_code="")
                & ~Q(reason=""),
                name="batch_item_left_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="NOT_FOUND") | Q(resolved_by__isnull=False),
                name="batch_item_not_found_by",
            ),
        ]
        indexes = [
            models.Index(fields=["crate", "state"], name="batch_item_crate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.crate_id} {self.state}"

    @property
    def unit(self) -> Unit:
        """The batch's unit (the signatures of an item are scoped by it)."""
        return self.batch.unit
