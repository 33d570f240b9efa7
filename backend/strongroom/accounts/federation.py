"""The identity provider (OpenID Connect) as Strongroom talks to it: its discovery document and
keys, the OAuth 2.0 client, its refusals and failures as errors, and the provider's side of a
federated session, asked at every refresh of the Strongroom session.

The sign-in and re-authentication flows are :mod:`strongroom.accounts.oidc`, which signs people
in through :mod:`strongroom.accounts.services`; this module imports neither, so the refresh of a
session (``services.session_refresh``) calls :func:`oidc_session_refresh` without a cycle.
"""

import hashlib
import logging
from datetime import timedelta
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from rest_framework import status

from strongroom.accounts.models import OidcSession, User
from strongroom.core.errors import ApplicationError
from strongroom.core.sealed import SealBroken

logger = logging.getLogger(__name__)

_METADATA_CACHE_SECONDS = 3600
PROVIDER_UNAVAILABLE = "The sign-in provider could not be reached; try again later."


def digest(value: str) -> str:
    """SHA-256, hex: how states, signing tickets and cache keys are kept."""
    return hashlib.sha256(value.encode()).hexdigest()


def provider_unavailable(exc: Exception | None = None) -> ApplicationError:
    if exc is not None:
        logger.warning("OpenID Connect provider unreachable: %s", type(exc).__name__)
    return ApplicationError(
        PROVIDER_UNAVAILABLE,
        code="directory_unavailable",
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


def provider_error(what: str, error: str = "") -> ApplicationError:
    logger.warning("OpenID Connect provider error: %s %s", what, error)
    return ApplicationError(
        f"The sign-in provider refused or answered wrongly ({what}); try again.",
        code="oidc_provider_error",
        status_code=status.HTTP_502_BAD_GATEWAY,
        details={"provider_error": [error or what]},
    )


def _provider_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.STRONGROOM_OIDC_TIMEOUT)
    except requests.RequestException as exc:
        raise provider_unavailable(exc) from exc
    if response.status_code != 200:
        raise provider_error(f"GET {url}", str(response.status_code))
    try:
        body = response.json()
    except ValueError as exc:
        raise provider_error(f"GET {url}", "not JSON") from exc
    if not isinstance(body, dict):
        raise provider_error(f"GET {url}", "not a JSON object")
    return body


def provider_metadata(*, refresh: bool = False) -> dict[str, Any]:
    """The provider's discovery document (cached for an hour); its issuer must be the one
    configured, exactly."""
    issuer = settings.STRONGROOM_OIDC_ISSUER
    key = f"oidc:metadata:{digest(issuer)}"
    metadata = None if refresh else cache.get(key)
    if metadata is None:
        metadata = _provider_json(f"{issuer}/.well-known/openid-configuration")
        if metadata.get("issuer", "").rstrip("/") != issuer:
            raise provider_error("discovery", "the issuer does not match")
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not metadata.get(field):
                raise provider_error("discovery", f"{field} missing")
        cache.set(key, metadata, timeout=_METADATA_CACHE_SECONDS)
    return dict(metadata)


def provider_key_set(metadata: dict[str, Any], *, refresh: bool = False) -> KeySet:
    key = f"oidc:jwks:{digest(metadata['jwks_uri'])}"
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _provider_json(metadata["jwks_uri"])
        cache.set(key, keys, timeout=_METADATA_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(keys)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise provider_error("jwks", "the key set cannot be read") from exc


def provider_client(*, scope: str | None = "") -> OAuth2Session:
    """The OAuth 2.0 client; ``scope=None`` asks for none (a refresh keeps what was granted)."""
    return OAuth2Session(
        client_id=settings.STRONGROOM_OIDC_CLIENT_ID,
        client_secret=settings.STRONGROOM_OIDC_CLIENT_SECRET,
        scope=settings.STRONGROOM_OIDC_SCOPES if scope == "" else scope,
        redirect_uri=settings.STRONGROOM_OIDC_REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method's name)
    )


# --- Refresh -------------------------------------------------------------------------------------


def _session_ended_at_provider() -> ApplicationError:
    return ApplicationError(
        "Your organisation's sign-in ended this session; sign in again.",
        code="provider_session_ended",
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


def oidc_session_refresh(*, user: User, session_id: str) -> None:
    """Before a federated user's Strongroom session is refreshed, the provider is asked too:
    with its refresh token when it gave one (a disabled account or an ended grant is refused
    there), else the session ends when the provider's access token has. Refused with 401
    ``provider_session_ended``; 503 when the provider cannot be reached (fail closed)."""
    try:
        row = OidcSession.objects.filter(session_id=session_id, user=user).first()
    except SealBroken:  # sealed with a key no longer configured: sign in again
        row = None
    if row is None:
        raise _session_ended_at_provider()
    if not row.refresh_token:
        if row.provider_expires_at <= timezone.now():
            raise _session_ended_at_provider()
        return
    provider_refresh = row.refresh_token
    metadata = provider_metadata()
    try:
        token = provider_client(scope=None).fetch_token(
            metadata["token_endpoint"],
            grant_type="refresh_token",
            refresh_token=provider_refresh,
            timeout=settings.STRONGROOM_OIDC_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise provider_unavailable(exc) from exc
    except AuthlibBaseError as exc:
        if exc.error in ("invalid_grant", "unauthorized_client", "invalid_client"):
            raise _session_ended_at_provider() from exc
        raise provider_error("refresh", str(exc.error or "")) from exc
    expires_in = int(token.get("expires_in") or 300)
    OidcSession.objects.filter(pk=row.pk).update(
        refresh_token=str(token.get("refresh_token") or provider_refresh),
        provider_expires_at=timezone.now() + timedelta(seconds=expires_in),
    )
