"""HTTP endpoints of the real-time app (mounted under /api/v1/)."""

from django.urls import URLPattern, path

from strongroom.realtime.api import EventListApi

urlpatterns: list[URLPattern] = [
    path("events/", EventListApi.as_view(), name="event-list"),
]
