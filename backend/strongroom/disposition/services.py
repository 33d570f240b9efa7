"""Writes over destruction batches (PRODUCT.md §8 "Destruction batches").

::

    DRAFT --submit--> SUBMITTED --approve--> APPROVED --(first crate destroyed or not found)-->
    IN_PROGRESS --complete--> COMPLETED
    SUBMITTED --send back--> DRAFT
    DRAFT|SUBMITTED|APPROVED|IN_PROGRESS --cancel--> CANCELLED

Every status change is signed (:data:`TRANSITIONS`), goes through
:func:`strongroom.compliance.signing.signed_change` (signature verified before the transaction,
then one transaction that locks the batch, checks the caller's unit, the version, the status and
the rules, writes the change, the Signature and one AuditEvent) and reaches the browsers through
the batch's outbox event after commit.

Crates are claimed (``records.CrateClaim``) when they join a batch and released when they leave
it or the batch closes, so a crate is in at most one open batch or request, in the database.
Locks are taken in one order everywhere: crates, then the batch, then its items (the listener
for crates that left eligibility is called with the crates already locked by its caller).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.scope import not_found, require_unit, require_unit_choice, unit_allowed
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import content_digests
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.compliance.witness import witness_verify
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.core.models import Sequence
from strongroom.disposition.models import (
    OPEN_BATCH_STATUSES,
    BatchItem,
    BatchStatus,
    DestructionBatch,
    ItemState,
)
from strongroom.records.codes import InvalidCrateCodeError, normalise
from strongroom.records.disposal import crate_destruction_refusal, crates_eligible
from strongroom.records.models import Crate, CrateClaim, CrateClaimKind
from strongroom.records.services.claims import crate_claim, crate_claims_release
from strongroom.records.services.destruction import crate_destroy
from strongroom.records.services.inventory import crate_missing_refusal

MAX_BATCH_CRATES = 500
OBJECT_TYPE = "destruction_batch"
BATCH = CrateClaimKind.BATCH
S = BatchStatus


def batch_number_allocate(*, year: int | None = None) -> str:
    """``DB-2026-0007``: the next number of the year, race-free like request numbers."""
    year = year or timezone.now().year
    return f"DB-{year}-{Sequence.next_value(f'destruction_batch:{year}'):04d}"


def _require_permission(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise ApplicationError(
            "Your role does not allow this action.",
            code="permission_denied",
            status_code=status.HTTP_403_FORBIDDEN,
        )


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    return reason.strip()


def _lock_batch(*, actor: User, batch_id: int) -> DestructionBatch:
    batch = (
        DestructionBatch.objects.select_related("unit")
        .select_for_update(of=("self",))
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise not_found()
    require_unit(user=actor, unit_id=batch.unit_id)
    return batch


def _batch_save(batch: DestructionBatch, **changes: Any) -> None:
    for key, value in changes.items():
        setattr(batch, key, value)
    batch.version += 1
    batch.save()


def _lock_crates(crate_ids: Iterable[int]) -> dict[int, Crate]:
    """The crates, locked in id order (crates before the batch, everywhere)."""
    return {
        crate.pk: crate
        for crate in Crate.objects.select_for_update()
        .filter(pk__in=sorted(set(crate_ids)))
        .order_by("pk")
    }


# --- Crates joining a batch ------------------------------------------------------------------


@dataclass
class CrateSelection:
    """Which crates: listed by id, or by a filter (the unit's eligible crates, optionally of one
    department and with a retention date on or before a day)."""

    crate_ids: list[int] = field(default_factory=list)
    department_id: int | None = None
    destroy_after_before: dt.date | None = None


def _crate_refusal(crate: Crate | None, *, unit_id: int, today: dt.date) -> str | None:
    if crate is None or crate.unit_id != unit_id:
        return "No such crate in this unit."
    missing = crate_missing_refusal(crate)
    if missing is not None:
        return missing.message
    if crate.status != Crate.Status.IN_STORAGE:
        return f"Crate {crate.code} is {crate.get_status_display().lower()}, not in storage."
    refusal = crate_destruction_refusal(crate, on=today)
    if refusal is not None:
        return refusal.message
    return None


def _selected_crates(
    *, unit: Unit, selection: CrateSelection, exclude_ids: Iterable[int] = ()
) -> list[Crate]:
    """The crates to add, locked and checked: each eligible today and not held by an open
    request or another batch, else per-crate errors (409 ``crates_not_eligible``, details
    ``crates``: crate id → messages)."""
    today = timezone.localdate()
    if selection.crate_ids:
        ids = sorted(set(selection.crate_ids) - set(exclude_ids))
    else:
        candidates = crates_eligible(on=today, crates=Crate.objects.filter(unit=unit)).filter(
            claim__isnull=True
        )
        if selection.department_id is not None:
            candidates = candidates.filter(department_id=selection.department_id)
        if selection.destroy_after_before is not None:
            candidates = candidates.filter(destroy_after__lte=selection.destroy_after_before)
        ids = list(
            candidates.exclude(pk__in=list(exclude_ids))
            .order_by("destroy_after", "code")
            .values_list("pk", flat=True)[:MAX_BATCH_CRATES]
        )
    if not ids:
        raise ApplicationError(
            "No eligible crate was selected.",
            code="no_crates",
            details={"crates": ["Select at least one eligible crate."]},
        )
    if len(ids) > MAX_BATCH_CRATES:
        raise ApplicationError(
            f"A batch holds at most {MAX_BATCH_CRATES} crates.",
            code="too_many_crates",
            details={"crates": [f"At most {MAX_BATCH_CRATES}."]},
        )
    crates = _lock_crates(ids)
    claims = {c.crate_id: c for c in CrateClaim.objects.filter(crate_id__in=ids)}
    errors: dict[str, list[str]] = {}
    for crate_id in ids:
        crate = crates.get(crate_id)
        message = _crate_refusal(crate, unit_id=unit.pk, today=today)
        claim = claims.get(crate_id)
        if message is None and claim is not None and crate is not None:
            kind = (
                "an open request"
                if claim.holder_kind == CrateClaimKind.REQUEST
                else ("another open destruction batch")
            )
            message = f"Crate {crate.code} is held by {kind}."
        if message is not None:
            errors[str(crate_id)] = [message]
    if errors:
        raise ConflictError(
            "Some crates cannot be destroyed now; nothing was changed.",
            code="crates_not_eligible",
            details={"crates": errors},
        )
    return [crates[i] for i in ids]


def _items_add(batch: DestructionBatch, crates: list[Crate]) -> None:
    for crate in crates:  # a claim taken meanwhile by another transaction: 409 crate_claimed
        crate_claim(crate_id=crate.pk, kind=BATCH, holder_id=batch.pk)
    BatchItem.objects.bulk_create([BatchItem(batch=batch, crate=crate) for crate in crates])


@transaction.atomic
def batch_create(
    *, actor: User, unit_id: int, selection: CrateSelection, note: str = ""
) -> DestructionBatch:
    """A DRAFT batch of the unit's eligible crates (listed, or chosen by the filter), each
    claimed for it; audited ``batch.create``."""
    _require_permission(actor, "disposition.prepare_batch")
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ApplicationError(
            "Choose a unit.", code="unit_required", details={"unit": ["Required."]}
        )
    require_unit_choice(user=actor, unit_ids=[unit.pk], field="unit")
    if (
        selection.department_id is not None
        and not Department.objects.filter(pk=selection.department_id, unit=unit).exists()
    ):
        raise ApplicationError(
            "Choose a department of the batch's unit.",
            code="invalid_department",
            details={"department": ["Not a department of this unit."]},
        )
    crates = _selected_crates(unit=unit, selection=selection)
    batch = DestructionBatch.objects.create(
        number=batch_number_allocate(), unit=unit, prepared_by=actor, note=(note or "").strip()
    )
    _items_add(batch, crates)
    audit_event_record(
        action="batch.create",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=batch.pk,
        unit=unit,
        changes={
            "number": [None, batch.number],
            "status": [None, batch.status],
            "crates": [None, sorted(c.code for c in crates)],
        },
    )
    return batch


def _draft_edit_begin(*, actor: User, batch_id: int, version: int | None) -> DestructionBatch:
    _require_permission(actor, "disposition.prepare_batch")
    batch = _lock_batch(actor=actor, batch_id=batch_id)
    version_check(batch, version, what="batch")
    if batch.status != S.DRAFT:
        raise ConflictError(
            "Crates are added and removed only while the batch is a draft.",
            code="invalid_transition",
        )
    return batch


def _draft_edit_audit(
    *,
    actor: User,
    batch: DestructionBatch,
    action: str,
    codes: list[str],
    digests_before: dict[str, str],
) -> None:
    _batch_save(batch)
    audit_event_record(
        action=action,
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=batch.pk,
        unit=batch.unit,
        changes={
            "crates": [None, codes] if action == "batch.items_add" else [codes, None],
            "version": [batch.version - 1, batch.version],
            "content_digest": [digests_before, content_digests(batch)],
        },
    )


def batch_items_add(
    *, actor: User, batch_id: int, version: int | None, selection: CrateSelection
) -> DestructionBatch:
    """Add eligible crates to a DRAFT batch (claimed for it); audited ``batch.items_add`` with
    the batch's content digests before and after (a signature made before reads as
    superseded)."""
    _require_permission(actor, "disposition.prepare_batch")
    preview = DestructionBatch.objects.filter(pk=batch_id).values("unit_id").first()
    if preview is None:
        raise not_found()
    require_unit(user=actor, unit_id=preview["unit_id"])
    with transaction.atomic():
        unit = Unit.objects.get(pk=preview["unit_id"])
        present = list(
            BatchItem.objects.filter(batch_id=batch_id).values_list("crate_id", flat=True)
        )
        crates = _selected_crates(unit=unit, selection=selection, exclude_ids=present)
        batch = _draft_edit_begin(actor=actor, batch_id=batch_id, version=version)
        digests_before = content_digests(batch)
        _items_add(batch, crates)
        _draft_edit_audit(
            actor=actor,
            batch=batch,
            action="batch.items_add",
            codes=sorted(c.code for c in crates),
            digests_before=digests_before,
        )
    return batch


@transaction.atomic
def batch_items_remove(
    *, actor: User, batch_id: int, version: int | None, item_ids: list[int]
) -> DestructionBatch:
    """Take items out of a DRAFT batch (their claims released); audited
    ``batch.items_remove`` with the content digests before and after."""
    batch = _draft_edit_begin(actor=actor, batch_id=batch_id, version=version)
    items = list(
        BatchItem.objects.select_for_update(of=("self",))
        .select_related("crate")
        .filter(batch=batch, pk__in=item_ids)
    )
    missing = set(item_ids) - {i.pk for i in items}
    if not item_ids or missing:
        raise ApplicationError(
            "Choose items of this batch.",
            code="invalid_items",
            details={
                "items": [f"Not in this batch: {sorted(missing)}" if missing else "Required."]
            },
        )
    digests_before = content_digests(batch)
    crate_ids = [i.crate_id for i in items]
    codes = sorted(i.crate.code for i in items)
    BatchItem.objects.filter(pk__in=[i.pk for i in items]).delete()
    crate_claims_release(kind=BATCH, holder_id=batch.pk, crate_ids=crate_ids)
    _draft_edit_audit(
        actor=actor,
        batch=batch,
        action="batch.items_remove",
        codes=codes,
        digests_before=digests_before,
    )
    return batch


# --- The signed transitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    permission: str
    meaning: SignatureMeaning
    label: str
    done: str  # "approved": the transition in words, after "cannot be"
    reason_required: bool = False
    not_preparer: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            (S.DRAFT,),
            S.SUBMITTED,
            "disposition.prepare_batch",
            SignatureMeaning.SUBMITTED,
            "Submit for approval",
            "submitted",
        ),
        Transition(
            "send_back",
            (S.SUBMITTED,),
            S.DRAFT,
            "disposition.approve_batch",
            SignatureMeaning.SENT_BACK,
            "Send back",
            "sent back",
            reason_required=True,
            not_preparer=True,
        ),
        Transition(
            "approve",
            (S.SUBMITTED,),
            S.APPROVED,
            "disposition.approve_batch",
            SignatureMeaning.BATCH_APPROVED,
            "Approve",
            "approved",
            not_preparer=True,
        ),
        Transition(
            "cancel",
            tuple(OPEN_BATCH_STATUSES),
            S.CANCELLED,
            "disposition.prepare_batch",
            SignatureMeaning.CANCELLED,
            "Cancel batch",
            "cancelled",
            reason_required=True,
        ),
        Transition(
            "complete",
            (S.APPROVED, S.IN_PROGRESS),
            S.COMPLETED,
            "disposition.destroy_batch_item",
            SignatureMeaning.BATCH_COMPLETED,
            "Complete",
            "completed",
        ),
    )
}
ITEM_SOURCES = (S.APPROVED, S.IN_PROGRESS)
ITEM_PERMISSION = "disposition.destroy_batch_item"


def transition_refusal(
    transition: Transition, *, actor: User, batch: DestructionBatch
) -> ApplicationError | None:
    """Why ``actor`` may not perform ``transition`` on ``batch`` now (permission, unit, status,
    separation of duties), or None; ``available_actions`` lists the transitions with no answer."""
    if not actor.has_perm(transition.permission):
        return ApplicationError(
            "Your role does not allow this action.",
            code="permission_denied",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if not unit_allowed(user=actor, unit_id=batch.unit_id):
        return not_found()
    if batch.status not in transition.sources:
        return ConflictError(
            f"A {batch.get_status_display().lower()} batch cannot be {transition.done}.",
            code="invalid_transition",
        )
    if transition.not_preparer and batch.prepared_by_id == actor.pk:
        return ApplicationError(
            "You cannot decide on a batch you prepared.",
            code="separation_of_duties",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return None


def item_action_refusal(*, actor: User, batch: DestructionBatch) -> ApplicationError | None:
    """Why ``actor`` may not destroy or mark not found a crate of ``batch`` now, or None."""
    if not actor.has_perm(ITEM_PERMISSION):
        return ApplicationError(
            "Your role does not allow this action.",
            code="permission_denied",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if not unit_allowed(user=actor, unit_id=batch.unit_id):
        return not_found()
    if batch.status not in ITEM_SOURCES:
        return ConflictError(
            f"Crates are destroyed only in an approved batch; this one is "
            f"{batch.get_status_display().lower()}.",
            code="invalid_transition",
        )
    return None


def _raise(refusal: ApplicationError | None) -> None:
    if refusal is not None:
        raise refusal


def _items_close(batch: DestructionBatch, *, code: str, reason: str) -> list[str]:
    """The batch's PENDING items dropped (a cancelled batch destroys nothing more)."""
    now = timezone.now()
    items = list(
        BatchItem.objects.select_for_update(of=("self",))
        .select_related("crate")
        .filter(batch=batch, state=ItemState.PENDING)
    )
    for item in items:
        item.state = ItemState.DROPPED
        item.reason_code = code
        item.reason = reason
        item.resolved_at = now
        item.save()
    return sorted(i.crate.code for i in items)


