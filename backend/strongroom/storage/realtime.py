"""How locations appear on the live stream (strongroom.realtime.signals)."""

from typing import Any

from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow
from strongroom.storage.models import Location


def _describe_location(location: Location) -> dict[str, Any]:
    return {
        "unit_id": location.unit_id,
        "version": location.version,
        "data": {
            "full_code": location.full_code,
            "kind": location.kind,
            "parent_id": location.parent_id,
            "is_active": location.is_active,
        },
    }


def register() -> None:
    """From StorageConfig.ready()."""
    realtime_follow(Location, topic=EventTopic.LOCATION, describe=_describe_location)
