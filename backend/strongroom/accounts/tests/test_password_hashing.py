"""Passwords hashed as production hashes them (config/settings/base.py PASSWORD_HASHERS): Argon2id
at OWASP's parameters for every new and re-hashed password; the hashes made before (PBKDF2, the
development PBKDF2, Argon2 at Django's parameters) still verify and are rewritten with Argon2id at
the next successful sign-in. The rest of the suite hashes with MD5 for speed
(config/settings/test.py); these tests switch to the production list."""

import datetime as dt
from typing import Any

import pytest
from argon2 import Type, extract_parameters
from axes.models import AccessAttempt
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.test import Client, override_settings
from rest_framework.test import APIClient

from config.settings import base
from strongroom.accounts import roles
from strongroom.accounts.hashers import (
    DevelopmentPBKDF2PasswordHasher,
    StrongroomArgon2PasswordHasher,
)
from strongroom.accounts.models import PasswordHistory, User
from strongroom.accounts.setup import system_administrator_ensure
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = base.PASSWORD_HASHERS
production_hashing = override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
# OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB, 2 iterations, 1 degree of parallelism.
OWASP_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
NEW_PASSWORD = "a-brand-new-passphrase-42"


def assert_owasp_argon2id(encoded: str) -> None:
    """An Argon2id hash at exactly OWASP's parameters, 32 bytes long, made by our hasher."""
    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2", encoded[:20]
    params = extract_parameters("$" + rest)
    assert (params.type, params.version, params.memory_cost, params.time_cost) == (
        Type.ID,
        19,
        19456,
        2,
    )
    assert (params.parallelism, params.hash_len) == (1, 32)
    assert encoded.startswith(OWASP_PREFIX)
    assert type(identify_hasher(encoded)) is StrongroomArgon2PasswordHasher


def older_hash(kind: str, password: str) -> str:
    """A hash as an earlier Strongroom (or Django default) made it. PBKDF2 hashes carry their
    iteration count: made here with few iterations to keep the test fast, verified the same way
    as Django's 1,000,000."""
    if kind == "pbkdf2_sha256":
        hasher = PBKDF2PasswordHasher()
        return hasher.encode(password, hasher.salt(), iterations=1_000)
    if kind == "development_pbkdf2":
        development = DevelopmentPBKDF2PasswordHasher()
        return development.encode(password, development.salt())
    if kind == "pbkdf2_sha1":
        sha1 = PBKDF2SHA1PasswordHasher()
        return sha1.encode(password, sha1.salt(), iterations=1_000)
    assert kind == "argon2_django_parameters"  # m=102400, t=2, p=8
    argon2 = Argon2PasswordHasher()
    return argon2.encode(password, argon2.salt())


def login(client: APIClient, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post("/api/v1/auth/login/", {"username": username, "password": password})


def change_password(username: str, current: str, new: str) -> Any:
    session = login(APIClient(), username, current)
    assert session.status_code == 200, session.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session.json()['access']}")
    return client.post(
        "/api/v1/auth/change-password/", {"current_password": current, "new_password": new}
    )


@pytest.fixture
def user(roles_synced: None, units: Any) -> User:
    return UserFactory(username="goa1-manager", role_name=roles.DOCUMENT_MANAGER, units=[units[0]])


def with_hash(user: User, encoded: str) -> User:
    User.objects.filter(pk=user.pk).update(password=encoded)
    user.refresh_from_db()
    return user


def test_the_production_list_starts_with_argon2id_and_keeps_pbkdf2() -> None:
    assert PRODUCTION_HASHERS[0] == "strongroom.accounts.hashers.StrongroomArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PRODUCTION_HASHERS
    # One hasher per algorithm name: Django verifies an "argon2$" hash with the last one listed.
    with production_hashing:
        assert type(identify_hasher(older_hash("argon2_django_parameters", "x"))) is (
            StrongroomArgon2PasswordHasher
        )


