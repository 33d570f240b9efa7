import logging

from celery import shared_task
from django.utils import timezone

from strongroom.accounts.models import Unit
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.inventory.proposals import cycle_count_proposals
from strongroom.inventory.services import RUN
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many

logger = logging.getLogger(__name__)


@shared_task
def propose_cycle_counts() -> int:
    """Once a day, per unit: the rooms due for a cycle count by risk (security class, days since
    last verified) to the unit's Store Heads, in one notification (idempotent for the day)."""
    today = timezone.localdate()
    proposals = cycle_count_proposals(unit_ids=None)
    notified = 0
    for unit in Unit.objects.filter(is_active=True, pk__in={p.unit_id for p in proposals}):
        due = [p for p in proposals if p.unit_id == unit.pk]
        lines = [
            f"{p.full_code} (security class {p.security_class}, {p.shelves} shelves): "
            + (
                f"never verified, {p.days_since_verified} days"
                if p.never_verified
                else f"{p.days_since_verified} days since last verified"
            )
            + f" (every {p.interval_days})"
            for p in due
        ]
        notified += len(
            notification_create_many(
                recipients=user_list_with_permission(permission=RUN, unit=unit),
                kind=NotificationKind.CYCLE_COUNT_DUE,
                title=f"{len(due)} room(s) of {unit.code} due for a cycle count",
                body="\n".join(lines[:200]),
                dedupe_key=f"cycle-count-due:{unit.code}:{today}",
                unit=unit,
                object_type="unit",
                object_id=str(unit.pk),
                link="/inventory-audits",
            )
        )
    logger.info("propose_cycle_counts: %d notification(s)", notified)
    return notified
