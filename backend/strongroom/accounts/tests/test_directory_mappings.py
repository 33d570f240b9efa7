"""The directory group mapping table over HTTP (System Administrators only, audited, validated),
what a directory account may not do with a local password, and a directory that cannot be
reached (no server needed: the sign-in tests against slapd are in test_directory_sign_in.py)."""

import socket
from typing import Any

import pytest
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import AuthSource, DirectoryGroupMapping, Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
PATH = "/api/v1/directory-group-mappings/"
QA = "cn=qa-approvers,ou=groups,dc=example,dc=com"


@pytest.fixture
def sysadmin(roles_synced: None, units: Any) -> User:
    return UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)


def error(response: Any) -> tuple[int, str, dict[str, Any]]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["details"]


@pytest.mark.compliance("11.10(d)", "11.10(e)", "11.10(g)")
def test_a_system_administrator_keeps_the_mappings_and_every_change_is_audited(
    sysadmin: User, api_client_for: Any
) -> None:
    client = api_client_for(sysadmin)
    goa, mum = Unit.objects.get(code="GOA1").pk, Unit.objects.get(code="MUM1").pk
    created = client.post(
        PATH, {"group": f"  {QA} ", "role": roles.APPROVER, "units": [goa]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["group"], body["unit_codes"]) == ("ldap", QA, ["GOA1"])
    assert client.get(PATH).json()[0]["id"] == body["id"]

    updated = client.patch(f"{PATH}{body['id']}/", {"units": [goa, mum]}, format="json")
    assert updated.json()["unit_codes"] == ["GOA1", "MUM1"]
    deleted = client.delete(f"{PATH}{body['id']}/")
    assert deleted.status_code == 204
    assert not DirectoryGroupMapping.objects.exists()

    events = AuditEvent.objects.filter(object_type="directory_group_mapping").order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("directory_group_mapping.create", sysadmin.pk),
        ("directory_group_mapping.update", sysadmin.pk),
        ("directory_group_mapping.delete", sysadmin.pk),
    ]
    assert events[1].changes == {"units": [["GOA1"], ["GOA1", "MUM1"]]}
    assert events[2].changes["group"] == [QA, None]


def test_a_group_is_mapped_once_and_a_unit_scoped_role_needs_units(
    sysadmin: User, api_client_for: Any
) -> None:
    client = api_client_for(sysadmin)
    goa = Unit.objects.get(code="GOA1").pk
    assert (
        client.post(PATH, {"group": QA, "role": roles.APPROVER, "units": [goa]}).status_code == 201
    )
    again = client.post(PATH, {"group": QA.upper(), "role": roles.VIEWER, "units": [goa]})
    assert error(again) == (400, "group_taken", {"group": ["Already mapped."]})
    no_units = client.post(PATH, {"group": "cn=viewers,dc=example", "role": roles.VIEWER})
    assert error(no_units) == (400, "units_required", {"units": ["Choose at least one unit."]})
    admins = client.post(PATH, {"group": "cn=it,dc=example", "role": roles.SYSTEM_ADMINISTRATOR})
    assert admins.status_code == 201, admins.content  # acts in every unit: none needed


@pytest.mark.compliance("11.10(d)", "11.10(g)")
def test_only_a_system_administrator_sees_or_changes_the_mappings(
    sysadmin: User, api_client_for: Any
) -> None:
    goa = Unit.objects.get(code="GOA1")
    unit_admin = api_client_for(UserFactory(role_name=roles.UNIT_ADMIN, units=[goa]))
    assert unit_admin.get(PATH).status_code == 403
    body = {"group": QA, "role": roles.APPROVER, "units": [goa.pk]}
    assert unit_admin.post(PATH, body, format="json").status_code == 403
    assert APIClient().get(PATH).status_code == 401
    assert not DirectoryGroupMapping.objects.exists()


@pytest.mark.compliance("11.300(b)")
def test_a_directory_account_has_no_local_password_to_change_or_reset(
    sysadmin: User, api_client_for: Any
) -> None:
    goa = Unit.objects.get(code="GOA1")
    user = UserFactory(username="dir-user", role_name=roles.APPROVER, units=[goa])
    user.auth_source = AuthSource.LDAP
    user.set_unusable_password()
    user.save()
    change = api_client_for(user).post(
        "/api/v1/auth/change-password/",
        {"current_password": "x", "new_password": "a-brand-new-passphrase-42"},
    )
    assert error(change)[:2] == (400, "directory_account")
    reset = api_client_for(sysadmin).post(
        f"/api/v1/users/{user.pk}/reset-password/", {"reason": "Forgot it"}
    )
    assert error(reset)[:2] == (400, "directory_account")
    role = api_client_for(sysadmin).patch(
        f"/api/v1/users/{user.pk}/", {"role": roles.VIEWER}, format="json"
    )
    assert error(role)[:2] == (400, "directory_managed")
    user.refresh_from_db()
    assert (user.role.name, user.has_usable_password()) == (roles.APPROVER, False)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.compliance("11.10(d)")
def test_an_unreachable_directory_answers_503_and_local_accounts_still_sign_in(
    sysadmin: User, settings: Any
) -> None:
    settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{_closed_port()}"
    refused = APIClient().post(
        "/api/v1/auth/login/", {"username": "someone", "password": "whatever-it-is"}
    )
    assert error(refused)[:2] == (503, "directory_unavailable")
    assert AuditEvent.objects.get(action="auth.login_failed").reason == "directory_unavailable"
    local = APIClient().post(
        "/api/v1/auth/login/", {"username": sysadmin.username, "password": TEST_PASSWORD}
    )
    assert local.status_code == 200, local.content  # the break-glass account
