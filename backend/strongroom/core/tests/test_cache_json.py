"""The shared cache stores JSON, never pickle: a value planted in Redis cannot run code in the
processes that read it (strongroom/core/cache.py)."""

import datetime as dt
import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from strongroom.accounts.tokens import session_is_revoked, session_revoke_in_cache
from strongroom.compliance.signing_session import (
    signing_session_last_signed,
    signing_session_touch,
)
from strongroom.core.cache import JsonRedisSerializer

on_redis = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("SharedPoolRedisCache"),
    reason="runs in the PostgreSQL + Redis pass",
)


# What reading a pickle as JSON raises (both are ValueErrors): never the unpickled object.
NOT_JSON = (UnicodeDecodeError, json.JSONDecodeError)


class _Planted:
    """Unpickling this makes a directory: the proof that a pickle was run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (str(self.path),))


@pytest.mark.parametrize(
    "value", [True, False, None, "1", 0, 7, -3, 1765000000.123456, [1.5, 2.25], {"a": [1, "b"]}]
)
def test_the_serializer_round_trips_plain_values(value: Any) -> None:
    serializer = JsonRedisSerializer()
    stored = serializer.dumps(value)
    assert type(stored) is int if type(value) is int else isinstance(stored, bytes)
    loaded = serializer.loads(str(stored).encode() if isinstance(stored, int) else stored)
    assert loaded == value
    assert type(loaded) is type(value)


def test_the_serializer_refuses_what_json_cannot_hold_and_never_unpickles(tmp_path: Path) -> None:
    serializer = JsonRedisSerializer()
    with pytest.raises(TypeError):
        serializer.dumps(dt.datetime.now(tz=dt.UTC))
    target = tmp_path / "unpickled"
    with pytest.raises(NOT_JSON):
        serializer.loads(pickle.dumps(_Planted(target)))
    assert not target.exists()


def _raw(key: str) -> bytes | None:
    import redis

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        raw: bytes | None = client.get(cache.make_key(key))
        return raw
    finally:
        client.close()


@on_redis
def test_what_the_project_caches_is_json_in_redis() -> None:
    session_revoke_in_cache("sid-json")
    assert _raw("revoked-session:sid-json") == b"true"
    assert session_is_revoked("sid-json")

    at = dt.datetime(2026, 12, 6, 5, 40, 12, 345678, tzinfo=dt.UTC)
    signing_session_touch(session_id="sid-json", at=at)
    assert json.loads(_raw("signing-session:sid-json") or b"") == at.timestamp()
    assert signing_session_last_signed(session_id="sid-json") == at

    cache.set("throttle-like", [1765000000.5, 1765000001.25], timeout=60)
    assert _raw("throttle-like") == b"[1765000000.5,1765000001.25]"
    cache.add("counter", 0, timeout=60)
    cache.incr("counter")
    assert _raw("counter") == b"1"


@on_redis
def test_a_pickle_planted_in_redis_is_not_unpickled(tmp_path: Path) -> None:
    import redis

    target = tmp_path / "unpickled"
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        client.set(cache.make_key("revoked-session:planted"), pickle.dumps(_Planted(target)))
    finally:
        client.close()
    with pytest.raises(NOT_JSON):
        cache.get("revoked-session:planted")
    assert not target.exists()


@on_redis
def test_one_redis_client_per_process_serves_every_cache_call() -> None:
    from django.core.cache import caches

    first = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    cache.set("reused", 1, timeout=60)
    # Django's handler makes a cache object per context (per request under ASGI): still one client
    other_context = caches.create_connection("default")
    assert other_context._cache.get_client(write=True) is first  # type: ignore[attr-defined]
    assert other_context.get("reused") == 1
