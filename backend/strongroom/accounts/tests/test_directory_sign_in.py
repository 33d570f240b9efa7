"""LDAP / Active Directory sign-in against a real OpenLDAP server (slapd, loaded with
scripts/ldap/test-directory.ldif by scripts/services.sh for the PostgreSQL pass of make test):
sign-in, group mapping applied and changed, removal from a group, deactivation, a local
username, signing with the directory password, and the lockout."""

import os
from collections.abc import Iterator
from typing import Any

import ldap
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django_auth_ldap.config import LDAPSearch
from rest_framework.test import APIClient

from config.settings.directory import connection_options, group_type
from strongroom.accounts import roles
from strongroom.accounts.directory import APPLIED_AT_SIGN_IN, directory_group_mapping_create
from strongroom.accounts.models import AuthSource, DirectoryGroupMapping, Unit, User
from strongroom.accounts.services import user_set_active
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.requests.tests.conftest import Plant, plant, withdrawal  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("STRONGROOM_TEST_LDAP_URI"),
        reason="no test directory: make test starts slapd for the PostgreSQL pass only "
        "(scripts/services.sh services_start_ldap exports STRONGROOM_TEST_LDAP_URI)",
    ),
]

URI = os.environ.get("STRONGROOM_TEST_LDAP_URI", "")
BASE = os.environ.get("STRONGROOM_TEST_LDAP_BASE", "dc=strongroom,dc=test")
QA = f"cn=qa-approvers,ou=groups,{BASE}"
STORE = f"cn=store-heads,ou=groups,{BASE}"
ADA, ADA_PASSWORD = "ada", "ada-directory-pass-1"
GRACE, GRACE_PASSWORD = "grace", "grace-directory-pass-2"


def login(username: str, password: str, client: APIClient | None = None) -> Any:
    return (client or APIClient()).post(
        "/api/v1/auth/login/", {"username": username, "password": password}
    )


def code(response: Any) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def directory(settings: Any, roles_synced: None, units: Any) -> None:
    """The settings base.py builds from STRONGROOM_LDAP_*, for the test directory."""
    settings.AUTH_LDAP_SERVER_URI = URI
    settings.AUTH_LDAP_BIND_DN = f"cn=strongroom-bind,ou=services,{BASE}"
    settings.AUTH_LDAP_BIND_PASSWORD = "bind-account-test-secret"
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        f"ou=people,{BASE}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
    )
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        f"ou=groups,{BASE}", ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    settings.AUTH_LDAP_GROUP_TYPE = group_type("groupOfNames")
    settings.AUTH_LDAP_CONNECTION_OPTIONS = connection_options(timeout=5)


@pytest.fixture
def sysadmin(roles_synced: None) -> User:
    return UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)


def mapping(sysadmin: User, group: str, role: str, *codes: str) -> DirectoryGroupMapping:
    return directory_group_mapping_create(
        actor=sysadmin,
        source=AuthSource.LDAP,
        group=group,
        role=Group.objects.get(name=role),
        units=list(Unit.objects.filter(code__in=codes)),
    )


@pytest.fixture
def without_member() -> Iterator[Any]:
    """``without_member(group, uid)`` takes a user out of a directory group (as the directory's
    administrator would); every membership is put back after the test."""
    admin = ldap.initialize(URI)
    admin.simple_bind_s(
        os.environ.get("STRONGROOM_TEST_LDAP_ADMIN_DN", ""),
        os.environ.get("STRONGROOM_TEST_LDAP_ADMIN_PASSWORD", ""),
    )
    removed: list[tuple[str, bytes]] = []

    def remove(group: str, uid: str) -> None:
        member = f"uid={uid},ou=people,{BASE}".encode()
        admin.modify_s(group, [(ldap.MOD_DELETE, "member", [member])])
        removed.append((group, member))

    yield remove
    for group, member in removed:
        admin.modify_s(group, [(ldap.MOD_ADD, "member", [member])])
    admin.unbind_s()


