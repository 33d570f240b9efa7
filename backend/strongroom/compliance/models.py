"""Electronic signatures and the audit trail (21 CFR Part 11 §11.10(e), §11.50, §11.70).

Both tables are append-only: the database itself refuses UPDATE and DELETE on them (triggers
installed by this app's migrations on PostgreSQL and SQLite), and the admin shows them read-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from strongroom.accounts.models import Unit


class SignatureMeaning(models.TextChoices):
    SUBMITTED = "SUBMITTED", "Submitted"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    SENT_BACK = "SENT_BACK", "Sent back"
    RESUBMITTED = "RESUBMITTED", "Resubmitted"
    CANCELLED = "CANCELLED", "Cancelled"
    ALLOCATED = "ALLOCATED", "Allocated"
    ISSUED = "ISSUED", "Issued"
    RECEIVED = "RECEIVED", "Received"
    TRANSFERRED = "TRANSFERRED", "Transferred"
    DESTROYED = "DESTROYED", "Destroyed"
    WITNESSED = "WITNESSED", "Witnessed"
    HOLD_PLACED = "HOLD_PLACED", "Legal hold placed"
    HOLD_RELEASED = "HOLD_RELEASED", "Legal hold released"
    BATCH_APPROVED = "BATCH_APPROVED", "Destruction batch approved"
    BATCH_COMPLETED = "BATCH_COMPLETED", "Destruction batch completed"
    RULE_APPROVED = "RULE_APPROVED", "Retention rule approved"
    REVIEWED = "REVIEWED", "Audit trail reviewed"
    RECONCILED = "RECONCILED", "Inventory discrepancy reconciled"
    AUDIT_CLOSED = "AUDIT_CLOSED", "Inventory audit closed"


class Signature(models.Model):
    """One electronic signature: who, printed name, meaning, when, and on what record.

    A signature is keyed by ``object_type`` + ``object_id`` like an audit event, with the
    record's ``unit`` for scoping; which record types can be signed, and what their content is,
    each app declares (``compliance.canonical``). ``request`` / ``crate`` are navigation links
    kept for those two types (``request.signatures``); verification requires them to agree with
    ``object_id``.

    ``scheme`` 2 and 3: ``content_digest`` is the SHA-256 of the record's canonical content at
    signing and ``record_digest`` binds scheme, signer, meaning, UTC time, object type and id and
    that content (scheme 3's content of a storage request also covers its crate's documents;
    scheme 4's request and crate content leave out the retention the schedule governs).
    ``scheme`` 1 (legacy rows): ``record_digest`` is the content digest alone. The schemes are
    described in ``strongroom.compliance.canonical``.
    """

    Meaning = SignatureMeaning

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures"
    )
    printed_name = models.CharField(max_length=200)
    meaning = models.CharField(max_length=15, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    request = models.ForeignKey(
        "workflow.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    crate = models.ForeignKey(
        "records.Crate", on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    scheme = models.PositiveSmallIntegerField(
        default=4,
        help_text="Digest scheme: 1 = content only (legacy), 2 = bound, 3 = bound, storage "
        "requests' content with their documents, 4 = bound, without the retention the "
        "schedule governs.",
    )
    content_digest = models.CharField(max_length=64, blank=True)
    record_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        permissions = [("view_signature_manifestation", "Can view signature manifestations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(meaning__in=SignatureMeaning.values), name="signature_meaning_valid"
            ),
            models.CheckConstraint(
                condition=~Q(object_type="")
                & ~Q(object_id="")
                & ~Q(request__isnull=False, crate__isnull=False),
                name="signature_signs_one_record",
            ),
            models.CheckConstraint(
                condition=Q(record_digest__regex=r"^[0-9a-f]{64}$"), name="signature_digest_format"
            ),
            models.CheckConstraint(
                condition=Q(content_digest="") | Q(content_digest__regex=r"^[0-9a-f]{64}$"),
                name="signature_content_digest_format",
            ),
            models.CheckConstraint(
                condition=Q(scheme__in=[1, 2, 3, 4]), name="signature_scheme_known"
            ),
            models.CheckConstraint(condition=~Q(printed_name=""), name="signature_printed_name"),
        ]
        indexes = [
            models.Index(fields=["request", "signed_at"], name="signature_request_idx"),
            models.Index(fields=["crate", "signed_at"], name="signature_crate_idx"),
            models.Index(
                fields=["object_type", "object_id", "signed_at"], name="signature_object_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.printed_name} — {self.meaning} — {self.signed_at:%Y-%m-%d %H:%M:%S %Z}"


class AuditEvent(models.Model):
    """One entry of the tamper-evident audit trail.

    ``hash`` = SHA-256 over the previous event's hash and this event's canonical content, so
    changing or removing any event breaks every hash after it (``verify_audit_chain``).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, help_text="e.g. request.approve, auth.login_failed")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        permissions = [
            ("view_audit_trail", "Can read and export the audit trail"),
            ("verify_audit_chain", "Can verify the audit chain"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hash__regex=r"^[0-9a-f]{64}$") & Q(prev_hash__regex=r"^[0-9a-f]{64}$"),
                name="audit_hash_format",
            ),
            models.CheckConstraint(condition=~Q(action=""), name="audit_action_required"),
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_linear"),
        ]
        indexes = [
            models.Index(fields=["unit", "-id"], name="audit_unit_idx"),
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """A signed statement of the audit chain's head: "event ``last_event_id`` had hash
    ``last_event_hash`` and was the ``event_count``-th event, at ``created_at``".

    Signed with the Ed25519 key kept outside the database (``audit_keys``), numbered 1, 2, 3…
    without gaps and chained (``prev_digest`` = SHA-256 of the previous checkpoint's signed
    content), so that deleting events from the end, emptying the table or rewriting history and
    recomputing every hash no longer verifies, and neither does a forged or deleted checkpoint.
    Append-only like the trail itself (triggers installed by migration ``compliance.0004``).
    """

    id = models.BigIntegerField(primary_key=True, help_text="1, 2, 3… without gaps; signed")
    created_at = models.DateTimeField(help_text="UTC, to the second; signed")
    last_event_id = models.BigIntegerField(help_text="The chain's head; 0 when it was empty")
    last_event_hash = models.CharField(max_length=64)
    event_count = models.BigIntegerField(help_text="Events with an id up to last_event_id")
    prev_digest = models.CharField(max_length=64, help_text="Digest of the previous checkpoint")
    key_id = models.CharField(max_length=64, help_text="SHA-256 of the signing public key")
    signature = models.CharField(max_length=100, help_text="Ed25519 signature, base64")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_event_hash__regex=r"^[0-9a-f]{64}$")
                & Q(prev_digest__regex=r"^[0-9a-f]{64}$")
                & Q(key_id__regex=r"^[0-9a-f]{64}$"),
                name="audit_checkpoint_hash_format",
            ),
            models.CheckConstraint(
                condition=Q(id__gte=1) & Q(last_event_id__gte=0) & Q(event_count__gte=0),
                name="audit_checkpoint_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.id}: event {self.last_event_id} ({self.event_count} events)"
