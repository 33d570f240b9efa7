"""What a locked-out client gets from django-axes: the API's error envelope (the admin's login
form gets a plain page)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from strongroom.core.errors import error_body

LOCKED_MESSAGE = (
    "Too many failed attempts: this account is locked for a while. Try again later or ask an "
    "administrator to unlock it."
)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("account_locked", LOCKED_MESSAGE), status=403)
    return HttpResponse(LOCKED_MESSAGE, status=403, content_type="text/plain; charset=utf-8")
