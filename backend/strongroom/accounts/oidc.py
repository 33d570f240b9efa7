"""OpenID Connect: sign-in through the site's identity provider, and re-authentication to sign.

The browser goes to the provider and comes back to the SPA's ``/auth/callback``, which hands the
code to :func:`oidc_callback`. The flow is the authorization code with PKCE (S256) for a
confidential client (Authlib's OAuth2 client; the ID token is checked with joserfc against the
provider's published keys: signature, issuer, audience, expiry, nonce, at_hash).

Sign-in (``purpose`` login)
    The user is found by the provider's issuer and subject (:class:`FederatedIdentity`), never by
    the username claim; a first sign-in creates them with the username claim (refused when a
    Strongroom account holds that username: usernames are never reused or merged). Role and
    units come from the groups claim through the directory-group mapping (source ``oidc``,
    :mod:`strongroom.accounts.directory`), applied at every sign-in. A deactivated user stays
    out. The session is Strongroom's own JWT session (revocation, the WebSocket and the API
    work unchanged); the provider's refresh token is kept sealed with it, and every refresh of
    the Strongroom session refreshes at the provider first
    (:func:`strongroom.accounts.federation.oidc_session_refresh`), so a user disabled at the
    provider is out at the next refresh.

Re-authentication (``purpose`` sign, 21 CFR 11.200(a))
    A token alone never signs. For a signature the SPA starts an attempt naming the exact signed
    request (method and path); the provider is asked for a fresh login (``prompt=login``,
    ``max_age=0``, a nonce stored with that attempt), and the ID token's ``auth_time`` must be
    from just now. The result is a ticket, good once, for two minutes, for that user and that
    request only (:func:`reauthentication_consume`). Failures are audited and count towards the
    lockout like a wrong password.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry
from rest_framework import status
from rest_framework_simplejwt.tokens import RefreshToken

from strongroom.accounts.directory import directory_user_sign_in
from strongroom.accounts.federation import (
    digest,
    provider_client,
    provider_error,
    provider_key_set,
    provider_metadata,
    provider_unavailable,
)
from strongroom.accounts.models import (
    AuthSource,
    FederatedIdentity,
    OidcAttempt,
    OidcPurpose,
    OidcSession,
    SigningPassword,
    User,
)
from strongroom.accounts.selectors import federated_identity_find
from strongroom.accounts.services import (
    INVALID_CREDENTIALS,
    SignatureFailure,
    credentials_locked_refuse,
    credentials_refuse,
    password_policy_check,
    reauthentication_refuse,
    session_start,
)
from strongroom.accounts.tokens import SESSION_CLAIM, START_CLAIM
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError

ATTEMPT_LIFETIME = timedelta(minutes=10)
TICKET_LIFETIME = timedelta(minutes=2)


def oidc_enabled() -> bool:
    return bool(settings.STRONGROOM_OIDC_ISSUER)


def _not_enabled() -> ApplicationError:
    return ApplicationError(
        "Sign-in through an identity provider is not set up on this site.",
        code="oidc_not_enabled",
        status_code=status.HTTP_404_NOT_FOUND,
    )


# --- Starting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    authorization_url: str
    state: str


def oidc_attempt_start(
    *, purpose: str, next_path: str = "", user: User | None = None, method: str = "", path: str = ""
) -> Started:
    """A trip to the provider: its authorization URL, with a fresh state, nonce and PKCE
    verifier. For a signature (``purpose`` sign) the signer and the exact request are bound to
    it and the provider must authenticate the user again."""
    if not oidc_enabled():
        raise _not_enabled()
    if purpose == OidcPurpose.SIGN and (user is None or user.auth_source != AuthSource.OIDC):
        raise ApplicationError(
            "Only users who sign in through the identity provider re-authenticate there.",
            code="reauthentication_not_applicable",
            status_code=status.HTTP_400_BAD_REQUEST,
            details={"purpose": ["Not for this account."]},
        )
    metadata = provider_metadata()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    extra: dict[str, Any] = {}
    if purpose == OidcPurpose.SIGN:
        extra = {"prompt": "login", "max_age": 0}
    url, _ = provider_client().create_authorization_url(
        metadata["authorization_endpoint"],
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        **extra,
    )
    now = timezone.now()
    OidcAttempt.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    OidcAttempt.objects.create(
        purpose=purpose,
        state_hash=digest(state),
        nonce=nonce,
        code_verifier=verifier,
        next=next_path[:500],
        user=user if purpose == OidcPurpose.SIGN else None,
        method=method.upper()[:10] if purpose == OidcPurpose.SIGN else "",
        path=path[:500] if purpose == OidcPurpose.SIGN else "",
        created_at=now,
        expires_at=now + ATTEMPT_LIFETIME,
    )
    return Started(authorization_url=url, state=state)


# --- Coming back ---------------------------------------------------------------------------------


def _attempt_claim(state: str) -> OidcAttempt:
    """The attempt this state names, marked completed (committed at once: a state works once,
    whatever happens next)."""
    with transaction.atomic():
        attempt = (
            OidcAttempt.objects.select_for_update()
            .filter(
                state_hash=digest(state),
                completed_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if attempt is None:
            raise ApplicationError(
                "This sign-in link is unknown, used or expired; start again.",
                code="oidc_state_invalid",
                details={"state": ["Unknown, used or expired."]},
            )
        attempt.completed_at = timezone.now()
        attempt.save(update_fields=["completed_at"])
    return attempt


def _id_token_claims(token: dict[str, Any], nonce: str, metadata: dict[str, Any]) -> dict[str, Any]:
    raw = token.get("id_token")
    if not raw:
        raise provider_error("token", "no ID token")
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])
    try:
        try:
            decoded = jwt.decode(raw, provider_key_set(metadata), registry=registry)
        except JoseError:  # a key rotated since the set was cached: fetch it once more
            decoded = jwt.decode(raw, provider_key_set(metadata, refresh=True), registry=registry)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"essential": True, "values": [metadata["issuer"]]}},
            {
                "nonce": nonce,
                "client_id": settings.STRONGROOM_OIDC_CLIENT_ID,
                "access_token": token.get("access_token"),
            },
        )
        claims.validate(leeway=60)
    except (JoseError, AuthlibBaseError, ValueError) as exc:
        raise provider_error("ID token", type(exc).__name__) from exc
    return dict(claims)


def _userinfo(metadata: dict[str, Any], access_token: str, subject: str) -> dict[str, Any]:
    url = metadata.get("userinfo_endpoint")
    if not url or not access_token:
        return {}
    try:
        response = requests.get(
            url,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.STRONGROOM_OIDC_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise provider_unavailable(exc) from exc
    if response.status_code != 200:
        raise provider_error("userinfo", str(response.status_code))
    info = response.json()
    if not isinstance(info, dict) or info.get("sub") != subject:
        raise provider_error("userinfo", "the subject does not match")
    return info


@dataclass(frozen=True)
class ProviderAnswer:
    claims: dict[str, Any]
    refresh_token: str
    expires_at: datetime


def _exchange(attempt: OidcAttempt, code: str) -> ProviderAnswer:
    metadata = provider_metadata()
    try:
        token = provider_client().fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=attempt.code_verifier,
            timeout=settings.STRONGROOM_OIDC_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise provider_unavailable(exc) from exc
    except AuthlibBaseError as exc:
        raise provider_error("token", str(exc.error or "")) from exc
    claims = _id_token_claims(dict(token), attempt.nonce, metadata)
    info = _userinfo(metadata, str(token.get("access_token") or ""), str(claims["sub"]))
    merged = {**info, **claims}  # what the signed ID token says wins
    expires_in = int(token.get("expires_in") or 300)
    return ProviderAnswer(
        claims=merged,
        refresh_token=str(token.get("refresh_token") or ""),
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )


def _groups(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.STRONGROOM_OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


def _refuse_taken(username: str) -> ApplicationError:
    return ApplicationError(
        "A Strongroom account already has this username; the provider's account cannot use it. "
        "Ask a System Administrator.",
        code="directory_username_taken",
        status_code=status.HTTP_403_FORBIDDEN,
        details={"username": [username]},
    )


def _federated_user(claims: dict[str, Any]) -> User | None:
    """The user these verified claims name, created or brought up to date; None when
    deactivated.

    Two callbacks for one new provider account (two tabs, a double click, a retried request)
    can both find no identity and both go to create it. The first to commit wins; the other
    runs into the user it created (the unique username, or the check that refuses a username
    already held), and everything it wrote is rolled back with its savepoint, its audit events
    included. Read again, it finds the winner's identity and signs in as that same user; a
    username that another account really holds is refused again, as it was the first time."""
    issuer = settings.STRONGROOM_OIDC_ISSUER
    subject = str(claims["sub"])
    try:
        return _federated_user_save(issuer=issuer, subject=subject, claims=claims)
    except IntegrityError:
        pass
    except ApplicationError as exc:
        if exc.code != "directory_username_taken":
            raise
    return _federated_user_save(issuer=issuer, subject=subject, claims=claims)


def _federated_user_save(*, issuer: str, subject: str, claims: dict[str, Any]) -> User | None:
    """One pass of :func:`_federated_user`: it writes in a savepoint of its own, so a pass that
    loses the race leaves nothing behind."""
    identity = federated_identity_find(issuer=issuer, subject=subject)
    if identity is not None:
        username = identity.user.username
    else:
        username = str(claims.get(settings.STRONGROOM_OIDC_USERNAME_CLAIM) or "").strip()
        if User.objects.filter(username__iexact=username).exists():
            raise _refuse_taken(username.lower())
    with transaction.atomic():
        user = directory_user_sign_in(
            source=AuthSource.OIDC,
            username=username,
            full_name=str(claims.get("name") or ""),
            email=str(claims.get("email") or ""),
            group_dns=_groups(claims),
        )
        if user is not None and identity is None:
            FederatedIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    return user


@dataclass(frozen=True)
class SignedIn:
    refresh: RefreshToken
    next_path: str


@dataclass(frozen=True)
class Ticket:
    reauthentication: str
    expires_at: datetime


def oidc_callback(
    *, request: HttpRequest, state: str, code: str, caller: User | None
) -> SignedIn | Ticket:
    """The browser is back from the provider with a code: a Strongroom session (sign-in), or a
    signing ticket (re-authentication, for ``caller`` only)."""
    if not oidc_enabled():
        raise _not_enabled()
    attempt = _attempt_claim(state)
    if attempt.purpose == OidcPurpose.SIGN:
        return _reauthenticated(request=request, attempt=attempt, code=code, caller=caller)
    answer = _exchange(attempt, code)
    try:
        user = _federated_user(answer.claims)
    except ApplicationError as exc:
        _login_failed(request, str(answer.claims.get("sub")), exc.code)
        raise
    if user is None:
        _login_failed(request, str(answer.claims.get("sub")), "user_inactive")
        raise ApplicationError(
            INVALID_CREDENTIALS,
            code="invalid_credentials",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    try:  # locked by failed signatures: out until unlocked, whatever the provider says
        credentials_locked_refuse(request=request, username=user.username)
    except ApplicationError as exc:
        _login_failed(request, str(answer.claims.get("sub")), exc.code)
        raise
    now = timezone.now()
    OidcSession.objects.filter(created_at__lt=now - settings.STRONGROOM_SESSION_LIFETIME).delete()
    with transaction.atomic():
        refresh = session_start(user=user, changes={"auth_source": [None, AuthSource.OIDC]})
        OidcSession.objects.create(
            session_id=str(refresh[SESSION_CLAIM]),
            user=user,
            refresh_token=answer.refresh_token,
            provider_expires_at=answer.expires_at,
        )
    return SignedIn(refresh=refresh, next_path=attempt.next)


def _login_failed(request: HttpRequest, subject: str, code: str) -> None:
    identity = federated_identity_find(issuer=settings.STRONGROOM_OIDC_ISSUER, subject=subject)
    known = identity.user if identity is not None else None
    audit_event_record(
        action="auth.login_failed",
        actor=known,
        object_type="user",
        object_id=known.pk if known else "",
        changes={"subject": [None, subject[:150]], "auth_source": [None, AuthSource.OIDC]},
        reason=code,
    )


def _reauth_refuse(
    *, request: HttpRequest, attempt: OidcAttempt, code: str, message: str
) -> NoReturn:
    """A failed re-authentication: audited as a failed signature and counted towards the
    signer's lockout, like a wrong signing password."""
    user = attempt.user
    assert user is not None
    reauthentication_refuse(
        request=request,
        failure=SignatureFailure(
            signer=user,
            reason=code,
            object_type="user",
            object_id=user.pk,
            changes={"request": [None, f"{attempt.method} {attempt.path}"]},
        ),
        error=ApplicationError(message, code=code, status_code=status.HTTP_403_FORBIDDEN),
    )


