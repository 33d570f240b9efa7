"""Authentication backends: directory sign-in (LDAP / Active Directory) and the role backend
(local passwords; permissions come from the user's one role, a Group, and from nothing else)."""

import logging
from typing import Any

import ldap
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_auth_ldap.backend import LDAPBackend, ldap_error

from strongroom.accounts.directory import directory_user_sign_in
from strongroom.accounts.models import AuthSource, User
from strongroom.core.errors import ApplicationError

logger = logging.getLogger(__name__)


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


def _first(attrs: Any, name: str) -> str:
    """The first value of a directory attribute, as text ("" when absent)."""
    if not name or attrs is None:
        return ""
    values = attrs.get(name) or []
    if not values:
        return ""
    value = values[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class DirectoryBackend(LDAPBackend):
    """LDAP / Active Directory sign-in (django-auth-ldap), ahead of the local passwords.

    Off while ``AUTH_LDAP_SERVER_URI`` is empty. django-auth-ldap finds the user with the
    service account (``AUTH_LDAP_USER_SEARCH``), checks the password by binding as them, and
    reads their groups (``AUTH_LDAP_GROUP_SEARCH`` / ``AUTH_LDAP_GROUP_TYPE``); the Strongroom
    user is then created or updated from those groups (:mod:`strongroom.accounts.directory`).
    A wrong or unknown directory password returns None, so the local backend tries next (a
    break-glass account) and Django's ``user_login_failed`` counts the failure towards the
    lockout as for any password. Permissions come from the role only, never from here.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not settings.AUTH_LDAP_SERVER_URI or not username or not password:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except ApplicationError as exc:
            # The directory vouched for the password but Strongroom refuses the account (a local
            # username, unmapped or ambiguous groups): no other backend may try, the failure is
            # counted like any other, and the caller tells the reason (services.credentials_check).
            if request is not None:
                request.strongroom_directory_refusal = exc  # type: ignore[attr-defined]
            raise PermissionDenied(exc.message) from exc

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        attrs = ldap_user.attrs
        user = directory_user_sign_in(
            source=AuthSource.LDAP,
            username=username,
            full_name=_first(attrs, settings.STRONGROOM_LDAP_ATTR_FULL_NAME),
            email=_first(attrs, settings.STRONGROOM_LDAP_ATTR_EMAIL),
            group_dns=ldap_user.group_dns,
        )
        if user is None:
            raise ldap_user.AuthenticationFailed("the account is deactivated")
        return user, False  # saved already: django-auth-ldap must not save or populate it

    def get_group_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()


def _directory_error(
    sender: Any, context: str, exception: Exception, request: Any = None, **kwargs: Any
) -> None:
    """A directory that cannot be reached: noted on the request (the sign-in answers 503
    ``directory_unavailable`` if no local account matched either) and logged without any
    credential."""
    logger.warning("LDAP error during %s: %s", context, type(exception).__name__)
    if request is not None and isinstance(exception, (ldap.SERVER_DOWN, ldap.TIMEOUT)):
        request.strongroom_directory_unavailable = True


ldap_error.connect(_directory_error, sender=DirectoryBackend, dispatch_uid="strongroom-ldap-error")
