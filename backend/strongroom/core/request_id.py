"""Who is asking, from where: the request id, client address and user agent of the HTTP request
being served, for logs, audit events and error bodies (set by RequestIdMiddleware).

The request id is the server's own: made here, or by the stack's nginx, which always mints one
and passes it in X-Request-ID (STRONGROOM_REQUEST_ID_FROM_PROXY). What a client sends as its
X-Request-ID is never the id the audit trail records; in a safe format it is kept as the
``correlation_id`` that the logs carry next to the server's id."""

import contextvars
import re
import uuid
from dataclasses import dataclass

_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    correlation_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestContext()
_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "request_context",
    default=_NO_REQUEST,
)


def get_request_id() -> str:
    return _context.get().request_id


def get_request_context() -> RequestContext:
    return _context.get()


def safe_request_id(value: str | None) -> str:
    """``value`` when it is a well-formed request id (1-64 of A-Z a-z 0-9 . _ -), else ""."""
    return value if value and _VALID.fullmatch(value) else ""


def set_request_context(
    *,
    request_id: str | None,
    correlation_id: str | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> contextvars.Token[RequestContext]:
    """``request_id``: the server's id (the proxy's) when there is a well-formed one, else a new
    one; ``correlation_id``: the client's own id, kept only when well-formed."""
    return _context.set(
        RequestContext(
            safe_request_id(request_id) or uuid.uuid4().hex,
            safe_request_id(correlation_id),
            ip_address or None,
            user_agent[:300],
        )
    )


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _context.reset(token)


_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


def set_user_id(user_id: int | None) -> None:
    """Called once the request's user is known (after token authentication), for the logs."""
    _user_id.set(user_id)


def get_user_id() -> int | None:
    return _user_id.get()
