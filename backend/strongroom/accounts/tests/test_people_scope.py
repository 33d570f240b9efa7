"""Unit Admin scope over people: an administrator acts on a user only when every unit of that
user is one they administer (a System Administrator acts on anyone). Users outside all of the
administrator's units are 404 (the users list does not show them); users they see but who also
belong to another unit are 403 ``user_out_of_scope``. Which roles may be granted follows the
roles' permissions, not their names."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class PeopleAction:
    """One write of the people API on an existing user: how to call it, the audit action it
    records, and what of the user it would change."""

    method: str
    suffix: str
    body: Callable[[tuple[Unit, Unit]], dict[str, Any]]
    audit_action: str
    target_active: bool = True


REASON = {"reason": "Ticket 42"}

# Every write endpoint of /api/v1/users/{id}/ (create has no target user: see below).
ACTIONS = {
    "put": PeopleAction(
        "put",
        "",
        lambda units: {
            "full_name": "Taken Over",
            "email": "new@example.com",
            "role": roles.APPROVER,
            "units": [units[0].pk],
        },
        "user.access_change",
    ),
    "patch_role": PeopleAction(
        "patch", "", lambda units: {"role": roles.APPROVER}, "user.access_change"
    ),
    "patch_units": PeopleAction(
        "patch", "", lambda units: {"units": [units[0].pk]}, "user.access_change"
    ),
    "patch_details": PeopleAction(
        "patch", "", lambda units: {"email": "attacker@example.com"}, "user.update"
    ),
    "deactivate": PeopleAction("post", "deactivate/", lambda units: REASON, "user.deactivate"),
    "activate": PeopleAction(
        "post", "activate/", lambda units: REASON, "user.activate", target_active=False
    ),
    "reset_password": PeopleAction(
        "post", "reset-password/", lambda units: REASON, "user.password_reset"
    ),
    "unlock": PeopleAction("post", "unlock/", lambda units: REASON, "user.unlock"),
}


def _call(client: Any, action: PeopleAction, target: User, units: tuple[Unit, Unit]) -> Any:
    url = f"/api/v1/users/{target.pk}/{action.suffix}"
    return getattr(client, action.method)(url, action.body(units), format="json")


def _target(units: list[Unit], *, active: bool = True) -> User:
    user = UserFactory(username="target", role_name=roles.VIEWER, units=units)
    if not active:
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.refresh_from_db()
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/api/v1/auth/login/",
    )
    return user


def _state(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "password": user.password,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role_id,
        "units": sorted(user.units.values_list("pk", flat=True)),
        "is_active": user.is_active,
        "session_epoch": user.session_epoch,
        "attempts": AccessAttempt.objects.filter(username=user.username).count(),
    }


@pytest.fixture
def admins(roles_synced: None, units: tuple[Unit, Unit]) -> dict[str, User]:
    goa, mum = units
    return {
        "goa_admin": UserFactory(username="goa1-admin", role_name=roles.UNIT_ADMIN, units=[goa]),
        "both_admin": UserFactory(
            username="both-admin", role_name=roles.UNIT_ADMIN, units=[goa, mum]
        ),
        "sysadmin": UserFactory(username="sysadmin", role_name=roles.SYSTEM_ADMINISTRATOR),
    }


@pytest.mark.compliance("11.10(g)")
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_unit_admin_cannot_act_on_a_user_who_is_also_in_another_unit(
    name: str, admins: dict[str, User], units: tuple[Unit, Unit], api_client_for: Any
) -> None:
    action = ACTIONS[name]
    target = _target(list(units), active=action.target_active)
    before = _state(target)
    response = _call(api_client_for(admins["goa_admin"]), action, target, units)
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "user_out_of_scope"
    assert "one_time_password" not in response.json()
    assert _state(target) == before
    assert not AuditEvent.objects.filter(action=action.audit_action).exists()


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_user_outside_every_unit_of_the_admin_does_not_exist_for_them(
    name: str, admins: dict[str, User], units: tuple[Unit, Unit], api_client_for: Any
) -> None:
    action = ACTIONS[name]
    target = _target([units[1]], active=action.target_active)
    before = _state(target)
    response = _call(api_client_for(admins["goa_admin"]), action, target, units)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
    assert _state(target) == before


@pytest.mark.parametrize("actor", ["goa_admin", "both_admin", "sysadmin"])
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_admin_of_all_the_users_units_may_act(
    name: str, actor: str, admins: dict[str, User], units: tuple[Unit, Unit], api_client_for: Any
) -> None:
    """The refusal above is about the other unit: the GOA1 admin acts on a GOA1-only user; an
    admin of GOA1 and MUM1, and a System Administrator, act on the GOA1 + MUM1 user."""
    action = ACTIONS[name]
    members = [units[0]] if actor == "goa_admin" else list(units)
    target = _target(members, active=action.target_active)
    before = _state(target)
    response = _call(api_client_for(admins[actor]), action, target, units)
    assert response.status_code == 200, response.content
    if name == "patch_units" and actor == "goa_admin":
        return  # the GOA1-only user is already in GOA1 alone: nothing to change or audit
    assert _state(target) != before
    assert AuditEvent.objects.filter(action=action.audit_action).exists()


@pytest.mark.compliance("11.10(g)")
def test_a_unit_admin_cannot_create_a_user_in_another_unit(
    admins: dict[str, User], units: tuple[Unit, Unit], api_client_for: Any
) -> None:
    response = api_client_for(admins["goa_admin"]).post(
        "/api/v1/users/",
        {
            "username": "two-units",
            "full_name": "Two",
            "role": roles.APPROVER,
            "units": [u.pk for u in units],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unit_not_allowed"
    assert "units" in response.json()["error"]["details"]
    assert not User.objects.filter(username="two-units").exists()


def _role(name: str, permissions: set[str]) -> Group:
    group = Group.objects.create(name=name)
    for permission in permissions:
        app_label, codename = permission.split(".", 1)
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group


@pytest.mark.compliance("11.10(g)")
@pytest.mark.parametrize(
    ("permissions", "grantable"),
    [
        (roles.ROLE_PERMISSIONS[roles.VIEWER], True),
        (roles.ROLE_PERMISSIONS[roles.VIEWER] | roles.ACCESS_ALL_UNITS, False),
        (roles.ROLE_PERMISSIONS[roles.VIEWER] | roles.MANAGE_UNITS, False),
    ],
    ids=["unit-scoped", "all-units", "manage-units"],
)
def test_what_a_unit_admin_may_grant_follows_the_roles_permissions(
    permissions: frozenset[str],
    grantable: bool,
    admins: dict[str, User],
    units: tuple[Unit, Unit],
    api_client_for: Any,
) -> None:
    """A role under another name is granted or refused for what it allows, not what it is
    called."""
    _role("Site Auditor", set(permissions))
    response = api_client_for(admins["goa_admin"]).post(
        "/api/v1/users/",
        {"username": "auditor", "full_name": "A", "role": "Site Auditor", "units": [units[0].pk]},
        format="json",
    )
    if grantable:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "role_not_grantable"
    assert User.objects.filter(username="auditor").exists() is grantable
