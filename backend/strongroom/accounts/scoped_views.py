"""The skeleton of a ViewSet over one unit-scoped record (a destruction batch, an inventory audit,
an audit-trail review): the caller, with their unit ids kept for the request; the record's id from
the path, refused as not found outside the caller's units before a body is read (an error about
the body must not tell another unit's user that the record exists); and the detail response that
every action answers with.

A ViewSet mixes :class:`UnitScopedViewSetMixin` in and says how its records are found::

    class AuditViewSet(UnitScopedViewSetMixin[InventoryAudit], viewsets.GenericViewSet):
        def scoped_exists(self, *, user: User, pk: int) -> bool: ...
        def scoped_get(self, *, user: User, pk: int) -> InventoryAudit | None: ...
        def detail_response_data(self, obj: InventoryAudit) -> dict[str, Any]: ...
"""

from typing import Any, Generic, TypeVar

from django.db.models import Model
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from strongroom.accounts.models import User
from strongroom.accounts.permissions import request_user
from strongroom.accounts.scope import user_scope_remember
from strongroom.core.filters import MAX_ID

M = TypeVar("M", bound=Model)


def path_id(value: Any) -> int:
    """A record id from a URL path segment; anything else (the router lets any segment through)
    is not found."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < number <= MAX_ID:
        raise Http404
    return number


class UnitScopedViewSetMixin(Generic[M]):
    # No docstring: drf-spectacular would take it as every operation's description.
    request: Any  # the ViewSet's

    def scoped_exists(self, *, user: User, pk: int) -> bool:
        """Whether record ``pk`` is in ``user``'s units (one cheap query)."""
        raise NotImplementedError

    def scoped_get(self, *, user: User, pk: int) -> M | None:
        """Record ``pk`` with what its detail shows, or None outside ``user``'s units."""
        raise NotImplementedError

    def detail_response_data(self, obj: M) -> dict[str, Any]:
        """The detail serializer's data for ``obj``."""
        raise NotImplementedError

    def _caller(self) -> User:
        user = request_user(self.request)
        user_scope_remember(user)
        return user

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self._caller()}  # type: ignore[misc]

    def _in_scope(self, pk: Any) -> int:
        """The record's id, or 404 outside the caller's units, before the body is read."""
        number = path_id(pk)
        if not self.scoped_exists(user=self._caller(), pk=number):
            raise Http404
        return number

    def _detail(self, pk: Any) -> M:
        found = self.scoped_get(user=self._caller(), pk=path_id(pk))
        if found is None:
            raise Http404
        return found

    def _body(self, pk: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.detail_response_data(self._detail(pk)), status=status_code)
