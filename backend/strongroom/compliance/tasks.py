import logging

from celery import shared_task
from django.utils import timezone

from strongroom.accounts.selectors import user_list_with_permission
from strongroom.compliance.checkpoints import audit_checkpoint_create, audit_verify
from strongroom.core.errors import ApplicationError
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many

logger = logging.getLogger(__name__)


def _alert(*, title: str, body: str, key: str) -> None:
    """Tell every System Administrator, once a day per problem."""
    notification_create_many(
        recipients=user_list_with_permission(permission="compliance.verify_audit_chain"),
        kind=NotificationKind.AUDIT_CHAIN_BROKEN,
        title=title,
        body=body,
        dedupe_key=f"audit-chain-broken:{key}:{timezone.localdate()}",
    )


@shared_task
def verify_audit_chain() -> bool:
    """Recompute the chain and check every checkpoint, then sign the head; tell every System
    Administrator (once a day) when anything is wrong or the verification cannot run."""
    try:
        report = audit_verify(write_checkpoint=True)
    except ApplicationError as exc:
        logger.error("verify_audit_chain: cannot verify (%s)", exc.code)
        _alert(
            title="Audit chain could not be verified",
            body=f"{exc.message} Fix this before the next inspection.",
            key=exc.code,
        )
        return False
    if report.intact:
        logger.info(
            "verify_audit_chain: intact, %d event(s), %d checkpoint(s) checked",
            report.checked,
            report.checkpoints_checked,
        )
        return True
    if report.first_broken_id is not None:
        where, key = f"event {report.first_broken_id}", f"event-{report.first_broken_id}"
    else:
        where = f"checkpoint {report.first_bad_checkpoint_id}"
        key = f"checkpoint-{report.first_bad_checkpoint_id}"
    logger.error(
        "verify_audit_chain: BROKEN at %s (%s) after %d intact event(s)",
        where,
        report.problem,
        report.checked,
    )
    _alert(
        title=f"Audit chain broken at {where}",
        body=f"Verification found: {report.problem}. Investigate before the next inspection.",
        key=key,
    )
    return False


@shared_task
def checkpoint_audit_chain() -> bool:
    """Sign the chain's head as a checkpoint (hourly). When the head no longer fits the last
    checkpoint, sign nothing and run the full verification, which alerts."""
    try:
        checkpoint = audit_checkpoint_create()
    except ApplicationError as exc:
        logger.error("checkpoint_audit_chain: refused (%s): %s", exc.code, exc.message)
        return verify_audit_chain()
    logger.info(
        "checkpoint_audit_chain: checkpoint %d at event %d", checkpoint.id, checkpoint.last_event_id
    )
    return True
