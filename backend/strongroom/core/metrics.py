"""Prometheus metrics beyond django-prometheus's own (requests, latency, database).

Per process: each Daphne process exports its own registry (scrape each replica). The Celery
figures are read from the broker and the cache at scrape time, so any web process reports them.
"""

import ipaddress
import logging
from collections.abc import Iterator
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

WEBSOCKET_CONNECTIONS = Gauge(
    "strongroom_websocket_connections", "Open, authenticated WebSocket connections"
)
EVENTS_PUBLISHED = Counter(
    "strongroom_events_published_total", "Outbox events published to the channel layer"
)
EVENTS_DELIVERED = Counter(
    "strongroom_events_delivered_total", "Events sent to WebSocket clients (replay included)"
)
EVENT_REPLAYS = Counter(
    "strongroom_event_replays_total",
    "Resuming sockets replayed, by where the replay came from: the process's ring of recent "
    "events (memory) or the outbox query (database)",
    ["source"],
)
CELERY_QUEUES = ("default", "email", "maintenance")
_FAILURE_KEY = "metrics:celery-task-failures:"


def celery_task_failure_record(task_name: str) -> None:
    """Called from the worker (Celery's task_failure signal); counted in the shared cache."""
    key = f"{_FAILURE_KEY}{task_name}"
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # metrics must never break a task
        logger.warning("could not count a task failure for %s", task_name)


class CeleryCollector(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Declared without touching the broker (registration happens while Django loads).
        yield GaugeMetricFamily("strongroom_celery_queue_length", "", labels=["queue"])
        yield GaugeMetricFamily("strongroom_celery_task_failures", "", labels=["task"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # The process's Celery app (config/celery.py makes itself current): core imports no config.
        lengths = GaugeMetricFamily(
            "strongroom_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
        )
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            try:
                with current_app.connection_for_read() as conn:
                    channel: Any = conn.default_channel
                    client = channel.client
                    for queue in CELERY_QUEUES:
                        lengths.add_metric([queue], float(client.llen(queue)))
            except Exception:
                logger.warning("could not read the Celery queue lengths")
        yield lengths
        failures = GaugeMetricFamily(
            "strongroom_celery_task_failures",
            "Celery task failures (since the cache began)",
            labels=["task"],
        )
        current_app.loader.import_default_modules()  # every app's tasks.py, once
        names = sorted(name for name in current_app.tasks if name.startswith("strongroom."))
        counts = cache.get_many([f"{_FAILURE_KEY}{name}" for name in names])
        for name in names:
            failures.add_metric([name], float(counts.get(f"{_FAILURE_KEY}{name}", 0)))
        yield failures


REGISTRY.register(CeleryCollector())


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in settings.STRONGROOM_METRICS_NETWORKS)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``/metrics`` for scrapers on the allowed networks only (not public: nginx refuses it
    outright, and the backend itself answers 404 to anyone else)."""
    from django_prometheus.exports import ExportToDjangoView

    if not _allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponse(status=404)
    response: Any = ExportToDjangoView(request)
    return response
