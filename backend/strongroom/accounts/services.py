"""Writes over people: sign-in, sessions, passwords, users, units and departments.

Every change is audited in the same transaction; revocation and re-scoping signals go out after
commit (the real-time app closes or re-scopes open WebSockets).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from strongroom.accounts import roles, signals
from strongroom.accounts.federation import oidc_session_refresh
from strongroom.accounts.lockout import LOCKED_MESSAGE
from strongroom.accounts.models import (
    AuthSource,
    Department,
    PasswordHistory,
    RecoveryCode,
    TwoFactorDevice,
    Unit,
    User,
)
from strongroom.accounts.scope import not_found, require_unit, require_unit_choice, user_unit_ids
from strongroom.accounts.selectors import role_permission_names, two_factor_enrolment_pending
from strongroom.accounts.setup import generate_password
from strongroom.accounts.tokens import (
    SESSION_CLAIM,
    SignedRefreshToken,
    TokenRejected,
    session_has_expired,
    session_revoke_in_cache,
    session_tokens_issue,
    token_session_id,
    token_user_check,
)
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError

INVALID_CREDENTIALS = "Invalid username or password."
DIRECTORY_UNAVAILABLE = (
    "The directory (LDAP) could not be reached to check the password; try again later."
)
DIRECTORY_ACCOUNT_MESSAGE = (
    "This account signs in with the directory's password: it is changed or reset in the "
    "directory, not in Strongroom."
)


def _refuse_directory_password(user: User) -> None:
    if user.auth_source != AuthSource.LOCAL:
        raise ApplicationError(DIRECTORY_ACCOUNT_MESSAGE, code="directory_account")


def _locked(request: HttpRequest, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": username})


def _raise_locked() -> NoReturn:
    raise ApplicationError(
        LOCKED_MESSAGE,
        code="account_locked",
        status_code=status.HTTP_403_FORBIDDEN,
    )


def credentials_locked_refuse(*, request: HttpRequest, username: str) -> None:
    """Refuse (403 ``account_locked``) while the account is locked out, before any secret is
    checked."""
    if _locked(request, username):
        _raise_locked()


LOCAL_PASSWORDS_OFF = (
    "This site signs in through the directory or the identity provider; local passwords are "
    "kept for break-glass accounts only."
)


def _local_password_allowed(user: User) -> bool:
    return (
        user.auth_source != AuthSource.LOCAL
        or settings.STRONGROOM_LOCAL_PASSWORDS != "break-glass"
        or user.username.lower() in settings.STRONGROOM_BREAK_GLASS_USERS
    )


def credentials_check(*, request: HttpRequest, username: str, password: str) -> User:
    """The user these credentials belong to, through django-axes (failures count towards the
    lockout, which applies per username and address). The same error for an unknown user and a
    wrong password; a directory account that Strongroom refuses (``directory_*``, counted too)
    or a directory that cannot be reached (503) is answered as such."""
    if _locked(request, username):
        _raise_locked()
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        if _locked(request, username):
            _raise_locked()
        refusal = vars(request).pop("strongroom_directory_refusal", None)
        if isinstance(refusal, ApplicationError):
            raise refusal
        if vars(request).pop("strongroom_directory_unavailable", False):
            raise ApplicationError(
                DIRECTORY_UNAVAILABLE,
                code="directory_unavailable",
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        raise ApplicationError(
            INVALID_CREDENTIALS,
            code="invalid_credentials",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    assert isinstance(user, User)
    return user


def credentials_refuse(*, request: HttpRequest, username: str) -> NoReturn:
    """Refuse an identification that failed before any password was checked (a signature naming
    another user ID): counted towards ``username``'s lockout exactly as a wrong password is
    (django-axes listens to Django's ``user_login_failed``, which :func:`authenticate` sends on
    a wrong password), and answered like :func:`credentials_check` answers one."""
    if _locked(request, username):
        _raise_locked()
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    if _locked(request, username):
        _raise_locked()
    raise ApplicationError(
        INVALID_CREDENTIALS,
        code="invalid_credentials",
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


@dataclass(frozen=True)
class SignatureFailure:
    """A signature refused because the signer did not prove who they are, as it is audited
    (``signature.failed``): its actor is whoever acted for the signer, else the signer."""

    signer: User
    reason: str
    object_type: str
    object_id: Any
    changes: dict[str, list[Any]]
    actor: User | None = None
    unit: Unit | None = None


def signature_failure_record(*, failure: SignatureFailure) -> None:
    audit_event_record(
        action="signature.failed",
        actor=failure.actor or failure.signer,
        object_type=failure.object_type,
        object_id=failure.object_id,
        unit=failure.unit,
        changes=failure.changes,
        reason=failure.reason,
    )


def reauthentication_refuse(
    *, request: HttpRequest, failure: SignatureFailure, error: ApplicationError
) -> NoReturn:
    """The signer did not prove who they are for a signature (a signing ticket that is not good
    for it, or a re-authentication at the provider that failed): audited, counted towards the
    signer's lockout like a wrong password, and answered with ``error``, or 403
    ``account_locked`` when this failure locked the account."""
    signature_failure_record(failure=failure)
    try:
        credentials_refuse(request=request, username=failure.signer.username)
    except ApplicationError as exc:
        if exc.code == "account_locked":
            raise
    raise error


def session_login_password(*, request: HttpRequest, username: str, password: str) -> User:
    """The password step of a sign-in (two_factor.session_login decides what follows). The check
    runs outside any transaction: a failure must stay recorded (the lockout counter and the audit
    entry) although the sign-in is refused."""
    try:
        user = credentials_check(request=request, username=username, password=password)
        if not _local_password_allowed(user):
            raise ApplicationError(
                LOCAL_PASSWORDS_OFF,
                code="local_passwords_off",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        return user
    except ApplicationError as exc:
        known = User.objects.filter(username=username).first()
        audit_event_record(
            action="auth.login_failed",
            actor=known,
            object_type="user",
            object_id=known.pk if known else "",
            changes={"username": [None, username[:150]]},
            reason=exc.code,
        )
        raise


def session_start(*, user: User, changes: dict[str, Any] | None = None) -> RefreshToken:
    """A new session for a user who has passed every step of the sign-in; audited."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        refresh = session_tokens_issue(user)
        audit_event_record(
            action="auth.login",
            actor=user,
            object_type="user",
            object_id=user.pk,
            changes={"session": [None, refresh[SESSION_CLAIM]], **(changes or {})},
        )
    return refresh


