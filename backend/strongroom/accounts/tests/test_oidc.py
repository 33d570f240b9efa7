"""OpenID Connect sign-in and signing by re-authentication, against a real provider on loopback
(scripts/oidc/provider.mjs: the certified oidc-provider package, started for these tests):
sign-in and group mapping, usernames bound to the provider's subject, deactivation at either
end, the provider asked at every refresh, re-authentication to sign (fresh auth_time, bound to
the request, single use, counted towards the lockout), signing passwords, break-glass local
passwords."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from config.settings.checks import compliance_setting_problems
from strongroom.accounts import oidc as oidc_service
from strongroom.accounts import roles
from strongroom.accounts.directory import directory_group_mapping_create
from strongroom.accounts.models import (
    AuthSource,
    FederatedIdentity,
    OidcSession,
    Unit,
    User,
)
from strongroom.accounts.services import user_set_active
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.accounts.tests.oidc_provider import (
    CLIENT_ID,
    REDIRECT_URI,
    Provider,
    provider_start,
)
from strongroom.compliance.models import AuditEvent, Signature, SignatureMeaning
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create

pytestmark = pytest.mark.django_db

RECORDS = "records-admins"
VIEWERS = "viewers"
OPTIONS, START, CALLBACK = (
    "/api/v1/auth/options/",
    "/api/v1/auth/oidc/start/",
    "/api/v1/auth/oidc/callback/",
)


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    running = provider_start()
    yield running
    running.stop()


@pytest.fixture
def oidc(settings: Any, provider: Provider, roles_synced: None, units: Any) -> Provider:
    settings.STRONGROOM_OIDC_ISSUER = provider.issuer
    settings.STRONGROOM_OIDC_CLIENT_ID = CLIENT_ID
    settings.STRONGROOM_OIDC_CLIENT_SECRET = provider.client_secret
    settings.STRONGROOM_OIDC_REDIRECT_URI = REDIRECT_URI
    settings.STRONGROOM_OIDC_SCOPES = "openid profile email groups offline_access"
    settings.STRONGROOM_OIDC_PROVIDER_NAME = "Test IdP"
    sysadmin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    for group, role, codes in (
        (RECORDS, roles.UNIT_ADMIN, ["GOA1"]),
        (VIEWERS, roles.VIEWER, ["MUM1"]),
    ):
        directory_group_mapping_create(
            actor=sysadmin,
            source=AuthSource.OIDC,
            group=group,
            role=Group.objects.get(name=role),
            units=list(Unit.objects.filter(code__in=codes)),
        )
    return provider


def code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def provider_trip(provider: Provider, username: str, client: APIClient) -> dict[str, str]:
    """Start a sign-in and log in at the provider: what the browser brings back (state, code)."""
    started = client.post(START, {"purpose": "login", "next": "/requests"}, format="json")
    assert started.status_code == 200, started.content
    back = provider.browser_sign_in(started.json()["authorization_url"], username)
    assert back["state"] == started.json()["state"]
    return {"state": back["state"], "code": back["code"]}


def sign_in(provider: Provider, username: str, client: APIClient | None = None) -> Any:
    """The whole trip: start, the provider's login page, back with the code."""
    client = client or APIClient()
    return client.post(CALLBACK, provider_trip(provider, username, client), format="json")


def bearer(session: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session.json()['access']}")
    return client


def test_the_provider_starts_with_a_client_secret_that_begins_with_a_dash() -> None:
    # secrets.token_urlsafe gives one now and then; node's parseArgs took it for an option and
    # the provider did not start (19 setup errors in one make test run).
    provider = provider_start(secret="-starts-with-a-dash")
    try:
        assert provider.client_secret == "-starts-with-a-dash"
        assert provider.process.poll() is None
    finally:
        provider.stop()


def test_the_sign_in_page_learns_how_people_sign_in(oidc: Provider) -> None:
    body = APIClient().get(OPTIONS).json()
    assert body == {"oidc_enabled": True, "oidc_provider_name": "Test IdP", "local_passwords": "on"}


