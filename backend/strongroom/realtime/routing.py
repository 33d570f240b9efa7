"""WebSocket routes served by Daphne through Channels."""

from django.urls import URLPattern

# The events consumer (/ws/v1/events/) is added with the real-time outbox.
websocket_urlpatterns: list[URLPattern] = []
