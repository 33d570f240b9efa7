"""Sign-in throttles: password guessing is limited per account, the client address only gets a
ceiling sized for a whole site behind one NAT or terminal-server address.

* ``LoginUsernameThrottle`` (rate ``login_username``, default 10 per 5 minutes): every sign-in
  naming the same username, from any address. django-axes locks the account after
  ``AXES_FAILURE_LIMIT`` failures from one address; this stops a guesser who spreads attempts
  over many addresses, and stays above the axes limit so that a locked account is told so.
* ``LoginAddressThrottle`` (rate ``login``, default 300 per 5 minutes): sign-ins and token
  refreshes from one address; 200 people signing in at a shift change from one address pass.

Rates take a count of periods too: ``"300/5m"`` is 300 per five minutes (DRF's own parser reads
only ``s``, ``m``, ``h`` and ``d``). nginx keeps its own per-address ceiling in front
(nginx/conf.d/strongroom.conf); PRODUCTION_DEPLOYMENT.md lists the numbers.
"""

import hashlib
import re
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

_RATE = re.compile(r"(?P<count>\d*)(?P<unit>[smhd])[a-z]*")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def throttle_rate_parse(rate: str | None) -> tuple[int | None, int | None]:
    """``"20/minute"`` -> (20, 60); ``"300/5m"`` or ``"300/5min"`` -> (300, 300)."""
    if rate is None:
        return (None, None)
    number, period = rate.split("/", 1)
    match = _RATE.fullmatch(period.strip().lower())
    if match is None:
        raise ValueError(f"not a throttle rate: {rate!r}")
    count = int(match["count"] or 1)
    return (int(number), count * _SECONDS[match["unit"]])


class _PeriodRateThrottle(SimpleRateThrottle):
    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return throttle_rate_parse(rate)


class LoginAddressThrottle(_PeriodRateThrottle):
    scope = "login"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(_PeriodRateThrottle):
    scope = "login_username"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str) or not username.strip():
            return None  # nothing to guess at: the serializer refuses it
        # Hashed: a username is user input, the cache key must stay short and plain.
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class ServiceTokenThrottle(_PeriodRateThrottle):
    """Calls per service token (``STRONGROOM_THROTTLE_INTEGRATION``), whatever the address."""

    scope = "integration"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token_id = getattr(request.auth, "pk", None)
        if token_id is None:
            return None  # not authenticated: refused before any work
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token_id}"}
