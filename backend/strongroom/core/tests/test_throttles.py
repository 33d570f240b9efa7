"""The per-user and per-address ceilings (strongroom.core.throttles): a sliding-window counter,
exact within a window, the previous window weighed by its overlap, constant state, and a 429
with Retry-After once over."""

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.throttles import AnonThrottle, UserThrottle

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def throttled_view(clock: Clock, rate: str) -> Any:
    class Throttle(UserThrottle):
        timer = clock
        THROTTLE_RATES = {"user": rate}

    class Anonymous(AnonThrottle):
        timer = clock
        THROTTLE_RATES = {"anon": rate}

    class View(APIView):
        throttle_classes = [Anonymous, Throttle]
        permission_classes: list[Any] = []

        def get(self, request: Request) -> Response:
            return Response({"ok": True})

    return View.as_view()


def call(view: Any, user: Any = None) -> Any:
    request = APIRequestFactory().get("/anything/")
    if user is not None:
        force_authenticate(request, user=user)
    return view(request)


def test_a_user_gets_the_rate_in_a_window_then_429_with_retry_after(roles_synced: None) -> None:
    clock = Clock(6_000.0)  # the start of a 60-second window
    view = throttled_view(clock, "5/minute")
    user = UserFactory()

    answers = [call(view, user).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    refused = call(view, user)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert call(view, UserFactory()).status_code == 200  # per user
    clock.now += 60  # the next window: the previous one weighs in fully at its start
    assert call(view, user).status_code == 429
    clock.now += 30  # halfway: 2.5 of the previous 5 still count, so three more fit under 5
    assert [call(view, user).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_state_is_two_counters_whatever_the_rate(roles_synced: None) -> None:
    clock = Clock(6_000.0)
    view = throttled_view(clock, "100000/minute")
    user = UserFactory()
    for _ in range(300):
        assert call(view, user).status_code == 200

    # one integer for the window, whatever the rate (DRF's kept a list of 300 times)
    assert cache.get(f"throttle_user_{user.pk}:100") == 300
    assert cache.get(f"throttle_user_{user.pk}") is None


def test_calls_without_a_user_are_counted_per_address() -> None:
    clock = Clock(6_000.0)
    view = throttled_view(clock, "2/minute")

    assert [call(view).status_code for _ in range(3)] == [200, 200, 429]