@transaction.atomic
def session_logout(*, user: User, session_id: str) -> None:
    _session_tokens_blacklist(user_id=user.pk, session_id=session_id)
    _session_end(user=user, session_id=session_id, action="auth.logout")


def _session_tokens_blacklist(*, user_id: Any, session_id: str) -> int:
    """Blacklist every live refresh token of the session (each one carries its sid: rotation
    keeps it, and the first is recorded with it); how many were still live."""
    if not session_id:
        return 0
    live = OutstandingToken.objects.select_for_update(of=("self",)).filter(
        user_id=user_id, blacklistedtoken__isnull=True, expires_at__gt=timezone.now()
    )
    count = 0
    for token in live:
        if token_session_id(token.token) == session_id:
            BlacklistedToken.objects.get_or_create(token=token)
            count += 1
    return count


SESSION_ENDED = "This session was ended; sign in again."


def _refresh_refused(code: str) -> NoReturn:
    message = {
        "session_ended": SESSION_ENDED,
        "two_factor_required": "Your role requires two-factor sign-in; sign in again to set it up.",
    }.get(code, "The token is expired or not valid.")
    raise ApplicationError(message, code=code, status_code=status.HTTP_401_UNAUTHORIZED)


def session_refresh(*, raw_refresh: str) -> RefreshToken:
    """Rotate a refresh token: the used one is blacklisted and a new one (same session) is
    recorded. Refused (401) with ``token_not_valid`` for a malformed, foreign or expired token,
    and with ``session_ended`` for a session that was logged out, revoked or has outlived
    ``STRONGROOM_SESSION_LIFETIME``. A rotated token presented again while its session still has
    a live token means two parties hold the session (a stolen token): the whole session is
    revoked and audited (``auth.refresh_reuse``)."""
    try:
        refresh = SignedRefreshToken(raw_refresh)  # type: ignore[arg-type]
    except TokenError:
        _refresh_refused("token_not_valid")
    session_id = str(refresh.get(SESSION_CLAIM) or "")
    user = User.objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is None:
        _refresh_refused("token_not_valid")
    with transaction.atomic():
        row = (
            OutstandingToken.objects.select_for_update()
            .filter(jti=refresh[jwt_settings.JTI_CLAIM], user=user)
            .first()
        )
        if row is None:  # not issued here (or already cleaned up after expiry)
            _refresh_refused("token_not_valid")
        if BlacklistedToken.objects.filter(token=row).exists():
            if _session_tokens_blacklist(user_id=user.pk, session_id=session_id):
                _session_reuse_revoke(user=user, session_id=session_id)
            reused = True
        else:
            reused = False
    if reused:  # the revocation above is committed; now refuse
        _refresh_refused("session_ended")
    try:
        token_user_check(refresh, user)
    except TokenRejected as exc:
        _refresh_refused("token_not_valid" if exc.code == "token_not_valid" else "session_ended")
    if two_factor_enrolment_pending(user):  # the role requires two-factor: sign in and enrol
        _refresh_refused("two_factor_required")
    if session_has_expired(refresh):
        _refresh_refused("session_ended")
    if user.auth_source == AuthSource.OIDC:
        _provider_session_check(user=user, session_id=session_id)
    with transaction.atomic():
        row = OutstandingToken.objects.select_for_update().get(pk=row.pk)
        _, created = BlacklistedToken.objects.get_or_create(token=row)
        if not created:  # a concurrent refresh with the same token won the race
            _refresh_refused("token_not_valid")
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
    return refresh


