"""Notifications about requests, created after the change commits (tasks take ids and are
idempotent: one notification per recipient and event)."""

import logging
from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from strongroom.accounts.models import User
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.notifications.email import notification_email_send
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.requests.models import Request

logger = logging.getLogger(__name__)

# event -> (kind, who: "requester" | permission of the unit's users, title template)
_EVENTS: dict[str, list[tuple[NotificationKind, str, str]]] = {
    "submitted": [
        (
            NotificationKind.REQUEST_SUBMITTED,
            "workflow.approve_request",
            "{number}: {type} request for {crate} waits for approval",
        ),
    ],
    "approved": [
        (NotificationKind.REQUEST_APPROVED, "requester", "{number} was approved"),
        (
            NotificationKind.READY_TO_FULFIL,
            "workflow.fulfil_request",
            "{number}: {type} of {crate} is ready to fulfil",
        ),
    ],
    "rejected": [(NotificationKind.REQUEST_REJECTED, "requester", "{number} was rejected")],
    "sent_back": [
        (NotificationKind.REQUEST_SENT_BACK, "requester", "{number} was sent back for correction")
    ],
    "issued": [
        (NotificationKind.CRATE_ISSUED, "requester", "{number}: crate {crate} was issued to you")
    ],
    # The notification links to the request, whose page offers the destruction certificate.
    "destroyed": [
        (
            NotificationKind.CRATE_DESTROYED,
            "requester",
            "{number}: crate {crate} was destroyed; the destruction certificate is ready",
        )
    ],
}


# A database restarting or failing over (a broken or empty connection pool) is no reason to lose
# a notification or its e-mail: a task that fails is acknowledged and gone, so these are retried
# with backoff like a mail server that is down (found by scripts/chaos.py: PostgreSQL restarted
# while the worker was in a task).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=DATABASE_UNAVAILABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def notify_request_event(request_id: int, event: str, version: int) -> int:
    request = Request.objects.select_related("unit", "crate", "requester").get(pk=request_id)
    created = 0
    for kind, audience, title in _EVENTS.get(event, []):
        if audience == "requester":
            recipients: list[User] = [request.requester]
        else:
            recipients = list(
                user_list_with_permission(permission=audience, unit=request.unit).exclude(
                    pk=request.requester_id
                )
            )
        created += len(
            notification_create_many(
                recipients=recipients,
                kind=kind,
                title=title.format(
                    number=request.number,
                    type=request.get_type_display().lower(),
                    crate=request.crate.code,
                ),
                body=request.purpose[:500],
                dedupe_key=f"request:{request.pk}:{event}:{version}:{kind}",
                unit=request.unit,
                request_id=request.pk,
                crate_id=request.crate_id,
            )
        )
    return created


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
