"""One application error type and the API's single error envelope (STYLE.md rule 6).

Every error the API returns has the shape::

    {"error": {"code": "request_not_submitted", "message": "...", "details": {...},
               "request_id": "..."}}

``code`` is stable and machine-readable; ``details`` carries per-field messages for validation
errors.
"""

import logging
from typing import Any

import redis.exceptions
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from strongroom.core.request_id import get_request_id

logger = logging.getLogger(__name__)

# A backing service is restarting or unreachable (PostgreSQL, Redis — including Redis loading
# its data after a restart — or a statement cut by the statement timeout): the request can be
# retried, so it is a 503 with Retry-After, not a 500.
UNAVAILABLE_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
UNAVAILABLE_RETRY_AFTER_SECONDS = 5


class ApplicationError(Exception):
    """A domain rule was broken. Services raise it; the API maps it to a 4xx response."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status_code: int = status.HTTP_400_BAD_REQUEST,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_code = status_code
        self.details = details or {}


class ConflictError(ApplicationError):
    """The object changed since the caller read it (stale ``version``) or is in use."""

    def __init__(self, message: str, *, code: str = "conflict", details: dict | None = None):
        super().__init__(message, code=code, status_code=status.HTTP_409_CONFLICT, details=details)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": get_request_id(),
        }
    }


_DRF_CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # An error is JSON even where the client asked for a CSV or a PDF (``?format=csv``,
        # ``Accept: application/pdf``): the envelope, never its repr as text/csv.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, UNAVAILABLE_ERRORS):
        set_rollback()
        # The type only: a driver's message can quote SQL with the caller's data.
        logger.warning("service unavailable: %s", type(exc).__name__)
        return Response(
            error_body(
                "service_unavailable",
                "The service is briefly unavailable (its database or cache is restarting); "
                "try again shortly.",
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    mapped = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = "The submitted data is not valid."
        code = mapped
    else:
        details = {}
        message = str(exc.detail)
        codes = exc.get_codes()
        # A specific code given by the raiser (token_not_valid, password_change_required…)
        # wins over the class's generic one.
        code = codes if isinstance(codes, str) and codes != exc.default_code else mapped
    response.data = error_body(code, message, details)
    return response


def not_found_handler(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: a URL under /api/ that no route matches (``/api/v1/signatures/-1/``, a
    typo) gets the error envelope, never Django's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable, e.g. invalid_transition.")
    message = serializers.CharField()
    details = serializers.DictField(help_text="Per-field messages for validation errors.")
    request_id = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_RESPONSES = {
    code: OpenApiResponse(ErrorSerializer, description=description)
    for code, description in (
        (400, "Invalid input or a broken rule (error envelope)"),
        (401, "Not authenticated, or the session ended"),
        (403, "Not allowed for your role, or a password change is required"),
        (404, "Not found (or outside your units)"),
        (409, "The object changed since you read it, or is in use"),
        (429, "Too many requests"),
    )
}


def version_check(obj: Any, version: int | None, *, what: str = "record") -> None:
    """Optimistic locking for versioned objects: the caller sends the ``version`` it read; a
    missing one is a 400, a stale one a 409 ``stale_version`` (call it with the row locked)."""
    if version is None:
        raise ApplicationError(
            "The version you read is required.",
            code="version_required",
            details={"version": ["Required."]},
        )
    if obj.version != version:
        raise ConflictError(
            f"Someone else changed this {what} since you read it (version {version}, now "
            f"{obj.version}); reload and try again.",
            code="stale_version",
            details={"version": [f"Current version is {obj.version}."]},
        )
