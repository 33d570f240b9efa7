"""The request status machine (PRODUCT.md §1 "Requests"). A status changes here and nowhere else.

::

    SUBMITTED --approve--> APPROVED --allocate|transfer|destroy--> COMPLETED
    SUBMITTED --approve--> APPROVED --issue--> ISSUED --receive--> COMPLETED     (WITHDRAWAL)
    SUBMITTED --reject--> REJECTED
    SUBMITTED|APPROVED --send back--> SENT_BACK --resubmit--> SUBMITTED
    SUBMITTED|SENT_BACK --cancel--> CANCELLED

Each transition is declared once in :data:`TRANSITIONS`: where it goes from and to, who may do
it, what the signature means, the timestamps it stamps, whether a witness co-signs and which
notification it sends; :func:`request_transition` reads the declaration and branches on no name.
The caller's permission is checked first (no query); the signature is verified next, outside the
transaction, so a wrong password stays audited and counted (a witness's too, after the unit
check, so that nobody outside the unit can make a witness's failures count); then, in one
transaction, the request row is read once, locked, with the crate, unit and requester it needs,
and the unit scope (404 outside the caller's units, accounts/scope.py), the transition, separation
of duties, version and preconditions are checked before the change, the Signature and the
AuditEvent are written; notifications go out after commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import User
from strongroom.accounts.scope import not_found, require_unit, unit_allowed
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import SignedChange, signed_change
from strongroom.compliance.witness import witness_verify
from strongroom.core.errors import ApplicationError, ConflictError
from strongroom.records.models import Crate, CrateClaimKind
from strongroom.records.services.claims import crate_release
from strongroom.records.services.destruction import crate_destroy
from strongroom.records.services.inventory import crate_missing_refusal
from strongroom.requests.models import (
    FINAL_STATUSES,
    Request,
    RequestStatus,
    RequestType,
    SendBack,
)
from strongroom.requests.services import (
    destruction_preconditions,
    notify_after_commit,
    permission_denied,
    require_permission,
    require_reason,
    transfer_target,
)
from strongroom.storage.services import security_class_move_check, shelf_choose, shelf_reserve

S = RequestStatus


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    permission: str
    meaning: SignatureMeaning
    types: tuple[str, ...] = tuple(RequestType.values)
    reason_required: bool = False
    requester_only: bool = False
    not_requester: bool = False
    # The request's timestamp fields set to the moment of the transition.
    stamps: tuple[str, ...] = ()
    # A second person co-signs (SignatureMeaning.WITNESSED) in the same call.
    witness: bool = False
    # The request event notified after commit (strongroom.requests.notifying), if any.
    event: str | None = None
    # How a person is asked for it (GET /api/v1/requests/transitions/, ``available_actions``).
    label: str = ""
    shelf: str = "none"  # none | required | optional: the shelf field of the signature dialog


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "approve",
            (S.SUBMITTED,),
            S.APPROVED,
            "workflow.approve_request",
            SignatureMeaning.APPROVED,
            not_requester=True,
            stamps=("decided_at",),
            event="approved",
            label="Approve",
        ),
        Transition(
            "reject",
            (S.SUBMITTED,),
            S.REJECTED,
            "workflow.approve_request",
            SignatureMeaning.REJECTED,
            reason_required=True,
            not_requester=True,
            stamps=("decided_at",),
            event="rejected",
            label="Reject",
        ),
        Transition(
            "send_back",
            (S.SUBMITTED, S.APPROVED),
            S.SENT_BACK,
            "workflow.approve_request",
            SignatureMeaning.SENT_BACK,
            reason_required=True,
            not_requester=True,
            event="sent_back",
            label="Send back",
        ),
        Transition(
            "resubmit",
            (S.SENT_BACK,),
            S.SUBMITTED,
            "workflow.add_request",
            SignatureMeaning.RESUBMITTED,
            reason_required=True,
            requester_only=True,
            event="submitted",
            label="Resubmit",
        ),
        Transition(
            "cancel",
            (S.SUBMITTED, S.SENT_BACK),
            S.CANCELLED,
            "workflow.add_request",
            SignatureMeaning.CANCELLED,
            reason_required=True,
            requester_only=True,
            label="Cancel request",
        ),
        Transition(
            "allocate",
            (S.APPROVED,),
            S.COMPLETED,
            "workflow.fulfil_request",
            SignatureMeaning.ALLOCATED,
            types=(RequestType.STORAGE,),
            stamps=("completed_at",),
            label="Allocate shelf",
            shelf="required",
        ),
        Transition(
            "issue",
            (S.APPROVED,),
            S.ISSUED,
            "workflow.fulfil_request",
            SignatureMeaning.ISSUED,
            types=(RequestType.WITHDRAWAL,),
            stamps=("issued_at",),
            event="issued",
            label="Issue",
        ),
        Transition(
            "receive",
            (S.ISSUED,),
            S.COMPLETED,
            "workflow.fulfil_request",
            SignatureMeaning.RECEIVED,
            types=(RequestType.WITHDRAWAL,),
            stamps=("returned_at", "completed_at"),
            label="Receive return",
            shelf="optional",
        ),
        Transition(
            "transfer",
            (S.APPROVED,),
            S.COMPLETED,
            "workflow.fulfil_request",
            SignatureMeaning.TRANSFERRED,
            types=(RequestType.TRANSFER,),
            stamps=("completed_at",),
            label="Transfer",
        ),
        Transition(
            "destroy",
            (S.APPROVED,),
            S.COMPLETED,
            "workflow.fulfil_request",
            SignatureMeaning.DESTROYED,
            types=(RequestType.DESTRUCTION,),
            stamps=("completed_at",),
            witness=True,
            event="destroyed",
            label="Destroy",
        ),
    )
}


@dataclass
class TransitionInput:
    version: int | None
    password: str
    reason: str = ""
    username: str = ""  # the signer's user ID (first signature of a session)
    reauthentication: str = ""  # a re-authentication ticket (users of the identity provider)
    shelf_id: int | None = None
    witness_username: str = ""
    witness_password: str = ""
    witness: User | None = None  # set once the witness has signed


def request_transition(
    *, http_request: HttpRequest, actor: User, request_id: int, name: str, data: TransitionInput
) -> Request:
    """One signed transition of :data:`TRANSITIONS`. A refusal for separation of duties (the
    requester deciding on their own request) is audited ``request.refused`` after the rollback,
    for the audit-trail review (strongroom.review)."""
    try:
        return _request_transition(
            http_request=http_request, actor=actor, request_id=request_id, name=name, data=data
        )
    except ApplicationError as exc:
        if exc.code == "separation_of_duties":
            request = Request.objects.select_related("unit").filter(pk=request_id).first()
            audit_event_record(
                action="request.refused",
                actor=actor,
                object_type="request",
                object_id=request_id,
                unit=request.unit if request is not None else None,
                changes={"transition": [None, name]},
                reason=exc.code,
            )
        raise


def _request_transition(
    *, http_request: HttpRequest, actor: User, request_id: int, name: str, data: TransitionInput
) -> Request:
    transition = TRANSITIONS[name]
    # Cheap checks that need no query come first.
    require_permission(actor, transition.permission)
    reason = require_reason(data.reason) if transition.reason_required else data.reason.strip()
    before_transaction = None
    if transition.witness:
        # The witness is verified before the transaction (their failures stay audited and
        # counted) and only for a request of the caller's units: the one read before the lock.
        preview = Request.objects.filter(pk=request_id).values("unit_id", "requester_id").first()
        if preview is None:
            raise not_found()
        require_unit(user=actor, unit_id=preview["unit_id"])
        before_transaction = partial(
            _witness_sign,
            http_request,
            actor,
            request_id,
            preview["unit_id"],
            preview["requester_id"],
            data,
        )
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=data.password,
        username=data.username,
        reauthentication=data.reauthentication,
        meaning=transition.meaning,
        object_type="request",
        object_id=request_id,
        reason=reason,
        before_transaction=before_transaction,
    ) as change:
        request = _lock(change, actor=actor, request_id=request_id, version=data.version)
        _check(transition, request, actor)
        before = {"status": request.status, "crate_status": request.crate.status}
        EFFECTS.get(name, _no_effect)(request, actor, data, http_request)
        request.status = transition.target
        request.version += 1
        now = timezone.now()
        for stamp in transition.stamps:
            setattr(request, stamp, now)
        try:
            request.save()
        except IntegrityError as exc:  # another open request for the crate (resubmit)
            raise ConflictError(
                "The crate has another open request.", code="crate_has_open_request"
            ) from exc
        if transition.target in FINAL_STATUSES:
            # A closed request no longer holds its crate (records.CrateClaim).
            crate_release(
                crate_id=request.crate_id, kind=CrateClaimKind.REQUEST, holder_id=request.pk
            )
        if data.witness is not None:
            change.cosign(signer=data.witness, meaning=SignatureMeaning.WITNESSED)
        # The effects keep request.crate current (they save the locked crate they changed).
        change.audit(
            action=f"request.{name}",
            changes={
                "status": [before["status"], request.status],
                **(
                    {"crate_status": [before["crate_status"], request.crate.status]}
                    if before["crate_status"] != request.crate.status
                    else {}
                ),
            },
        )
        if transition.event:
            notify_after_commit(request, transition.event)
    return request


def _lock(change: SignedChange, *, actor: User, request_id: int, version: int | None) -> Request:
    """The request row, read once: locked, with what the transition reads of it, and refused
    (404) outside the caller's units before the version is compared."""
    request = (
        Request.objects.select_related("crate", "unit", "requester")
        .select_for_update(of=("self",))
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise not_found()
    require_unit(user=actor, unit_id=request.unit_id)
    return change.lock_loaded(request, version=version, what="request")


def transition_refused_by(transition: Transition, *, actor: User, request: Request) -> str | None:
    """Which rule keeps ``actor`` from performing ``transition`` on ``request`` now — "permission",
    "unit", "type", "status", "requester" or "not_requester", checked in that order — or None.
    No exception and no message: ``available_actions`` asks it for every transition of every row
    of a list page; :func:`transition_refusal` turns its answer into the error."""
    if not actor.has_perm(transition.permission):
        return "permission"
    if not unit_allowed(user=actor, unit_id=request.unit_id):
        return "unit"
    if request.type not in transition.types:
        return "type"
    if request.status not in transition.sources:
        return "status"
    if transition.requester_only and request.requester_id != actor.pk:
        return "requester"
    if transition.not_requester and request.requester_id == actor.pk:
        return "not_requester"
    return None


def refusal_facts(*, actor: User, request: Request) -> tuple[int | None, str, str, bool]:
    """Everything of ``request`` that :func:`transition_refused_by` reads, as ``actor`` sees it:
    two requests with the same facts get the same answer for every transition, so a list page
    works its rows' available actions out once per distinct facts (a handful per page)."""
    return (request.unit_id, request.type, request.status, request.requester_id == actor.pk)


def transition_refusal(
    transition: Transition, *, actor: User, request: Request
) -> ApplicationError | None:
    """Why ``actor`` may not perform ``transition`` on ``request`` now (permission, unit, type,
    status, requester), or None. The transition endpoint raises it; ``available_actions`` lists
    the transitions :func:`transition_refused_by` (the same rules) has no answer for
    (:mod:`strongroom.requests.actions`), so the two cannot disagree."""
    rule = transition_refused_by(transition, actor=actor, request=request)
    if rule is None:
        return None
    if rule == "permission":
        return permission_denied()
    if rule == "unit":
        return not_found()
    if rule == "type":
        return ApplicationError(
            f"{transition.name.replace('_', ' ').capitalize()} does not apply to a "
            f"{request.get_type_display().lower()} request.",
            code="invalid_transition",
            status_code=status.HTTP_409_CONFLICT,
        )
    if rule == "status":
        return ApplicationError(
            f"A {request.get_status_display().lower()} request cannot be "
            f"{transition.name.replace('_', ' ')}{'d' if transition.name.endswith('e') else 'ed'}.",
            code="invalid_transition",
            status_code=status.HTTP_409_CONFLICT,
        )
    if rule == "requester":
        return ApplicationError(
            "Only the requester can do this.",
            code="not_requester",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return ApplicationError(
        "You cannot decide on your own request.",
        code="separation_of_duties",
        status_code=status.HTTP_403_FORBIDDEN,
    )


def _check(transition: Transition, request: Request, actor: User) -> None:
    """The rules after the lock and the version check (``SignedChange.lock``)."""
    refusal = transition_refusal(transition, actor=actor, request=request)
    if refusal is not None:
        raise refusal


# --- Effects on the crate and the request's own records -----------------------------------------


def _no_effect(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    return None


def _send_back(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    SendBack.objects.create(
        request=request,
        sent_by=actor,
        reason=data.reason.strip(),
        sent_at=timezone.now(),
        from_status=request.status,
    )


def _resubmit(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    for send_back in SendBack.objects.select_for_update().filter(
        request=request, resolved_at__isnull=True
    ):
        send_back.resolved_at = timezone.now()
        send_back.resolved_by = actor
        send_back.response = data.reason.strip()
        send_back.save()
    if request.type == RequestType.DESTRUCTION:
        destruction_preconditions(request.crate)


def _locked_crate(request: Request) -> Crate:
    crate = Crate.objects.select_for_update().get(pk=request.crate_id)
    request.crate = crate
    return crate


def _refuse_missing(crate: Crate) -> None:
    """A crate an inventory audit marked missing cannot be issued, transferred or destroyed."""
    refusal = crate_missing_refusal(crate)
    if refusal is not None:
        raise refusal


def _crate_save(crate: Crate, **changes: Any) -> None:
    for key, value in changes.items():
        setattr(crate, key, value)
    crate.version += 1
    crate.save()


def _allocate(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    crate = _locked_crate(request)
    if crate.status != Crate.Status.PENDING:
        raise ConflictError(
            f"Crate {crate.code} is not pending storage.", code="crate_wrong_status"
        )
    shelf = shelf_choose(user=actor, shelf_id=data.shelf_id, unit_id=crate.unit_id)
    shelf_reserve(shelf=shelf)
    request.target_location = shelf
    _crate_save(crate, status=Crate.Status.IN_STORAGE, location=shelf, last_location=shelf)


def _issue(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    crate = _locked_crate(request)
    _refuse_missing(crate)
    if crate.status != Crate.Status.IN_STORAGE:
        raise ConflictError(f"Crate {crate.code} is not in storage.", code="crate_wrong_status")
    _crate_save(crate, status=Crate.Status.ISSUED, last_location=crate.location, location=None)


def _receive(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    crate = _locked_crate(request)
    shelf = shelf_choose(
        user=actor, shelf_id=data.shelf_id or crate.last_location_id, unit_id=crate.unit_id
    )
    shelf_reserve(shelf=shelf)
    request.target_location = shelf
    _crate_save(crate, status=Crate.Status.IN_STORAGE, location=shelf, last_location=shelf)


def _transfer_target_recheck(request: Request, crate: Crate) -> tuple[Any, Any]:
    """The target chosen at submission checked again when the request is approved and when the
    crate moves: the shelf may have been deactivated, the requester may have left its unit, the
    department there may be gone."""
    try:
        return transfer_target(
            requester=request.requester, crate=crate, target_location_id=request.target_location_id
        )
    except ApplicationError as exc:
        raise ConflictError(
            "The target shelf is no longer one this transfer may use; send the request back "
            "to the requester.",
            code="target_not_available",
            details={"target_location": [exc.message]},
        ) from exc


def _approve(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    if request.type == RequestType.TRANSFER:
        _transfer_target_recheck(request, request.crate)


def _transfer(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    crate = _locked_crate(request)
    _refuse_missing(crate)
    if crate.status != Crate.Status.IN_STORAGE:
        raise ConflictError(f"Crate {crate.code} is not in storage.", code="crate_wrong_status")
    target, department = _transfer_target_recheck(request, crate)
    shelf_reserve(shelf=target, field="target_location")
    security_class_move_check(source=crate.location, target=target, reason=data.reason)
    if target.unit_id == crate.unit_id:
        _crate_save(crate, location=target, last_location=target)
        return
    try:
        with transaction.atomic():
            _crate_save(
                crate,
                location=target,
                last_location=target,
                unit_id=target.unit_id,
                department=department,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "The crate's number is already used in the target unit's department.",
            code="crate_number_conflict",
        ) from exc
    try:
        with transaction.atomic():
            crate.documents.update(unit_id=target.unit_id, department=department)
    except IntegrityError as exc:
        raise ConflictError(
            "A document number of this crate is already used in the target unit.",
            code="document_number_conflict",
        ) from exc


def _destroy(request: Request, actor: User, data: TransitionInput, http: HttpRequest) -> None:
    crate = _locked_crate(request)
    _refuse_missing(crate)
    if crate.status != Crate.Status.IN_STORAGE:
        raise ConflictError(f"Crate {crate.code} is not in storage.", code="crate_wrong_status")
    destruction_preconditions(crate)
    witness = data.witness
    assert witness is not None  # verified before the transaction
    request.witness = witness
    crate_destroy(crate=crate)


def _witness_sign(
    http: HttpRequest,
    actor: User,
    request_id: int,
    unit_id: int,
    requester_id: int,
    data: TransitionInput,
) -> None:
    """Verify the witness after the executor and before the transaction; the witness co-signs
    inside it."""
    data.witness = _witness_verify(http, actor, request_id, unit_id, requester_id, data)


def _witness_verify(
    http: HttpRequest,
    actor: User,
    request_id: int,
    unit_id: int,
    requester_id: int,
    data: TransitionInput,
) -> User:
    """The second signatory of a destruction (:func:`strongroom.compliance.witness.
    witness_verify`): someone other than the executor and the requester."""
    return witness_verify(
        http_request=http,
        actor=actor,
        username=data.witness_username,
        password=data.witness_password,
        unit_id=unit_id,
        object_type="request",
        object_id=request_id,
        excluded_user_ids=(requester_id,),
        excluded_words="the executor and the requester",
    )


EFFECTS: dict[str, Callable[[Request, User, TransitionInput, HttpRequest], None]] = {
    "approve": _approve,
    "send_back": _send_back,
    "resubmit": _resubmit,
    "allocate": _allocate,
    "issue": _issue,
    "receive": _receive,
    "transfer": _transfer,
    "destroy": _destroy,
}
