"""Requests — storage, withdrawal (issue and return), transfer and destruction — and send-backs.

One model for the four types; type-specific columns are nullable and check constraints say which
type needs which. The status changes in exactly one place, the transition services.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from strongroom.accounts.models import Unit
from strongroom.core.models import FastLoadMixin
from strongroom.records.models import Crate, Document
from strongroom.storage.models import Location


class RequestType(models.TextChoices):
    STORAGE = "STORAGE", "Storage"
    WITHDRAWAL = "WITHDRAWAL", "Withdrawal"
    TRANSFER = "TRANSFER", "Transfer"
    DESTRUCTION = "DESTRUCTION", "Destruction"


class RequestStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "Submitted"
    APPROVED = "APPROVED", "Approved"
    ISSUED = "ISSUED", "Issued"
    SENT_BACK = "SENT_BACK", "Sent back"
    COMPLETED = "COMPLETED", "Completed"
    REJECTED = "REJECTED", "Rejected"
    CANCELLED = "CANCELLED", "Cancelled"


OPEN_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.ISSUED,
    RequestStatus.SENT_BACK,
)
FINAL_STATUSES = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)


class Request(FastLoadMixin, models.Model):
    Type = RequestType
    Status = RequestStatus

    number = models.CharField(max_length=30, unique=True, editable=False)
    type = models.CharField(max_length=12, choices=RequestType.choices)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="requests")
    crate = models.ForeignKey(Crate, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests"
    )
    purpose = models.TextField()
    version = models.PositiveIntegerField(default=1)

    # WITHDRAWAL: listed documents (none listed = the whole crate) and the promised return.
    documents = models.ManyToManyField(Document, blank=True, related_name="withdrawal_requests")
    expected_return_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    is_overdue = models.BooleanField(default=False)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    overdue_escalated_at = models.DateTimeField(null=True, blank=True)
    # STORAGE allocates, WITHDRAWAL returns to, TRANSFER moves to: a shelf.
    target_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # DESTRUCTION: the second signatory.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_request", "Can approve, reject and send back requests"),
            ("fulfil_request", "Can allocate, issue, receive, transfer and destroy"),
            ("witness_destruction", "Can witness a destruction"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=RequestType.values), name="request_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
            # At most one open request per crate — in the database, not only in code.
            models.UniqueConstraint(
                fields=["crate"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="request_one_open_per_crate",
            ),
            models.CheckConstraint(
                condition=Q(type="WITHDRAWAL", expected_return_on__isnull=False)
                | Q(~Q(type="WITHDRAWAL"), expected_return_on__isnull=True),
                name="request_return_date_only_for_withdrawal",
            ),
            models.CheckConstraint(
                condition=~Q(type="TRANSFER", target_location__isnull=True),
                name="request_transfer_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(status="ISSUED") | Q(type="WITHDRAWAL", issued_at__isnull=False),
                name="request_issued_only_withdrawal",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True)
                | Q(issued_at__isnull=False, returned_at__gte=F("issued_at")),
                name="request_returned_after_issued",
            ),
            models.CheckConstraint(
                condition=Q(is_overdue=False) | Q(type="WITHDRAWAL"),
                name="request_overdue_only_withdrawal",
            ),
            models.CheckConstraint(
                condition=~Q(type="DESTRUCTION", status="COMPLETED", witness__isnull=True),
                name="request_destruction_witnessed",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=F("requester")),
                name="request_witness_not_requester",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("submitted_at")),
                name="request_completed_after_submitted",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="request_version_positive"),
            models.CheckConstraint(condition=~Q(purpose=""), name="request_purpose_not_empty"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "-created_at"], name="request_unit_status_idx"),
            models.Index(fields=["requester", "-created_at"], name="request_requester_idx"),
            models.Index(fields=["type", "status"], name="request_type_status_idx"),
            models.Index(fields=["crate", "-created_at"], name="request_crate_idx"),
            models.Index(
                fields=["expected_return_on"],
                condition=Q(status="ISSUED"),
                name="request_issued_return_idx",
            ),
            # The overdue report's order, for one unit and for every unit: its first page is
            # read from an index, however many withdrawals fall due on one day.
            models.Index(
                fields=["unit", "expected_return_on", "id"],
                condition=Q(type="WITHDRAWAL", status="ISSUED"),
                name="request_overdue_idx",
            ),
            models.Index(
                fields=["expected_return_on", "id"],
                condition=Q(type="WITHDRAWAL", status="ISSUED"),
                name="request_overdue_all_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SendBack(models.Model):
    """A request returned to its requester for correction; resolved when they resubmit."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="send_backs")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    sent_at = models.DateTimeField()
    from_status = models.CharField(max_length=10, choices=RequestStatus.choices)
    response = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="sendback_reason_required"),
            models.CheckConstraint(
                condition=Q(from_status__in=["SUBMITTED", "APPROVED"]),
                name="sendback_from_open_status",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(
                    resolved_at__isnull=False,
                    resolved_by__isnull=False,
                    resolved_at__gte=F("sent_at"),
                ),
                name="sendback_resolution_consistent",
            ),
            # Only one unresolved send-back per request at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(resolved_at__isnull=True),
                name="sendback_one_open_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} sent back {self.sent_at:%Y-%m-%d}"


class IdempotencyKey(models.Model):
    """``Idempotency-Key`` of a request-creating POST: a retried submission returns the request
    the first one created instead of creating a second."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


# The request tallies' models (strongroom.requests.tallies) are this app's too.
from strongroom.requests.tallies import OpenRequestTally as OpenRequestTally  # noqa: E402
from strongroom.requests.tallies import OpenRequestTallyDelta as OpenRequestTallyDelta  # noqa: E402
from strongroom.requests.tallies import OpenRequestTallyNow as OpenRequestTallyNow  # noqa: E402
from strongroom.requests.tallies import SubmittedTally as SubmittedTally  # noqa: E402
from strongroom.requests.tallies import SubmittedTallyDelta as SubmittedTallyDelta  # noqa: E402
from strongroom.requests.tallies import SubmittedTallyNow as SubmittedTallyNow  # noqa: E402
