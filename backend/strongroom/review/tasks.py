import logging

from celery import shared_task

from strongroom.accounts.models import Unit
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.review.selectors import CoverageStatus, coverage_rows, review_today, reviewers_of

logger = logging.getLogger(__name__)


@shared_task
def audit_review_reminders() -> int:
    """Once a week per unit and month (the ISO week is in the dedupe key), remind the unit's
    reviewers of each month whose review is overdue: not signed
    ``STRONGROOM_REVIEW_GRACE_DAYS`` after the month ended."""
    today = review_today()
    year, week, _ = today.isocalendar()
    notified = 0
    for unit in Unit.objects.filter(is_active=True).order_by("code"):
        overdue = [
            row
            for row in coverage_rows(user=None, unit_id=unit.pk, today=today)
            if row.status == CoverageStatus.OVERDUE
        ]
        if not overdue:
            continue
        periods = [row.period for row in overdue]
        notified += len(
            notification_create_many(
                recipients=reviewers_of(unit),
                kind=NotificationKind.AUDIT_REVIEW_DUE,
                title=f"Audit-trail review overdue for {unit.code}: {', '.join(periods[:6])}"[:200],
                body="Months of "
                f"{unit.code} whose audit-trail review is not signed: {', '.join(periods)}.",
                dedupe_key=f"audit-review-overdue:{unit.code}:{year}-W{week:02d}",
                unit=unit,
                link="/audit-reviews/coverage",
            )
        )
    logger.info("audit_review_reminders: %d notification(s)", notified)
    return notified