def batch_transition(
    *,
    http_request: HttpRequest,
    actor: User,
    batch_id: int,
    name: str,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> DestructionBatch:
    """One signed status change of :data:`TRANSITIONS`. A refusal for separation of duties (the
    preparer deciding on their own batch) is audited ``batch.refused`` after the rollback, for
    the audit-trail review (strongroom.review)."""
    try:
        return _batch_transition(
            http_request=http_request,
            actor=actor,
            batch_id=batch_id,
            name=name,
            version=version,
            password=password,
            username=username,
            reauthentication=reauthentication,
            reason=reason,
        )
    except ApplicationError as exc:
        if exc.code == "separation_of_duties":
            batch = DestructionBatch.objects.select_related("unit").filter(pk=batch_id).first()
            audit_event_record(
                action="batch.refused",
                actor=actor,
                object_type=OBJECT_TYPE,
                object_id=batch_id,
                unit=batch.unit if batch is not None else None,
                changes={"transition": [None, name]},
                reason=exc.code,
            )
        raise


def _batch_transition(
    *,
    http_request: HttpRequest,
    actor: User,
    batch_id: int,
    name: str,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> DestructionBatch:
    transition = TRANSITIONS[name]
    _require_permission(actor, transition.permission)
    reason = _require_reason(reason) if transition.reason_required else (reason or "").strip()
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=transition.meaning,
        object_type=OBJECT_TYPE,
        object_id=batch_id,
        reason=reason,
    ) as change:
        batch = _lock_batch(actor=actor, batch_id=batch_id)
        change.lock_loaded(batch, version=version, what="batch")
        _raise(transition_refusal(transition, actor=actor, batch=batch))
        before = batch.status
        now = timezone.now()
        pending = BatchItem.objects.filter(batch=batch, state=ItemState.PENDING)
        extra: dict[str, list[Any]] = {}
        if name in ("submit", "approve") and not pending.exists():
            raise ConflictError(
                "The batch has no crate left to destroy; cancel it instead.", code="batch_empty"
            )
        if name == "complete" and pending.exists():
            raise ConflictError(
                f"{pending.count()} crate(s) are neither destroyed nor marked not found.",
                code="items_pending",
            )
        if name == "submit":
            batch.submitted_at, batch.send_back_reason = now, ""
        elif name == "send_back":
            batch.send_back_reason = reason
        elif name == "approve":
            batch.approved_by, batch.approved_at = actor, now
        elif name == "cancel":
            batch.cancelled_at, batch.cancel_reason = now, reason
            dropped = _items_close(batch, code="batch_cancelled", reason=reason)
            if dropped:
                extra["dropped"] = [None, dropped]
        elif name == "complete":
            batch.completed_by, batch.completed_at = actor, now
        if transition.target in (S.COMPLETED, S.CANCELLED):
            released = crate_claims_release(kind=BATCH, holder_id=batch.pk)
            extra["claims_released"] = [None, released]
        _batch_save(batch, status=transition.target)
        change.audit(
            action=f"batch.{name}",
            changes={
                "status": [before, batch.status],
                "version": [batch.version - 1, batch.version],
                **extra,
            },
        )
    return batch


# --- Crate by crate ------------------------------------------------------------------------------


def _item_preview(*, actor: User, batch_id: int, item_id: int) -> dict[str, Any]:
    preview = (
        BatchItem.objects.filter(pk=item_id, batch_id=batch_id)
        .values(
            "crate_id",
            "crate__code",
            "crate__unit__code",
            "batch__unit_id",
            "batch__prepared_by_id",
        )
        .first()
    )
    if preview is None:
        raise not_found()
    require_unit(user=actor, unit_id=preview["batch__unit_id"])
    return dict(preview)


def _item_lock(
    *, actor: User, batch_id: int, item_id: int, crate_id: int, version: int | None
) -> tuple[Crate, DestructionBatch, BatchItem]:
    """Crate, batch, item — locked in that order — after the version, the batch's status and
    the item's state are checked."""
    crate = Crate.objects.select_for_update().get(pk=crate_id)
    batch = _lock_batch(actor=actor, batch_id=batch_id)
    version_check(batch, version, what="batch")
    _raise(item_action_refusal(actor=actor, batch=batch))
    item = BatchItem.objects.select_for_update().get(pk=item_id)
    item.crate = crate
    item.batch = batch
    if item.state != ItemState.PENDING:
        raise ConflictError(
            f"Crate {crate.code} is already {item.get_state_display().lower()} in this batch.",
            code="item_not_pending",
        )
    return crate, batch, item


def _started(batch: DestructionBatch, now: dt.datetime) -> dict[str, Any]:
    """The first crate handled moves an approved batch in progress."""
    if batch.status == S.APPROVED:
        return {"status": S.IN_PROGRESS, "started_at": now}
    return {}


def _eligibility_refusal(crate: Crate) -> ConflictError | None:
    missing = crate_missing_refusal(crate)
    if missing is not None:
        return missing
    if crate.status != Crate.Status.IN_STORAGE:
        return ConflictError(
            f"Crate {crate.code} is {crate.get_status_display().lower()}, not in storage.",
            code="crate_wrong_status",
        )
    return crate_destruction_refusal(crate, on=timezone.localdate())


def _scan_check(scanned_code: str, crate_code: str, unit_code: str) -> str:
    """The scanned label must be this crate's code (as :func:`strongroom.records.codes.normalise`
    reads what a scanner or a person typed)."""
    department = crate_code.split("-")[1] if crate_code.count("-") >= 4 else ""
    try:
        scanned = normalise(scanned_code, known_prefixes=[(unit_code, department)])
    except InvalidCrateCodeError as exc:
        raise ApplicationError(
            str(exc), code="scan_invalid", details={"scanned_code": [str(exc)]}
        ) from exc
    if scanned != crate_code:
        raise ApplicationError(
            f"The scanned label {scanned} is not crate {crate_code}; nothing was changed.",
            code="scan_mismatch",
            details={"scanned_code": [f"Scanned {scanned}, expected {crate_code}."]},
        )
    return scanned


@dataclass
class DestroyInput:
    version: int | None
    scanned_code: str
    password: str
    username: str = ""
    reauthentication: str = ""  # a re-authentication ticket (users of the identity provider)
    witness_username: str = ""
    witness_password: str = ""


def batch_item_destroy(
    *, http_request: HttpRequest, actor: User, batch_id: int, item_id: int, data: DestroyInput
) -> DestructionBatch:
    """Destroy one crate of an approved batch: its scanned label must be its code; the Store
    Head signs ``DESTROYED`` and a witness co-signs ``WITNESSED`` in the same call (on the batch
    item); the crate and its documents become DESTROYED (records' ``crate_destroy``, as for a
    DESTRUCTION request); audited ``batch.item_destroy`` on the batch.

    Eligibility is checked again at that moment: a crate that may no longer be destroyed leaves
    the batch (DROPPED, with the reason; audited ``batch.item_drop``) instead — nothing is
    signed, and the batch comes back with the item dropped."""
    _require_permission(actor, ITEM_PERMISSION)
    preview = _item_preview(actor=actor, batch_id=batch_id, item_id=item_id)
    scanned = _scan_check(data.scanned_code, preview["crate__code"], preview["crate__unit__code"])
    with transaction.atomic():
        crate, batch, item = _item_lock(
            actor=actor,
            batch_id=batch_id,
            item_id=item_id,
            crate_id=preview["crate_id"],
            version=data.version,
        )
        refusal = _eligibility_refusal(crate)
        if refusal is not None:
            _items_drop(batch, [item], code=refusal.code, reason=refusal.message, actor=actor)
            return batch

    def witness_sign() -> None:
        witness_holder.append(
            witness_verify(
                http_request=http_request,
                actor=actor,
                username=data.witness_username,
                password=data.witness_password,
                unit_id=preview["batch__unit_id"],
                object_type="batch_item",
                object_id=item_id,
                excluded_user_ids=(),
                excluded_words="the executor",
            )
        )

    witness_holder: list[User] = []
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=data.password,
        username=data.username,
        reauthentication=data.reauthentication,
        meaning=SignatureMeaning.DESTROYED,
        object_type="batch_item",
        object_id=item_id,
        reason=f"Crate {preview['crate__code']}",
        before_transaction=witness_sign,
    ) as change:
        crate, batch, item = _item_lock(
            actor=actor,
            batch_id=batch_id,
            item_id=item_id,
            crate_id=preview["crate_id"],
            version=data.version,
        )
        _raise(_eligibility_refusal(crate))  # changed since the check above: nothing is done
        witness = witness_holder[0]
        now = timezone.now()
        before = batch.status
        crate_destroy(crate=crate, at=now)
        item.state = ItemState.DESTROYED
        item.scanned_code = scanned
        item.destroyed_at = now
        item.destroyed_by = actor
        item.witness = witness
        item.save()
        _batch_save(batch, **_started(batch, now))
        change.sign(item)
        change.cosign(signer=witness, meaning=SignatureMeaning.WITNESSED)
        change.audit(
            action="batch.item_destroy",
            object_type=OBJECT_TYPE,
            object_id=batch.pk,
            unit=batch.unit,
            with_signature=True,
            changes={
                "item": [None, item.pk],
                "crate": [None, crate.code],
                "state": [ItemState.PENDING, ItemState.DESTROYED],
                "crate_status": [Crate.Status.IN_STORAGE, Crate.Status.DESTROYED],
                "witness": [None, witness.username],
                "version": [batch.version - 1, batch.version],
                **({"status": [before, batch.status]} if before != batch.status else {}),
            },
        )
    return batch


