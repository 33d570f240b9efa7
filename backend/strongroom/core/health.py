"""Liveness and readiness probes.

``/healthz`` answers as long as the process serves requests and touches nothing else.
``/readyz`` checks each dependency the platform needs and names the ones that fail, so an
orchestrator (or an administrator) can tell what is down. The probe is public: each process
answers from its last result for ``READYZ_CACHE_SECONDS`` (one round of checks at a time, however
many probes arrive), the database check borrows a pooled connection, and nginx rate-limits the
path (nginx/conf.d/strongroom.conf).
"""

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3
# How long a process answers /readyz from its last result: a probe flood (it is a public path)
# costs one round of checks per process per period, not one per request.
READYZ_CACHE_SECONDS = 2.0


def check_database() -> None:
    # The request's connection, from the pool (DATABASE_POOL_TIMEOUT bounds the wait for a
    # server that is down); Django returns it to the pool when the request ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it was given")
    cache.delete(key)


def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("readyz.")
        await layer.send(channel, {"type": "readyz.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "readyz.ping":
            raise RuntimeError("channel layer returned an unexpected message")

    async def bounded() -> None:
        await asyncio.wait_for(round_trip(), timeout=CHECK_TIMEOUT_SECONDS)

    async_to_sync(bounded)()


def check_broker() -> None:
    # The process's Celery app (config/celery.py makes itself current): core imports no config.
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT_SECONDS
        )


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


_readyz_lock = threading.Lock()
_readyz_last: tuple[float, dict[str, str]] | None = None
_clock = time.monotonic


def readyz_components() -> dict[str, str]:
    """Every check's result, run at most once per ``READYZ_CACHE_SECONDS`` in this process."""
    global _readyz_last
    with _readyz_lock:  # concurrent probes wait for the round in progress and share its result
        now = _clock()
        if _readyz_last is not None and now - _readyz_last[0] < READYZ_CACHE_SECONDS:
            return dict(_readyz_last[1])
        components = _readyz_run()
        _readyz_last = (_clock(), components)
        return dict(components)


def readyz_cache_clear() -> None:
    global _readyz_last
    with _readyz_lock:
        _readyz_last = None


def _readyz_run() -> dict[str, str]:
    components: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # a probe reports every failure; it must not raise
            # The class name only: messages may carry connection strings.
            components[name] = f"error: {type(exc).__name__}"
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        else:
            components[name] = "ok"
    return components


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    components = readyz_components()
    ready = all(value == "ok" for value in components.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "components": components},
        status=200 if ready else 503,
    )
