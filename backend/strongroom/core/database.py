"""How the database connection pool (Django's, psycopg_pool) reconnects after an outage.

While PostgreSQL is unreachable, psycopg_pool tries a failed connection again after about 1 s and
then doubles the wait without limit (2, 4, 8, 16 … s, until ``reconnect_timeout``, 5 minutes).
The attempts sleeping out that wait hold the pool's places, so after an outage of *T* seconds the
first new connection can come about *T* seconds after the database is back — every request in
between fails. scripts/chaos.py measured 5.6 and 6.9 s of 500s after a restarted PostgreSQL was
accepting connections again (PRODUCT.md §7: the API recovers within 5 s); a minute's failover
could cost another minute. The pool takes no setting for it, but its backoff factor is a class
attribute: :func:`pool_reconnect_delay_cap` sets it to 1, so every wait stays at the first one
(about a second) and the pool reconnects within that of the database's return, at the price of
one connection attempt per waiting place and second during the outage.
"""

# The longest wait between two attempts: the library's first wait (1 s ± 10 %), never doubled.
RECONNECT_DELAY_MAX_SECONDS = 2.0


def pool_reconnect_delay_cap() -> None:
    """Keep psycopg_pool's wait between connection attempts at its first value."""
    try:
        from psycopg_pool.base import AttemptWithBackoff
    except ImportError:  # no pool installed (SQLite only): nothing to tune
        return
    AttemptWithBackoff.DELAY_BACKOFF = 1.0