@transaction.atomic
def batch_item_not_found(
    *, actor: User, batch_id: int, item_id: int, version: int | None, reason: str
) -> DestructionBatch:
    """The Store Head could not find the crate: the item is NOT_FOUND with the reason (its claim
    is kept until the batch closes); audited ``batch.item_not_found``."""
    _require_permission(actor, ITEM_PERMISSION)
    reason = _require_reason(reason)
    preview = _item_preview(actor=actor, batch_id=batch_id, item_id=item_id)
    crate, batch, item = _item_lock(
        actor=actor,
        batch_id=batch_id,
        item_id=item_id,
        crate_id=preview["crate_id"],
        version=version,
    )
    now = timezone.now()
    before = batch.status
    item.state = ItemState.NOT_FOUND
    item.reason_code = "not_found"
    item.reason = reason
    item.resolved_at = now
    item.resolved_by = actor
    item.save()
    _batch_save(batch, **_started(batch, now))
    audit_event_record(
        action="batch.item_not_found",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=batch.pk,
        unit=batch.unit,
        reason=reason,
        changes={
            "item": [None, item.pk],
            "crate": [None, crate.code],
            "state": [ItemState.PENDING, ItemState.NOT_FOUND],
            "version": [batch.version - 1, batch.version],
            **({"status": [before, batch.status]} if before != batch.status else {}),
        },
    )
    return batch


