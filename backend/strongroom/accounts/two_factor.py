"""Two-factor sign-in for local accounts: TOTP (RFC 6238, with pyotp) and one-time recovery codes.

Sign-in with a confirmed authenticator is two steps. The password step answers with a
*challenge* instead of tokens: a string signed with ``SECRET_KEY`` (Django's signing, its own salt;
not a JWT, so neither the API nor the WebSocket accepts it as a token), naming the user, their
session epoch and what it is for (``verify``: a code is due; ``enrol``: the user's role requires
two-factor and they have none yet), valid for ``STRONGROOM_2FA_CHALLENGE_SECONDS`` and spent by its
first success. The second step takes a TOTP code or a recovery code and only then issues the JWT
pair. A wrong code counts towards the account's lockout (django-axes, as a wrong password does)
and is audited; no code is ever recorded. A TOTP code is accepted once: the device keeps the last
time step accepted, and a code of that step or an earlier one is refused.

Recovery codes (ten, shown once) are stored as HMAC-SHA256 keyed with ``SECRET_KEY`` and the user,
each usable once.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework import status
from rest_framework_simplejwt.tokens import RefreshToken

from strongroom.accounts.models import RecoveryCode, TwoFactorDevice, User
from strongroom.accounts.selectors import (
    two_factor_enabled,
    two_factor_enrolment_pending,
    two_factor_required,
)
from strongroom.accounts.services import (
    _locked,
    _raise_locked,
    credentials_check,
    session_login_password,
    session_start,
)
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError

Purpose = Literal["verify", "enrol"]
CHALLENGE_SALT = "strongroom.accounts.two_factor.challenge"
RECOVERY_SALT = "strongroom.accounts.two_factor.recovery-code"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_TOTP_FORMAT = re.compile(r"^[0-9]{6}$")
_USED_PREFIX = "two-factor-challenge-used:"
INVALID_CODE = "The code is not valid."


@dataclass(frozen=True)
class TwoFactorChallenge:
    purpose: Purpose
    challenge: str
    expires_at: datetime


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg_data_uri: str


# --- Challenges -------------------------------------------------------------------------------


def challenge_issue(*, user: User, purpose: Purpose) -> TwoFactorChallenge:
    payload = {
        "u": str(user.pk),
        "p": purpose,
        "e": user.session_epoch,
        "n": secrets.token_urlsafe(12),
    }
    seconds = settings.STRONGROOM_2FA_CHALLENGE_SECONDS
    return TwoFactorChallenge(
        purpose=purpose,
        challenge=signing.dumps(payload, salt=CHALLENGE_SALT),
        expires_at=timezone.now() + timedelta(seconds=seconds),
    )


def _challenge_refused() -> NoReturn:
    raise ApplicationError(
        "This sign-in step has expired or is not valid; sign in again.",
        code="challenge_invalid",
        status_code=status.HTTP_401_UNAUTHORIZED,
        details={"challenge": ["Expired or not valid."]},
    )


def _challenge_payload(challenge: str) -> dict[str, Any]:
    try:
        payload = signing.loads(
            challenge, salt=CHALLENGE_SALT, max_age=settings.STRONGROOM_2FA_CHALLENGE_SECONDS
        )
    except signing.BadSignature:  # SignatureExpired too
        _challenge_refused()
    if not isinstance(payload, dict) or cache.get(f"{_USED_PREFIX}{payload.get('n')}"):
        _challenge_refused()
    return payload


def challenge_user(*, challenge: str, purpose: Purpose) -> User:
    """The active user a live, unspent challenge of this purpose was issued to."""
    payload = _challenge_payload(challenge)
    if payload.get("p") != purpose or not payload.get("u"):
        _challenge_refused()
    user = User.objects.select_related("role").filter(pk=str(payload["u"]), is_active=True).first()
    if user is None or payload.get("e") != user.session_epoch:
        _challenge_refused()
    return user


def _challenge_spend(challenge: str) -> None:
    payload = _challenge_payload(challenge)
    seconds = settings.STRONGROOM_2FA_CHALLENGE_SECONDS
    cache.set(f"{_USED_PREFIX}{payload['n']}", True, timeout=seconds + 60)


# --- Codes ------------------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _recovery_hash(user: User, code: str) -> str:
    value = f"{user.pk}:{_normalise(code)}"
    return salted_hmac(RECOVERY_SALT, value, algorithm="sha256").hexdigest()


def _recovery_codes_replace(user: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working), returned once in clear."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user, code)) for code in codes]
    )
    return codes


def _totp_step(device: TwoFactorDevice, code: str) -> int | None:
    """The time step ``code`` belongs to (the current one, or one either side for clock drift),
    if it is later than the last step accepted; None otherwise."""
    code = _normalise(code)
    if not _TOTP_FORMAT.match(code):
        return None
    totp = pyotp.TOTP(device.secret)
    current = totp.timecode(timezone.now())
    for step in (current - 1, current, current + 1):
        if step > device.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code_consume(*, user: User, code: str, recovery: bool, confirmed: bool = True) -> str | None:
    """Check and spend a code of the user (a TOTP code, or a recovery code when allowed):
    ``"totp"`` or ``"recovery_code"``, or None when it is not good. Inside the caller's
    transaction; the device row is locked so that two requests cannot spend one code."""
    device = (
        TwoFactorDevice.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=not confirmed)
        .first()
    )
    if device is None:
        return None
    step = _totp_step(device, code)
    if step is not None:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return "totp"
    if recovery and confirmed:
        spent = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(user, code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            return "recovery_code"
    return None


def _code_refuse(*, request: HttpRequest, user: User, action: str) -> NoReturn:
    """A wrong code: audited (never the code), counted towards the lockout like a wrong password,
    and answered with 401 ``invalid_two_factor_code`` on ``code`` (or 403 once locked)."""
    audit_event_record(
        action=action,
        actor=user,
        object_type="user",
        object_id=user.pk,
        changes={"username": [None, user.username]},
        reason="invalid_two_factor_code",
    )
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    if _locked(request, user.username):
        _raise_locked()
    raise ApplicationError(
        INVALID_CODE,
        code="invalid_two_factor_code",
        status_code=status.HTTP_401_UNAUTHORIZED,
        details={"code": [INVALID_CODE]},
    )


def _lockout_check(request: HttpRequest, user: User) -> None:
    if _locked(request, user.username):
        _raise_locked()


# --- Sign-in ----------------------------------------------------------------------------------


def session_login(
    *, request: HttpRequest, username: str, password: str
) -> RefreshToken | TwoFactorChallenge:
    """Sign in with a password: the JWT pair, or a challenge when a code is due (the user has
    an authenticator) or an enrolment is (their role requires one and they have none)."""
    user = session_login_password(request=request, username=username, password=password)
    if two_factor_enabled(user):
        return challenge_issue(user=user, purpose="verify")
    if two_factor_enrolment_pending(user):
        return challenge_issue(user=user, purpose="enrol")
    return session_start(user=user)


def session_login_second_factor(*, request: HttpRequest, challenge: str, code: str) -> RefreshToken:
    """The second step of a sign-in: a TOTP code or a recovery code for the challenge the
    password step gave; the JWT pair."""
    user = challenge_user(challenge=challenge, purpose="verify")
    _lockout_check(request, user)
    with transaction.atomic():
        method = _code_consume(user=user, code=code, recovery=True)
    if method is None:
        _code_refuse(request=request, user=user, action="auth.login_failed")
    _challenge_spend(challenge)
    return session_start(user=user, changes={"second_factor": [None, method]})


def two_factor_admin_check(*, request: HttpRequest, user: User, code: str) -> None:
    """The Django admin's sign-in keeps the same rule as the API: a user with an authenticator
    adds a code (or a recovery code), and a user whose role requires one and has none enrols in
    the application first. A wrong code is audited and counts towards the lockout."""
    if two_factor_enabled(user):
        _lockout_check(request, user)
        with transaction.atomic():
            method = _code_consume(user=user, code=code, recovery=True)
        if method is None:
            _code_refuse(request=request, user=user, action="auth.login_failed")
    elif two_factor_required(user):
        raise ApplicationError(
            "Your role requires two-factor sign-in: sign in to the application first to set it up.",
            code="two_factor_required",
            status_code=status.HTTP_403_FORBIDDEN,
        )


# --- Enrolment, recovery codes, disabling -----------------------------------------------------


def _enrolment_view(user: User, device: TwoFactorDevice) -> Enrolment:
    uri = pyotp.TOTP(device.secret).provisioning_uri(
        name=user.username, issuer_name=settings.STRONGROOM_2FA_ISSUER
    )
    qr = segno.make(uri, error="m")
    return Enrolment(
        secret=device.secret, otpauth_uri=uri, qr_svg_data_uri=qr.svg_data_uri(scale=5)
    )


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> Enrolment:
    """A new, unconfirmed authenticator secret for the user (replacing an unconfirmed one)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if two_factor_enabled(user):
        raise ApplicationError(
            "Two-factor sign-in is already on for this account.",
            code="two_factor_enabled",
            status_code=status.HTTP_409_CONFLICT,
        )
    device, _ = TwoFactorDevice.objects.update_or_create(
        user=user,
        defaults={"secret": pyotp.random_base32(), "confirmed_at": None, "last_step": 0},
    )
    audit_event_record(
        action="user.two_factor_enrolment_start",
        actor=user,
        object_type="user",
        object_id=user.pk,
    )
    return _enrolment_view(user, device)


