import pytest
from django.test import Client

from strongroom.core.metrics import celery_task_failure_record


@pytest.mark.django_db
def test_metrics_are_served_to_allowed_networks_only() -> None:
    celery_task_failure_record("strongroom.realtime.tasks.prune_outbox")
    inside = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")
    assert inside.status_code == 200
    text = inside.content.decode()
    assert "django_http_requests_before_middlewares_total" in text
    assert "strongroom_websocket_connections" in text
    assert (
        'strongroom_celery_task_failures{task="strongroom.realtime.tasks.prune_outbox"} 1.0' in text
    )
    assert Client(REMOTE_ADDR="203.0.113.7").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_celery_queue_lengths_are_read_from_a_redis_broker() -> None:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs the Redis broker of the PostgreSQL + Redis pass")
    text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    for queue in ("default", "email", "maintenance"):
        assert f'strongroom_celery_queue_length{{queue="{queue}"}}' in text
