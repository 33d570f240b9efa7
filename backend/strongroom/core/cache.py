"""Django's Redis cache with connection pools shared by the whole process.

Under ASGI every request runs in its own context, and Django's cache handler is context-local:
each request built a new ``RedisCache`` and, with it, a new redis-py connection pool — about two
fresh Redis connections per request (measured by scripts/bench_api.py). Pools, and the redis-py
clients over them, here live once per process and server URL, and are made again after a fork.

Values are stored as JSON, not pickle (Django's default): whoever can write to Redis must not be
able to run code in every Daphne and Celery process by planting a pickle. What the project
caches is plain data (ended sessions, signing-session times, throttle histories, counters);
a value JSON cannot represent is refused when written, not silently changed.
"""

import json
import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple[int, str], Any] = {}
_clients: dict[tuple[int, str], Any] = {}
_lock = threading.Lock()


class JsonRedisSerializer:
    """Django's RedisSerializer with JSON in place of pickle. Integers stay plain Redis integers
    (``incr``/``decr`` work on them); a stored value that is not JSON raises ValueError and is
    never unpickled."""

    def dumps(self, obj: Any) -> bytes | int:
        if type(obj) is int:  # not bool: True must come back as True
            return obj
        return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()

    def loads(self, data: bytes) -> Any:
        try:
            return int(data)
        except ValueError:
            return json.loads(data)


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        client: Any = self  # Django's private attributes, which the stubs do not declare
        url = client._servers[client._get_connection_pool_index(write)]
        key = (os.getpid(), url)
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = client._pool_class.from_url(url, **client._pool_options)
        return pool

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """One redis-py client per pool and process. Django makes a new one for every cache
        call, and a redis-py client's set-up (its table of several hundred response callbacks)
        cost more than the call itself; a client is safe to share, its pool hands out the
        connections."""
        client: Any = self
        url = client._servers[client._get_connection_pool_index(write)]
        key_ = (os.getpid(), url)
        made = _clients.get(key_)
        if made is None:
            pool = self._get_connection_pool(write)  # takes the lock itself
            with _lock:
                made = _clients.get(key_)
                if made is None:
                    made = _clients[key_] = client._client(connection_pool=pool)
        return made


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
