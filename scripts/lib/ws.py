"""The events WebSocket (/ws/v1/events/) as the SPA uses it (frontend/src/lib/realtime/client.ts):
connect with an Origin, authenticate with the first message (optionally resuming from the last
event id held), wait for ``ready``."""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

EVENTS_PATH = "/ws/v1/events/"


class SocketRefused(Exception):  # noqa: N818
    """The server answered the authentication with an error message."""

    def __init__(self, code: str) -> None:
        super().__init__(f"error message ({code})")
        self.code = code


def events_url(base: str, path: str = EVENTS_PATH) -> str:
    """ws:// or wss:// for an http:// or https:// base address."""
    scheme, rest = base.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{'wss' if scheme == 'https' else 'ws'}://{host}{path}"


def connect_events(
    url: str,
    *,
    origin: str,
    ssl_context: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
    open_timeout: float = 10,
    close_timeout: float = 2,
    fast: bool = False,
) -> connect:
    """The connection (``async with`` or ``await`` it), never through a proxy. ``fast``: no
    compression, no keepalive pings, an unbounded receive queue (many sockets, every message
    counted)."""
    options: dict[str, Any] = {}
    if fast:
        options = {"compression": None, "ping_interval": None, "max_queue": None}
    return connect(
        url,
        origin=Origin(origin),
        additional_headers=headers,
        ssl=ssl_context,
        proxy=None,
        open_timeout=open_timeout,
        close_timeout=close_timeout,
        **options,
    )


async def send_auth(
    ws: ClientConnection,
    token: str,
    *,
    last_event_id: int | None = None,
    recent_event_ids: list[int] | None = None,
) -> None:
    """The first message: the access token, and where to resume from (the events after
    ``last_event_id``, less those already held)."""
    message: dict[str, Any] = {"type": "auth", "token": token}
    if last_event_id is not None:
        message["last_event_id"] = last_event_id
    if recent_event_ids is not None:
        message["recent_event_ids"] = recent_event_ids
    await ws.send(json.dumps(message))


async def wait_ready(ws: ClientConnection, *, timeout: float | None = None) -> dict[str, Any]:
    """The ``ready`` message (anything before it is skipped); SocketRefused on an ``error``."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "ready":
                ready: dict[str, Any] = message
                return ready
            if kind == "error":
                raise SocketRefused(str(message.get("code", "?")))


async def authenticate(
    ws: ClientConnection, token: str, *, timeout: float | None = None
) -> dict[str, Any]:
    await send_auth(ws, token)
    return await wait_ready(ws, timeout=timeout)
