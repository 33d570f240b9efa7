"""DRF permission classes built on the role matrix (``roles.py``). Views declare the Django
permission an action needs; unit scoping happens in the selectors (objects outside your units
are 404, not 403)."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from strongroom.accounts.models import User
from strongroom.accounts.passwords import password_change_required


def request_user(request: Request) -> User:
    """The signed-in user of an authenticated view (the permission classes ran first)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() needs an authenticated request")
    return user


class PasswordChangeNotRequired(BasePermission):
    """A user who must change their password can do nothing else until they have.

    Views that stay open to such a user (me, change-password, logout) set
    ``allow_pending_password_change = True``.
    """

    code = "password_change_required"
    message = "You must change your password before you continue."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return True  # IsAuthenticated decides
        if getattr(view, "allow_pending_password_change", False):
            return True
        return not password_change_required(user)


class HasActionPermission(BasePermission):
    """Checks ``view.required_permissions[action]`` (or ``[method]``) against the user's role.

    Missing entries deny: every action of a view must be declared.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        required: dict[str, str | tuple[str, ...] | None] = getattr(
            view, "required_permissions", {}
        )
        key = getattr(view, "action", None) or request.method.lower()  # type: ignore[union-attr]
        if key not in required:
            key = (request.method or "").lower()
        if key not in required:
            return False
        needed = required[key]
        if needed is None:
            return True
        perms = (needed,) if isinstance(needed, str) else needed
        return request.user.has_perms(perms)
