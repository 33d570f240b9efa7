"""Django's PostgreSQL backend, with date-times read in C (``ENGINE`` for PostgreSQL, set by
``config.settings.base``).

Django reads every ``timestamptz`` through its own loader (``psycopg_any.BaseTzLoader``), which
replaces the time zone of psycopg's pure-Python parse: the compiled loader of psycopg[binary]
is never used for them. A list page of requests reads about 200 of them, and that parsing was
the costliest part of building its rows. :class:`UTCTimestamptzLoader` parses PostgreSQL's text
with ``datetime.fromisoformat`` (C) and hands back the same value, in ``datetime.UTC``, when the
session's time zone is UTC (Django sets it, with ``USE_TZ`` and no ``TIME_ZONE`` of its own in
``DATABASES``); any other text (BC dates, infinity, an offset other than UTC) goes the way of
Django's loader.
"""

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.adapt import AdaptersMap


class UTCTimestamptzLoader(BaseTzLoader):
    timezone = UTC  # what Django's cursor compares before registering a loader of its own

    def load(self, data: Any) -> datetime:
        try:
            value = datetime.fromisoformat(str(data, "ascii"))
        except ValueError:
            return super().load(data)
        if value.tzinfo is UTC:
            return value
        return super().load(data)


@lru_cache
def _with_utc_loader(template: AdaptersMap) -> AdaptersMap:
    adapters = AdaptersMap(template)
    adapters.register_loader("timestamptz", UTCTimestamptzLoader)
    return adapters


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if self.timezone is UTC and "context" in params:
            params["context"] = _with_utc_loader(params["context"])
        return params
