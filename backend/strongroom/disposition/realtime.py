"""How destruction batches appear on the live stream (strongroom.realtime.signals): on their
unit's topic, like requests. Every change of an item also saves its batch (version + 1), so the
batch's event is the one the client refetches on."""

from typing import Any

from strongroom.disposition.models import DestructionBatch
from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow


def _describe_batch(batch: DestructionBatch) -> dict[str, Any]:
    return {
        "unit_id": batch.unit_id,
        "version": batch.version,
        "data": {"number": batch.number, "status": batch.status},
    }


def register() -> None:
    """From DispositionConfig.ready()."""
    realtime_follow(DestructionBatch, topic=EventTopic.BATCH, describe=_describe_batch)
