import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from strongroom.notifications.tasks import DATABASE_UNAVAILABLE
from strongroom.requests.notifying import request_event_notify
from strongroom.requests.services import (
    request_overdue_escalate,
    request_overdue_list,
    request_overdue_mark,
)

logger = logging.getLogger(__name__)


@shared_task(
    # The name it had when the routing lived in the notifications app: tasks queued before an
    # upgrade (the PendingTask outbox, the broker) still find it.
    name="strongroom.notifications.tasks.notify_request_event",
    autoretry_for=DATABASE_UNAVAILABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def notify_request_event(request_id: int, event: str, version: int) -> int:
    """Notify who the request event concerns (strongroom.requests.notifying), after the change
    committed; idempotent."""
    return request_event_notify(request_id=request_id, event=event, version=version)


@shared_task
def flag_overdue_withdrawals() -> int:
    """Flag issued withdrawals past their return date and notify the requester and the unit's
    Store Heads; after N more days escalate to the Unit Admins. Each request is one call of a
    service with its own transaction and audit event (strongroom.requests.services), safe to
    run twice at once."""
    now = timezone.now()
    due = request_overdue_list(today=timezone.localdate(now))
    flagged = 0
    for request_id in due.filter(is_overdue=False).values_list("pk", flat=True):
        if request_overdue_mark(request_id=request_id, now=now) is not None:
            flagged += 1
    escalate_before = now - dt.timedelta(days=settings.STRONGROOM_OVERDUE_ESCALATION_DAYS)
    to_escalate = due.filter(
        is_overdue=True, overdue_escalated_at__isnull=True, overdue_flagged_at__lte=escalate_before
    )
    for request_id in to_escalate.values_list("pk", flat=True):
        request_overdue_escalate(request_id=request_id, now=now)
    logger.info("flag_overdue_withdrawals: %d newly overdue", flagged)
    return flagged
