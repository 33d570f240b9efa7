"""The id of the HTTP request being served, for logs, audit events and error bodies."""

import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def get_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str]:
    """Use the proxy's id when it looks like one (nginx's $request_id), else make one."""
    if not value or not _VALID.match(value):
        value = uuid.uuid4().hex
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
