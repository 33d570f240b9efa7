import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from strongroom.accounts.models import Unit
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.records.models import Crate

logger = logging.getLogger(__name__)
DUE_WITHIN_DAYS = 30


@shared_task
def retention_due_digest() -> int:
    """One digest a day per unit, to its Unit Admins: crates whose retention ends within 30
    days and that carry no legal hold."""
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
    notified = 0
    for unit in Unit.objects.filter(is_active=True):
        codes = list(
            Crate.objects.filter(
                unit=unit,
                status=Crate.Status.IN_STORAGE,
                legal_hold=False,
                destroy_after__isnull=False,
                destroy_after__lte=horizon,
            )
            .order_by("destroy_after", "code")
            .values_list("code", flat=True)
        )
        if not codes:
            continue
        recipients = user_list_with_permission(permission="workflow.witness_destruction", unit=unit)
        recipients = recipients.filter(role__permissions__codename="change_user")
        notified += len(
            notification_create_many(
                recipients=recipients,
                kind=NotificationKind.RETENTION_DUE,
                title=f"{len(codes)} crate(s) in {unit.code} due for destruction by {horizon}",
                body="\n".join(codes[:200]),
                dedupe_key=f"retention-due:{unit.code}:{today}",
                unit=unit,
            )
        )
    logger.info("retention_due_digest: %d notification(s)", notified)
    return notified
