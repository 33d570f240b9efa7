"""Permissions come from the user's one role (a Group), and from nothing else."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """Django's ModelBackend with the role as the only source of permissions.

    Inactive users have no permissions (ModelBackend's rule). Superusers keep every permission,
    as Django defines them; ``initial_setup`` creates no superuser.
    """

    def _get_user_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.none()

    def _get_group_permissions(self, user_obj: Any) -> Any:
        if user_obj.role_id is None:
            # filter(group__id=None) would mean "permissions of no group": every one of those.
            return Permission.objects.none()
        return Permission.objects.filter(group__id=user_obj.role_id)