@pytest.mark.compliance("11.10(d)", "11.100(a)", "11.300(a)")
def test_a_directory_user_signs_in_with_the_role_and_units_of_their_group(
    directory: None, sysadmin: User
) -> None:
    mapping(sysadmin, QA.upper(), roles.APPROVER, "GOA1")  # DNs match case-insensitively

    response = login(ADA, ADA_PASSWORD)

    assert response.status_code == 200, response.content
    body = response.json()["user"]
    assert (body["username"], body["role"], body["auth_source"]) == (ADA, roles.APPROVER, "ldap")
    assert [u["code"] for u in body["units"]] == ["GOA1"]
    user = User.objects.get(username=ADA)
    assert (user.full_name, user.email) == ("Ada Lovelace", "ada@strongroom.test")
    assert not user.has_usable_password()  # only the directory's password signs in
    created = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert created.reason == APPLIED_AT_SIGN_IN
    assert created.changes["role"] == [None, roles.APPROVER]
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    assert (
        APIClient()
        .post("/api/v1/auth/refresh/", {"refresh": response.json()["refresh"]})
        .status_code
        == 200
    )  # Strongroom's own session, as for a local sign-in


@pytest.mark.compliance("11.10(d)", "11.300(d)")
def test_wrong_directory_passwords_are_refused_audited_and_lock_the_account(
    directory: None, sysadmin: User
) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    client = APIClient()
    for attempt in range(1, 5):
        wrong = login(ADA, "not-the-directory-password", client)
        assert (wrong.status_code, code(wrong)) == (401, "invalid_credentials")
        assert AccessAttempt.objects.get(username=ADA).failures_since_start == attempt
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == 4
    assert all("not-the-directory-password" not in str(e.changes) for e in failed)
    fifth = login(ADA, "not-the-directory-password", client)
    assert (fifth.status_code, code(fifth)) == (403, "account_locked")
    locked = login(ADA, ADA_PASSWORD, client)  # the right password is refused while locked
    assert (locked.status_code, code(locked)) == (403, "account_locked")
    assert not User.objects.filter(username=ADA).exists()


@pytest.mark.compliance("11.10(d)", "11.10(g)", "11.300(b)")
def test_a_mapping_change_applies_at_the_next_sign_in(
    directory: None, sysadmin: User, api_client_for: Any
) -> None:
    qa = mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    assert login(ADA, ADA_PASSWORD).status_code == 200
    mum = Unit.objects.get(code="MUM1").pk
    changed = api_client_for(sysadmin).patch(
        f"/api/v1/directory-group-mappings/{qa.pk}/",
        {"role": roles.VIEWER, "units": [mum]},
        format="json",
    )
    assert changed.status_code == 200, changed.content

    again = login(ADA, ADA_PASSWORD)

    assert again.status_code == 200, again.content
    assert again.json()["user"]["role"] == roles.VIEWER
    assert [u["code"] for u in again.json()["user"]["units"]] == ["MUM1"]
    user = User.objects.get(username=ADA)
    event = AuditEvent.objects.get(action="user.access_change", object_id=str(user.pk))
    assert event.changes == {
        "role": [roles.APPROVER, roles.VIEWER],
        "units": [["GOA1"], ["MUM1"]],
    }
    assert event.reason == APPLIED_AT_SIGN_IN


@pytest.mark.compliance("11.10(d)", "11.10(g)", "11.300(b)")
def test_a_user_taken_out_of_the_group_is_refused_at_the_next_sign_in(
    directory: None, sysadmin: User, without_member: Any
) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    assert login(ADA, ADA_PASSWORD).status_code == 200
    without_member(QA, ADA)

    refused = login(ADA, ADA_PASSWORD)

    assert (refused.status_code, code(refused)) == (403, "directory_groups_unmapped")
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.reason == "directory_groups_unmapped"
    assert User.objects.get(username=ADA).role.name == roles.APPROVER  # kept; no session


