from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from strongroom.core.request_id import (
    get_request_id,
    reset_request_context,
    set_request_context,
    set_user_id,
)


class RequestIdMiddleware:
    """Gives the request the server's id — the one the stack's nginx minted (X-Request-ID, when
    STRONGROOM_REQUEST_ID_FROM_PROXY) or a new one — remembers the client's address and user
    agent for the audit trail, and sends the id on the response. A client's own X-Request-ID
    (passed on by nginx as X-Client-Request-ID) is only a correlation id for the logs."""

    # Both sync and async: under Daphne an async-capable chain saves a thread hop per request.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        token = self._begin(request)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = get_request_id()
            return response
        finally:
            reset_request_context(token)
            set_user_id(None)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        token = self._begin(request)
        try:
            response = await self.get_response(request)
            response["X-Request-ID"] = get_request_id()
            return response
        finally:
            reset_request_context(token)
            set_user_id(None)

    @staticmethod
    def _begin(request: HttpRequest) -> Any:
        if settings.STRONGROOM_REQUEST_ID_FROM_PROXY:
            server_id = request.headers.get("X-Request-ID")
            client_id = request.headers.get("X-Client-Request-ID")
        else:
            server_id, client_id = None, request.headers.get("X-Request-ID")
        token = set_request_context(
            request_id=server_id,
            correlation_id=client_id,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        request.request_id = get_request_id()  # type: ignore[attr-defined]
        return token
