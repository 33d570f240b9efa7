"""A minimal Celery application for test_redis_broker: a real worker against a Redis server the
test starts and restarts. Not Strongroom's application (no Django, no database): only the broker
under test, with Strongroom's worker settings (late acknowledgement, one message prefetched)."""

import os
import time
from pathlib import Path

from celery import Celery

app = Celery("redis_broker_check", broker=os.environ["CHECK_BROKER_URL"])
app.conf.update(
    broker_transport=os.environ.get("CHECK_BROKER_TRANSPORT") or None,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 5},
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
)


@app.task
def mark(path: str, name: str, seconds: float = 0.0) -> None:
    """Write ``name`` into the folder ``path`` once started, and ``name.done`` after ``seconds``."""
    folder = Path(path)
    (folder / name).write_text("started")
    time.sleep(seconds)
    (folder / f"{name}.done").write_text("done")
