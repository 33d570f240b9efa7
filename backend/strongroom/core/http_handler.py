"""How Daphne hands an HTTP request to Django: in one hop to a thread of a fixed pool.

Django's own ``ASGIHandler`` runs a synchronous project asynchronously. Every request gets a
new thread (asgiref's ``ThreadSensitiveContext``); the middleware chain crosses between that
thread and the event loop wherever a synchronous middleware meets an asynchronous-capable one,
and the ``request_started`` signal and the response's ``close`` each cost one more crossing. On a
list page that was about a third of Daphne's CPU per request (scripts/bench_api.py). It also
reads a streaming response's synchronous iterator to the end into memory before sending a byte
(``StreamingHttpResponse.__aiter__``), so a CSV export was never streamed.

``PooledHTTPHandler`` keeps Django's request parsing (``ASGIRequest``: the same ``request``
objects) and Django's ``BaseHandler`` (the same middleware, in Django's synchronous chain, as
under WSGI), and runs, in one thread of a fixed pool: ``request_started``, the chain and the
view, the response's body, and ``close`` (``request_finished``: the database connection goes
back to psycopg's pool in the thread that holds it). The event loop only reads the request's
body and writes what the thread hands back. A streaming response is read in the thread and
sent in pieces of ``chunk_size`` bytes as they are made, so memory stays constant; it stops
when the client goes away.
"""

import asyncio
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase
from django.urls import set_script_prefix

Message = dict[str, Any]


class PooledHTTPHandler(ASGIHandler):
    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")
        self._serve = SyncToAsync(self.serve, thread_sensitive=False, executor=self._executor)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)  # Django's synchronous chain, as under WSGI

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"{type(self).__name__} serves HTTP only, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        gone = threading.Event()

        async def listen_for_disconnect() -> None:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()

        listener = asyncio.create_task(listen_for_disconnect())
        try:
            messages = await self._serve(scope, body_file, send, gone)
            for message in messages:
                await send(message)
        finally:
            listener.cancel()
            body_file.close()

    def serve(self, scope: Any, body_file: Any, send: Any, gone: threading.Event) -> list[Message]:
        """In a pool thread: the whole of Django's work for one request. Returns the messages
        still to send (all of them, but for a streaming response, which it sends itself)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response = error_response if request is None else self.get_response(request)
        assert response is not None
        response._handler_class = self.__class__  # type: ignore[attr-defined]  # request_finished's sender
        try:
            start = {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": response_headers(response),
            }
            if not response.streaming:
                body = response.content  # type: ignore[attr-defined]
                return [start, {"type": "http.response.body", "body": body}]
            send_now = async_to_sync(send)  # on Daphne's loop (the thread came from SyncToAsync)
            send_now(start)
            for piece in joined(response, self.chunk_size):
                if gone.is_set():
                    break
                send_now({"type": "http.response.body", "body": piece, "more_body": True})
            send_now({"type": "http.response.body"})
            return []
        finally:
            response.close()  # request_finished, in the thread that holds the connection


def response_headers(response: HttpResponseBase) -> list[tuple[bytes, bytes]]:
    """As Django's ``ASGIHandler.send_response`` encodes them."""
    headers = []
    for header, value in response.items():
        name = header.encode("ascii") if isinstance(header, str) else header
        data = value.encode("latin1") if isinstance(value, str) else value
        headers.append((bytes(name), bytes(data)))
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.output(header="").encode("ascii").strip()))
    return headers


def joined(parts: Iterable[bytes], size: int) -> Iterable[bytes]:
    """``parts`` (a streaming response's pieces, a CSV line each) joined into pieces of about
    ``size`` bytes: one message to the event loop per piece, not per line."""
    buffer: list[bytes] = []
    held = 0
    for part in parts:
        if not part:
            continue
        buffer.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)
