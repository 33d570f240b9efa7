"""Counts Celery task failures for /metrics (see strongroom.core.metrics), and forgets the
outbox row of a task that has run (see strongroom.core.task_queue)."""

from typing import Any

from celery.signals import task_failure, task_postrun

from strongroom.core.metrics import celery_task_failure_record


@task_failure.connect(dispatch_uid="strongroom-count-task-failures")
def count_task_failure(sender: Any = None, **kwargs: Any) -> None:
    celery_task_failure_record(getattr(sender, "name", "unknown"))


@task_postrun.connect(dispatch_uid="strongroom-pending-task-done")
def forget_pending_task(
    sender: Any = None, task_id: str | None = None, state: str = "", **kwargs: Any
) -> None:
    from strongroom.core.task_queue import pending_task_done

    pending_task_done(task_id, state)
