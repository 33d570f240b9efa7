"""DRF permission classes built on the role matrix (``roles.py``). Views declare the Django
permission an action needs; unit scoping happens in the selectors (objects outside your units
are 404, not 403)."""

from typing import Any

from rest_framework.permissions import BasePermission, IsAuthenticated
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
        method = (request.method or "").lower()
        if hasattr(view, "action_map") and method not in view.action_map:
            return True  # no such operation: let DRF answer 405
        key = getattr(view, "action", None) or method
        if key not in required:
            key = method
        if key not in required:
            return False
        needed = required[key]
        if needed is None:
            return True
        perms = (needed,) if isinstance(needed, str) else needed
        return request.user.has_perms(perms)


# What every role-checked view declares (the default classes plus the matrix check).
ROLE_CHECKED = [IsAuthenticated, PasswordChangeNotRequired, HasActionPermission]
