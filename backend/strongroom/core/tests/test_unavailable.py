"""A backing service restarting (PostgreSQL, Redis, Redis still loading its data) answers 503
with Retry-After and the error envelope, not a 500: clients and nginx treat it as retryable."""

from typing import Any
from unittest import mock

import pytest
import redis.exceptions
from django.db import InterfaceError, OperationalError

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error",
    [
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379."),
        redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        OperationalError("the connection is lost"),
        InterfaceError("connection already closed"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_service_restarting_is_503_with_retry_after(
    roles_synced: None, api_client_for: Any, error: Exception
) -> None:
    user = UserFactory(role_name=roles.VIEWER)
    user.units.add(UnitFactory())
    client = api_client_for(user)
    if isinstance(error, redis.exceptions.RedisError):
        # Every authenticated call asks the cache whether its session was revoked.
        cache = mock.Mock()
        cache.get.side_effect = error
        cut = mock.patch("strongroom.accounts.tokens.cache", cache)
    else:
        cut = mock.patch("strongroom.accounts.tokens.user_for_request", side_effect=error)
    with cut:
        response = client.get("/api/v1/crates/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    body = response.json()["error"]
    assert body["code"] == "service_unavailable"
    assert str(error) not in body["message"]  # the driver's text stays out of the answer