def _provider_session_check(*, user: User, session_id: str) -> None:
    """A federated user's session is refreshed only if the provider still lets them in; when it
    does not, the session ends here too (audited) before the refusal."""
    try:
        oidc_session_refresh(user=user, session_id=session_id)
    except ApplicationError as exc:
        if exc.code == "provider_session_ended":
            with transaction.atomic():
                _session_tokens_blacklist(user_id=user.pk, session_id=session_id)
                _session_end(
                    user=user,
                    session_id=session_id,
                    action="auth.provider_session_ended",
                    reason="The identity provider refused to refresh the session.",
                )
        raise


def _session_reuse_revoke(*, user: User, session_id: str) -> None:
    """Revoke a session whose rotated refresh token came back. Inside the caller's transaction."""
    _session_end(
        user=user,
        session_id=session_id,
        action="auth.refresh_reuse",
        reason="A rotated refresh token was used again; the session was revoked.",
    )


def _session_end(*, user: User, session_id: str, action: str, reason: str = "") -> None:
    """The session's access tokens stop at once (cache), the end is audited, and after commit
    its sockets are closed. Inside the caller's transaction; its refresh tokens are blacklisted
    by the caller."""
    session_revoke_in_cache(session_id)
    audit_event_record(
        action=action,
        actor=user,
        object_type="user",
        object_id=user.pk,
        changes={"session": [session_id, None]},
        reason=reason,
    )
    user_id = user.pk
    transaction.on_commit(
        lambda: signals.sessions_revoked.send(sender=User, user_id=user_id, session_id=session_id)
    )


def _revoke_all_sessions(user: User) -> None:
    """Raise the epoch (every token issued before stops working) and blacklist the refresh
    tokens. Callers are inside a transaction."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    for token in OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True):
        BlacklistedToken.objects.get_or_create(token=token)
    user_id = user.pk
    transaction.on_commit(
        lambda: signals.sessions_revoked.send(sender=User, user_id=user_id, session_id=None)
    )


def password_policy_check(*, user: User, password: str, field: str, message: str) -> None:
    """Refuse (400 ``password_policy``, each broken rule on ``field``) a password the policy does
    not allow for ``user``; ``message`` names which password it is."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            message, code="password_policy", details={field: exc.messages}
        ) from exc


def _set_password(user: User, password: str) -> None:
    password_policy_check(
        user=user,
        password=password,
        field="new_password",
        message="The new password does not meet the password policy.",
    )
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()


def password_change(
    *, request: HttpRequest, user: User, current_password: str, new_password: str
) -> RefreshToken:
    """The user changes their own password; every session ends, and a new one starts. A wrong
    current password is audited (outside any transaction, like a failed sign-in) and counts
    towards the lockout; neither password is recorded. Refused for a directory account (its
    password is the directory's)."""
    _refuse_directory_password(user)
    try:
        credentials_check(request=request, username=user.username, password=current_password)
    except ApplicationError as exc:
        audit_event_record(
            action="auth.password_change_failed",
            actor=user,
            object_type="user",
            object_id=user.pk,
            reason=exc.code,
        )
        raise
    with transaction.atomic():
        return _password_change_apply(user, new_password)


def _password_replace(user: User, password: str, *, must_change: bool) -> None:
    """Set a new password (policy and history checked), flag whether it must be changed at the
    next sign-in, and end every session. Callers hold the user's row lock and audit."""
    _set_password(user, password)
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _revoke_all_sessions(user)


