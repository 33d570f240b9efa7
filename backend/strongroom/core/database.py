"""How the database connection pool (Django's, psycopg_pool) reconnects after an outage.

While PostgreSQL is unreachable, psycopg_pool tries a failed connection again after about 1 s and
then doubles the wait without limit (2, 4, 8, 16 … s, until ``reconnect_timeout``, 5 minutes).
The attempts sleeping out that wait hold the pool's places, so after an outage of *T* seconds the
first new connection can come about *T* seconds after the database is back — every request in
between fails. scripts/chaos.py measured 5.6 and 6.9 s of 500s after a restarted PostgreSQL was
accepting connections again (PRODUCT.md §7: the API recovers within 5 s); a minute's failover
could cost another minute. The pool has no setting for it, so :func:`pool_reconnect_delay_cap`
caps the wait: the pool then reconnects within that many seconds of the database's return, at
the price of a connection attempt per waiting place every few seconds during the outage.
"""

import functools
from typing import Any

RECONNECT_DELAY_MAX_SECONDS = 2.0


def pool_reconnect_delay_cap(seconds: float = RECONNECT_DELAY_MAX_SECONDS) -> None:
    """Cap psycopg_pool's wait between connection attempts (idempotent)."""
    try:
        from psycopg_pool.base import AttemptWithBackoff
    except ImportError:  # no pool installed (SQLite only): nothing to tune
        return
    original = getattr(AttemptWithBackoff.update_delay, "__wrapped__", None)
    if original is None:
        original = AttemptWithBackoff.update_delay

    @functools.wraps(original)
    def update_delay(self: Any, now: float) -> None:
        original(self, now)
        self.delay = min(self.delay, seconds)

    AttemptWithBackoff.update_delay = update_delay  # type: ignore[method-assign]
