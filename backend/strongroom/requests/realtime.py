"""How requests and send-backs appear on the live stream (strongroom.realtime.signals)."""

from typing import Any

from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow
from strongroom.requests.models import Request, SendBack


def _describe_request(request: Request) -> dict[str, Any]:
    return {
        "unit_id": request.unit_id,
        "version": request.version,
        "data": {
            "number": request.number,
            "type": request.type,
            "status": request.status,
            "crate_id": request.crate_id,
            "is_overdue": request.is_overdue,
        },
    }


def _describe_sendback(sendback: SendBack) -> dict[str, Any]:
    return {
        "unit_id": sendback.request.unit_id,
        "data": {"request_id": sendback.request_id, "resolved": sendback.resolved_at is not None},
    }


def register() -> None:
    """From RequestsConfig.ready()."""
    realtime_follow(Request, topic=EventTopic.REQUEST, describe=_describe_request)
    realtime_follow(SendBack, topic=EventTopic.SENDBACK, describe=_describe_sendback)