@pytest.mark.compliance("11.10(d)", "11.100(a)", "11.300(a)")
def test_a_provider_user_signs_in_with_the_role_and_units_of_their_groups(oidc: Provider) -> None:
    oidc.account("olivia", groups=[RECORDS], name="Olivia Okafor", email="olivia@plant.test")

    response = sign_in(oidc, "olivia")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] == "/requests"
    me = body["user"]
    assert (me["username"], me["role"], me["auth_source"]) == ("olivia", roles.UNIT_ADMIN, "oidc")
    assert (me["signing_method"], me["two_factor_required"]) == ("reauthenticate", False)
    assert [u["code"] for u in me["units"]] == ["GOA1"]
    user = User.objects.get(username="olivia")
    assert (user.full_name, user.email, user.has_usable_password()) == (
        "Olivia Okafor",
        "olivia@plant.test",
        False,
    )
    identity = FederatedIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc.issuer, "olivia")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    login = AuditEvent.objects.get(action="auth.login", actor=user)
    assert login.changes["auth_source"] == [None, "oidc"]
    assert bearer(response).get("/api/v1/auth/me/").json()["username"] == "olivia"
    # the provider's refresh token is kept, sealed
    row = OidcSession.objects.get(user=user)
    assert row.refresh_token
    assert "olivia" not in row.refresh_token


@pytest.mark.compliance("11.10(d)", "11.10(g)", "11.300(b)")
def test_group_changes_at_the_provider_apply_at_the_next_sign_in(oidc: Provider) -> None:
    oidc.account("omar", groups=[RECORDS])
    assert sign_in(oidc, "omar").json()["user"]["role"] == roles.UNIT_ADMIN

    oidc.account("omar", groups=[VIEWERS])
    again = sign_in(oidc, "omar")

    assert again.status_code == 200, again.content
    assert again.json()["user"]["role"] == roles.VIEWER
    assert [u["code"] for u in again.json()["user"]["units"]] == ["MUM1"]
    event = AuditEvent.objects.get(
        action="user.access_change", object_id=str(again.json()["user"]["id"])
    )
    assert event.changes["role"] == [roles.UNIT_ADMIN, roles.VIEWER]

    oidc.account("omar", groups=["canteen"])
    refused = sign_in(oidc, "omar")
    assert (refused.status_code, code(refused)) == (403, "directory_groups_unmapped")
    assert AuditEvent.objects.filter(
        action="auth.login_failed", reason="directory_groups_unmapped"
    ).exists()


@pytest.mark.compliance("11.10(d)", "11.100(a)", "11.300(a)")
def test_usernames_stay_unique_and_bound_to_the_providers_subject(oidc: Provider) -> None:
    UserFactory(username="lena", role_name=roles.VIEWER)  # a local account
    oidc.account("lena", groups=[RECORDS])

    refused = sign_in(oidc, "lena")

    assert (refused.status_code, code(refused)) == (403, "directory_username_taken")
    assert not FederatedIdentity.objects.exists()
    # a user found by subject keeps their username whatever the claim says later
    oidc.account("paula", groups=[RECORDS])
    first = sign_in(oidc, "paula").json()["user"]["id"]
    assert sign_in(oidc, "paula").json()["user"]["id"] == first
    assert User.objects.filter(username="paula").count() == 1


