import logging

from celery import shared_task
from django.utils import timezone

from strongroom.accounts.selectors import user_list_with_permission
from strongroom.compliance.audit import verify_chain
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> bool:
    """Recompute the chain; tell every System Administrator (once a day) when it is broken."""
    report = verify_chain()
    if report.intact:
        logger.info("verify_audit_chain: intact, %d event(s) checked", report.checked)
        return True
    logger.error(
        "verify_audit_chain: BROKEN at event %s (%s) after %d intact event(s)",
        report.first_broken_id,
        report.problem,
        report.checked,
    )
    notification_create_many(
        recipients=user_list_with_permission(permission="compliance.verify_audit_chain"),
        kind=NotificationKind.AUDIT_CHAIN_BROKEN,
        title=f"Audit chain broken at event {report.first_broken_id}",
        body=f"Verification found that {report.problem}. Investigate before the next inspection.",
        dedupe_key=f"audit-chain-broken:{report.first_broken_id}:{timezone.localdate()}",
    )
    return False
