"""Views for test_http_handler.py: what the pooled HTTP handler must carry through."""

import asyncio
import threading

from asgiref.sync import async_to_sync
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

LINE = b"x" * 99 + b"\n"
LINES = 6000
# The stream waits here after its first 64 KiB until the test has received them: a handler
# that read the whole iterator before sending would never send them.
proceed = threading.Event()
yielded: list[int] = []


def stream(request: HttpRequest) -> StreamingHttpResponse:
    def lines():  # type: ignore[no-untyped-def]
        for n in range(LINES):
            if n == 700:
                proceed.wait(timeout=10)
            yielded.append(n)
            yield LINE

    return StreamingHttpResponse(lines(), content_type="text/plain")


def loop(request: HttpRequest) -> JsonResponse:
    async def where() -> int:
        return id(asyncio.get_running_loop())

    return JsonResponse({"loop": async_to_sync(where)(), "thread": threading.get_ident()})


@csrf_exempt
def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"length": len(request.body), "remote": request.META.get("REMOTE_ADDR")})


urlpatterns = [path("stream/", stream), path("loop/", loop), path("echo/", echo)]
