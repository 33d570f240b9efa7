"""Reads over people."""

from django.db.models import Q, QuerySet

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


def user_unit_ids(user: User) -> frozenset[int] | None:
    """The units whose records ``user`` may see: ``None`` means every unit (System
    Administrator). Inactive users see nothing."""
    if not user.is_active:
        return frozenset()
    if user.has_perm("accounts.access_all_units"):
        return None
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
