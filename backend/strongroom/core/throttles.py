"""The per-user and per-address ceilings of every API call, kept as two counters.

DRF's ``UserRateThrottle`` and ``AnonRateThrottle`` keep the time of every request of the
window in one cached list, read and written back (pickled) on each call: at the user rate of
1,200 a minute a busy user's list holds 1,200 floats, and the throttle cost more than the rest
of a list request. These keep a count per fixed window instead and weigh the previous window's
count by how much of it still overlaps the sliding window (the usual sliding-window counter):
one read of two small integers and one write per request, whatever the rate. The estimate
assumes the previous window's requests were spread evenly; it is never more than the previous
window's count away from the exact sliding count, and never lets through more than twice the
rate in any window. The sign-in throttles (strongroom.accounts.throttles) keep DRF's exact
history: they are small and guard passwords.
"""

import math
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _WindowCounterMixin:
    """``allow_request`` and ``wait`` of a sliding-window counter (see the module)."""

    cache: Any
    rate: str | None
    num_requests: int
    duration: int
    key: str | None
    timer: Any

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current_key, previous_key = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current_key, previous_key])
        self.current = int(counts.get(current_key, 0))
        self.previous = int(counts.get(previous_key, 0))
        self.overlap = 1.0 - (self.now % self.duration) / self.duration
        if self.previous * self.overlap + self.current >= self.num_requests:
            return False
        # Kept for two windows: the next window reads this one as its previous.
        self.cache.set(current_key, self.current + 1, 2 * self.duration)
        return True

    def wait(self) -> float | None:
        """Seconds until the estimate falls below the rate (the Retry-After header)."""
        into_window = self.now % self.duration
        if self.current >= self.num_requests or self.previous == 0:
            return self.duration - into_window
        # previous * (1 - t/d) + current < num  <=>  t > d * (1 - (num - current) / previous)
        needed = self.duration * (1.0 - (self.num_requests - self.current) / self.previous)
        return float(max(1, math.ceil(needed - into_window)))


class UserThrottle(_WindowCounterMixin, UserRateThrottle):
    """Rate ``user`` (STRONGROOM_THROTTLE_USER) per signed-in user."""


class AnonThrottle(_WindowCounterMixin, AnonRateThrottle):
    """Rate ``anon`` (STRONGROOM_THROTTLE_ANON) per client address, for calls without a user."""
