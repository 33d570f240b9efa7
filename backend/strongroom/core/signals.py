"""Counts Celery task failures for /metrics (see strongroom.core.metrics)."""

from typing import Any

from celery.signals import task_failure

from strongroom.core.metrics import celery_task_failure_record


@task_failure.connect(dispatch_uid="strongroom-count-task-failures")
def count_task_failure(sender: Any = None, **kwargs: Any) -> None:
    celery_task_failure_record(getattr(sender, "name", "unknown"))
