"""The e-mail of a notification, sent by Celery after the notification commits (the task takes its
id and is idempotent: strongroom.notifications.email)."""

import logging
from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from strongroom.notifications.email import notification_email_send

logger = logging.getLogger(__name__)

# A database restarting or failing over (a broken or empty connection pool) is no reason to lose
# a notification or its e-mail: a task that fails is acknowledged and gone, so these are retried
# with backoff like a mail server that is down (found by scripts/chaos.py: PostgreSQL restarted
# while the worker was in a task).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class LoudFailureTask(Task):
    """Logs at ERROR, with the task id, when the last retry has failed."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        logger.error(
            "task %s[%s] failed for good after %d retries: %s",
            self.name,
            task_id,
            self.request.retries,
            type(exc).__name__,
        )


@shared_task(
    base=LoudFailureTask,
    bind=True,
    autoretry_for=(SMTPException, OSError, *DATABASE_UNAVAILABLE),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(self: Task, notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)
