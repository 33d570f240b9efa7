"""Reads for audit-trail reviews: the audit events of a unit's period and what the rules need to
know about them, the reviews of the caller's units, and the coverage of unit-months.

An event belongs to the review of unit U when it is recorded for U; or it is recorded for no
unit and its actor acts in U (a member of U, or someone who acts in every unit) — sign-ins,
failed logins of a known username, role changes; or it has neither unit nor actor (initial
setup, failed logins for an unknown username), which concerns every unit.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet

from strongroom.accounts.models import Unit, User
from strongroom.accounts.scope import scope_to_units
from strongroom.accounts.selectors import user_list_with_permission
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.review.models import AuditReview, FlagState, ReviewFlag, ReviewStatus
from strongroom.review.rules import EDIT_VERBS, ReviewSettings, RuleContext

EVENT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "unit_id",
    "changes",
    "reason",
    "ip_address",
)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def review_time_zone() -> ZoneInfo:
    return ZoneInfo(settings.STRONGROOM_REVIEW_TIME_ZONE)


def review_today() -> dt.date:
    return dt.datetime.now(tz=review_time_zone()).date()


def period_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and past-the-last instants, local midnights of the review time zone."""
    zone = review_time_zone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _acts_everywhere() -> QuerySet[User, Any]:
    return User.objects.filter(
        role__permissions__codename="access_all_units",
        role__permissions__content_type__app_label="accounts",
    ).values("pk")


def review_events(*, unit: Unit, start: dt.date, end: dt.date) -> list[AuditEvent]:
    """The audit events of ``unit`` in the period (see the module's docstring)."""
    since, until = period_window(start, end)
    members = User.objects.filter(units=unit).values("pk")
    return list(
        AuditEvent.objects.filter(at__gte=since, at__lt=until)
        .filter(
            Q(unit=unit)
            | Q(unit__isnull=True, actor_id__in=members)
            | Q(unit__isnull=True, actor_id__in=_acts_everywhere())
            | Q(unit__isnull=True, actor__isnull=True)
        )
        .only(*EVENT_FIELDS)
        .order_by("id")
    )


def rule_context(*, events: list[AuditEvent], start: dt.date) -> RuleContext:
    """What the rules need beyond the events, read in four queries."""
    since, _ = period_window(start, start)
    edited: dict[str, set[str]] = {}
    for event in events:
        if event.action.rsplit(".", 1)[-1] in EDIT_VERBS and event.object_type:
            edited.setdefault(event.object_type, set()).add(str(event.object_id))
    first_signed: dict[tuple[str, str], dt.datetime] = {}
    for object_type, ids in edited.items():
        for row in (
            Signature.objects.filter(object_type=object_type, object_id__in=sorted(ids))
            .values("object_id")
            .annotate(first=Min("signed_at"))
        ):
            first_signed[(object_type, row["object_id"])] = row["first"]
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    deactivated = {
        pk: at
        for pk, at in User.objects.filter(
            pk__in=actor_ids, is_active=False, deactivated_at__isnull=False
        ).values_list("pk", "deactivated_at")
        if at is not None
    }
    administrators = frozenset(
        User.objects.filter(
            pk__in=actor_ids,
            role__permissions__codename="change_user",
            role__permissions__content_type__app_label="accounts",
        ).values_list("pk", flat=True)
    )
    known: dict[int, set[str]] = {}
    for actor_id, address in (
        AuditEvent.objects.filter(
            action="auth.login", actor_id__in=administrators, at__lt=since, ip_address__isnull=False
        )
        .values_list("actor_id", "ip_address")
        .distinct()
    ):
        if actor_id is not None and address:
            known.setdefault(actor_id, set()).add(address)
    return RuleContext(
        settings=ReviewSettings.from_settings(),
        first_signed=first_signed,
        deactivated_at=deactivated,
        administrators=administrators,
        known_addresses={k: frozenset(v) for k, v in known.items()},
    )


# --- Reviews -------------------------------------------------------------------------------------


def review_list_for_user(*, user: User) -> QuerySet[AuditReview]:
    return scope_to_units(_reviews(), user=user)


def _reviews() -> QuerySet[AuditReview]:
    return AuditReview.objects.annotate(
        unit_code=F("unit__code"),
        opened_by_name=F("opened_by__full_name"),
        signed_by_name=F("signed_by__full_name"),
        flag_count=Count("flags"),
        open_count=Count("flags", filter=Q(flags__state=FlagState.OPEN)),
        finding_count=Count("flags", filter=Q(flags__state=FlagState.FINDING)),
    )


def review_exists_for_user(*, user: User, review_id: int) -> bool:
    return scope_to_units(AuditReview.objects.filter(pk=review_id), user=user).exists()


def review_get_for_user(*, user: User, review_id: int) -> AuditReview | None:
    return (
        review_list_for_user(user=user)
        .select_related("unit", "opened_by", "signed_by")
        .filter(pk=review_id)
        .first()
    )