def _one_user_two_sessions(responses: list[Any]) -> None:
    """Both callbacks signed in, as the one user created once: one identity, one
    ``user.create``, a login (and a provider session) each, and nothing refused or changed."""
    assert [r.status_code for r in responses] == [200, 200], [r.content for r in responses]
    ids = {r.json()["user"]["id"] for r in responses}
    assert len(ids) == 1
    user = User.objects.get(pk=ids.pop())
    assert user.username == "olivia"
    assert User.objects.filter(username__iexact="olivia").count() == 1
    assert list(FederatedIdentity.objects.values_list("user", "subject")) == [(user.pk, "olivia")]
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).count() == 1
    logins = AuditEvent.objects.filter(action="auth.login", actor=user)
    assert len({event.changes["session"][1] for event in logins}) == 2
    assert OidcSession.objects.filter(user=user).count() == 2
    assert not AuditEvent.objects.filter(
        action__in=["auth.login_failed", "user.update", "user.access_change"]
    ).exists()


@pytest.mark.compliance("11.10(d)", "11.300(a)")
def test_a_first_sign_in_that_another_tab_completes_meanwhile_signs_in_as_that_user(
    oidc: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sign-in that another tab completes meanwhile signs in as that same user.

    The second tab's callback reads that the provider account has no identity yet; the first
    tab's callback then signs in and creates the user before the second goes on. The second
    signs in as that user: not refused as a taken username, not a 500."""
    oidc.account("olivia", groups=[RECORDS])
    first_tab, second_tab = APIClient(), APIClient()
    first_back = provider_trip(oidc, "olivia", first_tab)
    second_back = provider_trip(oidc, "olivia", second_tab)
    read = oidc_service.federated_identity_find
    found: list[Any] = []
    first: list[Any] = []

    def read_then_the_first_tab_signs_in(*, issuer: str, subject: str) -> Any:
        identity = read(issuer=issuer, subject=subject)
        found.append(identity)
        if len(found) == 1:  # the second tab's first read (the first tab's own pass through)
            first.append(first_tab.post(CALLBACK, first_back, format="json"))
        return identity

    monkeypatch.setattr(oidc_service, "federated_identity_find", read_then_the_first_tab_signs_in)

    second = second_tab.post(CALLBACK, second_back, format="json")

    assert found[0] is None
    _one_user_two_sessions([*first, second])


@pytest.mark.django_db(transaction=True)
@pytest.mark.compliance("11.10(d)", "11.300(a)")
def test_concurrent_first_sign_ins_of_one_provider_account_end_as_one_user(
    oidc: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first sign-ins of one provider account at once end as one user, both signed in.

    Two callbacks (PostgreSQL; SQLite serialises writers) both read that the account has no
    identity before either writes, then both go to create it."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    oidc.account("olivia", groups=[RECORDS])
    tabs = [APIClient(), APIClient()]
    backs = [provider_trip(oidc, "olivia", tab) for tab in tabs]
    barrier = threading.Barrier(len(tabs), timeout=30)
    read = oidc_service.federated_identity_find
    waited: set[int] = set()

    def read_then_wait_for_the_other(*, issuer: str, subject: str) -> Any:
        found = read(issuer=issuer, subject=subject)
        if threading.get_ident() not in waited:  # each callback's first read
            waited.add(threading.get_ident())
            barrier.wait()
        return found

    monkeypatch.setattr(oidc_service, "federated_identity_find", read_then_wait_for_the_other)
    responses: dict[int, Any] = {}
    unexpected: list[BaseException] = []

    def call_back(index: int) -> None:
        try:
            responses[index] = tabs[index].post(CALLBACK, backs[index], format="json")
        except BaseException as exc:
            unexpected.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=call_back, args=(i,)) for i in range(len(tabs))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert unexpected == []
    _one_user_two_sessions([responses[0], responses[1]])


@pytest.mark.compliance("11.10(d)", "11.300(b)")
def test_a_user_deactivated_in_strongroom_stays_out(oidc: Provider) -> None:
    oidc.account("dora", groups=[RECORDS])
    user = User.objects.get(pk=sign_in(oidc, "dora").json()["user"]["id"])
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    user_set_active(actor=admin, user=user, active=False, reason="Left the company")

    refused = sign_in(oidc, "dora")

    assert (refused.status_code, code(refused)) == (401, "invalid_credentials")
    assert not User.objects.get(pk=user.pk).is_active


@pytest.mark.compliance("11.10(d)", "11.300(b)")
def test_a_user_disabled_at_the_provider_is_out_at_the_next_refresh(oidc: Provider) -> None:
    oidc.account("ravi", groups=[RECORDS])
    session = sign_in(oidc, "ravi")
    refreshed = APIClient().post("/api/v1/auth/refresh/", {"refresh": session.json()["refresh"]})
    assert refreshed.status_code == 200, refreshed.content

    oidc.account("ravi", groups=[RECORDS], active=False)
    refused = APIClient().post("/api/v1/auth/refresh/", {"refresh": refreshed.json()["refresh"]})

    assert (refused.status_code, code(refused)) == (401, "provider_session_ended")
    user = User.objects.get(username="ravi")
    assert AuditEvent.objects.filter(action="auth.provider_session_ended", actor=user).exists()
    # the Strongroom session is over too: its access token stops at once
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert me.get("/api/v1/auth/me/").status_code == 401
    with pytest.raises(AssertionError, match="stopped at 200"):  # the provider's login refuses
        sign_in(oidc, "ravi")


def test_a_state_works_once_and_unknown_states_are_refused(oidc: Provider) -> None:
    oidc.account("sam", groups=[RECORDS])
    client = APIClient()
    started = client.post(START, {"purpose": "login"}, format="json").json()
    back = oidc.browser_sign_in(started["authorization_url"], "sam")
    assert client.post(CALLBACK, back, format="json").status_code == 200

    replayed = client.post(CALLBACK, back, format="json")
    forged = client.post(CALLBACK, {"state": "forged", "code": back["code"]}, format="json")

    assert (replayed.status_code, code(replayed)) == (400, "oidc_state_invalid")
    assert (forged.status_code, code(forged)) == (400, "oidc_state_invalid")


# --- Signing by re-authentication ---------------------------------------------------------------


@pytest.fixture
def crate(units: Any) -> Crate:
    shelf = shelf_create(unit=units[0], code="S1")
    return CrateFactory(unit=units[0], status=Crate.Status.IN_STORAGE, location=shelf)


def hold_path(crate: Crate) -> str:
    return f"/api/v1/crates/{crate.pk}/hold/"


def reauthenticate(provider: Provider, client: APIClient, username: str, path: str) -> Any:
    started = client.post(START, {"purpose": "sign", "method": "POST", "path": path}, format="json")
    assert started.status_code == 200, started.content
    assert "prompt=login" in started.json()["authorization_url"]
    back = provider.browser_sign_in(started.json()["authorization_url"], username)
    return client.post(CALLBACK, back, format="json")


def hold(client: APIClient, crate: Crate, **signature: str) -> Any:
    body = {
        "signature": {"password": "", **signature},
        "reason": "Litigation",
        "version": crate.version,
    }
    return client.post(hold_path(crate), body, format="json")


@pytest.mark.compliance("11.50", "11.200(a)", "11.100(a)")
def test_a_provider_user_signs_by_re_authenticating_for_exactly_that_action(
    oidc: Provider, crate: Crate
) -> None:
    oidc.account("olivia", groups=[RECORDS], name="Olivia Okafor")
    client = bearer(sign_in(oidc, "olivia"))
    assert code(hold(client, crate)) == "signature_required"  # a token alone never signs

    ticket = reauthenticate(oidc, client, "olivia", hold_path(crate))

    assert ticket.status_code == 200, ticket.content
    signed = hold(client, crate, reauthentication=ticket.json()["reauthentication"])
    assert signed.status_code == 200, signed.content
    signature = Signature.objects.get(crate=crate)
    assert (signature.printed_name, signature.meaning) == (
        "Olivia Okafor",
        SignatureMeaning.HOLD_PLACED,
    )
    # single use: the same ticket cannot sign the release
    crate.refresh_from_db()
    again = client.post(
        f"/api/v1/crates/{crate.pk}/release-hold/",
        {
            "signature": {"password": "", "reauthentication": ticket.json()["reauthentication"]},
            "reason": "Settled",
            "version": crate.version,
        },
        format="json",
    )
    assert (again.status_code, code(again)) == (403, "signature_invalid")


@pytest.mark.compliance("11.200(a)", "11.300(d)")
def test_a_ticket_for_another_action_or_user_does_not_sign(
    oidc: Provider, crate: Crate, units: Any
) -> None:
    oidc.account("olivia", groups=[RECORDS])
    oidc.account("omar", groups=[RECORDS])
    client = bearer(sign_in(oidc, "olivia"))
    other = CrateFactory(unit=units[0], status=Crate.Status.IN_STORAGE, location=crate.location)
    ticket = reauthenticate(oidc, client, "olivia", hold_path(other)).json()["reauthentication"]

    wrong_action = hold(client, crate, reauthentication=ticket)

    assert (wrong_action.status_code, code(wrong_action)) == (403, "signature_invalid")
    assert AuditEvent.objects.filter(
        action="signature.failed", reason="reauthentication_invalid"
    ).exists()
    # someone else typing their own credentials at the provider does not vouch for olivia
    wrong_person = reauthenticate(oidc, client, "omar", hold_path(crate))
    assert (wrong_person.status_code, code(wrong_person)) == (403, "reauthentication_wrong_user")
    assert AccessAttempt.objects.get(username="olivia").failures_since_start == 2


@pytest.mark.compliance("11.200(a)", "11.300(d)")
def test_a_stale_auth_time_is_refused_audited_and_counted(oidc: Provider, crate: Crate) -> None:
    oidc.account("olivia", groups=[RECORDS])
    client = bearer(sign_in(oidc, "olivia"))
    # a provider that logged the user in an hour ago and did not ask again
    oidc.account("olivia", groups=[RECORDS], login_age_seconds=3600)

    stale = reauthenticate(oidc, client, "olivia", hold_path(crate))

    assert (stale.status_code, code(stale)) == (403, "reauthentication_stale")
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.reason == "reauthentication_stale"
    assert AccessAttempt.objects.get(username="olivia").failures_since_start == 1
    assert not Signature.objects.exists()


def test_only_provider_users_re_authenticate_and_only_for_their_own_session(
    oidc: Provider, crate: Crate, api_client_for: Any
) -> None:
    local = api_client_for(UserFactory(role_name=roles.UNIT_ADMIN))
    refused = local.post(
        START, {"purpose": "sign", "method": "POST", "path": hold_path(crate)}, format="json"
    )
    assert (refused.status_code, code(refused)) == (400, "reauthentication_not_applicable")
    anonymous = APIClient().post(
        START, {"purpose": "sign", "method": "POST", "path": hold_path(crate)}, format="json"
    )
    assert anonymous.status_code == 401
    missing = APIClient().post(START, {"purpose": "sign"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["error"]["details"]) == {"method", "path"}

    oidc.account("olivia", groups=[RECORDS])
    client = bearer(sign_in(oidc, "olivia"))
    started = client.post(
        START, {"purpose": "sign", "method": "POST", "path": hold_path(crate)}, format="json"
    )
    back = oidc.browser_sign_in(started.json()["authorization_url"], "olivia")
    stolen = APIClient().post(CALLBACK, back, format="json")  # without olivia's session
    assert (stolen.status_code, code(stolen)) == (403, "reauthentication_wrong_user")


@pytest.mark.compliance("11.200(a)", "11.300(b)", "11.300(d)")
def test_where_the_provider_cannot_re_authenticate_users_sign_with_a_signing_password(
    oidc: Provider, crate: Crate, settings: Any
) -> None:
    settings.STRONGROOM_OIDC_SIGNING = "password"
    oidc.account("olivia", groups=[RECORDS])
    session = sign_in(oidc, "olivia")
    client = bearer(session)
    assert session.json()["user"]["signing_method"] == "signing_password"
    weak = client.post("/api/v1/auth/signing-password/", {"password": "short"}, format="json")
    assert (weak.status_code, code(weak)) == (400, "password_policy")
    assert "password" in weak.json()["error"]["details"]
    assert (
        client.post(
            "/api/v1/auth/signing-password/", {"password": "Signing-pass-2026!"}, format="json"
        ).status_code
        == 204
    )
    assert client.get("/api/v1/auth/me/").json()["signing_password_set"] is True

    wrong = hold(client, crate, password="not-it", username="olivia")
    assert (wrong.status_code, code(wrong)) == (403, "signature_invalid")
    assert AccessAttempt.objects.get(username="olivia").failures_since_start == 1
    signed = hold(client, crate, password="Signing-pass-2026!", username="olivia")
    assert signed.status_code == 200, signed.content
    # changing it takes the current one
    change = client.post(
        "/api/v1/auth/signing-password/",
        {"password": "Another-pass-2027!", "current_password": "no"},
        format="json",
    )
    assert (change.status_code, code(change)) == (401, "invalid_credentials")
    assert AuditEvent.objects.filter(action="auth.signing_password_set").count() == 1


def test_a_first_signing_password_takes_a_recent_sign_in(
    oidc: Provider, settings: Any, api_client_for: Any
) -> None:
    settings.STRONGROOM_OIDC_SIGNING = "password"
    oidc.account("olivia", groups=[RECORDS])
    user = User.objects.get(pk=sign_in(oidc, "olivia").json()["user"]["id"])
    old_session = api_client_for(user)
    from rest_framework_simplejwt.tokens import AccessToken

    from strongroom.accounts.tokens import START_CLAIM

    token = AccessToken(old_session._credentials["HTTP_AUTHORIZATION"].split()[1])
    token[START_CLAIM] = token[START_CLAIM] - 600  # signed in ten minutes ago
    old_session.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    refused = old_session.post(
        "/api/v1/auth/signing-password/", {"password": "Signing-pass-2026!"}, format="json"
    )

    assert (refused.status_code, code(refused)) == (403, "recent_sign_in_required")


@pytest.mark.compliance("11.10(d)", "11.300(b)")
def test_break_glass_keeps_local_passwords_for_the_listed_accounts_only(
    oidc: Provider, settings: Any
) -> None:
    settings.STRONGROOM_LOCAL_PASSWORDS = "break-glass"
    settings.STRONGROOM_BREAK_GLASS_USERS = ["admin"]
    UserFactory(username="admin", role_name=roles.SYSTEM_ADMINISTRATOR)
    UserFactory(username="clerk", role_name=roles.VIEWER)

    clerk = APIClient().post(
        "/api/v1/auth/login/", {"username": "clerk", "password": TEST_PASSWORD}
    )
    admin = APIClient().post(
        "/api/v1/auth/login/", {"username": "admin", "password": TEST_PASSWORD}
    )

    assert (clerk.status_code, code(clerk)) == (403, "local_passwords_off")
    assert admin.status_code == 200, admin.content
    assert AuditEvent.objects.filter(
        action="auth.login_failed", reason="local_passwords_off"
    ).exists()
    assert APIClient().get(OPTIONS).json()["local_passwords"] == "break-glass"


def test_production_refuses_unsafe_federation_settings() -> None:
    base = {
        "STRONGROOM_OIDC_ISSUER": "http://idp.example",
        "STRONGROOM_OIDC_CLIENT_ID": "strongroom",
        "STRONGROOM_OIDC_CLIENT_SECRET": "",
        "STRONGROOM_OIDC_REDIRECT_URI": "https://dms.example/auth/callback",
        "STRONGROOM_OIDC_SIGNING": "token",
        "STRONGROOM_LOCAL_PASSWORDS": "break-glass",
        "STRONGROOM_BREAK_GLASS_USERS": [],
    }
    problems = " ".join(compliance_setting_problems(base))
    for name in (
        "STRONGROOM_OIDC_ISSUER must be an https://",
        "STRONGROOM_OIDC_CLIENT_SECRET must be set",
        "STRONGROOM_OIDC_SIGNING must be",
        "STRONGROOM_BREAK_GLASS_USERS must name",
    ):
        assert name in problems
    safe = {
        **base,
        "STRONGROOM_OIDC_ISSUER": "https://idp.example",
        "STRONGROOM_OIDC_CLIENT_SECRET": "s",
        "STRONGROOM_OIDC_SIGNING": "reauthenticate",
        "STRONGROOM_BREAK_GLASS_USERS": ["admin"],
    }
    assert not [
        p
        for p in compliance_setting_problems(safe)
        if "OIDC" in p or "BREAK_GLASS" in p or "LOCAL_PASS" in p
    ]


@pytest.mark.compliance("11.10(d)")
def test_fields_the_oidc_operations_do_not_take_never_take_effect(
    oidc: Provider, crate: Crate
) -> None:
    """Fields that sign-in through the provider does not take (a role, units, superuser, another
    subject) change nothing: the mass-assignment check of test_security_writes.py for the two
    operations that need the provider."""
    oidc.account("olivia", groups=[VIEWERS])
    client = APIClient()
    injected = {
        "is_superuser": True,
        "is_staff": True,
        "role": roles.SYSTEM_ADMINISTRATOR,
        "units": [u.pk for u in Unit.objects.all()],
        "username": "root",
        "user": 1,
        "auth_source": "local",
        "sub": "someone-else",
    }
    started = client.post(START, {"purpose": "login", **injected}, format="json")
    assert started.status_code == 200, started.content
    back = oidc.browser_sign_in(started.json()["authorization_url"], "olivia")

    signed_in = client.post(CALLBACK, {**back, **injected}, format="json")

    assert signed_in.status_code == 200, signed_in.content
    user = User.objects.get(pk=signed_in.json()["user"]["id"])
    assert (user.username, user.role.name, user.auth_source) == ("olivia", roles.VIEWER, "oidc")
    assert (user.is_superuser, user.is_staff) == (False, False)
    assert list(user.units.values_list("code", flat=True)) == ["MUM1"]
    assert FederatedIdentity.objects.get(user=user).subject == "olivia"


@pytest.mark.compliance("11.300(d)")
def test_a_locked_account_neither_signs_in_nor_re_authenticates(
    oidc: Provider, crate: Crate
) -> None:
    oidc.account("olivia", groups=[RECORDS])
    client = bearer(sign_in(oidc, "olivia"))
    AccessAttempt.objects.create(
        username="olivia", ip_address="127.0.0.1", failures_since_start=5, user_agent="t"
    )

    refused = sign_in(oidc, "olivia")
    reauth = reauthenticate(oidc, client, "olivia", hold_path(crate))

    assert (refused.status_code, code(refused)) == (403, "account_locked")
    assert (reauth.status_code, code(reauth)) == (403, "account_locked")
    assert AuditEvent.objects.filter(action="auth.login_failed", reason="account_locked").exists()


def test_the_place_to_go_after_sign_in_is_a_path_of_this_site(oidc: Provider) -> None:
    for foreign in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        refused = APIClient().post(START, {"purpose": "login", "next": foreign}, format="json")
        assert (refused.status_code, list(refused.json()["error"]["details"])) == (400, ["next"])


def test_the_sign_in_options_are_outside_the_anonymous_ceiling() -> None:
    """A whole plant behind one address loads the sign-in page at a shift change: the options it
    reads are not counted against the per-address anonymous rate (60 a minute). The test
    settings run without the default throttles, so the view must declare none itself."""
    from strongroom.accounts.oidc_api import AuthOptionsView

    assert AuthOptionsView.__dict__["throttle_classes"] == []