def _reauthenticated(
    *, request: HttpRequest, attempt: OidcAttempt, code: str, caller: User | None
) -> Ticket:
    if caller is None or attempt.user_id != caller.pk:
        raise ApplicationError(
            "Re-authentication is finished in the window of the user who started it.",
            code="reauthentication_wrong_user",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    credentials_locked_refuse(request=request, username=caller.username)
    answer = _exchange(attempt, code)
    identity = FederatedIdentity.objects.filter(user=caller).first()
    if identity is None or identity.subject != str(answer.claims.get("sub")):
        _reauth_refuse(
            request=request,
            attempt=attempt,
            code="reauthentication_wrong_user",
            message="Someone else signed in at the provider; sign in there as yourself.",
        )
    auth_time = answer.claims.get("auth_time")
    fresh_from = attempt.created_at - timedelta(seconds=5)
    oldest = timezone.now() - timedelta(seconds=settings.STRONGROOM_OIDC_REAUTH_MAX_AGE_SECONDS)
    if (
        not isinstance(auth_time, int)
        or isinstance(auth_time, bool)
        or auth_time < max(fresh_from, oldest).timestamp()
    ):
        _reauth_refuse(
            request=request,
            attempt=attempt,
            code="reauthentication_stale",
            message="The provider did not ask for your password just now, so this cannot sign; "
            "try again (or ask IT to make the provider honour prompt=login / max_age=0).",
        )
    ticket = secrets.token_urlsafe(32)
    expires_at = timezone.now() + TICKET_LIFETIME
    OidcAttempt.objects.filter(pk=attempt.pk).update(
        ticket_hash=digest(ticket), ticket_expires_at=expires_at
    )
    return Ticket(reauthentication=ticket, expires_at=expires_at)


def reauthentication_consume(*, signer: User, ticket: str, method: str, path: str) -> bool:
    """Spend a signing ticket: True when it is the signer's, unused, unexpired and for exactly
    this request. Committed at once (a ticket signs once, whatever the action does next)."""
    if not ticket:
        return False
    with transaction.atomic():
        attempt = (
            OidcAttempt.objects.select_for_update()
            .filter(
                ticket_hash=digest(ticket),
                user=signer,
                purpose=OidcPurpose.SIGN,
                ticket_used_at__isnull=True,
                ticket_expires_at__gt=timezone.now(),
            )
            .first()
        )
        if attempt is None:
            return False
        attempt.ticket_used_at = timezone.now()
        attempt.save(update_fields=["ticket_used_at"])
    return attempt.method == method.upper() and attempt.path == path


# --- Signing passwords ---------------------------------------------------------------------------

RECENT_SIGN_IN = timedelta(minutes=5)


def signing_password_set(
    *, request: HttpRequest, user: User, password: str, current_password: str, session: Any
) -> None:
    """A federated user sets (or changes) the password they sign with when the provider cannot
    re-authenticate them (and, in any case, as a destruction witness). Under the password
    policy; changing it takes the current one (a wrong one counts towards the lockout); setting
    the first takes a sign-in within the last five minutes, so a stolen session alone cannot
    give itself a way to sign. Audited (never the password)."""
    if user.auth_source != AuthSource.OIDC:
        raise ApplicationError(
            "Only accounts that sign in through the identity provider have a signing password; "
            "others sign with their own password.",
            code="signing_password_not_applicable",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    existing = SigningPassword.objects.filter(user=user).first()
    if existing is not None:
        credentials_locked_refuse(request=request, username=user.username)
        if not current_password or not check_password(current_password, existing.password):
            audit_event_record(
                action="auth.signing_password_change_failed",
                actor=user,
                object_type="user",
                object_id=user.pk,
                reason="invalid_credentials",
            )
            try:
                credentials_refuse(request=request, username=user.username)
            except ApplicationError as exc:
                exc.details = {"current_password": [exc.message]}
                raise
    else:
        started = session.get(START_CLAIM) if session is not None else None
        if not isinstance(started, int) or (
            timezone.now().timestamp() - started > RECENT_SIGN_IN.total_seconds()
        ):
            raise ApplicationError(
                "Sign out and sign in again, then set your signing password within five minutes.",
                code="recent_sign_in_required",
                status_code=status.HTTP_403_FORBIDDEN,
            )
    password_policy_check(
        user=user,
        password=password,
        field="password",
        message="The signing password does not meet the password policy.",
    )
    with transaction.atomic():
        SigningPassword.objects.update_or_create(
            user=user, defaults={"password": make_password(password), "changed_at": timezone.now()}
        )
        audit_event_record(
            action="auth.signing_password_change" if existing else "auth.signing_password_set",
            actor=user,
            object_type="user",
            object_id=user.pk,
        )


def signing_password_check(*, request: HttpRequest, user: User, password: str) -> None:
    """A federated signer's signing password: refused like a wrong password (and counted towards
    the lockout) when it is wrong or none is set."""
    credentials_locked_refuse(request=request, username=user.username)
    row = SigningPassword.objects.filter(user=user).first()
    if row is None or not check_password(password, row.password):
        credentials_refuse(request=request, username=user.username)
