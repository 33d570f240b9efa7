"""Writes over requests: numbers, creation, editing while sent back.

The status transitions live in :mod:`strongroom.requests.transitions`. Both follow STYLE.md rule
1: signature verified before the transaction, then one transaction that locks, checks, writes
the change, the Signature and the AuditEvent; notifications go out after commit.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Department, User
from strongroom.accounts.scope import require_unit, scope_to_units
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import content_digests
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.core.models import Sequence
from strongroom.core.task_queue import task_enqueue_on_commit
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many
from strongroom.records.disposal import crate_destruction_refusal, crates_left_eligibility
from strongroom.records.models import Crate, CrateClaimKind, Document
from strongroom.records.services.claims import crate_claim, crate_claim_holder
from strongroom.records.services.inventory import crate_missing_refusal
from strongroom.requests.models import (
    IdempotencyKey,
    Request,
    RequestStatus,
    RequestType,
)
from strongroom.requests.notifying import request_reference
from strongroom.storage.models import Location
from strongroom.storage.services import shelf_choose


def request_number_allocate(*, year: int | None = None) -> str:
    """``REQ-2026-000042``: the next number of the year, race-free like crate codes."""
    year = year or timezone.now().year
    return f"REQ-{year}-{Sequence.next_value(f'request:{year}'):06d}"


# Filing a request is signed SUBMITTED and notified as "submitted": GET
# /api/v1/requests/transitions/ serves it as the "submit" row, the transition from no status.
SUBMISSION_MEANING = SignatureMeaning.SUBMITTED
SUBMISSION_EVENT = "submitted"
SUBMISSION_PERMISSION = "workflow.add_request"


def notify_after_commit(request: Request, event: str) -> None:
    from strongroom.requests.tasks import notify_request_event

    task_enqueue_on_commit(notify_request_event, request.pk, event, request.version)


# --- Shared checks -------------------------------------------------------------------------------


def permission_denied() -> ApplicationError:
    return ApplicationError(
        "Your role does not allow this action.",
        code="permission_denied",
        status_code=status.HTTP_403_FORBIDDEN,
    )


def require_permission(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise permission_denied()


def require_version(obj: Any, version: int | None) -> None:
    version_check(obj, version, what="request")


def require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    return reason.strip()


def transfer_target(
    *, requester: User, crate: Crate, target_location_id: int | None
) -> tuple[Location, Department]:
    """The shelf a transfer of ``crate`` may go to, and the crate's department there.

    The shelf is one the requester may choose (:func:`strongroom.storage.services.shelf_choose`:
    an active shelf of one of their units, so a transfer to another unit only to a unit the
    requester belongs to; another unit's shelf is refused as one that does not exist), not the
    one the crate stands on. In another unit the crate joins the active department of the same
    code, which must exist there."""
    shelf = shelf_choose(
        user=requester,
        shelf_id=target_location_id,
        field="target_location",
        not_location_id=crate.location_id,
    )
    if shelf.unit_id == crate.unit_id:
        return shelf, crate.department
    code = crate.department.code
    department = Department.objects.filter(unit_id=shelf.unit_id, code=code, is_active=True).first()
    if department is None:
        raise ApplicationError(
            f"{shelf.unit.code} has no active department {code} for this crate.",
            code="department_not_in_unit",
            details={"target_location": [f"No department {code} in {shelf.unit.code}."]},
        )
    return shelf, department


def _crate_for_request(*, crate_id: int | None, user: User) -> Crate:
    crate = (
        Crate.objects.select_related("unit", "location").filter(pk=crate_id).first()
        if crate_id
        else None
    )
    if crate is None:
        raise ApplicationError(
            "Choose a crate.", code="crate_required", details={"crate": ["Required."]}
        )
    require_unit(user=user, unit_id=crate.unit_id)
    return crate


def _require_crate_status(crate: Crate, wanted: str) -> None:
    missing = crate_missing_refusal(crate)
    if missing is not None:
        raise missing
    if crate.status != wanted:
        raise ApplicationError(
            f"Crate {crate.code} is {crate.get_status_display().lower()}; this needs it "
            f"{Crate.Status(wanted).label.lower()}.",
            code="crate_wrong_status",
            status_code=status.HTTP_409_CONFLICT,
        )


def destruction_preconditions(crate: Crate) -> None:
    refusal = crate_destruction_refusal(crate, on=timezone.localdate())
    if refusal is not None:
        raise refusal


def request_crate_claim(request: Request) -> None:
    """The new open request holds its crate (records.CrateClaim: one holder per crate).

    A crate in an open destruction batch: a withdrawal or a transfer takes it out of the batch
    (the batch item is dropped with the reason, through
    :func:`strongroom.records.disposal.crates_left_eligibility`), then claims it; a destruction
    request is refused — the batch destroys the crate."""
    claim = crate_claim_holder(crate_id=request.crate_id, lock=True)
    if claim is not None and claim.holder_kind == CrateClaimKind.BATCH:
        if request.type == RequestType.DESTRUCTION:
            raise ConflictError(
                f"Crate {request.crate.code} is in an open destruction batch: it is destroyed "
                "with the batch.",
                code="crate_in_destruction_batch",
                details={"crate": ["In an open destruction batch."]},
            )
        crates_left_eligibility(
            [request.crate_id],
            code="crate_request_opened",
            reason=f"Request {request.number} opened",
        )
    crate_claim(crate_id=request.crate_id, kind=CrateClaimKind.REQUEST, holder_id=request.pk)


# --- Creation ------------------------------------------------------------------------------------


@dataclass
class RequestInput:
    type: str
    purpose: str
    crate_id: int | None = None
    expected_return_on: dt.date | None = None
    document_ids: list[int] = field(default_factory=list)
    target_location_id: int | None = None
    # STORAGE of a new crate
    unit_id: int | None = None
    department_id: int | None = None
    description: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)


def _check_type_fields(data: RequestInput, crate: Crate, user: User) -> dict[str, Any]:
    """Preconditions of PRODUCT.md §1 "Requests", per type; returns the type's columns."""
    if data.type == RequestType.WITHDRAWAL:
        _require_crate_status(crate, Crate.Status.IN_STORAGE)
        if data.expected_return_on is None or data.expected_return_on <= timezone.localdate():
            raise ApplicationError(
                "The expected return date must be in the future.",
                code="return_date_invalid",
                details={"expected_return_on": ["Must be after today."]},
            )
        foreign = set(data.document_ids) - set(
            crate.documents.filter(status=Document.Status.ACTIVE).values_list("pk", flat=True)
        )
        if foreign:
            raise ApplicationError(
                "Only documents of this crate can be withdrawn with it.",
                code="document_not_in_crate",
                details={"documents": [f"Not in crate {crate.code}: {sorted(foreign)}"]},
            )
        return {"expected_return_on": data.expected_return_on}
    if data.type == RequestType.TRANSFER:
        _require_crate_status(crate, Crate.Status.IN_STORAGE)
        shelf, _ = transfer_target(
            requester=user, crate=crate, target_location_id=data.target_location_id
        )
        return {"target_location": shelf}
    if data.type == RequestType.DESTRUCTION:
        _require_crate_status(crate, Crate.Status.IN_STORAGE)
        destruction_preconditions(crate)
        return {}
    raise ApplicationError(
        "Unknown request type.", code="invalid_type", details={"type": ["Unknown."]}
    )


def _storage_crate(data: RequestInput, user: User) -> Crate:
    """A STORAGE request either names an existing PENDING crate or files a new one with its
    documents."""
    if data.crate_id:
        crate = _crate_for_request(crate_id=data.crate_id, user=user)
        _require_crate_status(crate, Crate.Status.PENDING)
        return crate
    from strongroom.records.services.crates import crate_create_pending

    if not data.department_id:
        raise ApplicationError(
            "Choose a department.",
            code="department_required",
            details={"department": ["Required."]},
        )
    # One of the user's departments: another unit's gets the refusal of one that does not exist.
    departments = scope_to_units(Department.objects.select_related("unit"), user=user)
    department = departments.filter(pk=data.department_id).first()
    if department is None:
        raise ApplicationError(
            "Choose a department of one of your units.",
            code="invalid_department",
            details={"department": ["Not a department of your units."]},
        )
    if not data.documents:
        raise ApplicationError(
            "A new crate needs its documents.",
            code="documents_required",
            details={"new_documents": {"non_field_errors": ["At least one document."]}},
        )
    return crate_create_pending(
        actor=user,
        unit=department.unit,
        department=department,
        description=data.description,
        documents=data.documents,
    )


def request_create(
    *,
    http_request: HttpRequest,
    actor: User,
    data: RequestInput,
    password: str,
    idempotency_key: str = "",
    username: str = "",
    reauthentication: str = "",
) -> tuple[Request, bool]:
    """Raise a request (signed SUBMITTED). Returns ``(request, created)``: with an
    Idempotency-Key already used by this user, the first request and ``False``."""
    require_permission(actor, SUBMISSION_PERMISSION)
    if idempotency_key:
        first = IdempotencyKey.objects.filter(user=actor, key=idempotency_key).first()
        if first is not None:
            return first.request, False
    if data.type not in RequestType.values:
        raise ApplicationError(
            "Unknown request type.",
            code="invalid_type",
            details={"type": [f"One of {', '.join(RequestType.values)}."]},
        )
    purpose = (data.purpose or "").strip()
    if not purpose:
        raise ApplicationError(
            "Say what the request is for.",
            code="purpose_required",
            details={"purpose": ["Required."]},
        )
    try:
        with signed_change(
            http_request=http_request,
            signer=actor,
            password=password,
            username=username,
            reauthentication=reauthentication,
            meaning=SUBMISSION_MEANING,
            object_type="request",
            object_id="",
        ) as change:
            if data.type == RequestType.STORAGE:
                crate, fields = _storage_crate(data, actor), {}
            else:
                crate = _crate_for_request(crate_id=data.crate_id, user=actor)
                crate = Crate.objects.select_for_update().get(pk=crate.pk)
                fields = _check_type_fields(data, crate, actor)
            request = Request.objects.create(
                number=request_number_allocate(),
                type=data.type,
                unit=crate.unit,
                crate=crate,
                requester=actor,
                purpose=purpose,
                submitted_at=timezone.now(),
                **fields,
            )
            if data.type == RequestType.WITHDRAWAL and data.document_ids:
                request.documents.set(data.document_ids)
            request_crate_claim(request)
            change.sign(request)
            change.audit(
                action="request.create",
                changes={
                    "number": [None, request.number],
                    "type": [None, request.type],
                    "crate": [None, crate.code],
                    "status": [None, request.status],
                },
            )
            if idempotency_key:
                IdempotencyKey.objects.create(user=actor, key=idempotency_key, request=request)
            notify_after_commit(request, SUBMISSION_EVENT)
    except IntegrityError as exc:
        if (
            idempotency_key
            and IdempotencyKey.objects.filter(user=actor, key=idempotency_key).exists()
        ):
            return IdempotencyKey.objects.get(user=actor, key=idempotency_key).request, False
        raise ConflictError(
            "This crate already has an open request.", code="crate_has_open_request"
        ) from exc
    return request, True


@transaction.atomic
def request_edit(
    *,
    actor: User,
    request_id: int,
    version: int | None,
    purpose: str | None = None,
    expected_return_on: dt.date | None = None,
    document_ids: list[int] | None = None,
    target_location_id: int | None = None,
    document_rows: list[dict[str, Any]] | None = None,
) -> Request:
    """The requester corrects a request that was sent back (then resubmits it, signed).

    What may be corrected depends on the type: the purpose always; a withdrawal's return date
    and documents; a transfer's target shelf; a storage request's document rows
    (``document_rows``, as on creation, each with the ``id`` of the document it corrects or
    none for a new one; documents not listed are removed — see
    :func:`strongroom.records.services.crates.crate_documents_correct`, whose row errors come
    back in ``details.new_documents``, a list aligned with the rows).

    One transaction: the version check, the change, ``version`` + 1 and one ``request.update``
    audit event with every changed field as ``[old, new]`` (document rows as
    ``documents.<number>.<field>``), the version and the request's content digests before and
    after (``content_digest``, per signature scheme), from which the signatures of the earlier
    version read as superseded (``compliance.signing.signature_check_detail``). A refusal
    changes nothing."""
    from strongroom.records.services.crates import crate_documents_correct

    request = Request.objects.select_for_update().select_related("crate").get(pk=request_id)
    require_unit(user=actor, unit_id=request.unit_id)
    if request.requester_id != actor.pk:
        raise ApplicationError(
            "Only the requester edits a request.",
            code="not_requester",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if request.status != RequestStatus.SENT_BACK:
        raise ConflictError(
            "A request is edited only while it is sent back.", code="invalid_transition"
        )
    require_version(request, version)
    if document_rows is not None and request.type != RequestType.STORAGE:
        raise ApplicationError(
            "Only a storage request's document rows are corrected.",
            code="invalid_field",
            details={"new_documents": ["Only for a storage request."]},
        )
    digests_before = content_digests(request)
    current_documents = sorted(request.documents.values_list("pk", flat=True))
    before: dict[str, Any] = {
        "purpose": request.purpose,
        "expected_return_on": request.expected_return_on,
        "documents": current_documents,
        "target_location": request.target_location_id,
    }
    data = RequestInput(
        type=request.type,
        purpose=purpose if purpose is not None else request.purpose,
        crate_id=request.crate_id,
        expected_return_on=expected_return_on or request.expected_return_on,
        document_ids=document_ids if document_ids is not None else current_documents,
        target_location_id=target_location_id or request.target_location_id,
    )
    if not data.purpose.strip():
        raise ApplicationError(
            "Say what the request is for.",
            code="purpose_required",
            details={"purpose": ["Required."]},
        )
    request.purpose = data.purpose.strip()
    if request.type in (RequestType.WITHDRAWAL, RequestType.TRANSFER):
        fields = _check_type_fields(data, request.crate, actor)
        for key, value in fields.items():
            setattr(request, key, value)
        if request.type == RequestType.WITHDRAWAL:
            request.documents.set(data.document_ids)
    row_changes: dict[str, list[Any]] = {}
    if document_rows is not None:
        row_changes = crate_documents_correct(
            actor=actor, crate=request.crate, documents=document_rows, field="new_documents"
        )
    request.version += 1
    request.save()
    after = {
        "purpose": request.purpose,
        "expected_return_on": request.expected_return_on,
        "documents": sorted(request.documents.values_list("pk", flat=True)),
        "target_location": request.target_location_id,
    }
    changes: dict[str, list[Any]] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    changes.update(row_changes)
    changes["version"] = [request.version - 1, request.version]
    changes["content_digest"] = [digests_before, content_digests(request)]
    audit_event_record(
        action="request.update",
        actor=actor,
        object_type="request",
        object_id=request.pk,
        unit=request.unit,
        changes=changes,
    )
    return request


# --- Overdue withdrawals (the periodic task calls these) ----------------------------------------

OVERDUE_REASON = "periodic_check"


def request_overdue_list(*, today: dt.date | None = None) -> QuerySet[Request]:
    """Issued withdrawals past their return date."""
    return Request.objects.filter(
        type=RequestType.WITHDRAWAL,
        status=RequestStatus.ISSUED,
        expected_return_on__lt=today or timezone.localdate(),
    )


@transaction.atomic
def request_overdue_mark(*, request_id: int, now: dt.datetime | None = None) -> Request | None:
    """Flag an issued withdrawal past its return date as overdue, with a ``request.overdue``
    audit event (no actor: the system did it, ``reason`` says which check) and the notice to
    the requester and the unit's Store Heads. Returns the request, or ``None`` when there was
    nothing to flag (already flagged, returned, not yet due): the row is locked and re-checked,
    so two runs at once flag each request once. Saved, not updated in bulk, so that the change
    reaches the browsers like any other."""
    now = now or timezone.now()
    request = (
        request_overdue_list(today=timezone.localdate(now))
        .select_for_update(of=("self",))
        .select_related("unit", "crate", "requester")
        .filter(pk=request_id, is_overdue=False)
        .first()
    )
    if request is None:
        return None
    request.is_overdue = True
    request.overdue_flagged_at = now
    request.version += 1
    request.save(update_fields=["is_overdue", "overdue_flagged_at", "version", "updated_at"])
    audit_event_record(
        action="request.overdue",
        object_type="request",
        object_id=request.pk,
        unit=request.unit,
        changes={
            "is_overdue": [False, True],
            "expected_return_on": [request.expected_return_on, request.expected_return_on],
            "version": [request.version - 1, request.version],
        },
        reason=OVERDUE_REASON,
    )
    store_heads = user_list_with_permission(permission="workflow.fulfil_request", unit=request.unit)
    notification_create_many(
        recipients=[request.requester, *store_heads],
        kind=NotificationKind.WITHDRAWAL_OVERDUE,
        title=f"{request.number}: crate {request.crate.code} is overdue",
        body=f"It was due back on {request.expected_return_on}.",
        dedupe_key=f"overdue:{request.pk}",
        unit=request.unit,
        **request_reference(request),
    )
    return request


@transaction.atomic
def request_overdue_escalate(*, request_id: int, now: dt.datetime | None = None) -> Request | None:
    """Escalate an overdue withdrawal still out to the unit's Unit Admins, with a
    ``request.overdue_escalate`` audit event (no actor, as :func:`request_overdue_mark`).
    Returns ``None`` when it was escalated already or is no longer overdue."""
    now = now or timezone.now()
    request = (
        request_overdue_list(today=timezone.localdate(now))
        .select_for_update(of=("self",))
        .select_related("unit", "crate")
        .filter(pk=request_id, is_overdue=True, overdue_escalated_at__isnull=True)
        .first()
    )
    if request is None:
        return None
    request.overdue_escalated_at = now
    request.version += 1
    request.save(update_fields=["overdue_escalated_at", "version", "updated_at"])
    audit_event_record(
        action="request.overdue_escalate",
        object_type="request",
        object_id=request.pk,
        unit=request.unit,
        changes={
            "overdue_escalated_at": [None, now.isoformat()],
            "version": [request.version - 1, request.version],
        },
        reason=OVERDUE_REASON,
    )
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
    return request
