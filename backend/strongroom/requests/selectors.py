"""Reads over requests, scoped to the caller's units (outside them a request is a 404)."""

from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import SignatureCheckCache
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.timeline import timeline_entries


def _scoped(user: User) -> QuerySet[Request]:
    return scope_to_units(Request.objects.order_by("-id"), user=user)


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
            Prefetch("signatures", queryset=Signature.objects.select_related("signer")),
            "send_backs__sent_by",
            "send_backs__resolved_by",
        )
        .filter(pk=request_id)
        .first()
    )


def request_timeline(
    *, request: Request, checks: SignatureCheckCache | None = None
) -> list[dict[str, Any]]:
    """The request's history, one entry per action with its signatures, send-back and changed
    fields folded in, oldest first (:mod:`strongroom.requests.timeline`). One query for the
    events, and at most one each for the document numbers and shelf codes the corrections name;
    signatures and send-backs come prefetched (``request_get_for_user``)."""
    events = (
        AuditEvent.objects.filter(object_type="request", object_id=str(request.pk))
        .select_related("actor")
        .order_by("id")
    )
    return timeline_entries(
        request=request,
        events=list(events),
        checks=checks if checks is not None else SignatureCheckCache(),
    )
