"""Continuous signing sessions (21 CFR 11.200(a)(1)).

The first signature during a period of continuous controlled system access takes both
identification components, the user ID and the password; later signatures in the same period
take the password. The period is the sign-in session (the JWT ``sid`` claim, kept through every
refresh rotation, new at every sign-in) and it stops being continuous once no signature has been
made in it for ``STRONGROOM_SIGNING_SESSION_IDLE_MINUTES``: the next signature takes both again.

The state is one cache entry per session: the UTC time of its last verified signature, expiring
with the idle time. The cache (Redis in production) is enough because losing an entry can only
make the rule stricter: no entry, or a session that cannot be told, means both components are
asked for again. Nothing here can let a signature through with fewer components than the rule
allows. (The revocation of signed-out sessions lives in the same cache.)

The time is set when both or the remaining component were verified, before the signed change
itself runs: the identification is what opens and keeps the continuous period, whatever the
business outcome of the action (a version conflict does not make the signer less identified).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.accounts.tokens import SESSION_CLAIM

_PREFIX = "signing-session:"


def signing_session_id(*, http_request: HttpRequest | Any, signer: User) -> str:
    """The session in which ``signer`` signs, or ``""`` when there is none to continue: the call
    carries no session token (a service called from a command or a script), or the signer is
    not the person signed in (a destruction witness signs in the executor's session)."""
    token = getattr(http_request, "auth", None)
    user = getattr(http_request, "user", None)
    if token is None or getattr(user, "pk", None) != signer.pk:
        return ""
    try:
        session_id = token.get(SESSION_CLAIM, "")
    except AttributeError:  # not a JWT (no other authentication is configured)
        return ""
    return str(session_id or "")


def _idle() -> dt.timedelta:
    return dt.timedelta(minutes=settings.STRONGROOM_SIGNING_SESSION_IDLE_MINUTES)


def signing_session_last_signed(*, session_id: str) -> dt.datetime | None:
    if not session_id:
        return None
    stamp = cache.get(f"{_PREFIX}{session_id}")
    if not isinstance(stamp, (int, float)):
        return None
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)


def signing_session_expires_at(*, session_id: str) -> dt.datetime | None:
    """When the continuous period ends unless another signature is made; ``None`` when the next
    signature takes the user ID anyway."""
    last = signing_session_last_signed(session_id=session_id)
    if last is None or _idle() <= dt.timedelta(0):
        return None
    expires = last + _idle()
    return expires if expires > timezone.now() else None


def signing_session_username_required(*, session_id: str) -> bool:
    """Whether the next signature in this session must carry the user ID too."""
    return signing_session_expires_at(session_id=session_id) is None


def signing_session_touch(*, session_id: str, at: dt.datetime | None = None) -> None:
    """Record a verified signature: the continuous period runs on for the idle time from now."""
    idle = _idle()
    if not session_id or idle <= dt.timedelta(0):
        return
    moment = at or timezone.now()
    cache.set(f"{_PREFIX}{session_id}", moment.timestamp(), timeout=int(idle.total_seconds()))
