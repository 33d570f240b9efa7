"""Directory accounts: LDAP / Active Directory users and the groups that grant them access.

A directory user signs in with the directory's password (``backends.DirectoryBackend``, through
the same ``authenticate`` as a local password: lockout, audit and electronic signatures work
unchanged). Each sign-in, and each signature, applies the user's current groups:

- the user is created at the first sign-in (``auth_source`` ``ldap``, an unusable local
  password) and updated at every later one: name, e-mail, role, units;
- the role is the one role their mapped groups grant: groups that map to two different roles
  are refused (``directory_role_ambiguous``) rather than one silently winning; the units are
  the union of the groups' units;
- a user none of whose groups is mapped is refused (``directory_groups_unmapped``), so removing
  someone from the directory group ends their access at their next sign-in or signature;
- a deactivated user stays out (the directory does not reactivate anyone);
- a username held by a local account is refused (``directory_username_taken``): the two are
  never merged, and usernames are never reused.

System Administrators keep the mapping table (``directory_group_mapping_*`` below, audited).
"""

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.functions import Lower
from rest_framework import status

from strongroom.accounts import roles
from strongroom.accounts.models import AuthSource, DirectoryGroupMapping, Unit, User
from strongroom.accounts.selectors import role_permission_names
from strongroom.accounts.services import user_change_record
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError

USERNAME_FORMAT = re.compile(r"^[A-Za-z0-9._@+-]{3,150}$")
APPLIED_AT_SIGN_IN = "Applied from the directory groups at sign-in."


def _refuse(message: str, code: str, **details: list[str]) -> ApplicationError:
    return ApplicationError(
        message, code=code, status_code=status.HTTP_403_FORBIDDEN, details=dict(details)
    )


def _mapped(*, source: str, group_dns: Iterable[str]) -> list[DirectoryGroupMapping]:
    keys = {dn.strip().lower() for dn in group_dns if dn.strip()}
    if not keys:
        return []
    return list(
        DirectoryGroupMapping.objects.annotate(group_key=Lower("group"))
        .filter(source=source, group_key__in=keys)
        .select_related("role")
        .prefetch_related("units")
        .order_by("pk")
    )


def directory_access(*, source: str, group_dns: Iterable[str]) -> tuple[Group, list[Unit]]:
    """The role and the units these groups grant; refused (403) when they grant none or more
    than one role."""
    mappings = _mapped(source=source, group_dns=group_dns)
    if not mappings:
        raise _refuse(
            "None of your directory groups gives access to Strongroom; ask a System "
            "Administrator to map your group.",
            "directory_groups_unmapped",
        )
    granted = {m.role for m in mappings}
    if len(granted) > 1:
        names = sorted(role.name for role in granted)
        raise _refuse(
            f"Your directory groups give different roles ({', '.join(names)}); a user has one "
            "role: ask a System Administrator to correct the group mapping.",
            "directory_role_ambiguous",
            roles=names,
        )
    role = granted.pop()
    units = sorted({unit for m in mappings for unit in m.units.all()}, key=lambda u: u.code)
    return role, units


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role.name if user.role else None,
        "units": sorted(user.units.values_list("code", flat=True)),
    }


def directory_user_sign_in(
    *, source: str, username: str, full_name: str, email: str, group_dns: Iterable[str]
) -> User | None:
    """The user a directory vouched for (its password was checked), created or brought up to
    date from their groups; None for a deactivated user (refused like a wrong password).
    Refused (403, a stable code) for a username that a local account holds and for groups that
    grant no role or an ambiguous one. Atomic; audited as the user's own sign-in."""
    username = username.strip().lower()
    if not USERNAME_FORMAT.fullmatch(username):
        raise _refuse(
            "This directory username cannot be used in Strongroom (3 to 150 letters, digits "
            "and . _ @ + -).",
            "directory_username_invalid",
        )
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("role")
            .filter(username__iexact=username)
            .first()
        )
        if user is not None and user.auth_source != source:
            raise _refuse(
                "A local Strongroom account has this username; the directory account cannot "
                "use it. Ask a System Administrator.",
                "directory_username_taken",
            )
        if user is not None and not user.is_active:
            return None
        role, units = directory_access(source=source, group_dns=group_dns)
        created = user is None
        if user is None:
            user = User(username=username, auth_source=source)
            user.set_unusable_password()
        before = {} if created else _snapshot(user)
        user.full_name = (full_name or username)[:200]
        user.email = email[:254]
        user.role = role
        user.is_staff = role.name in roles.STAFF_ROLES
        user.must_change_password = False
        user.save()
        user.units.set(units)
        after = _snapshot(user)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if created:
            audit_event_record(
                action="user.create",
                actor=user,
                object_type="user",
                object_id=user.pk,
                changes={"username": [None, username], "auth_source": [None, source], **changes},
                reason=APPLIED_AT_SIGN_IN,
            )
        else:
            user_change_record(user=user, actor=user, changes=changes, reason=APPLIED_AT_SIGN_IN)
    return user