def _password_change_apply(user: User, new_password: str) -> RefreshToken:
    user = User.objects.select_for_update().get(pk=user.pk)
    _password_replace(user, new_password, must_change=False)
    audit_event_record(
        action="user.password_change",
        actor=user,
        object_type="user",
        object_id=user.pk,
        changes={"password": ["(set)", "(changed)"]},
    )
    return session_tokens_issue(user)


# --- People management ------------------------------------------------------------------------


def _role_grantable(actor: User, role: Group) -> bool:
    """Whether ``actor`` may grant ``role`` (or manage its holders): every permission of the
    role that reaches beyond one's own units (``roles.BEYOND_UNITS``) must be the actor's too."""
    return actor.has_perms(sorted(role_permission_names(role) & roles.BEYOND_UNITS))


def _check_may_manage(
    actor: User, target: User | None, *, role: Group | None, units: Iterable[Unit] | None
) -> None:
    """A manager acts only on people all of whose units are theirs, never on or towards a role
    above their own.

    A user outside every unit of the manager does not exist for them (404, as the users list
    shows it); a user the manager sees (who shares a unit) but who also belongs to a unit the
    manager does not administer is refused with 403 ``user_out_of_scope``: acting on them would
    act in that other unit too (a reset password or a new role holds there)."""
    allowed = user_unit_ids(actor)
    if allowed is not None and target is not None:
        target_units = set(target.units.values_list("pk", flat=True))
        if not target_units & allowed:
            raise not_found()
        if not target_units <= allowed:
            raise ApplicationError(
                "This user also belongs to units you do not administer; a System Administrator "
                "or an administrator of all their units can do this.",
                code="user_out_of_scope",
                status_code=status.HTTP_403_FORBIDDEN,
            )
    if target is not None and target.role and not _role_grantable(actor, target.role):
        raise ApplicationError(
            "You cannot manage a user with this role.",
            code="role_not_grantable",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if role is not None and not _role_grantable(actor, role):
        raise ApplicationError(
            "You cannot grant this role.",
            code="role_not_grantable",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"role": [f"{role.name} is above what you may grant."]},
        )
    if units is not None:
        require_unit_choice(user=actor, unit_ids=(u.pk for u in units), field="units")


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role.name if user.role else None,
        "units": sorted(user.units.values_list("code", flat=True)),
        "is_active": user.is_active,
    }


