"""WebSocket routes served by Daphne through Channels (config/asgi.py checks the Origin)."""

from django.urls import URLPattern, path

from strongroom.realtime.consumers import EventsConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/v1/events/", EventsConsumer.as_asgi(), name="ws-events"),
]
