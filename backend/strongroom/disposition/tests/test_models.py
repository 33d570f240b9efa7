"""What the database itself refuses of a batch and its crates, whatever the code does."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.tests.conftest import Yard, create_batch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        # Destroyed without a witness, or witnessed by the one who destroyed it.
        {
            "state": "DESTROYED",
            "destroyed_at": "now",
            "destroyed_by": "storehead",
            "scanned_code": "X",
        },
        {
            "state": "DESTROYED",
            "destroyed_at": "now",
            "destroyed_by": "storehead",
            "witness": "storehead",
            "scanned_code": "X",
        },
        # Dropped or not found without a reason; not found without who said so.
        {"state": "DROPPED", "reason_code": "crate_on_hold", "resolved_at": "now"},
        {"state": "NOT_FOUND", "reason_code": "not_found", "reason": "Gone", "resolved_at": "now"},
        # Pending with a reason.
        {"reason": "Why?"},
    ],
)
@pytest.mark.compliance("11.10(f)")
def test_an_item_state_without_its_columns_is_refused(yard: Yard, changes: dict[str, Any]) -> None:
    body = create_batch(yard)
    people = {"storehead": yard.plant.storehead}
    values = {
        key: timezone.now() if value == "now" else people.get(value, value)
        for key, value in changes.items()
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchItem.objects.filter(batch_id=body["id"]).update(**values)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "APPROVED"},  # approved by nobody
        {"status": "CANCELLED", "cancelled_at": "now"},  # cancelled without a reason
        {"status": "SUBMITTED", "approved_by": "manager", "approved_at": "now"},  # own approval
        {"status": "LOST"},
    ],
)
def test_a_batch_status_without_its_columns_is_refused(yard: Yard, changes: dict[str, Any]) -> None:
    body = create_batch(yard)
    people = {"manager": yard.plant.manager}
    values = {
        key: timezone.now() if value == "now" else people.get(value, value)
        for key, value in changes.items()
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        DestructionBatch.objects.filter(pk=body["id"]).update(**values)
