"""Reads over destruction batches, scoped to the caller's units (outside them a batch is a 404)."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units
from strongroom.compliance.models import Signature
from strongroom.disposition.models import BatchItem, DestructionBatch, ItemState


def batch_list_for_user(*, user: User) -> QuerySet[DestructionBatch]:
    """The caller's units' batches, newest first, with their counts by item state."""
    return scope_to_units(DestructionBatch.objects.order_by("-id"), user=user).annotate(
        unit_code=F("unit__code"),
        prepared_by_name=F("prepared_by__full_name"),
        item_count=Count("items"),
        pending_count=Count("items", filter=Q(items__state=ItemState.PENDING)),
        destroyed_count=Count("items", filter=Q(items__state=ItemState.DESTROYED)),
        not_found_count=Count("items", filter=Q(items__state=ItemState.NOT_FOUND)),
        dropped_count=Count("items", filter=Q(items__state=ItemState.DROPPED)),
    )


def _place(level: str) -> Coalesce:
    """The code of the crate's shelf, rack or room: where it stands, or for a crate no longer
    on a shelf (destroyed) where it last stood."""
    return Coalesce(f"crate__location{level}__code", f"crate__last_location{level}__code")


def batch_exists_for_user(*, user: User, batch_id: int) -> bool:
    return scope_to_units(DestructionBatch.objects.filter(pk=batch_id), user=user).exists()


def batch_items(batch: DestructionBatch) -> QuerySet[BatchItem]:
    """The batch's items in pick-list order (room, rack, shelf, crate code), with what the
    pick-list and the detail show of each."""
    return (
        BatchItem.objects.filter(batch=batch)
        .select_related("crate__department", "destroyed_by", "witness", "resolved_by")
        .annotate(
            document_count=Count("crate__documents"),
            room_code=_place("__parent__parent"),
            rack_code=_place("__parent"),
            shelf_code=_place(""),
        )
        .order_by(
            F("room_code").asc(nulls_last=True),
            F("rack_code").asc(nulls_last=True),
            F("shelf_code").asc(nulls_last=True),
            "crate__code",
        )
    )


def batch_signatures(batch: DestructionBatch) -> QuerySet[Signature]:
    """Every signature of the batch and of its items, in the order they were made."""
    item_ids = [
        str(pk) for pk in BatchItem.objects.filter(batch=batch).values_list("pk", flat=True)
    ]
    return (
        Signature.objects.filter(
            Q(object_type="destruction_batch", object_id=str(batch.pk))
            | Q(object_type="batch_item", object_id__in=item_ids)
        )
        .select_related("signer")
        .order_by("signed_at", "id")
    )


def batch_get_for_user(*, user: User, batch_id: int) -> DestructionBatch | None:
    return (
        batch_list_for_user(user=user)
        .select_related("unit", "prepared_by", "approved_by", "completed_by")
        .filter(pk=batch_id)
        .first()
    )


def batch_detail_parts(batch: DestructionBatch) -> dict[str, Any]:
    """What the detail shows besides the batch: items and signatures."""
    return {"items": list(batch_items(batch)), "signatures": list(batch_signatures(batch))}
