"""Sign-in, sessions, lockout, password policy and forced change, over HTTP."""

import datetime as dt
import itertools
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-42"


def login(client: APIClient, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login/", {"username": username, "password": password})


@pytest.fixture
def user(roles_synced: None, units) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(username="goa1-manager", role_name=roles.DOCUMENT_MANAGER, units=[units[0]])


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.mark.compliance("11.10(e)")
def test_login_returns_tokens_and_the_user(user: User) -> None:
    response = login(APIClient(), user.username)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["access"]
    assert body["refresh"]
    assert body["user"]["username"] == "goa1-manager"
    assert body["user"]["role"] == roles.DOCUMENT_MANAGER
    assert [u["code"] for u in body["user"]["units"]] == ["GOA1"]
    assert "workflow.add_request" in body["user"]["permissions"]
    assert bearer(body["access"]).get("/api/v1/auth/me/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()


def test_a_local_users_me_asks_nothing_about_a_signing_password(
    user: User, django_assert_num_queries: Any, on_postgresql: bool
) -> None:
    """Only accounts that sign in through the identity provider have a signing password: the
    /me of anyone else answers false without a query for one."""
    client = bearer(login(APIClient(), user.username).json()["access"])
    # the user, their units, their two-factor device; and their role's permissions, which
    # PostgreSQL loads with the user (accounts.selectors.user_for_request)
    queries = 3 if on_postgresql else 4

    with django_assert_num_queries(queries) as captured:
        body = client.get("/api/v1/auth/me/").json()

    assert body["signing_password_set"] is False
    assert not [q for q in captured.captured_queries if "signingpassword" in q["sql"].lower()]


@pytest.mark.compliance("11.10(d)", "11.300(d)")
def test_unknown_user_and_wrong_password_get_the_same_answer(user: User) -> None:
    wrong = login(APIClient(), user.username, "not-the-password")
    unknown = login(APIClient(), "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json()["error"].items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert strip(wrong)["code"] == "invalid_credentials"
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


@pytest.mark.compliance("11.10(d)", "11.300(d)")
def test_five_failures_lock_the_account_and_an_admin_unlocks_it(user: User, api_client_for) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    for _ in range(4):
        assert login(client, user.username, "wrong-password-x").status_code == 401
    fifth = login(client, user.username, "wrong-password-x")
    assert fifth.status_code == 403
    assert fifth.json()["error"]["code"] == "account_locked"
    locked = login(client, user.username)  # even the right password is refused now
    assert locked.status_code == 403
    assert locked.json()["error"]["code"] == "account_locked"

    admin = UserFactory(role_name=roles.UNIT_ADMIN, units=list(user.units.all()))
    listed = api_client_for(admin).get(f"/api/v1/users/{user.pk}/")
    assert listed.json()["locked_out"] is True
    unlock = api_client_for(admin).post(f"/api/v1/users/{user.pk}/unlock/", {"reason": "Phoned"})
    assert unlock.status_code == 200, unlock.content
    assert login(client, user.username).status_code == 200


@pytest.mark.compliance("11.300(d)")
def test_the_lock_is_released_by_time(user: User) -> None:
    client = APIClient()
    for _ in range(5):
        login(client, user.username, "wrong-password-x")
    assert login(client, user.username).status_code == 403
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, user.username).status_code == 200


@pytest.mark.compliance("11.10(d)")
def test_refresh_rotates_and_a_used_refresh_token_is_refused(user: User) -> None:
    first = login(APIClient(), user.username).json()
    rotated = APIClient().post("/api/v1/auth/refresh/", {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    assert bearer(rotated.json()["access"]).get("/api/v1/auth/me/").status_code == 200
    again = APIClient().post("/api/v1/auth/refresh/", {"refresh": first["refresh"]})
    assert again.status_code == 401
    # Used again, a rotated token ends its whole session (test_sessions.py).
    assert again.json()["error"]["code"] == "session_ended"


@pytest.mark.compliance("11.10(d)", "11.300(c)", "A11-12.1")
def test_logout_revokes_the_session_at_once(user: User) -> None:
    session = login(APIClient(), user.username).json()
    other = login(APIClient(), user.username).json()
    client = bearer(session["access"])
    assert client.post("/api/v1/auth/logout/", {"refresh": session["refresh"]}).status_code == 204
    after = client.get("/api/v1/auth/me/")
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "session_revoked"
    refresh = APIClient().post("/api/v1/auth/refresh/", {"refresh": session["refresh"]})
    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "session_ended"
    # Another session of the same user is untouched.
    assert bearer(other["access"]).get("/api/v1/auth/me/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


@pytest.mark.compliance("11.10(d)", "11.300(c)", "A11-12.1")
def test_deactivation_revokes_every_session(user: User, api_client_for) -> None:  # type: ignore[no-untyped-def]
    session = login(APIClient(), user.username).json()
    admin = UserFactory(role_name=roles.UNIT_ADMIN, units=list(user.units.all()))
    response = api_client_for(admin).post(
        f"/api/v1/users/{user.pk}/deactivate/", {"reason": "Left the company"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert bearer(session["access"]).get("/api/v1/auth/me/").status_code == 401
    refresh = APIClient().post("/api/v1/auth/refresh/", {"refresh": session["refresh"]})
    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "session_ended"
    assert login(APIClient(), user.username).status_code == 401


@pytest.mark.compliance("11.300(c)")
def test_password_change_revokes_old_sessions_and_returns_a_new_one(user: User) -> None:
    session = login(APIClient(), user.username).json()
    client = bearer(session["access"])
    response = client.post(
        "/api/v1/auth/change-password/",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.content
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert bearer(response.json()["access"]).get("/api/v1/auth/me/").status_code == 200
    assert login(APIClient(), user.username, NEW_PASSWORD).status_code == 200


@pytest.mark.compliance("11.10(e)", "11.300(d)")
def test_a_wrong_current_password_on_change_is_refused_and_audited(user: User) -> None:
    session = login(APIClient(), user.username).json()
    response = bearer(session["access"]).post(
        "/api/v1/auth/change-password/",
        {"current_password": "not-the-password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "invalid_credentials"
    event = AuditEvent.objects.get(action="auth.password_change_failed")
    assert event.actor == user
    assert event.object_id == str(user.pk)
    assert event.reason == "invalid_credentials"
    # Neither the wrong guess nor the intended new password is recorded.
    recorded = str(event.changes) + event.reason
    assert "not-the-password" not in recorded
    assert NEW_PASSWORD not in recorded
    assert login(APIClient(), user.username, NEW_PASSWORD).status_code == 401


@pytest.mark.compliance("11.300(b)", "11.300(c)")
def test_password_reset_revokes_sessions_and_forces_a_change(user: User, api_client_for) -> None:  # type: ignore[no-untyped-def]
    session = login(APIClient(), user.username).json()
    admin = UserFactory(role_name=roles.UNIT_ADMIN, units=list(user.units.all()))
    reset = api_client_for(admin).post(
        f"/api/v1/users/{user.pk}/reset-password/", {"reason": "Forgotten"}
    )
    assert reset.status_code == 200, reset.content
    one_time = reset.json()["one_time_password"]
    assert bearer(session["access"]).get("/api/v1/auth/me/").status_code == 401
    fresh = login(APIClient(), user.username, one_time).json()
    assert fresh["user"]["must_change_password"] is True
    # The one-time password appears in no audit entry.
    assert not AuditEvent.objects.filter(changes__icontains=one_time).exists()


@pytest.mark.compliance("11.10(d)", "11.300(b)")
def test_a_pending_password_change_blocks_everything_else(user: User) -> None:
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    session = login(APIClient(), user.username).json()
    client = bearer(session["access"])
    assert client.get("/api/v1/auth/me/").status_code == 200
    blocked = client.get("/api/v1/units/")
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/auth/change-password/",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    ).json()
    assert bearer(changed["access"]).get("/api/v1/units/").status_code == 200


@override_settings(STRONGROOM_PASSWORD_EXPIRY_DAYS=90)
@pytest.mark.compliance("11.300(b)")
def test_an_expired_password_must_be_changed(user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    session = login(APIClient(), user.username).json()
    assert session["user"]["must_change_password"] is True
    assert bearer(session["access"]).get("/api/v1/units/").status_code == 403


@pytest.mark.parametrize(
    ("new_password", "fragment"),
    [
        ("short-pw", "too short"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "common"),
    ],
)
@pytest.mark.compliance("11.300(b)")
def test_the_password_policy(user: User, new_password: str, fragment: str) -> None:
    session = login(APIClient(), user.username).json()
    response = bearer(session["access"]).post(
        "/api/v1/auth/change-password/",
        {"current_password": TEST_PASSWORD, "new_password": new_password},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "password_policy"
    assert any(fragment in message for message in error["details"]["new_password"])


@pytest.mark.compliance("11.300(b)")
def test_none_of_the_last_five_passwords_may_be_reused(user: User) -> None:
    passwords = [TEST_PASSWORD] + [f"rotation-passphrase-{i}" for i in range(1, 6)]
    for current, new in itertools.pairwise(passwords):
        session = login(APIClient(), user.username, current).json()
        assert (
            bearer(session["access"])
            .post(
                "/api/v1/auth/change-password/", {"current_password": current, "new_password": new}
            )
            .status_code
            == 200
        )
    latest = passwords[-1]
    session = login(APIClient(), user.username, latest).json()
    for reused in passwords[-5:]:
        response = bearer(session["access"]).post(
            "/api/v1/auth/change-password/", {"current_password": latest, "new_password": reused}
        )
        assert response.status_code == 400, reused
    oldest = passwords[0]  # six changes ago: allowed again
    ok = bearer(session["access"]).post(
        "/api/v1/auth/change-password/", {"current_password": latest, "new_password": oldest}
    )
    assert ok.status_code == 200


@pytest.mark.compliance("11.10(d)")
def test_a_bad_token_gets_the_error_envelope(db: None) -> None:
    response = bearer("not-a-jwt").get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]