def _unit_ids(user: User) -> set[int]:
    return set(user.units.values_list("pk", flat=True))


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@transaction.atomic
def user_create(
    *, actor: User, username: str, full_name: str, email: str, role: Group, units: list[Unit]
) -> tuple[User, str]:
    """Create a user with a one-time password (returned once; changed at first sign-in)."""
    _check_may_manage(actor, None, role=role, units=units)
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            "This username is taken (usernames are never reused).",
            code="username_taken",
            details={"username": ["Already used."]},
        )
    if "accounts.access_all_units" not in role_permission_names(role) and not units:
        raise ApplicationError(
            "A user needs at least one unit.",
            code="units_required",
            details={"units": ["Choose at least one unit."]},
        )
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        must_change_password=True,
        is_staff=role.name in roles.STAFF_ROLES,
    )
    password = generate_password()
    _set_password(user, password)
    user.save()
    user.units.set(units)
    audit_event_record(
        action="user.create",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        unit=units[0] if len(units) == 1 else None,
        changes={"username": [None, username], **_diff({}, _user_snapshot(user))},
    )
    return user, password


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    role: Group | None = None,
    units: list[Unit] | None = None,
    reason: str = "",
) -> User:
    user = User.objects.select_for_update(of=("self",)).select_related("role").get(pk=user.pk)
    _check_may_manage(actor, user, role=role, units=units)
    if user.pk == actor.pk and (role is not None and role != user.role):
        raise ApplicationError(
            "You cannot change your own role.",
            code="own_role",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if user.auth_source != AuthSource.LOCAL and (
        (role is not None and role != user.role)
        or (units is not None and {u.pk for u in units} != _unit_ids(user))
    ):
        raise ApplicationError(
            "This user's role and units come from their directory groups (applied at each "
            "sign-in): change the group mapping or their groups instead.",
            code="directory_managed",
            details={"role": ["Set by the directory groups."]},
        )
    before = _user_snapshot(user)
    if full_name is not None:
        user.full_name = full_name
    if email is not None:
        user.email = email
    if role is not None:
        user.role = role
        user.is_staff = role.name in roles.STAFF_ROLES
    user.save()
    if units is not None:
        # All of the user's units are the actor's (checked above): the new set replaces them.
        user.units.set(units)
    user_change_record(
        user=user, actor=actor, changes=_diff(before, _user_snapshot(user)), reason=reason
    )
    return user


def user_change_record(
    *, user: User, actor: User, changes: dict[str, list[Any]], reason: str
) -> None:
    """Audit a change of ``user`` (``user.access_change`` when its role or units changed, else
    ``user.update``; nothing when nothing changed) and, after commit, tell the user's open
    sockets and sessions that their access changed."""
    if not changes:
        return
    access = {"role", "units"} & changes.keys()
    audit_event_record(
        action="user.access_change" if access else "user.update",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        changes=changes,
        reason=reason,
    )
    if access:
        user_id = user.pk
        transaction.on_commit(lambda: signals.access_changed.send(sender=User, user_id=user_id))


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str) -> User:
    user = User.objects.select_for_update(of=("self",)).select_related("role").get(pk=user.pk)
    _check_may_manage(actor, user, role=None, units=None)
    if user.pk == actor.pk:
        raise ApplicationError(
            "You cannot deactivate yourself.",
            code="own_account",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if not reason.strip():
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    if user.is_active == active:
        return user
    user.is_active = active
    user.deactivated_at = None if active else timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    if not active:
        _revoke_all_sessions(user)
    audit_event_record(
        action="user.activate" if active else "user.deactivate",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        changes={"is_active": [not active, active]},
        reason=reason,
    )
    user_id = user.pk
    transaction.on_commit(lambda: signals.access_changed.send(sender=User, user_id=user_id))
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User, reason: str) -> str:
    """A new one-time password, shown once to the administrator; every session of the user
    ends, and they must change it at their next sign-in."""
    user = User.objects.select_for_update(of=("self",)).select_related("role").get(pk=user.pk)
    _check_may_manage(actor, user, role=None, units=None)
    _refuse_directory_password(user)
    password = generate_password()
    _password_replace(user, password, must_change=True)
    audit_event_record(
        action="user.password_reset",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        changes={"password": ["(set)", "(reset)"]},
        reason=reason,
    )
    return password


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """A System Administrator removes a user's authenticator and recovery codes (a lost phone):
    every session of the user ends; at the next sign-in they enrol again when their role requires
    two-factor. Only an administrator who acts in every unit may (a Unit Admin may not reset a
    colleague's second factor)."""
    if not actor.has_perm("accounts.access_all_units"):
        raise ApplicationError(
            "Only a System Administrator may reset two-factor sign-in.",
            code="permission_denied",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    _check_may_manage(actor, user, role=None, units=None)
    devices, _ = TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if not devices:
        raise ApplicationError(
            "This user has no two-factor sign-in to reset.",
            code="two_factor_not_enabled",
            status_code=status.HTTP_409_CONFLICT,
        )
    _revoke_all_sessions(user)
    audit_event_record(
        action="user.two_factor_reset",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        changes={"two_factor": ["(set)", "(reset)"]},
        reason=reason,
    )


@transaction.atomic
def user_unlock(*, actor: User, user: User, reason: str) -> int:
    _check_may_manage(actor, user, role=None, units=None)
    removed = axes_reset(username=user.username)
    audit_event_record(
        action="user.unlock",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        changes={"failed_attempts_cleared": [None, removed]},
        reason=reason,
    )
    return removed


@transaction.atomic
def unit_save(*, actor: User, unit: Unit | None, data: dict[str, Any]) -> Unit:
    before = {} if unit is None else {k: getattr(unit, k) for k in data}
    unit = unit or Unit()
    for key, value in data.items():
        setattr(unit, key, value)
    unit.save()
    audit_event_record(
        action="unit.update" if before else "unit.create",
        actor=actor,
        object_type="unit",
        object_id=unit.pk,
        unit=unit,
        changes=_diff(before, data),
    )
    return unit


@transaction.atomic
def department_save(
    *, actor: User, department: Department | None, data: dict[str, Any]
) -> Department:
    if department is not None:
        require_unit(user=actor, unit_id=department.unit_id)
    if "unit" in data:
        require_unit_choice(user=actor, unit_ids=[data["unit"].pk], field="unit")
    before = {} if department is None else {k: getattr(department, k) for k in data}
    department = department or Department()
    for key, value in data.items():
        setattr(department, key, value)
    department.save()
    audit_event_record(
        action="department.update" if before else "department.create",
        actor=actor,
        object_type="department",
        object_id=department.pk,
        unit=department.unit,
        changes={
            k: [
                str(v[0]) if isinstance(v[0], Unit) else v[0],
                str(v[1]) if isinstance(v[1], Unit) else v[1],
            ]
            for k, v in _diff(before, data).items()
        },
    )
    return department
