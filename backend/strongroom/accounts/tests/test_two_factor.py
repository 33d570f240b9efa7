"""Two-factor sign-in (TOTP and recovery codes) over HTTP: enrolment, the second step, replay,
lockout, the roles that require it (at sign-in and at refresh), disabling and the reset."""

import json
from typing import Any

import pyotp
import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import RecoveryCode, TwoFactorDevice, User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
REQUIRED = override_settings(
    STRONGROOM_2FA_REQUIRED_ROLES=[roles.SYSTEM_ADMINISTRATOR, roles.UNIT_ADMIN]
)


def login(username: str, password: str = TEST_PASSWORD) -> Any:
    return APIClient().post("/api/v1/auth/login/", {"username": username, "password": password})


def second_step(challenge: str, code: str) -> Any:
    return APIClient().post(
        "/api/v1/auth/login/two-factor/", {"challenge": challenge, "code": code}
    )


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def code_for(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()) + steps_ahead)


def enrol(client: APIClient) -> tuple[str, list[str]]:
    """Enrol the signed-in user of ``client``: (secret, recovery codes)."""
    started = client.post("/api/v1/auth/two-factor/enrolment/", {})
    assert started.status_code == 200, started.content
    secret = started.json()["secret"]
    confirmed = client.post(
        "/api/v1/auth/two-factor/enrolment/confirm/", {"code": code_for(secret)}
    )
    assert confirmed.status_code == 200, confirmed.content
    return secret, confirmed.json()["recovery_codes"]


@pytest.fixture
def user(roles_synced: None, units: Any) -> User:
    return UserFactory(username="goa1-manager", role_name=roles.DOCUMENT_MANAGER, units=[units[0]])


@pytest.fixture
def enrolled(user: User, api_client_for: Any) -> tuple[User, str, list[str]]:
    secret, codes = enrol(api_client_for(user))
    TwoFactorDevice.objects.filter(user=user).update(last_step=0)  # the confirming code is spent
    return user, secret, codes


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("changes", "reason")), default=str)


@pytest.mark.compliance("11.300(a)", "11.300(d)")
def test_voluntary_enrolment_then_sign_in_takes_a_code(user: User, api_client_for: Any) -> None:
    client = api_client_for(user)
    started = client.post("/api/v1/auth/two-factor/enrolment/", {})
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/Strongroom:goa1-manager?secret=")
    assert body["qr_svg_data_uri"].startswith("data:image/svg+xml")
    wrong = client.post("/api/v1/auth/two-factor/enrolment/confirm/", {"code": "000000"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_two_factor_code"
    assert "code" in wrong.json()["error"]["details"]
    assert client.get("/api/v1/auth/me/").json()["two_factor_enabled"] is False
    good = code_for(body["secret"])
    confirmed = client.post("/api/v1/auth/two-factor/enrolment/confirm/", {"code": good})
    assert confirmed.status_code == 200, confirmed.content
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert client.get("/api/v1/auth/me/").json()["two_factor_enabled"] is True
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)

    first = login(user.username)
    assert first.status_code == 202, first.content
    assert first.json()["two_factor"] == "verify"
    assert "access" not in first.json()
    signed_in = second_step(first.json()["challenge"], code_for(body["secret"], 1))
    assert signed_in.status_code == 200, signed_in.content
    assert bearer(signed_in.json()["access"]).get("/api/v1/auth/me/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.login", actor=user).latest("id")
    assert event.changes["second_factor"] == [None, "totp"]
    assert AuditEvent.objects.filter(action="user.two_factor_enable", actor=user).exists()
    text = audit_text()
    assert body["secret"] not in text
    assert good not in text
    assert not any(code in text for code in codes)


@pytest.mark.compliance("11.300(d)", "11.300(e)")
def test_a_totp_code_is_accepted_once(enrolled: tuple[User, str, list[str]]) -> None:
    user, secret, _ = enrolled
    code = code_for(secret)
    assert second_step(login(user.username).json()["challenge"], code).status_code == 200
    replayed = second_step(login(user.username).json()["challenge"], code)
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "invalid_two_factor_code"
    later = second_step(login(user.username).json()["challenge"], code_for(secret, 1))
    assert later.status_code == 200


@pytest.mark.compliance("11.300(d)", "11.300(e)")
def test_wrong_codes_are_audited_and_lock_the_account(
    enrolled: tuple[User, str, list[str]],
) -> None:
    user, secret, _ = enrolled
    challenge = login(user.username).json()["challenge"]
    for _ in range(4):
        refused = second_step(challenge, "123456x")
        assert refused.status_code == 401
    fifth = second_step(challenge, "999999")
    assert fifth.status_code == 403
    assert fifth.json()["error"]["code"] == "account_locked"
    assert second_step(challenge, code_for(secret)).json()["error"]["code"] == "account_locked"
    failures = AuditEvent.objects.filter(
        action="auth.login_failed", actor=user, reason="invalid_two_factor_code"
    )
    assert failures.count() == 5
    assert "999999" not in audit_text()


@pytest.mark.compliance("11.300(c)", "11.300(d)")
def test_a_recovery_code_signs_in_once(enrolled: tuple[User, str, list[str]]) -> None:
    user, _, codes = enrolled
    typed = f"  {codes[0].upper()} "
    assert second_step(login(user.username).json()["challenge"], typed).status_code == 200
    event = AuditEvent.objects.filter(action="auth.login", actor=user).latest("id")
    assert event.changes["second_factor"] == [None, "recovery_code"]
    again = second_step(login(user.username).json()["challenge"], codes[0])
    assert again.status_code == 401
    assert second_step(login(user.username).json()["challenge"], codes[1]).status_code == 200
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=False).count() == 2