# --- Crates that stop being eligible --------------------------------------------------------------


def _items_drop(
    batch: DestructionBatch,
    items: list[BatchItem],
    *,
    code: str,
    reason: str,
    actor: User | None = None,
) -> None:
    """Drop the (locked, PENDING) items of the (locked) batch with the reason, release their
    claims, bump the batch's version, and audit ``batch.item_drop``."""
    now = timezone.now()
    for item in items:
        item.state = ItemState.DROPPED
        item.reason_code = code[:40]
        item.reason = reason
        item.resolved_at = now
        item.save()
    crate_claims_release(kind=BATCH, holder_id=batch.pk, crate_ids=[i.crate_id for i in items])
    _batch_save(batch)
    audit_event_record(
        action="batch.item_drop",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=batch.pk,
        unit=batch.unit,
        reason=code,
        changes={
            "crates": [None, sorted(i.crate.code for i in items)],
            "state": [ItemState.PENDING, ItemState.DROPPED],
            "reason": [None, reason],
            "version": [batch.version - 1, batch.version],
        },
    )


def batch_items_drop_ineligible(crate_ids: list[int], code: str, reason: str) -> None:
    """The listener of :func:`strongroom.records.disposal.crates_left_eligibility` (registered in
    DispositionConfig.ready): the crates' PENDING items in open batches are dropped with the
    reason, in the caller's transaction (which holds the crates' locks)."""
    batch_ids = sorted(
        set(
            BatchItem.objects.filter(
                crate_id__in=crate_ids,
                state=ItemState.PENDING,
                batch__status__in=OPEN_BATCH_STATUSES,
            ).values_list("batch_id", flat=True)
        )
    )
    for batch_id in batch_ids:
        batch = (
            DestructionBatch.objects.select_related("unit")
            .select_for_update(of=("self",))
            .get(pk=batch_id)
        )
        if batch.status not in OPEN_BATCH_STATUSES:
            continue  # closed meanwhile: its claims are already released
        items = list(
            BatchItem.objects.select_for_update(of=("self",))
            .select_related("crate")
            .filter(batch=batch, crate_id__in=crate_ids, state=ItemState.PENDING)
            .order_by("pk")
        )
        if items:
            _items_drop(batch, items, code=code, reason=reason)
