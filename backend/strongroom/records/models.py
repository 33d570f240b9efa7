"""Records: crates (physical boxes), the documents inside them, and scanned attachments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from strongroom.accounts.models import Department, Unit
from strongroom.core.models import FastLoadMixin
from strongroom.storage.models import Location


class DocumentType(models.Model):
    """The master list of document types (Batch Record, Validation, SOP, Logbook…)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)
    default_retention_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A document of this type given no retention is kept this many years from its "
        "preparation date. Empty: no default (each document gives a date or is retained "
        "permanently).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9_]{1,20}$"), name="document_type_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Crate(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending storage"
        IN_STORAGE = "IN_STORAGE", "In storage"
        ISSUED = "ISSUED", "Issued"
        DESTROYED = "DESTROYED", "Destroyed"
        # Not found where it was recorded by an inventory audit's signed reconciliation: off
        # its shelf (``last_location`` keeps where it should be), no request or batch may take
        # it until a later audit finds it again (strongroom.inventory).
        MISSING = "MISSING", "Missing"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="crates")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="crates")
    code = models.CharField(max_length=40, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    description = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="crates"
    )
    last_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The shelf it last stood on; the default for a return.",
    )
    destroy_after = models.DateField(
        null=True, blank=True, help_text="Latest retention date of its documents."
    )
    retain_permanently = models.BooleanField(default=False)
    document_count = models.PositiveIntegerField(
        default=0,
        db_default=0,  # bulk loads (seed_volume's COPY) leave it to crate_retention_refresh
        editable=False,
        help_text="Its documents, kept with its retention by crate_retention_refresh: the "
        "forecast sums it instead of counting a million documents.",
    )
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.TextField(blank=True)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("place_legal_hold", "Can place and release a legal hold"),
            ("print_label", "Can print crate labels"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["PENDING", "IN_STORAGE", "ISSUED", "DESTROYED", "MISSING"]),
                name="crate_status_valid",
            ),
            models.UniqueConstraint(
                fields=["unit", "department", "year", "serial"], name="crate_serial_unique"
            ),
            # Where the crate is must agree with its status.
            models.CheckConstraint(
                condition=Q(status="IN_STORAGE", location__isnull=False)
                | Q(~Q(status="IN_STORAGE"), location__isnull=True),
                name="crate_location_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status="DESTROYED", destroyed_at__isnull=False)
                | Q(~Q(status="DESTROYED"), destroyed_at__isnull=True),
                name="crate_destroyed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(retain_permanently=True, destroy_after__isnull=False),
                name="crate_retention_either_date_or_permanent",
            ),
            models.CheckConstraint(
                condition=Q(legal_hold=False)
                | Q(legal_hold_at__isnull=False, legal_hold_by__isnull=False)
                & ~Q(legal_hold_reason=""),
                name="crate_legal_hold_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="DESTROYED", legal_hold=True),
                name="crate_destroyed_not_on_hold",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="crate_version_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2999), name="crate_year_plausible"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "-created_at"], name="crate_unit_status_idx"),
            models.Index(fields=["location", "status"], name="crate_location_status_idx"),
            models.Index(
                fields=["destroy_after"],
                condition=Q(status="IN_STORAGE", legal_hold=False),
                name="crate_retention_due_idx",
            ),
            # The destruction schedule's order (held crates included), for one unit and for
            # every unit: its first page is read from an index, however many crates are stored.
            models.Index(
                fields=["unit", "destroy_after", "id"],
                condition=Q(status="IN_STORAGE", destroy_after__isnull=False),
                name="crate_schedule_idx",
            ),
            models.Index(
                fields=["destroy_after", "id"],
                condition=Q(status="IN_STORAGE", destroy_after__isnull=False),
                name="crate_schedule_all_idx",
            ),
            # The retention forecast reads these two by index alone (PostgreSQL's INCLUDE): the
            # eligible crates of a unit by retention date, and the crates in storage that are not
            # forecast (on hold, retained permanently, waiting for an event).
            models.Index(
                fields=["unit", "destroy_after"],
                include=["id", "department", "document_count"],
                condition=Q(
                    status="IN_STORAGE",
                    legal_hold=False,
                    retain_permanently=False,
                    destroy_after__isnull=False,
                ),
                name="crate_eligible_idx",
            ),
            models.Index(
                fields=["unit"],
                include=["id", "legal_hold", "retain_permanently", "destroy_after"],
                condition=Q(status="IN_STORAGE")
                & (Q(legal_hold=True) | Q(retain_permanently=True) | Q(destroy_after__isnull=True)),
                name="crate_not_forecast_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Document(FastLoadMixin, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        DESTROYED = "DESTROYED", "Destroyed"

    crate = models.ForeignKey(Crate, on_delete=models.PROTECT, related_name="documents")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The unit that owns the number (the crate's unit when it was filed).",
    )
    number = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="documents")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="documents")

    class RetentionBasis(models.TextChoices):
        MANUAL = "MANUAL", "Typed by hand"
        RULE = "RULE", "Retention rule"
        PENDING_EVENT = "PENDING_EVENT", "Pending event"

    prepared_on = models.DateField()
    retention_until = models.DateField(null=True, blank=True)
    retain_permanently = models.BooleanField(default=False)
    retention_basis = models.CharField(
        max_length=13,
        choices=RetentionBasis.choices,
        default=RetentionBasis.MANUAL,
        help_text="Where the retention comes from: typed by hand (or a type's default), an "
        "approved retention rule, or a rule that waits for an event date (no date yet).",
    )
    retention_rule = models.ForeignKey(
        "records.RetentionRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The rule version that set the retention (empty: typed by hand).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"], name="document_number_unique_in_unit"
            ),
            # A date, or permanent, or (only when a rule waits for an event) neither.
            models.CheckConstraint(
                condition=Q(retain_permanently=True, retention_until__isnull=True)
                | Q(retain_permanently=False, retention_until__isnull=False)
                & ~Q(retention_basis="PENDING_EVENT")
                | Q(
                    retain_permanently=False,
                    retention_until__isnull=True,
                    retention_basis="PENDING_EVENT",
                    retention_rule__isnull=False,
                ),
                name="document_retention_date_or_permanent",
            ),
            models.CheckConstraint(
                condition=Q(retention_basis__in=["MANUAL", "RULE", "PENDING_EVENT"])
                & (Q(retention_basis="MANUAL") | Q(retention_rule__isnull=False)),
                name="document_retention_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(retention_until__isnull=True)
                | Q(retention_until__gte=F("prepared_on")),
                name="document_retention_after_preparation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["ACTIVE", "DESTROYED"]), name="document_status_valid"
            ),
            models.CheckConstraint(condition=~Q(number=""), name="document_number_not_empty"),
        ]
        indexes = [
            models.Index(fields=["crate", "number"], name="document_crate_idx"),
            models.Index(fields=["unit", "doc_type", "status"], name="document_unit_type_idx"),
            models.Index(fields=["doc_type", "crate"], name="document_type_crate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the user: the SHA-256 and a safe extension only.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """A scan of a document, stored under a content-derived name with its SHA-256."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_format"
            ),
            models.UniqueConstraint(
                fields=["document", "sha256"], name="attachment_unique_per_document"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class CrateClaimKind(models.TextChoices):
    REQUEST = "REQUEST", "Request"
    BATCH = "BATCH", "Destruction batch"


class CrateClaim(models.Model):
    """Who holds a crate right now: an open request or an open destruction batch, never two.

    One row per held crate (``crate`` is unique), so a crate in two open batches, or in a batch
    and an open request, is impossible in the database and not only in code. The holder is named
    by kind and id, without a foreign key: records sits below the apps that hold crates
    (requests, disposition), which claim and release through
    :mod:`strongroom.records.services.claims`.
    """

    Kind = CrateClaimKind

    crate = models.OneToOneField(Crate, on_delete=models.PROTECT, related_name="claim")
    holder_kind = models.CharField(max_length=7, choices=CrateClaimKind.choices)
    holder_id = models.PositiveBigIntegerField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_kind__in=CrateClaimKind.values), name="crate_claim_kind_valid"
            ),
            models.CheckConstraint(condition=Q(holder_id__gte=1), name="crate_claim_holder_set"),
        ]
        indexes = [
            models.Index(fields=["holder_kind", "holder_id"], name="crate_claim_holder_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.crate_id} held by {self.holder_kind} {self.holder_id}"


class RetentionEvent(models.Model):
    """A named event a retention period can run from (batch expiry, product discontinued, study
    closed…): a master list a records manager extends."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9_]{1,30}$"), name="retention_event_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RetentionRule(models.Model):
    """One version of a rule of the retention schedule (file plan).

    ``code`` names the rule across its versions; ``revision`` is its version in the schedule
    (1, 2, …; editing an approved rule drafts the next one); ``version`` is the row's optimistic
    lock, as on every edited record. Scope: a document type, optionally narrowed to a unit or to
    a department (a department belongs to one unit, so a department rule is also a unit rule);
    the most specific approved rule governs a document (department > unit > type), and two
    approved rules never share a scope.
    """

    class Trigger(models.TextChoices):
        PREPARED = "PREPARED", "From the preparation date"
        EVENT = "EVENT", "From an event date"
        PERMANENT = "PERMANENT", "Permanent"

    class Action(models.TextChoices):
        DESTROY = "DESTROY", "Destroy"
        REVIEW = "REVIEW", "Review"
        PERMANENT = "PERMANENT", "Keep permanently"

    class Status(models.TextChoices):
        DRAFT = "DRAFT", "Draft"
        APPROVED = "APPROVED", "Approved"
        SUPERSEDED = "SUPERSEDED", "Superseded"
        DISCARDED = "DISCARDED", "Discarded"

    code = models.CharField(max_length=30)
    revision = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    event = models.ForeignKey(
        RetentionEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="rules"
    )
    period_years = models.PositiveSmallIntegerField(default=0)
    period_months = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=10, choices=Action.choices)
    citation = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-revision"]
        permissions = [("approve_retention_rule", "Can approve retention rules (signed)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9_+.-]{0,29}$"),
                name="retention_rule_code_format",
            ),
            models.UniqueConstraint(fields=["code", "revision"], name="retention_rule_revision"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="DRAFT"),
                name="retention_rule_one_draft",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="APPROVED"),
                name="retention_rule_one_approved",
            ),
            # Two approved rules never share a scope: the most specific one is always one rule.
            models.UniqueConstraint(
                F("doc_type"),
                Coalesce(F("unit"), Value(0)),
                Coalesce(F("department"), Value(0)),
                condition=Q(status="APPROVED"),
                name="retention_rule_scope_approved_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["DRAFT", "APPROVED", "SUPERSEDED", "DISCARDED"]),
                name="retention_rule_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(trigger="EVENT", event__isnull=False)
                | Q(~Q(trigger="EVENT"), event__isnull=True),
                name="retention_rule_event_with_trigger",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(unit__isnull=False),
                name="retention_rule_department_in_unit",
            ),
            models.CheckConstraint(
                condition=Q(period_months__lte=11), name="retention_rule_months_below_12"
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT")
                | Q(status="DISCARDED")
                | Q(approved_at__isnull=False, effective_from__isnull=False),
                name="retention_rule_approval_recorded",
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1) & Q(version__gte=1),
                name="retention_rule_versions_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["doc_type", "status"], name="retention_rule_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.revision}"

    @property
    def period_total_months(self) -> int:
        return self.period_years * 12 + self.period_months

    @property
    def is_permanent(self) -> bool:
        return self.trigger == self.Trigger.PERMANENT or self.action == self.Action.PERMANENT


class DocumentEvent(models.Model):
    """The date an event happened for a document (its batch expired on…), from which an EVENT
    rule's period runs. One date per (document, event); a change is an audited update."""

    class Source(models.TextChoices):
        MANUAL = "MANUAL", "Entered by hand"
        CSV = "CSV", "CSV import"
        INTEGRATION = "INTEGRATION", "Integration"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="events")
    event = models.ForeignKey(RetentionEvent, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    source = models.CharField(max_length=11, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_token = models.ForeignKey(
        "accounts.ServiceToken",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["document", "event"]
        constraints = [
            models.UniqueConstraint(fields=["document", "event"], name="document_event_unique"),
            models.CheckConstraint(
                condition=Q(source__in=["MANUAL", "CSV", "INTEGRATION"]),
                name="document_event_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | Q(recorded_by_token__isnull=False),
                name="document_event_recorded_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["event", "date"], name="document_event_date_idx")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.event_id} {self.date}"


class RetentionChangeCause(models.TextChoices):
    RULE_APPROVED = "RULE_APPROVED", "Retention rule approved"
    EVENT_DATE = "EVENT_DATE", "Event date recorded"


class DocumentRetentionChange(models.Model):
    """A change the retention schedule made to a document's retention: its values before and
    after, and why (the rule version approved, or the event date recorded). Written set-based by
    the recomputation, in its transaction; append-only (database triggers,
    :mod:`strongroom.compliance.immutability`). It answers "why did this document's retention
    change on that day?", and gives the retention a document had at any earlier time (the
    values before the first change after it), which signatures of digest schemes 1-3 signed.

    ``document`` has no database constraint: a document removed from a pending crate's rows
    (an audited correction) leaves its history behind, which no one may delete."""

    document = models.ForeignKey(
        Document,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="retention_changes",
    )
    old_retention_until = models.DateField(null=True, blank=True)
    old_retain_permanently = models.BooleanField()
    old_basis = models.CharField(max_length=13, choices=Document.RetentionBasis.choices)
    new_retention_until = models.DateField(null=True, blank=True)
    new_retain_permanently = models.BooleanField()
    new_basis = models.CharField(max_length=13, choices=Document.RetentionBasis.choices)
    cause = models.CharField(max_length=13, choices=RetentionChangeCause.choices)
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The rule version that gave the new retention.",
    )
    document_event = models.ForeignKey(
        DocumentEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The event date whose recording caused the change (cause EVENT_DATE).",
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who approved the rule or recorded the date (empty: the setup or a service "
        "token, which the audit event names).",
    )

    class Meta:
        ordering = ["document", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cause__in=["RULE_APPROVED", "EVENT_DATE"]),
                name="document_retention_change_cause_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["document", "at"], name="document_retention_change_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.at:%Y-%m-%d} {self.cause}"


class CrateRetentionChange(models.Model):
    """A change the retention schedule made to a crate's ``destroy_after`` /
    ``retain_permanently`` (refreshed from its documents after a recomputation): before, after,
    why. Append-only, like :class:`DocumentRetentionChange`."""

    crate = models.ForeignKey(Crate, on_delete=models.PROTECT, related_name="retention_changes")
    old_destroy_after = models.DateField(null=True, blank=True)
    old_retain_permanently = models.BooleanField()
    new_destroy_after = models.DateField(null=True, blank=True)
    new_retain_permanently = models.BooleanField()
    cause = models.CharField(max_length=13, choices=RetentionChangeCause.choices)
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The rule version approved (cause RULE_APPROVED).",
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["crate", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cause__in=["RULE_APPROVED", "EVENT_DATE"]),
                name="crate_retention_change_cause_valid",
            ),
        ]
        indexes = [models.Index(fields=["crate", "at"], name="crate_retention_change_idx")]

    def __str__(self) -> str:
        return f"{self.crate_id} {self.at:%Y-%m-%d} {self.cause}"


# The crate tally's models (strongroom.records.tallies) are this app's too.
from strongroom.records.tallies import CrateTally as CrateTally  # noqa: E402
from strongroom.records.tallies import CrateTallyDelta as CrateTallyDelta  # noqa: E402
from strongroom.records.tallies import CrateTallyNow as CrateTallyNow  # noqa: E402
from strongroom.records.tallies import RoomCapacityTally as RoomCapacityTally  # noqa: E402
from strongroom.records.tallies import RoomCapacityTallyDelta as RoomCapacityTallyDelta  # noqa: E402
from strongroom.records.tallies import RoomCapacityTallyNow as RoomCapacityTallyNow  # noqa: E402
from strongroom.records.tallies import RoomTally as RoomTally  # noqa: E402
from strongroom.records.tallies import RoomTallyDelta as RoomTallyDelta  # noqa: E402
from strongroom.records.tallies import RoomTallyNow as RoomTallyNow  # noqa: E402
