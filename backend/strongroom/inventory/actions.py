"""What the caller may do with an audit now (``available_actions``), from the same refusals the
endpoints raise, so the two cannot disagree."""

from typing import Any

from strongroom.accounts.models import User
from strongroom.accounts.scope import unit_allowed
from strongroom.compliance.models import SignatureMeaning
from strongroom.inventory.models import AuditStatus, InventoryAudit
from strongroom.inventory.services import (
    COUNTING,
    RUN,
    cancel_refusal,
    close_refusal,
    reconcile_refusal,
)


def _action(
    name: str,
    label: str,
    *,
    meaning: SignatureMeaning | None = None,
    reason_required: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "path": name.replace("_", "-"),
        "label": label,
        "meaning": meaning.value if meaning else None,
        "meaning_label": meaning.label if meaning else None,
        "reason_required": reason_required,
    }


def audit_available_actions(*, actor: User, audit: InventoryAudit) -> list[dict[str, Any]]:
    actions = []
    runs = actor.has_perm(RUN) and unit_allowed(user=actor, unit_id=audit.unit_id)
    if runs and audit.status in COUNTING:
        actions.append(_action("scan", "Scan shelves"))
    if runs and audit.status == AuditStatus.IN_PROGRESS:
        actions.append(_action("count_complete", "Complete the count"))
    if reconcile_refusal(actor=actor, audit=audit) is None:
        actions.append(
            _action(
                "reconcile",
                "Reconcile",
                meaning=SignatureMeaning.RECONCILED,
                reason_required=True,
            )
        )
    if close_refusal(actor=actor, audit=audit) is None:
        actions.append(_action("close", "Close audit", meaning=SignatureMeaning.AUDIT_CLOSED))
    if cancel_refusal(actor=actor, audit=audit) is None:
        actions.append(
            _action(
                "cancel", "Cancel audit", meaning=SignatureMeaning.CANCELLED, reason_required=True
            )
        )
    return actions
