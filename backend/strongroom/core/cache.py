"""Django's Redis cache with connection pools shared by the whole process.

Under ASGI every request runs in its own context, and Django's cache handler is context-local:
each request built a new ``RedisCache`` and, with it, a new redis-py connection pool — about two
fresh Redis connections per request (measured by scripts/bench_api.py). Pools here live once per
process and server URL, and are made again after a fork.
"""

import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple[int, str], Any] = {}
_lock = threading.Lock()


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


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
