import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from strongroom.accounts.selectors import user_list_with_permission
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.notifications.tasks import DATABASE_UNAVAILABLE
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.notifying import request_event_notify, request_reference

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
    Store Heads; after N more days escalate to the Unit Admins. Safe to run twice at once: each
    row is flagged by a conditional UPDATE, and notifications are deduplicated."""
    today = timezone.localdate()
    now = timezone.now()
    flagged = 0
    due = Request.objects.filter(
        type=RequestType.WITHDRAWAL, status=RequestStatus.ISSUED, expected_return_on__lt=today
    )
    for request in due.filter(is_overdue=False).select_related("unit", "crate", "requester"):
        with transaction.atomic():
            # Locked and re-checked, so two runs at once flag each request once; saved (not
            # updated in bulk) so that the change reaches the browsers like any other.
            locked = (
                Request.objects.select_for_update()
                .filter(pk=request.pk, is_overdue=False, status=RequestStatus.ISSUED)
                .first()
            )
            if locked is None:
                continue
            locked.is_overdue = True
            locked.overdue_flagged_at = now
            locked.version += 1
            locked.save(update_fields=["is_overdue", "overdue_flagged_at", "version", "updated_at"])
            flagged += 1
            store_heads = user_list_with_permission(
                permission="workflow.fulfil_request", unit=request.unit
            )
            notification_create_many(
                recipients=[request.requester, *store_heads],
                kind=NotificationKind.WITHDRAWAL_OVERDUE,
                title=f"{request.number}: crate {request.crate.code} is overdue",
                body=f"It was due back on {request.expected_return_on}.",
                dedupe_key=f"overdue:{request.pk}",
                unit=request.unit,
                **request_reference(request),
            )

    escalate_before = now - dt.timedelta(days=settings.STRONGROOM_OVERDUE_ESCALATION_DAYS)
    to_escalate = due.filter(
        is_overdue=True, overdue_escalated_at__isnull=True, overdue_flagged_at__lte=escalate_before
    ).select_related("unit", "crate")
    for request in to_escalate:
        with transaction.atomic():
            locked = (
                Request.objects.select_for_update()
                .filter(pk=request.pk, overdue_escalated_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.overdue_escalated_at = now
            locked.version += 1
            locked.save(update_fields=["overdue_escalated_at", "version", "updated_at"])
            admins = user_list_with_permission(permission="accounts.change_user", unit=request.unit)
            notification_create_many(
                recipients=admins.exclude(role__permissions__codename="access_all_units"),
                kind=NotificationKind.WITHDRAWAL_OVERDUE,
                title=f"Escalation: {request.number} ({request.crate.code}) still not returned",
                body=f"Due back on {request.expected_return_on}; flagged overdue on "
                f"{request.overdue_flagged_at:%Y-%m-%d}.",
                dedupe_key=f"overdue-escalation:{request.pk}",
                unit=request.unit,
                **request_reference(request),
            )
    logger.info("flag_overdue_withdrawals: %d newly overdue", flagged)
    return flagged
