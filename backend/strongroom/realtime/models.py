"""The outbox: one Event row per change, written in the changing transaction and broadcast after
it commits. Clients resume from the last event id they saw."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EventTopic(models.TextChoices):
    REQUEST = "request", "Request"
    SENDBACK = "sendback", "Send-back"
    CRATE = "crate", "Crate"
    LOCATION = "location", "Location"
    NOTIFICATION = "notification", "Notification"
    BATCH = "batch", "Destruction batch"
    RULE = "rule", "Retention rule"
    EVENT_DATE = "event_date", "Event date"
    INVENTORY = "inventory", "Inventory audit"
    REVIEW = "review", "Audit-trail review"


class EventAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class Event(models.Model):
    Topic = EventTopic
    Action = EventAction

    id = models.BigAutoField(primary_key=True)
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    also_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A second unit that must see the event: the one a crate left in a "
        "cross-unit transfer.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set for events only one user may see (notifications).",
    )
    everyone = models.BooleanField(
        default=False,
        help_text="Every signed-in user may see it, whatever their units: a retention rule "
        "without a unit, which governs every unit.",
    )
    topic = models.CharField(max_length=12, choices=EventTopic.choices)
    action = models.CharField(max_length=7, choices=EventAction.choices)
    object_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=EventTopic.values), name="event_topic_valid"
            ),
            models.CheckConstraint(
                condition=Q(action__in=EventAction.values), name="event_action_valid"
            ),
            # Exactly one audience: a unit (and maybe a second one), one user, or everyone.
            models.CheckConstraint(
                condition=Q(everyone=False) & (Q(unit__isnull=False) | Q(user__isnull=False))
                | Q(everyone=True, unit__isnull=True, also_unit__isnull=True, user__isnull=True),
                name="event_has_audience",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "id"], name="event_unit_idx"),
            models.Index(fields=["user", "id"], name="event_user_idx"),
            models.Index(
                fields=["also_unit", "id"],
                condition=Q(also_unit__isnull=False),
                name="event_also_unit_idx",
            ),
            models.Index(fields=["at"], name="event_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.topic}.{self.action} {self.object_id}"


class ReplayWindow(models.Model):
    """One row: the highest event id pruned from the outbox. A client whose last event id is
    below it may have missed pruned events and must resync; above it, replay is complete even
    when ids have gaps (rolled-back transactions)."""

    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="replay_window_single_row"),
        ]

    def __str__(self) -> str:
        return f"events pruned through #{self.pruned_through}"
