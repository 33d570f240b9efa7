"""Building blocks shared by every app."""

from django.db import models, transaction
from django.db.models import F


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Sequence(models.Model):
    """A named counter for human-readable numbers (crate codes, request numbers).

    ``next_value`` increments with a single UPDATE, which takes the row lock until the
    surrounding transaction ends: two transactions asking for the same key queue on that lock,
    so no number is handed out twice, and a rolled-back transaction gives its number back.
    """

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="sequence_value_non_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        with transaction.atomic():
            cls.objects.get_or_create(key=key)
            cls.objects.filter(key=key).update(value=F("value") + 1)
            return cls.objects.values_list("value", flat=True).get(key=key)


class PendingTask(models.Model):
    """A Celery task that a committed transaction called for and that has not yet run.

    Written in that transaction, deleted when the task has run; a task the broker never took
    (unreachable at commit time) or lost (a worker killed as it took the message) is sent again.
    See :mod:`strongroom.core.task_queue`."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Last handed to the broker.")
    sends = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="pending_task_created_idx")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
