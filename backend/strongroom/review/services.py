"""Writes over audit-trail reviews (PRODUCT.md §8 "Audit-trail review").

::

    (open: flags computed) OPEN --refresh (new flags only)--> OPEN
    each flag: OPEN --acknowledge (comment) | raise a finding (comment)--> decided
    OPEN --sign (REVIEWED, every flag decided)--> SIGNED (final)

Every write locks the review row, checks the caller's permission (``review.review_audit_trail``)
and unit, and writes one audit event in its transaction; signing goes through
:func:`strongroom.compliance.signing.signed_change` (password verified before the transaction,
then the Signature and the ``signature.sign`` and ``audit_review.sign`` events with the change).
"""

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Unit, User
from strongroom.accounts.scope import not_found, require_unit, require_unit_choice
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.review.models import AuditReview, FlagState, ReviewFlag, ReviewStatus
from strongroom.review.rules import flags_compute
from strongroom.review.selectors import month_bounds, review_events, review_today, rule_context

PERMISSION = "review.review_audit_trail"
OBJECT_TYPE = "audit_review"
DECISIONS = {FlagState.ACKNOWLEDGED: "acknowledge", FlagState.FINDING: "finding"}
_PERIOD = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def _require_permission(user: User) -> None:
    if not user.has_perm(PERMISSION):
        raise ApplicationError(
            "Your role does not allow this action.",
            code="permission_denied",
            status_code=status.HTTP_403_FORBIDDEN,
        )


