"""Sessions end for good: logout, the absolute session lifetime, reuse of a rotated refresh token
(theft), the answers a refused refresh gets, and the key the tokens are signed with."""

import datetime as dt
from unittest import mock

import jwt
import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.signals import sessions_revoked
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.accounts.tokens import SESSION_CLAIM, TokenRejected, access_token_authenticate
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
REFRESH = "/api/v1/auth/refresh/"


@pytest.fixture
def user(roles_synced: None, units) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[units[0]])


def login(user: User) -> dict:
    response = APIClient().post(
        "/api/v1/auth/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.content
    return response.json()


def refresh(token: str):  # type: ignore[no-untyped-def]
    return APIClient().post(REFRESH, {"refresh": token})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def assert_refused(response, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]


def _session_id(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})[SESSION_CLAIM])


@pytest.mark.compliance("11.10(d)", "11.300(c)")
def test_logout_before_any_refresh_ends_the_session_for_good(user: User) -> None:
    session = login(user)
    logout = bearer(session["access"]).post("/api/v1/auth/logout/", {})
    assert logout.status_code == 204
    # The remembered revocation lasts only as long as an access token may live; once it is
    # gone, the logged-out refresh token must still be refused.
    cache.clear()
    assert_refused(refresh(session["refresh"]), "session_ended")


@pytest.mark.compliance("11.10(d)", "11.300(c)")
def test_the_session_ends_after_its_absolute_lifetime_whatever_the_rotation(user: User) -> None:
    lifetime: dt.timedelta = settings.STRONGROOM_SESSION_LIFETIME
    assert lifetime == dt.timedelta(hours=12)  # the shipped default
    real_now = timezone.now()
    with mock.patch(
        "django.utils.timezone.now", return_value=real_now - lifetime + dt.timedelta(hours=1)
    ):
        session = login(user)
    rotated = refresh(session["refresh"])  # an hour before the end: fine
    assert rotated.status_code == 200, rotated.content
    rotated_again = refresh(rotated.json()["refresh"])
    assert rotated_again.status_code == 200, rotated_again.content
    with mock.patch("django.utils.timezone.now", return_value=real_now + dt.timedelta(hours=1)):
        assert_refused(refresh(rotated_again.json()["refresh"]), "session_ended")


@pytest.mark.compliance("11.10(d)", "11.300(d)")
def test_reuse_of_a_rotated_refresh_token_revokes_the_whole_session(
    user: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    session = login(user)
    other = login(user)
    rotated = refresh(session["refresh"])
    assert rotated.status_code == 200
    current = rotated.json()

    # The old token comes back (a stolen copy, or the thief's after the owner refreshed).
    revoked: list[dict] = []
    receiver = lambda **kwargs: revoked.append(kwargs)  # noqa: E731
    sessions_revoked.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert_refused(refresh(session["refresh"]), "session_ended")
    finally:
        sessions_revoked.disconnect(receiver)
    # The real-time app closes the session's open sockets on this signal.
    sid = _session_id(session["refresh"])
    assert [(r["user_id"], r["session_id"]) for r in revoked] == [(user.pk, sid)]

    # Every token of that session is dead: the newest refresh token, and its access token over
    # HTTP and on the WebSocket.
    assert_refused(refresh(current["refresh"]), "session_ended")
    assert bearer(current["access"]).get("/api/v1/auth/me/").status_code == 401
    with pytest.raises(TokenRejected):
        access_token_authenticate(current["access"])
    cache.clear()  # and for good, not just while the revocation is remembered
    assert_refused(refresh(current["refresh"]), "session_ended")

    event = AuditEvent.objects.get(action="auth.refresh_reuse")
    assert event.actor == user
    assert event.object_id == str(user.pk)
    assert event.changes["session"][0] == sid
    # Another session of the same user goes on.
    assert refresh(other["refresh"]).status_code == 200


def test_a_logged_out_refresh_token_is_no_theft(user: User) -> None:
    session = login(user)
    assert bearer(session["access"]).post("/api/v1/auth/logout/", {}).status_code == 204
    assert_refused(refresh(session["refresh"]), "session_ended")
    assert not AuditEvent.objects.filter(action="auth.refresh_reuse").exists()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-jwt", id="garbage"),
        pytest.param(
            jwt.encode({"token_type": "refresh", "user_id": "1", "jti": "x", "exp": 9e9}, "k" * 64),
            id="foreign-key",
        ),
    ],
)
def test_a_malformed_refresh_token_answers_401_token_not_valid(user: User, token: str) -> None:
    assert_refused(refresh(token), "token_not_valid")


def test_an_access_token_is_no_refresh_token(user: User) -> None:
    assert_refused(refresh(login(user)["access"]), "token_not_valid")


@pytest.mark.compliance("11.300(a)")
def test_tokens_are_signed_with_their_own_key_not_the_secret_key(user: User) -> None:
    key = settings.SIMPLE_JWT["SIGNING_KEY"]
    assert key == settings.STRONGROOM_JWT_SIGNING_KEY
    assert key
    assert key != settings.SECRET_KEY
    session = login(user)
    assert jwt.decode(session["access"], key, algorithms=["HS256"])["token_type"] == "access"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(session["access"], settings.SECRET_KEY, algorithms=["HS256"])
    # A token made with the Django secret key is refused.
    forged = jwt.encode(
        jwt.decode(session["refresh"], options={"verify_signature": False}),
        settings.SECRET_KEY,
        algorithm="HS256",
    )
    assert_refused(refresh(forged), "token_not_valid")
