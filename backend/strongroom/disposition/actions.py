"""What the caller may do with a batch now (``available_actions``): the signed transitions of
:data:`strongroom.disposition.services.TRANSITIONS` whose refusal has no answer, and the item
actions (edit the crates of a draft, destroy a crate or mark it not found in an approved batch).
The endpoints raise the same refusals, so the two cannot disagree."""

from typing import Any

from strongroom.accounts.models import User
from strongroom.accounts.scope import unit_allowed
from strongroom.compliance.models import SignatureMeaning
from strongroom.disposition.models import BatchStatus, DestructionBatch
from strongroom.disposition.services import (
    TRANSITIONS,
    item_action_refusal,
    transition_refusal,
)


def _action(
    name: str,
    label: str,
    *,
    meaning: str | None = None,
    reason_required: bool = False,
    witness: bool = False,
    scan: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "path": name.replace("_", "-"),
        "label": label,
        "meaning": meaning,
        "meaning_label": SignatureMeaning(meaning).label if meaning else None,
        "reason_required": reason_required,
        "witness": witness,
        "scan": scan,
    }


def batch_available_actions(*, actor: User, batch: DestructionBatch) -> list[dict[str, Any]]:
    actions = [
        _action(t.name, t.label, meaning=t.meaning.value, reason_required=t.reason_required)
        for t in TRANSITIONS.values()
        if transition_refusal(t, actor=actor, batch=batch) is None
    ]
    if (
        batch.status == BatchStatus.DRAFT
        and actor.has_perm("disposition.prepare_batch")
        and unit_allowed(user=actor, unit_id=batch.unit_id)
    ):
        actions.append(_action("edit_items", "Add or remove crates"))
    if item_action_refusal(actor=actor, batch=batch) is None:
        actions.append(
            _action(
                "destroy_item",
                "Destroy crate",
                meaning=SignatureMeaning.DESTROYED.value,
                witness=True,
                scan=True,
            )
        )
        actions.append(_action("mark_not_found", "Mark not found", reason_required=True))
    return actions