@pytest.mark.compliance("11.10(d)", "11.300(b)")
def test_groups_that_map_to_nothing_or_to_two_roles_are_refused_and_units_add_up(
    directory: None, sysadmin: User
) -> None:
    linus = login("linus", "linus-directory-pass-3")  # only in an unmapped group
    assert (linus.status_code, code(linus)) == (403, "directory_groups_unmapped")
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    store = mapping(sysadmin, STORE, roles.STORE_HEAD, "MUM1")
    ambiguous = login(GRACE, GRACE_PASSWORD)  # in both groups
    assert (ambiguous.status_code, code(ambiguous)) == (403, "directory_role_ambiguous")
    assert not User.objects.filter(username=GRACE).exists()

    store.role = Group.objects.get(name=roles.APPROVER)
    store.save()
    both = login(GRACE, GRACE_PASSWORD)
    assert both.status_code == 200, both.content
    assert [u["code"] for u in both.json()["user"]["units"]] == ["GOA1", "MUM1"]


@pytest.mark.compliance("11.10(d)")
def test_a_deactivated_directory_user_stays_out(directory: None, sysadmin: User) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    assert login(ADA, ADA_PASSWORD).status_code == 200
    user = User.objects.get(username=ADA)
    user_set_active(actor=sysadmin, user=user, active=False, reason="Left the company")

    refused = login(ADA, ADA_PASSWORD)

    assert (refused.status_code, code(refused)) == (401, "invalid_credentials")
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.compliance("11.100(a)", "11.300(a)")
def test_a_directory_username_held_by_a_local_account_is_refused_not_merged(
    directory: None, sysadmin: User
) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    local = UserFactory(username="clash", role_name=roles.VIEWER, units=list(Unit.objects.all()))

    refused = login("clash", "clash-directory-pass-4")

    assert (refused.status_code, code(refused)) == (403, "directory_username_taken")
    local.refresh_from_db()
    assert (local.auth_source, local.role.name) == (AuthSource.LOCAL, roles.VIEWER)
    assert login("clash", TEST_PASSWORD).status_code == 200  # the local account is untouched


@pytest.mark.compliance("11.200(a)", "11.300(d)")
def test_a_directory_user_signs_an_approval_with_the_directory_password(
    directory: None,
    sysadmin: User,
    plant: Plant,  # noqa: F811
) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    session = login(ADA, ADA_PASSWORD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session.json()['access']}")
    body = withdrawal(plant)
    path = f"/api/v1/requests/{body['id']}/approve/"

    wrong = client.post(
        path,
        {"version": body["version"], "signature": {"username": ADA, "password": "nope-nope-1"}},
        format="json",
    )
    assert (wrong.status_code, code(wrong)) == (403, "signature_invalid"), wrong.content
    assert AccessAttempt.objects.get(username=ADA).failures_since_start == 1
    assert AuditEvent.objects.filter(action="signature.failed", actor__username=ADA).exists()
    local = client.post(  # a local password, were there one, is not the directory's
        path,
        {"version": body["version"], "signature": {"username": ADA, "password": TEST_PASSWORD}},
        format="json",
    )
    assert (local.status_code, code(local)) == (403, "signature_invalid")
    assert AccessAttempt.objects.get(username=ADA).failures_since_start == 2

    signed = client.post(
        path,
        {"version": body["version"], "signature": {"username": ADA, "password": ADA_PASSWORD}},
        format="json",
    )

    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "APPROVED"
    assert AuditEvent.objects.filter(action="signature.sign", actor__username=ADA).exists()


@pytest.mark.compliance("11.200(a)", "11.300(b)")
def test_a_user_taken_out_of_the_group_can_no_longer_sign(
    directory: None,
    sysadmin: User,
    plant: Plant,  # noqa: F811
    without_member: Any,
) -> None:
    mapping(sysadmin, QA, roles.APPROVER, "GOA1")
    session = login(ADA, ADA_PASSWORD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session.json()['access']}")
    body = withdrawal(plant)
    without_member(QA, ADA)

    refused = client.post(
        f"/api/v1/requests/{body['id']}/approve/",
        {"version": body["version"], "signature": {"username": ADA, "password": ADA_PASSWORD}},
        format="json",
    )

    assert (refused.status_code, code(refused)) == (403, "directory_groups_unmapped")
    failed = AuditEvent.objects.get(action="signature.failed", actor__username=ADA)
    assert failed.reason == "directory_groups_unmapped"