def test_a_new_password_is_stored_as_argon2id_at_owasp_parameters(
    roles_synced: None, units: Any, api_client_for: Any
) -> None:
    """A user created through the API gets an Argon2id hash of the one-time password; the
    password they choose replaces it with another (new salt), the first kept in the history."""
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    with production_hashing:
        created = api_client_for(admin).post(
            "/api/v1/users/",
            {
                "username": "goa1-newcomer",
                "full_name": "New Comer",
                "role": roles.APPROVER,
                "units": [units[0].pk],
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        one_time = created.json()["one_time_password"]
        user = User.objects.get(username="goa1-newcomer")
        first = user.password
        assert_owasp_argon2id(first)
        assert one_time not in first
        assert check_password(one_time, first)

        changed = change_password(user.username, one_time, NEW_PASSWORD)
        assert changed.status_code == 200, changed.content
        user.refresh_from_db()
        assert_owasp_argon2id(user.password)
        assert user.password.split("$")[4] != first.split("$")[4]  # a new salt
        assert check_password(NEW_PASSWORD, user.password)
        assert not check_password(one_time, user.password)
        assert list(user.password_history.values_list("password", flat=True)) == [first]


@pytest.mark.parametrize(
    "kind", ["pbkdf2_sha256", "development_pbkdf2", "pbkdf2_sha1", "argon2_django_parameters"]
)
def test_an_older_hash_verifies_and_is_rehashed_to_argon2id_at_sign_in(
    user: User, kind: str
) -> None:
    """A wrong password leaves the old hash as it is; the right one signs in and the hash is
    rewritten with Argon2id at OWASP's parameters (not a password change: no history entry, no
    new change date); the next sign-in verifies it and leaves it alone."""
    old = with_hash(user, older_hash(kind, TEST_PASSWORD)).password
    changed_at = user.password_changed_at
    with production_hashing:
        assert login(APIClient(), user.username, "not-the-password").status_code == 401
        user.refresh_from_db()
        assert user.password == old

        assert login(APIClient(), user.username).status_code == 200
        user.refresh_from_db()
        assert_owasp_argon2id(user.password)
        assert user.password_changed_at == changed_at
        assert not PasswordHistory.objects.filter(user=user).exists()

        rehashed = user.password
        assert login(APIClient(), user.username).status_code == 200
        user.refresh_from_db()
        assert user.password == rehashed  # the parameters match: no rewrite at every sign-in
        assert login(APIClient(), user.username, "not-the-password").status_code == 401


@pytest.mark.compliance("11.300(d)")
def test_wrong_passwords_against_an_argon2id_hash_lock_the_account_as_before(user: User) -> None:
    with production_hashing:
        with_hash(user, make_password(TEST_PASSWORD))
        client = APIClient()
        for _ in range(4):
            assert login(client, user.username, "wrong-password-x").status_code == 401
        fifth = login(client, user.username, "wrong-password-x")
        assert fifth.status_code == 403
        assert fifth.json()["error"]["code"] == "account_locked"
        locked = login(client, user.username)
        assert locked.status_code == 403
        assert locked.json()["error"]["code"] == "account_locked"
        assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5
        AccessAttempt.objects.update(attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        assert login(client, user.username).status_code == 200


@pytest.mark.compliance("11.300(b)")
@pytest.mark.parametrize("kind", ["pbkdf2_sha256", "development_pbkdf2"])
def test_a_password_in_the_history_is_refused_whatever_hashed_it(user: User, kind: str) -> None:
    """The reuse rule reads the history with check_password: an old PBKDF2 entry refuses its
    password as an Argon2id entry does."""
    old_password = "an-old-passphrase-from-2024"
    PasswordHistory.objects.create(user=user, password=older_hash(kind, old_password))
    with production_hashing:
        with_hash(user, make_password(TEST_PASSWORD))
        for reused in (old_password, TEST_PASSWORD):
            refused = change_password(user.username, TEST_PASSWORD, reused)
            assert refused.status_code == 400, reused
            assert refused.json()["error"]["code"] == "password_policy"
            assert "used recently" in str(refused.json()["error"]["details"]["new_password"])
        assert change_password(user.username, TEST_PASSWORD, NEW_PASSWORD).status_code == 200
        assert change_password(user.username, NEW_PASSWORD, old_password).status_code == 400


def test_the_first_administrator_gets_an_argon2id_hash_and_signs_in_to_the_admin(
    roles_synced: None,
) -> None:
    """initial_setup's System Administrator (the account to fall back on) is hashed with the
    production list, and signs in to the Django admin; an older hash there is upgraded too."""
    with production_hashing:
        system_administrator_ensure(username="sysadmin", password="break-glass-passphrase-7")
        admin = User.objects.get(username="sysadmin")
        assert_owasp_argon2id(admin.password)
        client = Client()
        signed_in = client.post(
            "/admin/login/?next=/admin/",
            {"username": "sysadmin", "password": "break-glass-passphrase-7", "next": "/admin/"},
        )
        assert signed_in.status_code == 302, signed_in.content[:500]
        assert client.get("/admin/").status_code == 200

        with_hash(admin, older_hash("pbkdf2_sha256", "break-glass-passphrase-7"))
        again = Client().post(
            "/admin/login/?next=/admin/",
            {"username": "sysadmin", "password": "break-glass-passphrase-7", "next": "/admin/"},
        )
        assert again.status_code == 302
        admin.refresh_from_db()
        assert_owasp_argon2id(admin.password)
