"""The Django admin keeps the API's password rules (a forced or expired password must be changed
first) and ends an idle session, and its sign-in counts towards django-axes' lockout."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
EXPIRED = {"password_changed_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}


def _staff(**kwargs: object) -> User:
    return UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR, is_staff=True, **kwargs)


def _sign_in(client: Client, user: User, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": password, "next": "/admin/"},
    )


@pytest.mark.compliance("11.300(b)")
@pytest.mark.parametrize(
    "pending", [{"must_change_password": True}, EXPIRED], ids=["forced", "expired"]
)
def test_a_staff_user_who_must_change_their_password_cannot_sign_in_to_the_admin(
    roles_synced: None, pending: dict[str, object]
) -> None:
    user = _staff(**pending)
    client = Client()
    response = _sign_in(client, user)
    assert response.status_code == 200  # the form again, not the redirect into the admin
    assert b"change your password" in response.content
    assert client.get("/admin/").status_code == 302


@pytest.mark.compliance("11.300(b)")
def test_an_admin_session_ends_when_the_password_must_be_changed(roles_synced: None) -> None:
    user = _staff()
    client = Client()
    assert _sign_in(client, user).status_code == 302
    assert client.get("/admin/").status_code == 200
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    response = client.get("/admin/accounts/unit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    User.objects.filter(pk=user.pk).update(must_change_password=False, **EXPIRED)
    assert client.get("/admin/").status_code == 302  # signed out: the session was ended
    # Expired, then changed through the application: the admin opens again.
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
    assert _sign_in(client, user).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.compliance("11.10(d)")
def test_the_admin_session_times_out_after_15_idle_minutes(roles_synced: None) -> None:
    user = _staff()
    client = Client()
    signed_in = _sign_in(client, user)
    assert signed_in.cookies["sessionid"]["max-age"] == 15 * 60
    # Every request pushes the expiry on: the limit is on idle time, not on the whole visit.
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page.cookies["sessionid"]["max-age"] == 15 * 60
    assert client.session.get_expiry_age() == 15 * 60


@pytest.mark.compliance("11.300(d)")
def test_wrong_passwords_on_the_admin_sign_in_lock_the_account(roles_synced: None) -> None:
    user = _staff()
    client = Client()
    for _ in range(5):
        _sign_in(client, user, "not-the-password")
    locked = _sign_in(client, user)
    assert locked.status_code == 403
    assert client.get("/admin/").status_code == 302


@pytest.mark.compliance("11.300(d)")
def test_the_admin_sign_in_takes_the_second_factor_as_the_api_does(roles_synced: None) -> None:
    """The admin site is no way around two-factor: a code (counted and audited when wrong) for
    a user with an authenticator; none without one when the role requires it."""
    import pyotp
    from django.test import override_settings

    from strongroom.accounts.models import TwoFactorDevice
    from strongroom.compliance.models import AuditEvent

    user = _staff()
    secret = pyotp.random_base32()
    TwoFactorDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    client = Client()
    page = client.get("/admin/login/")
    assert b'autocomplete="one-time-code"' in page.content
    assert _sign_in(client, user).status_code == 200  # no code: the form again
    assert client.get("/admin/").status_code == 302
    refused = AuditEvent.objects.filter(
        action="auth.login_failed", reason="invalid_two_factor_code"
    )
    assert refused.count() == 1
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": TEST_PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200

    other = _staff()
    with override_settings(STRONGROOM_2FA_REQUIRED_ROLES=[roles.SYSTEM_ADMINISTRATOR]):
        response = _sign_in(Client(), other)
    assert response.status_code == 200
    assert b"requires two-factor sign-in" in response.content
