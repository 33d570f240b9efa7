"""Who is asking, from where: the request id, client address and user agent of the HTTP request
being served, for logs, audit events and error bodies (set by RequestIdMiddleware)."""

import contextvars
import re
import uuid
from dataclasses import dataclass

_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
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


def set_request_context(
    *, request_id: str | None, ip_address: str | None = None, user_agent: str = ""
) -> contextvars.Token[RequestContext]:
    """Use the proxy's id when it looks like one (nginx's $request_id), else make one."""
    if not request_id or not _VALID.match(request_id):
        request_id = uuid.uuid4().hex
    return _context.set(RequestContext(request_id, ip_address or None, user_agent[:300]))


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _context.reset(token)


_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


def set_user_id(user_id: int | None) -> None:
    """Called once the request's user is known (after token authentication), for the logs."""
    _user_id.set(user_id)


def get_user_id() -> int | None:
    return _user_id.get()
