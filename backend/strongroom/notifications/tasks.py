"""The e-mails of notifications, sent by Celery after the notifications commit: a flush of every
pending one, one message per recipient (queued by strongroom.notifications.services), and the
e-mail of one notification (what notifications created before the flush have queued). Both are
idempotent (strongroom.notifications.email)."""

import logging
from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from strongroom.notifications.email import notification_email_send, notification_emails_flush

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


@shared_task(
    base=LoudFailureTask,
    bind=True,
    autoretry_for=(SMTPException, OSError, *DATABASE_UNAVAILABLE),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_emails(self: Task) -> int:
    return notification_emails_flush()


@shared_task
def queue_late_notification_emails() -> bool:
    """Beat, every minute: a flush for e-mails that no flush is on its way to send."""
    from strongroom.notifications.services import email_flush_queue_if_late

    return email_flush_queue_if_late()
