"""In-app notifications; e-mails for them are sent by Celery and their sending is recorded, so
that a retried task never sends twice.

A notification knows no domain model: what it is about is a generic reference (``object_type``,
``object_id``) and the path of that object's page in the app (``link``), both given by the sender
(requests/notifying.py routes the request events)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationKind(models.TextChoices):
    REQUEST_SUBMITTED = "REQUEST_SUBMITTED", "Request submitted"
    REQUEST_APPROVED = "REQUEST_APPROVED", "Request approved"
    REQUEST_REJECTED = "REQUEST_REJECTED", "Request rejected"
    REQUEST_SENT_BACK = "REQUEST_SENT_BACK", "Request sent back"
    READY_TO_FULFIL = "READY_TO_FULFIL", "Ready to fulfil"
    CRATE_ISSUED = "CRATE_ISSUED", "Crate issued"
    CRATE_DESTROYED = "CRATE_DESTROYED", "Crate destroyed"
    WITHDRAWAL_OVERDUE = "WITHDRAWAL_OVERDUE", "Withdrawal overdue"
    RETENTION_DUE = "RETENTION_DUE", "Retention due"
    AUDIT_CHAIN_BROKEN = "AUDIT_CHAIN_BROKEN", "Audit chain broken"
    PASSWORD_EXPIRING = "PASSWORD_EXPIRING", "Password expiring"
    AUDIT_REVIEW_DUE = "AUDIT_REVIEW_DUE", "Audit-trail review overdue"
    CRATE_MISSING = "CRATE_MISSING", "Crate missing"
    CYCLE_COUNT_DUE = "CYCLE_COUNT_DUE", "Cycle count due"


class Notification(models.Model):
    Kind = NotificationKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(
        max_length=50, blank=True, help_text="What it is about, e.g. request (blank: nothing)."
    )
    object_id = models.CharField(max_length=64, blank=True)
    link = models.CharField(
        max_length=200, blank=True, help_text="Path of its page in the app, e.g. /requests/42."
    )
    dedupe_key = models.CharField(
        max_length=200, help_text="One notification per recipient and key (idempotent tasks)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Its e-mail goes out by then, with the recipient's other pending ones in one "
        "message (blank: no e-mail: no address, an inactive account, or given up).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_unique_per_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
            # The e-mails still to send (strongroom.notifications.email): a few rows at most.
            models.Index(
                fields=["recipient", "id"],
                condition=Q(email_due_at__isnull=False, email_sent_at__isnull=True),
                name="notification_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class EmailFlush(models.Model):
    """One row: whether a flush of the pending e-mails (``send_notification_emails``) is queued
    and has not started, and when it is due. A transaction that leaves an e-mail pending queues
    a flush unless one is due by the time the e-mail is (strongroom.notifications.services);
    the flush clears the mark before it reads what is pending. Both take the row lock, so an
    e-mail is always either read by a flush that has started or covered by one still queued.
    A mark a few seconds past its due time stops nothing: that flush was lost (the broker lost
    the task, or no worker reads that broker), and the next e-mail queues another."""

    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the queued flush runs (blank: none is queued)."
    )

    def __str__(self) -> str:
        return f"e-mail flush due at {self.due_at}" if self.due_at else "no flush queued"
