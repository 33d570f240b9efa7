"""How inventory audits appear on the live stream (strongroom.realtime.signals): on their unit's
topic, like destruction batches. Every scan, shelf completed and reconciliation also saves the
audit (version + 1), so the audit's event is the one the client refetches on."""

from typing import Any

from strongroom.inventory.models import InventoryAudit
from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow


def _describe_audit(audit: InventoryAudit) -> dict[str, Any]:
    return {
        "unit_id": audit.unit_id,
        "version": audit.version,
        "data": {"number": audit.number, "status": audit.status},
    }


def register() -> None:
    """From InventoryConfig.ready()."""
    realtime_follow(InventoryAudit, topic=EventTopic.INVENTORY, describe=_describe_audit)
