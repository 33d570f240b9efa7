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
