"""Queueing Celery tasks from a transaction so that each runs (PRODUCT.md §3: tasks are queued
with ``transaction.on_commit``, take ids and are idempotent).

A bare ``transaction.on_commit(lambda: task.delay(...))`` loses the task whenever the message does
not make it to a worker: the broker is unreachable at that moment (and the error turns the
caller's response into a 500 for a change that was made), or Redis loses the message — a worker
killed between Redis handing the message out and recording it as unacknowledged (kombu's BRPOP,
then a second round trip), or a Redis crash within the append-only file's fsync second.
scripts/chaos.py found the first two: notifications and e-mails never sent after a Redis restart
and after a worker SIGKILL.

:func:`task_enqueue_on_commit` is the transactional outbox for tasks, as
:mod:`strongroom.realtime.services` is for events: it writes a :class:`PendingTask` row in the
caller's transaction and, after commit, sends the task under the id ``pending-<row>-<n>``. When the
task has run (succeeded, or failed for good), :func:`pending_task_done` deletes the row. What is
left is sent again by :func:`pending_tasks_send` (the periodic task ``send_pending_tasks``, every
minute): rows never sent after :data:`RESEND_AFTER_SECONDS`, rows sent but not run after
``STRONGROOM_TASK_RESEND_SECONDS``. A task may therefore run twice, never zero times — tasks are
idempotent (STYLE.md rule 3).
"""

import datetime as dt
import logging
import uuid
from typing import Any

from celery import Task, current_app, states
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from strongroom.core.models import PendingTask

logger = logging.getLogger(__name__)

# A row younger than this may still be on its way through the after-commit send.
RESEND_AFTER_SECONDS = 30.0
BROKER_ERRORS = (OperationalError, OSError)
TASK_ID_PREFIX = "pending-"


def _task_id(pending_id: int) -> str:
    return f"{TASK_ID_PREFIX}{pending_id}-{uuid.uuid4().hex[:12]}"


def pending_id_of(task_id: str | None) -> int | None:
    """The PendingTask row behind a Celery task id (retries keep the id), if any."""
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    number = task_id[len(TASK_ID_PREFIX) :].split("-", 1)[0]
    return int(number) if number.isdigit() else None


def _send(task: Any, pending_id: int, args: list[Any], countdown: float | None = None) -> None:
    """Hand the task to the broker and note when (raises the broker's error)."""
    PendingTask.objects.filter(pk=pending_id).update(sent_at=timezone.now(), sends=F("sends") + 1)
    task.apply_async(args=args, task_id=_task_id(pending_id), countdown=countdown)


def task_enqueue_on_commit(task: Task, *args: Any, countdown: float | None = None) -> None:
    """Run ``task(*args)`` once the current transaction commits; never lose it (see above).
    ``countdown``: not before that many seconds after the commit (a task sent again by
    :func:`pending_tasks_send` runs at once: it is late already)."""
    pending = PendingTask.objects.create(task=task.name, args=list(args))

    def send() -> None:
        try:
            _send(task, pending.pk, list(args), countdown or None)
        except BROKER_ERRORS as exc:
            PendingTask.objects.filter(pk=pending.pk).update(sent_at=None)
            logger.warning(
                "task %s not queued (%s): send_pending_tasks sends it later",
                task.name,
                type(exc).__name__,
            )

    # robust: a failure here must neither fail the committed request nor stop other callbacks.
    transaction.on_commit(send, robust=True)


def pending_task_done(task_id: str | None, state: str) -> None:
    """The task has run: forget its row. A task that will be retried keeps it."""
    pending_id = pending_id_of(task_id)
    if pending_id is not None and state in (states.SUCCESS, states.FAILURE):
        PendingTask.objects.filter(pk=pending_id).delete()


def pending_tasks_send(
    *, older_than_seconds: float = RESEND_AFTER_SECONDS, limit: int = 500
) -> int:
    """Send again what has not run: rows never sent, older than ``older_than_seconds``, and rows
    sent longer than ``STRONGROOM_TASK_RESEND_SECONDS`` ago. Returns how many were sent; a broker
    still down raises, and the rows stay for the next round."""
    now = timezone.now()
    never_sent = Q(
        sent_at__isnull=True, created_at__lte=now - dt.timedelta(seconds=older_than_seconds)
    )
    resend = dt.timedelta(seconds=settings.STRONGROOM_TASK_RESEND_SECONDS)
    not_run = Q(sent_at__lte=now - resend)
    with transaction.atomic():
        rows = list(
            PendingTask.objects.select_for_update(skip_locked=True)
            .filter(never_sent | not_run)
            .order_by("id")[:limit]
        )
        for row in rows:
            _send(current_app.tasks[row.task], row.pk, row.args)
    if rows:
        logger.info("sent %d pending task(s) again", len(rows))
    return len(rows)
