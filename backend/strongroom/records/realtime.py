"""How crates appear on the live stream (strongroom.realtime.signals)."""

from typing import Any

from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow
from strongroom.records.models import Crate


def _describe_crate(crate: Crate) -> dict[str, Any]:
    return {
        "unit_id": crate.unit_id,
        "version": crate.version,
        "data": {
            "code": crate.code,
            "status": crate.status,
            "location_id": crate.location_id,
            "legal_hold": crate.legal_hold,
        },
    }


def register() -> None:
    """From RecordsConfig.ready(). A crate transferred to another unit is seen by both."""
    realtime_follow(
        Crate, topic=EventTopic.CRATE, describe=_describe_crate, moves_between_units=True
    )
