"""Assertions shared by the apps' tests."""

from typing import Any

import pytest
from django.db import DataError, IntegrityError, models, transaction


def assert_update_rejected(
    instance: models.Model, constraint: str | None = None, **changes: Any
) -> None:
    """An UPDATE of ``instance`` with ``changes`` must be refused by the database itself
    (QuerySet.update skips model validation), naming ``constraint`` when the engine reports it.
    A value longer than its column is a DataError on PostgreSQL (SQLite has no lengths)."""
    with pytest.raises((IntegrityError, DataError)) as excinfo, transaction.atomic():
        type(instance)._default_manager.filter(pk=instance.pk).update(**changes)
    if constraint and isinstance(excinfo.value, IntegrityError):
        message = str(excinfo.value)
        # PostgreSQL and SQLite name CHECK constraints; unique violations name the columns.
        assert constraint in message or "UNIQUE" in message or "unique" in message, message
