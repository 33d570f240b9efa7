"""Reads over requests, scoped to the caller's units (outside them a request is a 404)."""

from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.accounts.selectors import user_unit_ids
from strongroom.compliance.models import AuditEvent
from strongroom.compliance.signing import VALID, SignatureCheckCache, signature_check
from strongroom.requests.models import Request, RequestStatus, RequestType


def _scoped(user: User) -> QuerySet[Request]:
    requests = Request.objects.order_by("-id")
    unit_ids = user_unit_ids(user)
    return requests if unit_ids is None else requests.filter(unit__in=unit_ids)


def request_list_for_user(*, user: User) -> QuerySet[Request]:
    """The list's display values come as annotations, not joined model instances: loading four
    related rows per request cost a quarter of the list's time (scripts/bench_api.py)."""
    return _scoped(user).annotate(
        unit_code=F("unit__code"),
        crate_code=F("crate__code"),
        requester_name=F("requester__full_name"),
        target_location_code=F("target_location__full_code"),
    )


def overdue_q() -> Q:
    return Q(
        type=RequestType.WITHDRAWAL,
        status=RequestStatus.ISSUED,
        expected_return_on__lt=timezone.localdate(),
    )


def waiting_for_q(user: User) -> Q:
    """What waits for this user's next action, by what their role may do."""
    waiting = Q(pk__in=[])
    if user.has_perm("workflow.approve_request"):
        waiting |= Q(status=RequestStatus.SUBMITTED) & ~Q(requester=user)
    if user.has_perm("workflow.fulfil_request"):
        waiting |= Q(status__in=[RequestStatus.APPROVED, RequestStatus.ISSUED])
    if user.has_perm("workflow.add_request"):
        waiting |= Q(status=RequestStatus.SENT_BACK, requester=user)
    return waiting


def request_get_for_user(*, user: User, request_id: int) -> Request | None:
    return (
        request_list_for_user(user=user)
        .select_related("unit", "crate__location", "requester", "target_location", "witness")
        .prefetch_related(
            "documents",
            "signatures",
            "send_backs__sent_by",
            "send_backs__resolved_by",
        )
        .filter(pk=request_id)
        .first()
    )


def request_timeline(
    *, request: Request, checks: SignatureCheckCache | None = None
) -> list[dict[str, Any]]:
    """Signatures (with their validity), send-backs and audit events of the request, oldest
    first: one history."""
    entries: list[dict[str, Any]] = []
    checks = checks if checks is not None else SignatureCheckCache()
    for signature in request.signatures.all():
        check = signature_check(signature, cache=checks)
        entries.append(
            {
                "kind": "signature",
                "at": signature.signed_at,
                "id": signature.pk,
                "actor": signature.printed_name,
                "meaning": signature.meaning,
                "title": f"Signed: {signature.get_meaning_display()}",
                "reason": signature.reason,
                "valid": check == VALID,
                "status": check,
            }
        )
    for send_back in request.send_backs.all():
        entries.append(
            {
                "kind": "send_back",
                "at": send_back.sent_at,
                "id": send_back.pk,
                "actor": send_back.sent_by.full_name,
                "title": "Sent back for correction",
                "reason": send_back.reason,
            }
        )
        if send_back.resolved_at and send_back.resolved_by:
            entries.append(
                {
                    "kind": "send_back_resolved",
                    "at": send_back.resolved_at,
                    "id": send_back.pk,
                    "actor": send_back.resolved_by.full_name,
                    "title": "Corrected and resubmitted",
                    "reason": send_back.response,
                }
            )
    events = AuditEvent.objects.filter(object_type="request", object_id=str(request.pk)).exclude(
        action__startswith="signature."
    )
    for event in events.order_by("id"):
        entries.append(
            {
                "kind": "audit",
                "at": event.at,
                "id": event.pk,
                "actor": event.actor_username,
                "title": event.action,
                "reason": event.reason,
                "changes": event.changes,
            }
        )
    order = {"audit": 0, "signature": 1, "send_back": 2, "send_back_resolved": 3}
    entries.sort(key=lambda e: (e["at"], order[e["kind"]], e["id"]))
    return entries
