"""``GET /api/v1/events/?after=ID``: the socket's replay over HTTP, for clients without
WebSockets (PRODUCT.md §2).

Pages are by id (``after`` is the cursor; ``next`` links the following page), scoped like the
socket. When ``after`` is older than the replay window (its events were pruned) or ahead of the
outbox, the answer is **410 Gone** with the error envelope and code ``resync_required``: the
client refetches what it shows and continues from ``last_event_id`` of a request without
``after``. A 410 (rather than a 200 with a flag) keeps "you missed events" impossible to overlook
for a client that only looks at ``results``.

Delivery is at least once: an event can become visible after a higher id was returned (two
transactions committing in the opposite order of their ids), so the last page's
``last_event_id`` sits a few seconds (by insert time) below the newest id and the next call
returns those events again. Clients drop the ids they already hold.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.models import User
from strongroom.accounts.scope import user_unit_ids
from strongroom.core.errors import ApplicationError, ErrorSerializer
from strongroom.realtime.selectors import (
    event_cursor,
    event_gap_is_beyond_window,
    event_latest_id,
    event_list_for_user,
    event_topics_hidden_from,
)
from strongroom.realtime.serializers import EventPageSerializer, EventQuerySerializer
from strongroom.realtime.services import event_wire

DEFAULT_PAGE_SIZE = 100


class EventListApi(APIView):
    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter("after", int, description="Last event id the client has."),
            OpenApiParameter("limit", int, description="Page size (default 100, at most 500)."),
        ],
        responses={
            200: EventPageSerializer,
            410: OpenApiResponse(ErrorSerializer, description="resync_required: refetch"),
        },
        description=__doc__,
    )
    def get(self, request: Request) -> Response:
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after: int | None = query.validated_data.get("after")
        limit: int = query.validated_data.get("limit", DEFAULT_PAGE_SIZE)
        user: User = request.user  # type: ignore[assignment]
        latest_id = event_latest_id()
        if after is None:
            cursor = event_cursor(after=None, newest=latest_id)
            return Response({"results": [], "last_event_id": cursor, "next": None})
        if event_gap_is_beyond_window(after=after, latest_id=latest_id):
            raise ApplicationError(
                "Events after this id are no longer kept; reload and continue from last_event_id.",
                code="resync_required",
                status_code=status.HTTP_410_GONE,
                details={"last_event_id": event_cursor(after=None, newest=latest_id)},
            )
        events = list(
            event_list_for_user(
                user_id=user.pk,
                unit_ids=user_unit_ids(user),
                after=after,
                hidden_topics=event_topics_hidden_from(user),
            )[: limit + 1]
        )
        body: dict[str, Any] = {"results": [event_wire(event) for event in events[:limit]]}
        if len(events) > limit:
            cursor = events[limit - 1].id
            query_params = request.query_params.copy()
            query_params["after"] = str(cursor)
            body["next"] = request.build_absolute_uri(f"{request.path}?{query_params.urlencode()}")
            body["last_event_id"] = cursor
        else:
            body["next"] = None
            newest = max([latest_id, *(event.id for event in events)])
            body["last_event_id"] = event_cursor(after=after, newest=newest)
        return Response(body)