# --- The mapping table (System Administrators) ---------------------------------------------------


def _mapping_snapshot(mapping: DirectoryGroupMapping) -> dict[str, Any]:
    return {
        "source": mapping.source,
        "group": mapping.group,
        "role": mapping.role.name,
        "units": sorted(unit.code for unit in mapping.units.all()),
    }


def _mapping_validate(
    *, mapping_id: int | None, source: str, group: str, role: Group, units: list[Unit]
) -> str:
    group = " ".join(group.split())
    if not group:
        raise ApplicationError(
            "The group is required.", code="invalid", details={"group": ["Required."]}
        )
    if source not in AuthSource.values or source == AuthSource.LOCAL:
        raise ApplicationError(
            "Unknown directory.", code="invalid", details={"source": ["Unknown directory."]}
        )
    taken = DirectoryGroupMapping.objects.annotate(group_key=Lower("group")).filter(
        source=source, group_key=group.lower()
    )
    if mapping_id is not None:
        taken = taken.exclude(pk=mapping_id)
    if taken.exists():
        raise ApplicationError(
            "This group is mapped already; edit that mapping.",
            code="group_taken",
            details={"group": ["Already mapped."]},
        )
    if "accounts.access_all_units" not in role_permission_names(role) and not units:
        raise ApplicationError(
            "This role acts in its units: choose at least one.",
            code="units_required",
            details={"units": ["Choose at least one unit."]},
        )
    return group


@transaction.atomic
def directory_group_mapping_create(
    *, actor: User, source: str, group: str, role: Group, units: list[Unit]
) -> DirectoryGroupMapping:
    group = _mapping_validate(mapping_id=None, source=source, group=group, role=role, units=units)
    mapping = DirectoryGroupMapping.objects.create(source=source, group=group, role=role)
    mapping.units.set(units)
    after = _mapping_snapshot(mapping)
    audit_event_record(
        action="directory_group_mapping.create",
        actor=actor,
        object_type="directory_group_mapping",
        object_id=mapping.pk,
        changes={k: [None, v] for k, v in after.items()},
    )
    return mapping


@transaction.atomic
def directory_group_mapping_update(
    *,
    actor: User,
    mapping: DirectoryGroupMapping,
    group: str | None = None,
    role: Group | None = None,
    units: list[Unit] | None = None,
) -> DirectoryGroupMapping:
    """Change a mapping; it applies to each member at their next sign-in or signature."""
    mapping = (
        DirectoryGroupMapping.objects.select_for_update(of=("self",))
        .select_related("role")
        .get(pk=mapping.pk)
    )
    before = _mapping_snapshot(mapping)
    new_role = role if role is not None else mapping.role
    new_units = units if units is not None else list(mapping.units.all())
    mapping.group = _mapping_validate(
        mapping_id=mapping.pk,
        source=mapping.source,
        group=group if group is not None else mapping.group,
        role=new_role,
        units=new_units,
    )
    mapping.role = new_role
    mapping.save()
    mapping.units.set(new_units)
    after = _mapping_snapshot(mapping)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        audit_event_record(
            action="directory_group_mapping.update",
            actor=actor,
            object_type="directory_group_mapping",
            object_id=mapping.pk,
            changes=changes,
        )
    return mapping


@transaction.atomic
def directory_group_mapping_delete(*, actor: User, mapping: DirectoryGroupMapping) -> None:
    """Remove a mapping: its members lose what it granted at their next sign-in."""
    mapping = DirectoryGroupMapping.objects.select_for_update(of=("self",)).get(pk=mapping.pk)
    before = _mapping_snapshot(mapping)
    mapping_id = mapping.pk
    mapping.delete()
    audit_event_record(
        action="directory_group_mapping.delete",
        actor=actor,
        object_type="directory_group_mapping",
        object_id=mapping_id,
        changes={k: [v, None] for k, v in before.items()},
    )
