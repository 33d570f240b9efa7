"""Reads over people."""

from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat

from strongroom.accounts.models import Department, Unit, User


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


def user_for_request(user_id: int | str) -> User | None:
    """The user a token names, with what every request asks about them already loaded.

    Each authenticated request needs the user and role, the role's permissions and the user's
    units. On PostgreSQL one query brings all three (the permissions and unit ids as array
    subqueries); they fill the caches ``has_perm`` and :func:`user_unit_ids` read, so a list
    request costs two queries instead of four. Elsewhere the caches fill on first use.
    """
    users = User.objects.select_related("role").filter(pk=user_id)
    if connection.vendor != "postgresql":
        return users.first()
    permissions = (
        Permission.objects.filter(group=OuterRef("role_id"))
        .annotate(perm=Concat(F("content_type__app_label"), Value("."), F("codename")))
        .values("perm")
    )
    unit_ids = User.units.through.objects.filter(user_id=OuterRef("pk")).values("unit_id")
    user = users.annotate(
        role_permission_names=ArraySubquery(permissions), unit_id_list=ArraySubquery(unit_ids)
    ).first()
    if user is None:
        return None
    if not user.is_superuser:  # Django computes a superuser's permissions differently
        user._perm_cache = set(user.role_permission_names)  # type: ignore[attr-defined]
    user._unit_ids_cache = frozenset(user.unit_id_list)  # type: ignore[attr-defined]
    return user


def user_unit_ids(user: User) -> frozenset[int] | None:
    """The units whose records ``user`` may see: ``None`` means every unit (System
    Administrator). Inactive users see nothing."""
    if not user.is_active:
        return frozenset()
    if user.has_perm("accounts.access_all_units"):
        return None
    cached: frozenset[int] | None = getattr(user, "_unit_ids_cache", None)
    if cached is not None:
        return cached
    return frozenset(user.units.values_list("pk", flat=True))


def user_list_for_manager(*, actor: User) -> QuerySet[User]:
    """Users an administrator may see: everyone for a System Administrator, the users of their
    own units for a Unit Admin."""
    users = User.objects.select_related("role").prefetch_related("units").order_by("username")
    unit_ids = user_unit_ids(actor)
    if unit_ids is None:
        return users
    return users.filter(units__in=unit_ids).distinct()


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    unit_ids = user_unit_ids(user)
    units = Unit.objects.order_by("code")
    return units if unit_ids is None else units.filter(pk__in=unit_ids)


def department_list_for_user(*, user: User) -> QuerySet[Department]:
    unit_ids = user_unit_ids(user)
    departments = Department.objects.select_related("unit").order_by("unit__code", "code")
    return departments if unit_ids is None else departments.filter(unit__in=unit_ids)
