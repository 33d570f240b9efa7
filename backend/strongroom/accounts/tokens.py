"""JWTs for HTTP and WebSockets, and the one place that decides whether a token is still good.

Access tokens are short (10 minutes by default); refresh tokens rotate and are blacklisted when
used or on logout. Two claims tie tokens to revocation:

``sid``  the session: set at login, kept through every refresh rotation. Logout revokes it (the
         refresh token is blacklisted, and the sid is remembered in the cache for as long as an
         access token may live, so access tokens of that session stop working at once).
``sep``  the user's ``session_epoch`` at login. Deactivation, a password change or a reset raises
         the epoch, which revokes every session of the user at once.
``sst``  when the session started (seconds since the epoch), kept through rotation: no refresh is
         granted once ``STRONGROOM_SESSION_LIFETIME`` has passed since.

Every refresh token is recorded (``OutstandingToken``) with these claims in it, so that logout
and theft detection find all the tokens of a session, whatever the cache still remembers.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from strongroom.accounts.models import User
from strongroom.accounts.selectors import user_for_request
from strongroom.core.request_id import set_user_id

SESSION_CLAIM = "sid"
EPOCH_CLAIM = "sep"
START_CLAIM = "sst"
_REVOKED_PREFIX = "revoked-session:"


def session_tokens_issue(user: User) -> RefreshToken:
    """A new session: a refresh token (and, from it, access tokens) carrying sid and epoch."""
    # Not RefreshToken.for_user(): it records the token before the claims below are added.
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(user.pk)
    refresh[SESSION_CLAIM] = uuid.uuid4().hex
    refresh[EPOCH_CLAIM] = user.session_epoch
    refresh[START_CLAIM] = int(timezone.now().timestamp())
    refresh.outstand()
    return refresh


def session_has_expired(token: Any) -> bool:
    """Whether the absolute session lifetime has passed (a token without a start: yes)."""
    started = token.get(START_CLAIM)
    if not isinstance(started, int) or isinstance(started, bool):
        return True
    lifetime: timedelta = settings.STRONGROOM_SESSION_LIFETIME
    return timezone.now().timestamp() >= started + lifetime.total_seconds()


def token_session_id(raw: str) -> str:
    """The sid of a recorded (already verified) token, read without verifying again."""
    try:
        return str(RefreshToken(raw, verify=False).get(SESSION_CLAIM, ""))  # type: ignore[arg-type]
    except TokenError:
        return ""


class SignedRefreshToken(RefreshToken):
    """A refresh token checked for signature, expiry and type, but not for the blacklist: the
    refresh service looks the token up itself, under a row lock, to tell a logged-out session
    from a rotated token used again."""

    def check_blacklist(self) -> None:
        return None


def session_revoke_in_cache(session_id: str) -> None:
    lifetime: timedelta = settings.STRONGROOM_ACCESS_TOKEN_LIFETIME
    cache.set(f"{_REVOKED_PREFIX}{session_id}", True, timeout=int(lifetime.total_seconds()) + 60)


def session_is_revoked(session_id: str) -> bool:
    return bool(cache.get(f"{_REVOKED_PREFIX}{session_id}"))


class TokenRejected(Exception):  # noqa: N818 (a verdict, used like AuthenticationFailed)
    """The token is not (or no longer) good. ``code`` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def token_user_check(token: Any, user: User | None) -> User:
    """Every rule a token must pass besides its signature and expiry."""
    if user is None:
        raise TokenRejected("token_not_valid", "The token is not valid.")
    if not user.is_active:
        raise TokenRejected("user_inactive", "This account is deactivated.")
    if token.get(EPOCH_CLAIM) != user.session_epoch:
        raise TokenRejected("session_revoked", "This session was ended; sign in again.")
    session_id = token.get(SESSION_CLAIM)
    if not session_id or session_is_revoked(session_id):
        raise TokenRejected("session_revoked", "This session was ended; sign in again.")
    return user


def access_token_authenticate(raw_token: str) -> tuple[User, AccessToken]:
    """For the WebSocket consumer: the user of a raw access token, or :class:`TokenRejected`."""
    try:
        token = AccessToken(raw_token)  # type: ignore[arg-type]
    except TokenError as exc:
        raise TokenRejected("token_not_valid", "The token is expired or not valid.") from exc
    user = user_for_request(token.get("user_id"))
    return token_user_check(token, user), token


def token_expires_at(token: AccessToken) -> float:
    return float(token["exp"])


class StrongroomJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication plus the session rules above."""

    def authenticate(self, request: Request) -> tuple[User, Any] | None:  # type: ignore[override]
        try:
            result = super().authenticate(request)
        except InvalidToken as exc:
            raise exceptions.AuthenticationFailed(
                "The token is expired or not valid.", code="token_not_valid"
            ) from exc
        if result is None:
            return None
        user, token = result
        try:
            token_user_check(token, user)  # type: ignore[arg-type]
        except TokenRejected as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        set_user_id(user.pk)
        return user, token  # type: ignore[return-value]

    def get_user(self, validated_token: Any) -> User:  # type: ignore[override]
        user_id = validated_token.get("user_id")
        user = user_for_request(user_id)
        if user is None:
            raise exceptions.AuthenticationFailed(
                "The token is expired or not valid.", code="token_not_valid"
            )
        return user
