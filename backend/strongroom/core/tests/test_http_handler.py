"""The pooled HTTP handler (strongroom.core.http_handler) that Daphne gives HTTP requests to:
Django's synchronous chain in one pool thread per request, streaming responses sent as they are
made, the event loop's own loop for async_to_sync, signals in the serving thread."""

import asyncio
import json
import threading
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.test import override_settings

from strongroom.core.http_handler import PooledHTTPHandler, joined
from strongroom.core.tests import http_handler_urls as views

pytestmark = pytest.mark.django_db(transaction=True)
URLS = "strongroom.core.tests.http_handler_urls"


def scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"localhost")],
        "client": ("203.0.113.9", 5000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip


async def rest_of(app: ApplicationCommunicator) -> list[bytes]:
    """The body messages still to come, to the last."""
    pieces = []
    while True:
        message = await app.receive_output(timeout=10)
        pieces.append(message.get("body", b""))
        if not message.get("more_body"):
            return pieces


async def body_of(app: ApplicationCommunicator) -> tuple[dict[str, Any], list[bytes]]:
    start = await app.receive_output(timeout=10)
    return start, await rest_of(app)


async def stream_started() -> tuple[ApplicationCommunicator, dict[str, Any], dict[str, Any]]:
    """GET /stream/ up to its first body message (the view then waits on ``proceed``)."""
    views.proceed.clear()
    views.yielded.clear()
    app = ApplicationCommunicator(PooledHTTPHandler(threads=2), scope("/stream/"))
    await app.send_input({"type": "http.request"})
    start = await app.receive_output(timeout=10)
    first = await app.receive_output(timeout=10)
    return app, start, first


@override_settings(ROOT_URLCONF=URLS)
async def test_a_request_goes_through_django_with_its_body_and_middleware() -> None:
    app = ApplicationCommunicator(PooledHTTPHandler(threads=2), scope("/echo/", "POST"))
    await app.send_input({"type": "http.request", "body": b"a" * 1000, "more_body": True})
    await app.send_input({"type": "http.request", "body": b"b" * 500})
    start, pieces = await body_of(app)
    assert start["status"] == 200
    headers = dict(start["headers"])
    assert headers[b"Content-Type"] == b"application/json"
    assert headers[b"X-Request-ID"]  # RequestIdMiddleware ran
    assert json.loads(b"".join(pieces)) == {"length": 1500, "remote": "203.0.113.9"}


@override_settings(ROOT_URLCONF=URLS)
async def test_a_streaming_response_is_sent_as_it_is_made_in_pieces() -> None:
    app, start, first = await stream_started()  # first: sent while the view is still waiting
    assert start["status"] == 200
    assert first["more_body"] is True
    assert len(first["body"]) >= 64 * 1024
    assert len(views.yielded) <= 700  # the view has not gone on
    views.proceed.set()
    pieces = [first["body"], *await rest_of(app)]
    assert b"".join(pieces) == views.LINE * views.LINES
    assert len(pieces) < 15  # joined into pieces of ~64 KiB, not one message per line


@override_settings(ROOT_URLCONF=URLS)
async def test_a_stream_stops_when_the_client_goes_away() -> None:
    app, _, _ = await stream_started()
    await app.send_input({"type": "http.disconnect"})
    await asyncio.sleep(0.2)
    views.proceed.set()
    await app.wait(timeout=10)
    assert len(views.yielded) < views.LINES // 2  # a piece or two after the disconnect


@override_settings(ROOT_URLCONF=URLS)
async def test_async_to_sync_in_a_view_runs_on_the_servers_loop_and_signals_in_its_thread() -> None:
    threads: dict[str, int] = {}

    def started(**kwargs: Any) -> None:
        threads["started"] = threading.get_ident()

    def finished(**kwargs: Any) -> None:
        threads["finished"] = threading.get_ident()

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        app = ApplicationCommunicator(PooledHTTPHandler(threads=2), scope("/loop/"))
        await app.send_input({"type": "http.request"})
        _, pieces = await body_of(app)
        await app.wait(timeout=10)
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    answer = json.loads(b"".join(pieces))
    # The channel layer's connections live on the server's loop: a view's group_send must
    # not start a loop (and connections) of its own.
    assert answer["loop"] == id(asyncio.get_running_loop())
    assert answer["thread"] != threading.get_ident()
    assert threads == {"started": answer["thread"], "finished": answer["thread"]}


@override_settings(ROOT_URLCONF=URLS)
async def test_requests_are_served_by_the_handlers_threads_and_no_more() -> None:
    handler = PooledHTTPHandler(threads=3)
    apps = [ApplicationCommunicator(handler, scope("/loop/")) for _ in range(12)]
    for app in apps:  # all at once: more requests than threads
        await app.send_input({"type": "http.request"})
    served = set()
    for app in apps:
        start, pieces = await body_of(app)
        assert start["status"] == 200
        served.add(json.loads(b"".join(pieces))["thread"])
    pool = {thread.ident for thread in handler._executor._threads}  # type: ignore[attr-defined]
    assert 1 <= len(served) <= 3
    assert served <= pool


def test_joined_gives_pieces_of_about_size_bytes_and_loses_nothing() -> None:
    parts = [b"ab", b"", b"cde", b"f", b"ghij", b"k"]
    assert list(joined(parts, 4)) == [b"abcde", b"fghij", b"k"]
    assert list(joined([], 4)) == []
