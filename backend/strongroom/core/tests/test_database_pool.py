"""After a PostgreSQL outage the connection pool reconnects promptly (found by scripts/chaos.py:
API answers 500 for up to 7 s after a restarted PostgreSQL was already back)."""

from psycopg_pool.base import AttemptWithBackoff

from strongroom.core.database import RECONNECT_DELAY_MAX_SECONDS


def test_the_pool_tries_a_lost_database_again_at_least_every_few_seconds() -> None:
    attempt = AttemptWithBackoff(timeout=300.0)  # the pool's reconnect_timeout
    now, delays = 1000.0, []
    for _ in range(10):  # a database gone for about 20 s
        attempt.update_delay(now)
        delays.append(attempt.delay)
        now += attempt.delay
    assert 0.8 < delays[0] < 1.2  # psycopg_pool's own first wait, jitter included
    assert max(delays) <= RECONNECT_DELAY_MAX_SECONDS
    assert not attempt.time_to_give_up(now)  # still trying until reconnect_timeout


def test_the_cap_never_extends_past_the_attempts_deadline() -> None:
    attempt = AttemptWithBackoff(timeout=1.5)  # e.g. a getconn() with 1.5 s left
    attempt.update_delay(0.0)
    attempt.update_delay(attempt.delay)
    assert attempt.delay <= 1.5
