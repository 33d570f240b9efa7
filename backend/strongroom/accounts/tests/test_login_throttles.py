"""Sign-in throttles: a whole site behind one address signs in at a shift change, while password
guessing is still stopped per account (django-axes per username and address, the username
throttle across addresses)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.accounts.throttles import throttle_rate_parse

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"
PLANT_NAT = "203.0.113.10"
SHIFT = 200


def _sign_in(client: APIClient, username: str, password: str, address: str = PLANT_NAT) -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


@pytest.fixture
def shift(roles_synced: None) -> list[str]:
    """200 operators with the same (test-hasher) password, made in one query."""
    viewer = Group.objects.get(name=roles.VIEWER)
    password = make_password(TEST_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=f"operator{i:03d}",
            full_name=f"Operator {i}",
            role=viewer,
            password=password,
        )
        for i in range(SHIFT)
    )
    return [u.username for u in users]


@pytest.mark.compliance("11.300(d)")
def test_a_shift_of_200_signs_in_from_one_address_while_guessing_is_still_stopped(
    shift: list[str],
) -> None:
    client = APIClient()
    codes = [_sign_in(client, username, TEST_PASSWORD) for username in shift]
    assert codes == [200] * SHIFT

    # Six wrong passwords for one of them from the same address: django-axes locks the account
    # at the fifth, and the sixth (even the right password) is refused.
    target = shift[0]
    wrong = [_sign_in(client, target, "not-the-password") for _ in range(4)]
    assert wrong == [401] * 4
    fifth = client.post(
        LOGIN, {"username": target, "password": "not-the-password"}, REMOTE_ADDR=PLANT_NAT
    )
    assert fifth.status_code == 403
    assert fifth.json()["error"]["code"] == "account_locked"
    assert _sign_in(client, target, TEST_PASSWORD) == 403
    # The lock is the account's: a colleague behind the same address still signs in.
    assert _sign_in(client, shift[1], TEST_PASSWORD) == 200


@pytest.mark.compliance("11.300(d)")
def test_the_per_address_ceiling_still_holds(shift: list[str]) -> None:
    client = APIClient()
    # 300 in five minutes from one address: 200 sign-ins and 100 empty forms, then 429.
    assert [_sign_in(client, username, TEST_PASSWORD) for username in shift] == [200] * SHIFT
    empty = [client.post(LOGIN, {}, REMOTE_ADDR=PLANT_NAT).status_code for _ in range(100)]
    assert empty == [400] * 100
    refused = client.post(LOGIN, {}, REMOTE_ADDR=PLANT_NAT)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert _sign_in(client, shift[-1], TEST_PASSWORD, address="198.51.100.7") == 200


@pytest.mark.compliance("11.300(d)")
def test_guessing_one_username_from_many_addresses_is_throttled(shift: list[str]) -> None:
    client = APIClient()
    target = shift[0]
    # Ten addresses, one wrong password each: django-axes (per username and address) never
    # locks, the username throttle counts them all.
    codes = [_sign_in(client, target, f"guess-{i}", address=f"192.0.2.{i + 1}") for i in range(10)]
    assert codes == [401] * 10
    eleventh = client.post(
        LOGIN,
        {"username": f"  {target.upper()} ", "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.99",
    )
    assert eleventh.status_code == 429
    assert eleventh.json()["error"]["code"] == "throttled"
    assert eleventh["Retry-After"]
    # Other accounts are not affected.
    assert _sign_in(client, shift[1], TEST_PASSWORD, address="192.0.2.99") == 200


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("20/minute", (20, 60)),
        ("300/5m", (300, 300)),
        ("300/5min", (300, 300)),
        ("10/15m", (10, 900)),
        ("1000/h", (1000, 3600)),
        (None, (None, None)),
    ],
)
def test_throttle_rates_take_a_count_of_periods(
    rate: str | None, parsed: tuple[int | None, int | None]
) -> None:
    assert throttle_rate_parse(rate) == parsed


def test_a_rate_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="not a throttle rate"):
        throttle_rate_parse("5/fortnight")
