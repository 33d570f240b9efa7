"""Audit-trail review (PRODUCT.md §8 "Audit-trail review", EU GMP Annex 11 §9).

A review covers one **calendar month** of one unit (``period_start`` is the first day,
``period_end`` the last, in the review time zone ``STRONGROOM_REVIEW_TIME_ZONE``): fixed periods
make the coverage report exact (every unit-month is reviewed, in review, due or overdue) and
keep reviews from overlapping. It opens only once the month has ended, so the events it looks
at no longer change. Opening computes its flags by the rules of :mod:`strongroom.review.rules`;
each flag is acknowledged with a comment or raised as a finding; the period is then signed
(meaning ``REVIEWED``) and the review is final.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from strongroom.accounts.models import Unit


class ReviewStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    SIGNED = "SIGNED", "Signed"


class AuditReview(models.Model):
    Status = ReviewStatus

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="audit_reviews")
    period_start = models.DateField(help_text="First day of the month reviewed.")
    period_end = models.DateField(help_text="Last day of the month reviewed.")
    status = models.CharField(max_length=6, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    flags_computed_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_start", "unit__code", "id"]
        permissions = [
            ("review_audit_trail", "Can review the audit trail of a period and sign the review"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start"], name="review_unit_period_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="review_period_order"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="review_version_positive"),
            models.CheckConstraint(
                condition=Q(status="OPEN", signed_by__isnull=True, signed_at__isnull=True)
                | Q(status="SIGNED", signed_by__isnull=False, signed_at__isnull=False),
                name="review_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start:%Y-%m}"

    @property
    def period(self) -> str:
        return f"{self.period_start:%Y-%m}"


class FlagRule(models.TextChoices):
    OUTSIDE_HOURS = "OUTSIDE_HOURS", "Changes outside working hours"
    SIGNED_RECORD_EDIT = "SIGNED_RECORD_EDIT", "Edit of a signed record"
    CONFIGURATION_CHANGE = "CONFIGURATION_CHANGE", "Configuration or permission change"
    FAILED_LOGIN_BURST = "FAILED_LOGIN_BURST", "Burst of failed logins"
    SELF_APPROVAL_REFUSED = "SELF_APPROVAL_REFUSED", "Refused self-approval"
    DEACTIVATED_ACTOR = "DEACTIVATED_ACTOR", "Actions by an account deactivated since"
    ADMIN_NEW_ADDRESS = "ADMIN_NEW_ADDRESS", "Administrator sign-in from a new address"


class FlagState(models.TextChoices):
    OPEN = "OPEN", "Open"
    ACKNOWLEDGED = "ACKNOWLEDGED", "Acknowledged"
    FINDING = "FINDING", "Finding raised"


class ReviewFlag(models.Model):
    """One exception a rule found: the events it is about, and what the reviewer decided."""

    Rule = FlagRule
    State = FlagState

    review = models.ForeignKey(AuditReview, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(max_length=21, choices=FlagRule.choices)
    key = models.CharField(max_length=120, help_text="The rule's identity of the exception.")
    summary = models.CharField(max_length=300)
    event_ids = models.JSONField(default=list, help_text="The audit events flagged.")
    actor_username = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField(help_text="Time of the first event flagged.")
    state = models.CharField(max_length=12, choices=FlagState.choices, default=FlagState.OPEN)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="review_flag_key_once"),
            models.CheckConstraint(condition=Q(rule__in=FlagRule.values), name="review_flag_rule"),
            models.CheckConstraint(
                condition=Q(state__in=FlagState.values), name="review_flag_state"
            ),
            models.CheckConstraint(
                condition=Q(
                    state="OPEN", comment="", decided_by__isnull=True, decided_at__isnull=True
                )
                | Q(
                    state__in=["ACKNOWLEDGED", "FINDING"],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                )
                & ~Q(comment=""),
                name="review_flag_decided_with_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.key} {self.state}"

    @property
    def unit(self) -> Unit:
        return self.review.unit
