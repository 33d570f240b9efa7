"""Building blocks shared by every app."""

from collections.abc import Collection
from typing import Any, Self

from django.db import models, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class FastLoadMixin:
    """A model whose rows are read by the page (the busy lists) is built from a full row the way
    ``Model.__init__`` would build it: its state (not adding, the database), then each column's
    value under its attribute name. ``Model.__init__`` pays for what a row from the database never
    needs: keyword arguments, defaults, descriptors that clear a related object not yet cached.
    It still builds the instance whenever anything could tell the difference: deferred columns,
    an ``__init__`` of the model's own, or a ``pre_init``/``post_init`` receiver for the model
    (core/tests/test_models.py compares the two). Not for a model that always has such a
    receiver (Crate: realtime remembers its unit), where it would only add the checks."""

    _attnames: tuple[str, ...]

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        meta = cls._meta  # type: ignore[attr-defined]
        if (
            len(values) != len(meta.concrete_fields)
            or cls.__init__ is not models.Model.__init__
            or pre_init.has_listeners(cls)
            or post_init.has_listeners(cls)
        ):
            return super().from_db(db, field_names, values)  # type: ignore[misc]
        attnames = cls.__dict__.get("_attnames")
        if attnames is None:
            attnames = cls._attnames = tuple(f.attname for f in meta.concrete_fields)
        new = cls.__new__(cls)
        state = ModelState()
        state.adding = False
        state.db = db
        held = new.__dict__
        held["_state"] = state
        held.update(zip(attnames, values, strict=True))
        return new


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