def two_factor_enrolment_confirm(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the new authenticator with a code from it: two-factor is on, and ten recovery
    codes (returned once) replace any earlier ones."""
    if not TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).exists():
        raise ApplicationError(
            "Start the enrolment first.",
            code="two_factor_not_started",
            status_code=status.HTTP_409_CONFLICT,
        )
    _lockout_check(request, user)
    with transaction.atomic():
        method = _code_consume(user=user, code=code, recovery=False, confirmed=False)
        if method is not None:
            TwoFactorDevice.objects.filter(user=user).update(confirmed_at=timezone.now())
            codes = _recovery_codes_replace(user)
            audit_event_record(
                action="user.two_factor_enable",
                actor=user,
                object_type="user",
                object_id=user.pk,
                changes={"two_factor": [False, True], "recovery_codes": [None, len(codes)]},
            )
    if method is None:
        _code_refuse(request=request, user=user, action="user.two_factor_enable_failed")
    return codes


def session_login_enrol(
    *, request: HttpRequest, challenge: str, code: str
) -> tuple[RefreshToken, list[str]]:
    """Enrolment at sign-in (the user's role requires it): confirm, then the JWT pair."""
    user = challenge_user(challenge=challenge, purpose="enrol")
    codes = two_factor_enrolment_confirm(request=request, user=user, code=code)
    _challenge_spend(challenge)
    return session_start(user=user, changes={"second_factor": [None, "enrolment"]}), codes


def two_factor_recovery_codes_regenerate(
    *, request: HttpRequest, user: User, code: str
) -> list[str]:
    """Ten new recovery codes for a current TOTP code; the old ones stop working."""
    _lockout_check(request, user)
    with transaction.atomic():
        method = _code_consume(user=user, code=code, recovery=False)
        if method is not None:
            codes = _recovery_codes_replace(user)
            audit_event_record(
                action="user.two_factor_recovery_codes",
                actor=user,
                object_type="user",
                object_id=user.pk,
                changes={"recovery_codes": ["(replaced)", len(codes)]},
            )
    if method is None:
        _code_refuse(request=request, user=user, action="user.two_factor_recovery_codes_failed")
    return codes


def _required_refuse() -> NoReturn:
    raise ApplicationError(
        "Your role requires two-factor sign-in; it cannot be turned off.",
        code="two_factor_required",
        status_code=status.HTTP_403_FORBIDDEN,
    )


def two_factor_disable(*, request: HttpRequest, user: User, password: str, code: str) -> None:
    """Turn two-factor off: the password and a current code (TOTP or recovery) again; refused
    when the user's role requires two-factor."""
    if two_factor_required(user):
        _required_refuse()
    if not two_factor_enabled(user):
        raise ApplicationError(
            "Two-factor sign-in is not on for this account.",
            code="two_factor_not_enabled",
            status_code=status.HTTP_409_CONFLICT,
        )
    try:
        credentials_check(request=request, username=user.username, password=password)
    except ApplicationError as exc:
        audit_event_record(
            action="user.two_factor_disable_failed",
            actor=user,
            object_type="user",
            object_id=user.pk,
            reason=exc.code,
        )
        raise
    with transaction.atomic():
        method = _code_consume(user=user, code=code, recovery=True)
        if method is not None:
            TwoFactorDevice.objects.filter(user=user).delete()
            RecoveryCode.objects.filter(user=user).delete()
            audit_event_record(
                action="user.two_factor_disable",
                actor=user,
                object_type="user",
                object_id=user.pk,
                changes={"two_factor": [True, False]},
            )
    if method is None:
        _code_refuse(request=request, user=user, action="user.two_factor_disable_failed")
