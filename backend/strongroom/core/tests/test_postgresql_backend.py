"""strongroom.core.postgresql: date-times read through ``datetime.fromisoformat`` are exactly
what Django's own loader reads, and the loader stays in place on every cursor."""

from datetime import UTC
from typing import Any

import pytest
from django.db import DataError, connection, transaction
from django.db.backends.postgresql.psycopg_any import register_tzloader

from strongroom.core.postgresql.base import UTCTimestamptzLoader

pytestmark = pytest.mark.django_db

LITERALS = [
    "2026-12-07 09:30:15.123456+00",
    "2026-12-07 09:30:15.12+00",
    "2026-12-07 09:30:15+00",
    "2026-03-29 01:30:00-07",  # shown in UTC by a UTC session
    "1999-12-31 23:59:59.999999+05:30",
    "0001-01-02 00:00:00+00",  # year 1 in any zone
    "9999-12-30 23:59:59.999999+00",
    "2024-02-29 12:00:00+00",
]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


def _read(cursor: Any, literals: list[str]) -> list[Any]:
    columns = ", ".join(f"%s::timestamptz AS c{i}" for i in range(len(literals)))
    cursor.execute(f"SELECT {columns}", literals)
    return list(cursor.fetchone())


def test_the_backend_reads_timestamptz_with_its_loader() -> None:
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(1184, 0)  # timestamptz, text
        assert loader is UTCTimestamptzLoader
        (value,) = _read(cursor, ["2026-12-07 09:30:15+00"])
        assert value.tzinfo is UTC


@pytest.mark.parametrize("session_zone", ["UTC", "Asia/Kolkata", "America/Los_Angeles"])
def test_every_date_time_is_what_djangos_loader_reads(session_zone: str) -> None:
    # A new cursor: a loader reads the session's time zone when it is made.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])
        with connection.cursor() as cursor:
            ours = _read(cursor, LITERALS)
        with connection.cursor() as cursor:
            register_tzloader(connection.timezone, cursor.cursor)  # Django's own loader
            djangos = _read(cursor, LITERALS)
    assert ours == djangos
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in djangos]
    assert [value.isoformat() for value in ours] == [value.isoformat() for value in djangos]


@pytest.mark.parametrize("literal", ["0044-03-15 00:00:00+00 BC", "infinity", "-infinity"])
def test_what_python_cannot_hold_fails_as_with_djangos_loader(literal: str) -> None:
    for django_loader in (False, True):
        with connection.cursor() as cursor:
            if django_loader:
                register_tzloader(connection.timezone, cursor.cursor)
            with pytest.raises(DataError):
                _read(cursor, [literal])