def review_flags(review: AuditReview) -> list[ReviewFlag]:
    return list(ReviewFlag.objects.filter(review=review).select_related("decided_by"))


MAX_EVENTS_SHOWN = 25


def flag_events(flags: list[ReviewFlag]) -> dict[int, AuditEvent]:
    """The first events of each flag (at most :data:`MAX_EVENTS_SHOWN` each), by id."""
    ids = {i for f in flags for i in f.event_ids[:MAX_EVENTS_SHOWN]}
    return {e.id: e for e in AuditEvent.objects.filter(pk__in=ids).only(*EVENT_FIELDS)}


def review_signatures(review: AuditReview) -> list[Signature]:
    return list(
        Signature.objects.filter(object_type="audit_review", object_id=str(review.pk))
        .select_related("signer")
        .order_by("signed_at", "id")
    )


# --- Coverage ------------------------------------------------------------------------------------


class CoverageStatus:
    REVIEWED = "REVIEWED"
    IN_REVIEW = "IN_REVIEW"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    CHOICES = [
        (REVIEWED, "Reviewed"),
        (IN_REVIEW, "In review"),
        (DUE, "Due"),
        (OVERDUE, "Overdue"),
    ]


COVERAGE_STATUS_CHOICES = CoverageStatus.CHOICES


@dataclass
class CoverageRow:
    unit_id: int
    unit_code: str
    unit_name: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    status: str
    review_id: int | None = None
    flag_count: int = 0
    finding_count: int = 0
    open_count: int = 0
    opened_by_name: str = ""
    signed_by_name: str = ""
    signed_at: dt.datetime | None = None
    signature: Signature | None = None


def months_ended(*, today: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """The last ``months`` calendar months that have ended before ``today``, newest first."""
    year, month = today.year, today.month
    periods = []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(month_bounds(year, month))
    return periods


def coverage_rows(
    *,
    user: User | None,
    unit_id: int | None = None,
    months: int | None = None,
    today: dt.date | None = None,
) -> list[CoverageRow]:
    """Every ended month of the caller's active units over the look-back (not before a unit was
    created, unless a review of it was opened), newest first then by unit code: reviewed
    (signed), in review, due (within the grace period) or overdue, with the review's reviewer,
    signer and ``REVIEWED`` signature. ``user`` None: every unit (the reminder task)."""
    today = today or review_today()
    months = months or settings.STRONGROOM_REVIEW_COVERAGE_MONTHS
    grace = dt.timedelta(days=settings.STRONGROOM_REVIEW_GRACE_DAYS)
    units = Unit.objects.filter(is_active=True)
    if user is not None:
        units = scope_to_units(units, user=user, field="pk")
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    units_list = list(units.order_by("code"))
    periods = months_ended(today=today, months=months)
    if not units_list or not periods:
        return []
    reviews = {
        (r.unit_id, r.period_start): r
        for r in _reviews()
        .filter(unit__in=units_list, period_start__gte=periods[-1][0])
        .select_related("opened_by", "signed_by")
    }
    signatures = {
        s.object_id: s
        for s in Signature.objects.filter(
            object_type="audit_review",
            object_id__in=[str(r.pk) for r in reviews.values()],
            meaning=Signature.Meaning.REVIEWED,
        ).select_related("signer")
    }
    zone = review_time_zone()
    rows = []
    for start, end in periods:
        for unit in units_list:
            review = reviews.get((unit.pk, start))
            if review is None and unit.created_at.astimezone(zone).date() > end:
                continue  # the unit did not exist yet (a review opened anyway still shows)
            due_on = end + grace
            row = CoverageRow(
                unit_id=unit.pk,
                unit_code=unit.code,
                unit_name=unit.name,
                period=f"{start:%Y-%m}",
                period_start=start,
                period_end=end,
                due_on=due_on,
                status=CoverageStatus.OVERDUE if today > due_on else CoverageStatus.DUE,
            )
            if review is not None:
                annotated: Any = review
                row.review_id = review.pk
                row.flag_count = annotated.flag_count
                row.finding_count = annotated.finding_count
                row.open_count = annotated.open_count
                row.opened_by_name = review.opened_by.full_name or review.opened_by.username
                if review.status == ReviewStatus.SIGNED:
                    row.status = CoverageStatus.REVIEWED
                    row.signed_at = review.signed_at
                    row.signed_by_name = (
                        review.signed_by.full_name or review.signed_by.username
                        if review.signed_by
                        else ""
                    )
                    row.signature = signatures.get(str(review.pk))
                elif today <= due_on:
                    row.status = CoverageStatus.IN_REVIEW
            rows.append(row)
    return rows


def reviewers_of(unit: Unit) -> QuerySet[User]:
    """Active people who may review the unit's audit trail."""
    return user_list_with_permission(permission="review.review_audit_trail", unit=unit)
