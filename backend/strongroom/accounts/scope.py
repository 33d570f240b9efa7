"""The unit scope: what a caller may see and act on. Written once here; every app uses it.

A user acts in their units (``User.units``); a role with ``accounts.access_all_units`` (System
Administrator) acts in every unit, and an inactive user in none (:func:`user_unit_ids`).

Two rules, one answer each (README, "Unit scope"):

- **Addressing an object outside your units** (by its URL, or the request, crate or person an
  action is about) answers 404 ``not_found``, exactly as an id that does not exist: the object
  does not exist for the caller, and trying ids reveals nothing. Reads filter with
  :func:`scope_to_units`; a write that loads its object itself calls :func:`require_unit`.
- **Choosing a unit outside your units as the value of a field** (the unit of a new location or
  department, the units given to a person) is a validation error on that field: 400
  ``unit_not_allowed`` from :func:`require_unit_choice`. A target chosen by the id of an object
  in a unit (a shelf, a department) gets that field's own error, the same as for an id that does
  not exist (``not_a_shelf``, ``invalid_department``, …).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from rest_framework import status

from strongroom.accounts.models import User

if TYPE_CHECKING:
    from strongroom.core.errors import ApplicationError


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


def user_scope_remember(user: User) -> None:
    """Keep the user's unit ids on the object for the rest of the request, as
    ``accounts.selectors.user_for_request`` does on PostgreSQL, for a response that asks once
    per row."""
    if getattr(user, "_unit_ids_cache", None) is None:
        unit_ids = user_unit_ids(user)
        if unit_ids is not None:
            user._unit_ids_cache = unit_ids  # type: ignore[attr-defined]


def _error(message: str, **kwargs: Any) -> "ApplicationError":
    # Imported when needed: core.errors imports DRF's views, whose settings load the token
    # authentication, which reads users through accounts.selectors and so this module.
    from strongroom.core.errors import ApplicationError

    return ApplicationError(message, **kwargs)


def not_found() -> "ApplicationError":
    """The one answer for an object outside the caller's units (and for one that is not there)."""
    return _error("Not found.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)


def units_filter(
    queryset: QuerySet[Any], unit_ids: frozenset[int] | None, *, field: str = "unit"
) -> QuerySet[Any]:
    """``queryset`` narrowed to rows whose ``field`` is one of ``unit_ids`` (``None``: every
    unit), for a caller whose :func:`user_unit_ids` is already at hand."""
    return queryset if unit_ids is None else queryset.filter(**{f"{field}__in": unit_ids})


def scope_to_units(queryset: QuerySet[Any], *, user: User, field: str = "unit") -> QuerySet[Any]:
    """``queryset`` narrowed to the rows of ``user``'s units; ``field`` is the path to the row's
    unit (``"crate__unit"``, …)."""
    return units_filter(queryset, user_unit_ids(user), field=field)


def unit_allowed(*, user: User, unit_id: int | None) -> bool:
    """Whether ``user`` acts in the unit ``unit_id``."""
    allowed = user_unit_ids(user)
    return allowed is None or (unit_id is not None and unit_id in allowed)


def require_unit(*, user: User, unit_id: int | None) -> None:
    """Refuse an object of the unit ``unit_id`` to a caller outside it: 404 ``not_found``."""
    if not unit_allowed(user=user, unit_id=unit_id):
        raise not_found()


def require_unit_choice(*, user: User, unit_ids: Iterable[int], field: str) -> None:
    """Refuse units outside the caller's as the value of ``field``: 400 ``unit_not_allowed``."""
    allowed = user_unit_ids(user)
    if allowed is not None and not set(unit_ids) <= allowed:
        raise _error(
            "You can only choose your own units.",
            code="unit_not_allowed",
            details={field: ["Not one of your units."]},
        )