def period_parse(value: str, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → the month's first and last day; the month must have ended."""
    match = _PERIOD.match((value or "").strip())
    month = int(match.group(2)) if match else 0
    if match is None or not 1 <= month <= 12 or int(match.group(1)) < 2000:
        raise ApplicationError(
            "Give the month to review as YYYY-MM.",
            code="invalid_period",
            details={"period": ["A month as YYYY-MM."]},
        )
    start, end = month_bounds(int(match.group(1)), month)
    if end >= today:
        raise ApplicationError(
            "A month is reviewed once it has ended.",
            code="period_not_ended",
            details={"period": ["This month has not ended yet."]},
        )
    return start, end


def _flags_add(review: AuditReview) -> list[ReviewFlag]:
    """The rules' flags whose key the review does not have yet, created."""
    events = review_events(unit=review.unit, start=review.period_start, end=review.period_end)
    drafts = flags_compute(events, rule_context(events=events, start=review.period_start))
    present = set(ReviewFlag.objects.filter(review=review).values_list("key", flat=True))
    new = [
        ReviewFlag(
            review=review,
            rule=d.rule,
            key=d.key,
            summary=d.summary[:300],
            event_ids=d.event_ids,
            actor_username=d.actor_username,
            occurred_at=d.occurred_at,
        )
        for d in drafts
        if d.key not in present
    ]
    ReviewFlag.objects.bulk_create(new)
    return new


def review_open(*, actor: User, unit_id: int, period: str) -> AuditReview:
    """Open the review of one unit's month and compute its flags; audited ``audit_review.open``.
    One review per unit and month (409 ``review_exists``)."""
    _require_permission(actor)
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ApplicationError(
            "Choose an active unit.", code="invalid_unit", details={"unit": ["No such unit."]}
        )
    require_unit_choice(user=actor, unit_ids=[unit.pk], field="unit")
    start, end = period_parse(period, today=review_today())
    if AuditReview.objects.filter(unit=unit, period_start=start).exists():
        raise ConflictError(
            f"{unit.code} {start:%Y-%m} already has a review.",
            code="review_exists",
            details={"period": ["Already reviewed or in review."]},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            review = AuditReview.objects.create(
                unit=unit,
                period_start=start,
                period_end=end,
                opened_by=actor,
                opened_at=now,
                flags_computed_at=now,
            )
            flags = _flags_add(review)
            audit_event_record(
                action="audit_review.open",
                actor=actor,
                object_type=OBJECT_TYPE,
                object_id=review.pk,
                unit=unit,
                changes={
                    "period": [None, review.period],
                    "status": [None, review.status],
                    "flags": [None, len(flags)],
                },
            )
    except IntegrityError as exc:  # opened meanwhile by someone else
        raise ConflictError(
            f"{unit.code} {start:%Y-%m} already has a review.",
            code="review_exists",
            details={"period": ["Already reviewed or in review."]},
        ) from exc
    return review


def _lock_review(*, actor: User, review_id: int) -> AuditReview:
    review = (
        AuditReview.objects.select_related("unit")
        .select_for_update(of=("self",))
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise not_found()
    require_unit(user=actor, unit_id=review.unit_id)
    return review


def _require_open(review: AuditReview) -> None:
    if review.status != ReviewStatus.OPEN:
        raise ConflictError("The review is signed; it changes no more.", code="review_signed")


@transaction.atomic
def review_refresh(*, actor: User, review_id: int, version: int | None) -> AuditReview:
    """Compute the flags again and add those the review does not have (a person deactivated
    since it opened, changed settings); existing flags and decisions stay. Audited
    ``audit_review.refresh``."""
    _require_permission(actor)
    review = _lock_review(actor=actor, review_id=review_id)
    version_check(review, version, what="review")
    _require_open(review)
    added = _flags_add(review)
    review.flags_computed_at = timezone.now()
    review.version += 1
    review.save()
    audit_event_record(
        action="audit_review.refresh",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=review.pk,
        unit=review.unit,
        changes={
            "flags_added": [None, [f.key for f in added]],
            "version": [review.version - 1, review.version],
        },
    )
    return review


@transaction.atomic
def review_flag_decide(
    *,
    actor: User,
    review_id: int,
    flag_id: int,
    decision: str,
    comment: str,
    version: int | None,
) -> ReviewFlag:
    """Acknowledge a flag with a comment, or raise it as a finding (with what the finding is);
    audited ``audit_review.flag_acknowledge`` / ``audit_review.flag_finding``. ``version`` is the
    flag's."""
    _require_permission(actor)
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise ApplicationError(
            "Acknowledge the flag or raise a finding.",
            code="invalid_decision",
            details={"decision": ["ACKNOWLEDGED or FINDING."]},
        )
    if not comment:
        raise ApplicationError(
            "Say why: a comment is required.",
            code="comment_required",
            details={"comment": ["Required."]},
        )
    review = _lock_review(actor=actor, review_id=review_id)
    flag = ReviewFlag.objects.select_for_update().filter(pk=flag_id, review=review).first()
    if flag is None:
        raise not_found()
    version_check(flag, version, what="flag")
    _require_open(review)
    if flag.state != FlagState.OPEN:
        raise ConflictError(
            f"The flag was already {flag.get_state_display().lower()}.", code="flag_decided"
        )
    flag.state = decision
    flag.comment = comment
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.version += 1
    flag.save()
    review.version += 1  # the signature's version check sees every decision
    review.save(update_fields=["version"])
    audit_event_record(
        action=f"audit_review.flag_{DECISIONS[FlagState(decision)]}",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=review.pk,
        unit=review.unit,
        changes={
            "flag": [None, flag.pk],
            "rule": [None, flag.rule],
            "state": [FlagState.OPEN.value, flag.state],
            "comment": [None, comment],
        },
        reason=comment,
    )
    return flag


def review_sign(
    *,
    http_request: HttpRequest,
    actor: User,
    review_id: int,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> AuditReview:
    """Sign the period as reviewed (meaning ``REVIEWED``) once every flag is acknowledged or
    raised as a finding (409 ``flags_open`` otherwise); the review is final."""
    _require_permission(actor)
    preview = AuditReview.objects.filter(pk=review_id).values("unit_id").first()
    if preview is None:
        raise not_found()
    require_unit(user=actor, unit_id=preview["unit_id"])
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=SignatureMeaning.REVIEWED,
        object_type=OBJECT_TYPE,
        object_id=review_id,
        reason=(reason or "").strip(),
    ) as change:
        review = _lock_review(actor=actor, review_id=review_id)
        change.lock_loaded(review, version=version, what="review")
        _require_open(review)
        flags = ReviewFlag.objects.filter(review=review)
        open_count = flags.filter(state=FlagState.OPEN).count()
        if open_count:
            raise ConflictError(
                f"{open_count} flag(s) are neither acknowledged nor raised as findings.",
                code="flags_open",
            )
        review.status = ReviewStatus.SIGNED
        review.signed_by = actor
        review.signed_at = timezone.now()
        review.version += 1
        review.save()
        change.audit(
            action="audit_review.sign",
            changes={
                "status": [ReviewStatus.OPEN.value, ReviewStatus.SIGNED.value],
                "acknowledged": [None, flags.filter(state=FlagState.ACKNOWLEDGED).count()],
                "findings": [None, flags.filter(state=FlagState.FINDING).count()],
                "version": [review.version - 1, review.version],
            },
        )
    return review