@pytest.mark.compliance("11.300(d)")
def test_the_challenge_is_no_token_and_works_once(
    enrolled: tuple[User, str, list[str]],
) -> None:
    user, secret, _ = enrolled
    challenge = login(user.username).json()["challenge"]
    me = bearer(challenge).get("/api/v1/auth/me/")
    assert me.status_code == 401
    refresh = APIClient().post("/api/v1/auth/refresh/", {"refresh": challenge})
    assert refresh.status_code == 401
    assert second_step(challenge, code_for(secret)).status_code == 200
    spent = second_step(challenge, code_for(secret, 1))
    assert spent.status_code == 401
    assert spent.json()["error"]["code"] == "challenge_invalid"
    tampered = second_step(challenge[:-2] + "xx", code_for(secret, 1))
    assert tampered.json()["error"]["code"] == "challenge_invalid"
    with override_settings(STRONGROOM_2FA_CHALLENGE_SECONDS=-1):
        expired = second_step(login(user.username).json()["challenge"], code_for(secret, 1))
    assert expired.json()["error"]["code"] == "challenge_invalid"


@REQUIRED
@pytest.mark.compliance("11.300(a)", "11.300(d)")
def test_a_role_that_requires_it_enrols_at_sign_in(roles_synced: None, units: Any) -> None:
    admin = UserFactory(role_name=roles.UNIT_ADMIN, units=[units[0]])
    manager = UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[units[0]])
    assert login(manager.username).status_code == 200  # not a role that requires it
    first = login(admin.username)
    assert first.status_code == 202
    assert first.json()["two_factor"] == "enrol"
    challenge = first.json()["challenge"]
    # The enrolment challenge is not a code challenge, and no token.
    assert second_step(challenge, "123456").json()["error"]["code"] == "challenge_invalid"
    assert bearer(challenge).get("/api/v1/auth/me/").status_code == 401
    started = APIClient().post("/api/v1/auth/two-factor/enrolment/", {"challenge": challenge})
    assert started.status_code == 200, started.content
    confirmed = APIClient().post(
        "/api/v1/auth/two-factor/enrolment/confirm/",
        {"challenge": challenge, "code": code_for(started.json()["secret"])},
    )
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert len(body["recovery_codes"]) == 10
    assert body["user"]["two_factor_required"] is body["user"]["two_factor_enabled"] is True
    assert bearer(body["access"]).get("/api/v1/auth/me/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.login", actor=admin).latest("id")
    assert event.changes["second_factor"] == [None, "enrolment"]
    # From now on, a code at every sign-in.
    assert login(admin.username).json()["two_factor"] == "verify"
    unauthenticated = APIClient().post("/api/v1/auth/two-factor/enrolment/", {})
    assert unauthenticated.status_code == 401


