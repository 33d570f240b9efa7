from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from strongroom.accounts.permissions import request_user
from strongroom.notifications import selectors, services
from strongroom.notifications.models import Notification
from strongroom.notifications.serializers import (
    MarkReadSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notifications (every role has them; nobody sees another's)."""

    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        notifications = selectors.notification_list_for_user(user=request_user(self.request))
        if self.request.query_params.get("unread") in ("1", "true"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        count = self.get_queryset().filter(read_at__isnull=True).count()
        return Response({"unread": count})

    @extend_schema(request=MarkReadSerializer, responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, *args: Any) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request_user(request)
        marked = services.notification_mark_read(
            user=user, ids=serializer.validated_data.get("ids")
        )
        unread = selectors.notification_list_for_user(user=user).filter(read_at__isnull=True)
        return Response({"marked": marked, "unread": unread.count()})
