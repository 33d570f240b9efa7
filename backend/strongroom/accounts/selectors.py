"""Reads over people."""

import functools

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from strongroom.accounts.models import (
    AuthSource,
    Department,
    FederatedIdentity,
    SigningPassword,
    TwoFactorDevice,
    Unit,
    User,
)
from strongroom.accounts.scope import scope_to_units, user_unit_ids


def _permission_q(permission: str, prefix: str = "") -> Q:
    app_label, codename = permission.split(".", 1)
    return Q(
        **{
            f"{prefix}role__permissions__content_type__app_label": app_label,
            f"{prefix}role__permissions__codename": codename,
        }
    )


def user_list_with_permission(*, permission: str, unit: Unit | None = None) -> QuerySet[User]:
    """Active users whose role grants ``permission`` and who act in ``unit`` (if given)."""
    users = User.objects.filter(_permission_q(permission), is_active=True)
    if unit is not None:
        all_units = User.objects.filter(_permission_q("accounts.access_all_units")).values("pk")
        users = users.filter(Q(units=unit) | Q(pk__in=all_units))
    return users.distinct().order_by("username")


def role_permission_names(role: Group) -> frozenset[str]:
    """The role's permissions as ``app_label.codename`` (what ``has_perm`` takes)."""
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in role.permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def user_for_request(user_id: int | str) -> User | None:
    """The user a token names, with what every request asks about them already loaded.

    Each authenticated request (and each WebSocket handshake) needs the user and role, the
    role's permissions and the user's units. On PostgreSQL one statement brings all three (the
    permissions and unit ids as array subqueries); they fill the caches ``has_perm`` and
    :func:`~strongroom.accounts.scope.user_unit_ids` read, so a list request costs two queries
    instead of four. The
    statement is written once per process (:func:`_user_for_request_sql`): building and
    compiling the equivalent queryset took five times as long as running it. Elsewhere the
    caches fill on first use.
    """
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    if connection.vendor != "postgresql":
        return User.objects.select_related("role").filter(pk=pk).first()
    with connection.cursor() as cursor:
        cursor.execute(_user_for_request_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    user_fields = User._meta.concrete_fields
    n = len(user_fields)
    user = User.from_db(connection.alias, [f.attname for f in user_fields], row[:n])
    role_id, role_name, permission_names, unit_ids = row[n:]
    role = (
        None
        if role_id is None
        else Group.from_db(connection.alias, ["id", "name"], [role_id, role_name])
    )
    User._meta.get_field("role").set_cached_value(user, role)  # as select_related("role") does
    if not user.is_superuser:  # Django computes a superuser's permissions differently
        user._perm_cache = set(permission_names)  # type: ignore[attr-defined]
    user._unit_ids_cache = frozenset(unit_ids)  # type: ignore[attr-defined]
    return user


@functools.cache
def _user_for_request_sql() -> str:
    """SELECT the user's columns, the role's id and name, the role's permission names
    (``app_label.codename``) and the user's unit ids, for one user id. Table and column names
    come from the models; the id is the only parameter."""
    q = connection.ops.quote_name
    columns = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
    users, roles = q(User._meta.db_table), q(Group._meta.db_table)
    role_permissions = q(Group.permissions.through._meta.db_table)
    permissions, content_types = q(Permission._meta.db_table), q(ContentType._meta.db_table)
    user_units = q(User.units.through._meta.db_table)
    # Identifiers from the models; the id is the one parameter.
    return (
        f"SELECT {columns}, g.id, g.name, "  # noqa: S608
        f"ARRAY(SELECT ct.app_label || '.' || p.codename FROM {role_permissions} gp "
        f"JOIN {permissions} p ON p.id = gp.permission_id "
        f"JOIN {content_types} ct ON ct.id = p.content_type_id WHERE gp.group_id = u.role_id), "
        f"ARRAY(SELECT uu.unit_id FROM {user_units} uu WHERE uu.user_id = u.id) "
        f"FROM {users} u LEFT JOIN {roles} g ON g.id = u.role_id WHERE u.id = %s"
    )


def user_list_for_manager(*, actor: User) -> QuerySet[User]:
    """Users an administrator may see: everyone for a System Administrator, the users of their
    own units for a Unit Admin."""
    users = User.objects.select_related("role").prefetch_related("units").order_by("username")
    unit_ids = user_unit_ids(actor)
    if unit_ids is None:
        return users
    return users.filter(units__in=unit_ids).distinct()


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    return scope_to_units(Unit.objects.order_by("code"), user=user, field="pk")


def department_list_for_user(*, user: User) -> QuerySet[Department]:
    departments = Department.objects.select_related("unit").order_by("unit__code", "code")
    return scope_to_units(departments, user=user)


def user_is_locked_out(*, username: str) -> bool:
    """Whether django-axes has locked ``username`` out from any address (as the users list shows
    it): failures at the limit within the cool-off time."""
    return AccessAttempt.objects.filter(
        username=username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).exists()


def two_factor_required(user: User) -> bool:
    """Whether the user's role must sign in with a second factor
    (``STRONGROOM_2FA_REQUIRED_ROLES``). Not for users of the identity provider: their second
    factor is the provider's (its own MFA policy, e.g. Entra ID Conditional Access)."""
    if user.auth_source == AuthSource.OIDC:
        return False
    role = user.role.name if user.role_id is not None and user.role is not None else None
    return role is not None and role in settings.STRONGROOM_2FA_REQUIRED_ROLES


def two_factor_enabled(user: User) -> bool:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_enrolment_pending(user: User) -> bool:
    """Required for the user's role but not (yet) enrolled: no session until they enrol."""
    return two_factor_required(user) and not two_factor_enabled(user)


def two_factor_user_ids() -> set[int]:
    """The users with a confirmed authenticator (for the people list)."""
    return set(
        TwoFactorDevice.objects.filter(confirmed_at__isnull=False).values_list("user_id", flat=True)
    )


def signing_method(user: User) -> str:
    """How the user signs: ``password`` (local and directory accounts), ``reauthenticate`` (at
    the identity provider) or ``signing_password`` (set in Strongroom, where the provider
    cannot re-authenticate: ``STRONGROOM_OIDC_SIGNING=password``)."""
    if user.auth_source != AuthSource.OIDC:
        return "password"
    return (
        "reauthenticate"
        if settings.STRONGROOM_OIDC_SIGNING == "reauthenticate"
        else ("signing_password")
    )


def signing_password_is_set(user: User) -> bool:
    """Whether the user has set a signing password. Only accounts that sign in through the
    identity provider have one, so the others cost no query (every /me and sign-in asks)."""
    return (
        user.auth_source == AuthSource.OIDC and SigningPassword.objects.filter(user=user).exists()
    )


def federated_identity_find(*, issuer: str, subject: str) -> FederatedIdentity | None:
    """The Strongroom account that the provider's ``issuer`` and ``subject`` sign in as (with its
    user), if it has signed in before."""
    return (
        FederatedIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