@pytest.mark.compliance("11.300(d)")
def test_a_session_from_before_the_requirement_is_refused_at_refresh(
    roles_synced: None, units: Any
) -> None:
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    session = login(admin.username).json()
    with REQUIRED:
        refused = APIClient().post("/api/v1/auth/refresh/", {"refresh": session["refresh"]})
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "two_factor_required"
        enrol(bearer(session["access"]))  # its access token may still enrol
        # Enrolled: the session goes on.
        again = APIClient().post("/api/v1/auth/refresh/", {"refresh": session["refresh"]})
        assert again.status_code == 200, again.content


@pytest.mark.compliance("11.300(b)")
def test_recovery_codes_are_replaced_for_a_current_code(
    enrolled: tuple[User, str, list[str]], api_client_for: Any
) -> None:
    user, secret, old = enrolled
    client = api_client_for(user)
    wrong = client.post("/api/v1/auth/two-factor/recovery-codes/", {"code": old[0]})
    assert wrong.status_code == 401  # a recovery code does not replace the recovery codes
    new = client.post("/api/v1/auth/two-factor/recovery-codes/", {"code": code_for(secret)})
    assert new.status_code == 200, new.content
    assert len(new.json()["recovery_codes"]) == 10
    assert second_step(login(user.username).json()["challenge"], old[1]).status_code == 401
    fresh = new.json()["recovery_codes"][0]
    assert second_step(login(user.username).json()["challenge"], fresh).status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_recovery_codes").count() == 1


@pytest.mark.compliance("11.300(d)")
def test_disabling_takes_password_and_code_and_not_when_required(
    enrolled: tuple[User, str, list[str]], api_client_for: Any
) -> None:
    user, secret, _ = enrolled
    client = api_client_for(user)
    path = "/api/v1/auth/two-factor/disable/"
    bad_password = client.post(path, {"password": "not-it-at-all", "code": code_for(secret)})
    assert bad_password.status_code == 401
    assert bad_password.json()["error"]["code"] == "invalid_credentials"
    bad_code = client.post(path, {"password": TEST_PASSWORD, "code": "000000"})
    assert bad_code.json()["error"]["code"] == "invalid_two_factor_code"
    with override_settings(STRONGROOM_2FA_REQUIRED_ROLES=[roles.DOCUMENT_MANAGER]):
        required = client.post(path, {"password": TEST_PASSWORD, "code": code_for(secret)})
        assert required.status_code == 403
        assert required.json()["error"]["code"] == "two_factor_required"
    assert TwoFactorDevice.objects.filter(user=user).exists()
    done = client.post(path, {"password": TEST_PASSWORD, "code": code_for(secret)})
    assert done.status_code == 204, done.content
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert login(user.username).status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_disable", actor=user).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_disable_failed").count() == 2


@pytest.mark.compliance("11.300(c)", "11.300(e)")
def test_a_system_administrator_resets_a_lost_authenticator(
    enrolled: tuple[User, str, list[str]], api_client_for: Any, units: Any
) -> None:
    user, secret, _ = enrolled
    session = second_step(login(user.username).json()["challenge"], code_for(secret)).json()
    path = f"/api/v1/users/{user.pk}/reset-two-factor/"
    unit_admin = UserFactory(role_name=roles.UNIT_ADMIN, units=[units[0]])
    refused = api_client_for(unit_admin).post(path, {"reason": "Lost phone"})
    assert refused.status_code == 403
    sysadmin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    listed = api_client_for(sysadmin).get(f"/api/v1/users/{user.pk}/")
    assert listed.json()["two_factor_enabled"] is True
    assert api_client_for(sysadmin).post(path, {}).status_code == 400  # a reason is required
    reset = api_client_for(sysadmin).post(path, {"reason": "Lost phone"})
    assert reset.status_code == 200, reset.content
    assert reset.json()["two_factor_enabled"] is False
    assert not TwoFactorDevice.objects.filter(user=user).exists()
    assert bearer(session["access"]).get("/api/v1/auth/me/").status_code == 401
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert (event.actor, event.object_id, event.reason) == (sysadmin, str(user.pk), "Lost phone")
    assert login(user.username).status_code == 200  # not required for the role: password only
    again = api_client_for(sysadmin).post(path, {"reason": "Twice"})
    assert again.status_code == 409
