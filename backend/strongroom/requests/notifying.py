"""Who is notified of what a request goes through: the routing table of request events, next to
the domain that knows requests. The notifications app only stores and delivers what it is given
(strongroom.notifications.services); it knows no request.

A transition enqueues :func:`strongroom.requests.tasks.notify_request_event` after its commit
(strongroom.requests.services.notify_after_commit); the task calls :func:`request_event_notify`,
which is idempotent: one notification per recipient and event.
"""

from dataclasses import dataclass
from typing import Any

from strongroom.accounts.models import User
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.requests.models import Request

REQUESTER = "requester"


@dataclass(frozen=True)
class Route:
    kind: NotificationKind
    # REQUESTER, or a permission: the users of the request's unit who hold it (not the requester).
    audience: str
    title: str  # format fields: number, type, crate


# event -> who is told what
REQUEST_EVENT_ROUTES: dict[str, tuple[Route, ...]] = {
    "submitted": (
        Route(
            NotificationKind.REQUEST_SUBMITTED,
            "workflow.approve_request",
            "{number}: {type} request for {crate} waits for approval",
        ),
    ),
    "approved": (
        Route(NotificationKind.REQUEST_APPROVED, REQUESTER, "{number} was approved"),
        Route(
            NotificationKind.READY_TO_FULFIL,
            "workflow.fulfil_request",
            "{number}: {type} of {crate} is ready to fulfil",
        ),
    ),
    "rejected": (Route(NotificationKind.REQUEST_REJECTED, REQUESTER, "{number} was rejected"),),
    "sent_back": (
        Route(
            NotificationKind.REQUEST_SENT_BACK, REQUESTER, "{number} was sent back for correction"
        ),
    ),
    "issued": (
        Route(
            NotificationKind.CRATE_ISSUED, REQUESTER, "{number}: crate {crate} was issued to you"
        ),
    ),
    # The notification links to the request, whose page offers the destruction certificate.
    "destroyed": (
        Route(
            NotificationKind.CRATE_DESTROYED,
            REQUESTER,
            "{number}: crate {crate} was destroyed; the destruction certificate is ready",
        ),
    ),
}


def request_reference(request: Request) -> dict[str, Any]:
    """What a notification about ``request`` points at: the generic reference and its page."""
    return {
        "object_type": "request",
        "object_id": str(request.pk),
        "link": f"/requests/{request.pk}",
    }


def request_event_recipients(*, request: Request, audience: str) -> list[User]:
    if audience == REQUESTER:
        return [request.requester]
    return list(
        user_list_with_permission(permission=audience, unit=request.unit).exclude(
            pk=request.requester_id
        )
    )


def request_event_notify(*, request_id: int, event: str, version: int) -> int:
    """Notify the recipients of ``event`` (REQUEST_EVENT_ROUTES) of the request at ``version``.
    Returns how many notifications were created now (none when it already ran)."""
    request = Request.objects.select_related("unit", "crate", "requester").get(pk=request_id)
    created = 0
    for route in REQUEST_EVENT_ROUTES.get(event, ()):
        created += len(
            notification_create_many(
                recipients=request_event_recipients(request=request, audience=route.audience),
                kind=route.kind,
                title=route.title.format(
                    number=request.number,
                    type=request.get_type_display().lower(),
                    crate=request.crate.code,
                ),
                body=request.purpose[:500],
                dedupe_key=f"request:{request.pk}:{event}:{version}:{route.kind}",
                unit=request.unit,
                **request_reference(request),
            )
        )
    return created
