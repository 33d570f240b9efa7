from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from strongroom.core.request_id import (
    get_request_id,
    reset_request_context,
    set_request_context,
    set_user_id,
)


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy (or makes one), remembers the client's address and user
    agent for the audit trail, and echoes the id on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_context(
            request_id=request.headers.get("X-Request-ID"),
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        try:
            request.request_id = get_request_id()  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = get_request_id()
            return response
        finally:
            reset_request_context(token)
            set_user_id(None)
