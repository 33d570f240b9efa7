"""How notifications appear on the live stream (strongroom.realtime.signals)."""

from typing import Any

from strongroom.notifications.models import Notification
from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow


def _describe_notification(notification: Notification) -> dict[str, Any]:
    # Only its recipient sees it: no unit audience.
    return {
        "unit_id": None,
        "user_id": notification.recipient_id,
        "data": {
            "kind": notification.kind,
            "object_type": notification.object_type,
            "object_id": notification.object_id,
            "read": notification.read_at is not None,
        },
    }


def register() -> None:
    """From NotificationsConfig.ready()."""
    realtime_follow(Notification, topic=EventTopic.NOTIFICATION, describe=_describe_notification)
