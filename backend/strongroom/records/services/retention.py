"""The retention schedule: rules drafted, edited into new versions, approved (signed,
``RULE_APPROVED``) or discarded; the documents a rule governs recomputed when it is approved;
and a crate's retention refreshed from its documents.

Which rule governs a document: the approved rule of its document type whose scope is the most
specific one that contains it — a rule of the document's department, else of its unit, else of
the type alone. Two approved rules never share a scope (refused at approval, and by a unique
constraint), so there is never a tie.

What the rule gives a document (:func:`retention_recompute`): ``PREPARED``, the preparation date
plus the period; ``EVENT``, the event's date plus the period, or *pending event* (no date, not
permanent: never eligible) while the document has no date for that event; ``PERMANENT`` (trigger
or action), permanent. Approval overrides dates typed by hand (basis ``MANUAL``): the approved
schedule governs. A document in a crate on legal hold is never shortened: it keeps the later of
its old and new dates, and stays permanent if it was; a rule that makes it permanent or pending
still applies (neither makes it eligible).

Everything is set-based (UPDATE … over the governed documents, batch by batch of crates), so an
approval over a million documents runs as a few hundred statements. Each change of a document's
or a crate's retention is written to the retention history (``DocumentRetentionChange``,
``CrateRetentionChange``: before, after, the rule version or event date that caused it, when,
by whom) in the same transaction, with bulk INSERTs: the schedule's changes are traced, and the
retention a record had when a signature of scheme 1-3 signed it can be read back.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.scope import require_unit_choice, user_unit_ids
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError, version_check
from strongroom.records.disposal import crates_eligible, crates_left_eligibility
from strongroom.records.models import (
    Crate,
    CrateRetentionChange,
    Document,
    DocumentEvent,
    DocumentRetentionChange,
    DocumentType,
    RetentionChangeCause,
    RetentionEvent,
    RetentionRule,
)

CRATE_BATCH = 500
LEFT_ELIGIBILITY_CODE = "retention_rule_changed"
RULE_FIELDS = (
    "title",
    "doc_type",
    "unit",
    "department",
    "trigger",
    "event",
    "period_years",
    "period_months",
    "action",
    "citation",
)


# --- Dates ------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a day the target month lacks becomes its last
    day (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


class AddMonths(Func):
    """``expression`` plus a whole number of months in SQL, with :func:`add_months`' end-of-month
    rule on both databases (PostgreSQL's interval arithmetic already clamps; SQLite's date()
    overflows into the next month, so the day is clamped back to the month's last)."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int) -> None:
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + interval '{self.months} months')::date", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"date(({sql}), '+{self.months} months')"
        return (
            f"CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', ({sql})) THEN {shifted} "
            f"ELSE date({shifted}, 'start of month', '-1 day') END",
            [*params, *params, *params, *params],
        )


# --- Which rule governs -----------------------------------------------------------------------


def retention_rules_approved(*, doc_type_ids: Iterable[int]) -> list[RetentionRule]:
    return list(
        RetentionRule.objects.filter(
            status=RetentionRule.Status.APPROVED, doc_type_id__in=set(doc_type_ids)
        ).select_related("event")
    )


def retention_rule_governing(
    rules: list[RetentionRule], *, doc_type_id: int, unit_id: int, department_id: int
) -> RetentionRule | None:
    """Of the approved ``rules``, the one that governs a document of this type, unit and
    department (department rule > unit rule > type rule), or None."""
    best: tuple[int, RetentionRule] | None = None
    for rule in rules:
        if rule.doc_type_id != doc_type_id:
            continue
        if rule.department_id is not None:
            if rule.department_id != department_id:
                continue
            rank = 2
        elif rule.unit_id is not None:
            if rule.unit_id != unit_id:
                continue
            rank = 1
        else:
            rank = 0
        if best is None or rank > best[0]:
            best = (rank, rule)
    return best[1] if best else None


def retention_of_new_document(
    rule: RetentionRule, *, prepared_on: dt.date
) -> tuple[dt.date | None, bool, str]:
    """``(retention_until, retain_permanently, basis)`` a rule gives a document just filed (it
    has no event dates yet)."""
    if rule.is_permanent:
        return None, True, Document.RetentionBasis.RULE
    if rule.trigger == RetentionRule.Trigger.EVENT:
        return None, False, Document.RetentionBasis.PENDING_EVENT
    return add_months(prepared_on, rule.period_total_months), False, Document.RetentionBasis.RULE


def _approved_others(rule: RetentionRule) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(
        status=RetentionRule.Status.APPROVED, doc_type_id=rule.doc_type_id
    ).exclude(code=rule.code)


def rule_governed_documents(rule: RetentionRule) -> QuerySet[Document]:
    """The active documents ``rule`` (approved) governs: in its scope, and in no more specific
    approved rule's."""
    documents = Document.objects.filter(doc_type_id=rule.doc_type_id, status=Document.Status.ACTIVE)
    others = _approved_others(rule)
    department_rule = Exists(others.filter(department=OuterRef("department")))
    if rule.department_id is not None:
        return documents.filter(department_id=rule.department_id)
    if rule.unit_id is not None:
        return documents.filter(unit_id=rule.unit_id).exclude(department_rule)
    unit_rule = Exists(others.filter(department__isnull=True, unit=OuterRef("unit")))
    return documents.exclude(department_rule).exclude(unit_rule)


# --- Recomputation ----------------------------------------------------------------------------


_DOCUMENT_RETENTION = ("pk", "retention_until", "retain_permanently", "retention_basis")
_CRATE_RETENTION = ("pk", "destroy_after", "retain_permanently")


@dataclass
class RetentionTrace:
    """Why the schedule is changing retention, for the history rows the change writes
    (:class:`~strongroom.records.models.DocumentRetentionChange`,
    :class:`~strongroom.records.models.CrateRetentionChange`): one time for the whole change."""

    cause: str
    by: User | None = None
    rule: RetentionRule | None = None  # the rule approved (cause RULE_APPROVED)
    document_events: dict[int, int] = field(default_factory=dict)  # document -> DocumentEvent
    at: dt.datetime = field(default_factory=timezone.now)


def _retention_rows(documents: QuerySet[Document]) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in documents.order_by().values_list(*_DOCUMENT_RETENTION)}


def _eligible(rows: dict[int, tuple[Any, ...]], *, on: dt.date) -> set[int]:
    return {
        pk for pk, (until, permanent, *_rest) in rows.items() if _is_eligible(until, permanent, on)
    }


def _is_eligible(until: dt.date | None, permanent: bool, on: dt.date) -> bool:
    return not permanent and until is not None and until <= on


def _document_changes_record(
    rule: RetentionRule,
    before: dict[int, tuple[Any, ...]],
    after: dict[int, tuple[Any, ...]],
    trace: RetentionTrace,
) -> None:
    """The history rows of the documents whose retention changed (one INSERT per 1000)."""
    DocumentRetentionChange.objects.bulk_create(
        (
            DocumentRetentionChange(
                document_id=pk,
                old_retention_until=old[0],
                old_retain_permanently=old[1],
                old_basis=old[2],
                new_retention_until=new[0],
                new_retain_permanently=new[1],
                new_basis=new[2],
                cause=trace.cause,
                rule=rule,
                document_event_id=trace.document_events.get(pk),
                at=trace.at,
                by=trace.by,
            )
            for pk, old in before.items()
            if (new := after.get(pk, old)) != old
        ),
        batch_size=1000,
    )


def _rule_apply(rule: RetentionRule, documents: QuerySet[Document]) -> None:
    """Give ``documents`` the retention ``rule`` sets (holds never shortened): a few UPDATEs."""
    held = Q(crate__legal_hold=True)
    kept_permanent = held & Q(retain_permanently=True)
    assign: dict[str, Any] = {
        "retention_rule": rule,
        "retention_basis": Document.RetentionBasis.RULE,
    }
    if rule.is_permanent:
        documents.update(retain_permanently=True, retention_until=None, **assign)
        return
    base: Any
    if rule.trigger == RetentionRule.Trigger.EVENT:
        base = Subquery(
            DocumentEvent.objects.filter(document=OuterRef("pk"), event_id=rule.event_id).values(
                "date"
            )[:1]
        )
        has_date = Exists(
            DocumentEvent.objects.filter(document=OuterRef("pk"), event_id=rule.event_id)
        )
        dated, pending = documents.filter(has_date), documents.exclude(has_date)
        pending.filter(kept_permanent).update(**assign)
        pending.exclude(kept_permanent).update(
            retention_until=None,
            retain_permanently=False,
            retention_rule=rule,
            retention_basis=Document.RetentionBasis.PENDING_EVENT,
        )
    else:
        base, dated = F("prepared_on"), documents
    new = Greatest(AddMonths(base, rule.period_total_months), F("prepared_on"))
    dated.filter(kept_permanent).update(**assign)
    dated.exclude(held).update(retention_until=new, retain_permanently=False, **assign)
    dated.filter(held, retain_permanently=False).update(
        retention_until=Greatest(Coalesce(F("retention_until"), new), new),
        retain_permanently=False,
        **assign,
    )


@dataclass
class RecomputeResult:
    documents: int = 0
    eligibility_changed: int = 0
    crates: int = 0
    crates_left_eligibility: list[int] = field(default_factory=list)

    def as_changes(self) -> dict[str, list[Any]]:
        return {
            "documents_recomputed": [None, self.documents],
            "documents_eligibility_changed": [None, self.eligibility_changed],
            "crates_refreshed": [None, self.crates],
            "crates_left_eligibility": [None, self.crates_left_eligibility],
        }


def _recompute(
    pairs: list[tuple[RetentionRule, QuerySet[Document]]], *, on: dt.date, trace: RetentionTrace
) -> RecomputeResult:
    """Per batch of crates: the documents' retention read, the rule applied (a few UPDATEs),
    read again, and the changes written to the history (bulk INSERTs); then the crates
    refreshed, with their own history. The filters of ``documents`` still hold after the
    UPDATEs (they select by type, scope, status, rule), so the second read sees the same rows."""
    result = RecomputeResult()
    crate_ids: set[int] = set()
    for rule, documents in pairs:
        ids = sorted(set(documents.order_by().values_list("crate_id", flat=True).distinct()))
        for start in range(0, len(ids), CRATE_BATCH):
            batch = ids[start : start + CRATE_BATCH]
            in_batch = documents.filter(crate_id__in=batch)
            before = _retention_rows(in_batch)
            result.documents += len(before)
            _rule_apply(rule, in_batch)
            after = _retention_rows(in_batch)
            result.eligibility_changed += len(_eligible(before, on=on) ^ _eligible(after, on=on))
            _document_changes_record(rule, before, after, trace)
            crate_ids.update(batch)
    result.crates = len(crate_ids)
    result.crates_left_eligibility = crate_retention_refresh(
        crate_ids=crate_ids, on=on, trace=trace
    )
    return result


def retention_recompute(
    *, rule: RetentionRule, on: dt.date | None = None, by: User | None = None
) -> RecomputeResult:
    """Give the documents an approved ``rule`` governs their retention from it, refresh their
    crates, and tell :mod:`strongroom.records.disposal`'s listeners which crates left
    eligibility; every change is written to the retention history (approved by ``by``). Run
    inside the approval's transaction."""
    on = on or timezone.localdate()
    trace = RetentionTrace(cause=RetentionChangeCause.RULE_APPROVED, by=by, rule=rule)
    result = _recompute([(rule, rule_governed_documents(rule))], on=on, trace=trace)
    crates_left_eligibility(
        result.crates_left_eligibility,
        code=LEFT_ELIGIBILITY_CODE,
        reason=f"Retention rule {rule.code} version {rule.revision} approved.",
    )
    return result


def documents_retention_recompute(
    *,
    document_ids: Iterable[int],
    on: dt.date | None = None,
    by: User | None = None,
    document_events: dict[int, int] | None = None,
) -> RecomputeResult:
    """Recompute the documents governed by an EVENT rule (their event dates changed): each from
    the rule version that set it. Documents typed by hand are left as they are. The history
    rows name ``by`` and, per document, the DocumentEvent recorded (``document_events``)."""
    on = on or timezone.localdate()
    trace = RetentionTrace(
        cause=RetentionChangeCause.EVENT_DATE, by=by, document_events=document_events or {}
    )
    documents = Document.objects.filter(
        pk__in=set(document_ids),
        status=Document.Status.ACTIVE,
        retention_rule__isnull=False,
        retention_rule__trigger=RetentionRule.Trigger.EVENT,
    ).exclude(retention_basis=Document.RetentionBasis.MANUAL)
    rule_ids = set(documents.values_list("retention_rule_id", flat=True))
    rules = RetentionRule.objects.filter(pk__in=rule_ids).order_by("pk")
    return _recompute(
        [(rule, documents.filter(retention_rule=rule)) for rule in rules], on=on, trace=trace
    )


def crate_retention_refresh(
    *, crate_ids: Iterable[int], on: dt.date | None = None, trace: RetentionTrace | None = None
) -> list[int]:
    """Set each crate's ``destroy_after`` / ``retain_permanently`` from its active documents:
    permanent if any is permanent; else no date if any waits for an event (or none is left);
    else the latest date; and its ``document_count`` (every document it holds). Set-based;
    returns the crates that were eligible for destruction on ``on`` (default today) and no
    longer are (the caller tells the listeners). With a ``trace`` (a change of the schedule),
    each crate whose values changed gets a history row."""
    on = on or timezone.localdate()
    ids = sorted(set(crate_ids))
    left: list[int] = []
    active = Document.objects.filter(crate=OuterRef("pk"), status=Document.Status.ACTIVE)
    permanent = Exists(active.filter(retain_permanently=True))
    pending = Exists(active.filter(retain_permanently=False, retention_until__isnull=True))
    latest = Subquery(
        active.order_by().values("crate").annotate(latest=Max("retention_until")).values("latest")
    )
    held = Coalesce(
        Subquery(
            Document.objects.filter(crate=OuterRef("pk"))
            .order_by()
            .values("crate")
            .annotate(n=Count("*"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    for start in range(0, len(ids), CRATE_BATCH):
        crates = Crate.objects.filter(pk__in=ids[start : start + CRATE_BATCH]).exclude(
            status=Crate.Status.DESTROYED
        )
        before = set(crates_eligible(on=on, crates=crates).values_list("pk", flat=True))
        values = _crate_rows(crates) if trace is not None else {}
        crates.update(
            retain_permanently=Case(When(permanent, then=Value(True)), default=Value(False)),
            destroy_after=Case(
                When(permanent, then=Value(None)),
                When(pending, then=Value(None)),
                default=latest,
                output_field=DateField(),
            ),
            document_count=held,
        )
        after = set(crates_eligible(on=on, crates=crates).values_list("pk", flat=True))
        left.extend(sorted(before - after))
        if trace is not None:
            _crate_changes_record(values, _crate_rows(crates), trace)
    return left


def _crate_rows(crates: QuerySet[Crate]) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in crates.order_by().values_list(*_CRATE_RETENTION)}


def _crate_changes_record(
    before: dict[int, tuple[Any, ...]], after: dict[int, tuple[Any, ...]], trace: RetentionTrace
) -> None:
    CrateRetentionChange.objects.bulk_create(
        (
            CrateRetentionChange(
                crate_id=pk,
                old_destroy_after=old[0],
                old_retain_permanently=old[1],
                new_destroy_after=new[0],
                new_retain_permanently=new[1],
                cause=trace.cause,
                rule=trace.rule,
                at=trace.at,
                by=trace.by,
            )
            for pk, old in before.items()
            if (new := after.get(pk, old)) != old
        ),
        batch_size=1000,
    )


# --- Drafting, editing, discarding ------------------------------------------------------------


def _rule_values(rule: RetentionRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "revision": rule.revision,
        "title": rule.title,
        "doc_type": rule.doc_type.code,
        "unit": rule.unit.code if rule.unit else None,
        "department": rule.department.code if rule.department else None,
        "trigger": rule.trigger,
        "event": rule.event.code if rule.event else None,
        "period_years": rule.period_years,
        "period_months": rule.period_months,
        "action": rule.action,
        "citation": rule.citation,
        "status": rule.status,
    }


def _clean(data: dict[str, Any], *, actor: User | None) -> dict[str, Any]:
    """The rule's fields checked together; errors on their fields."""
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    citation = str(data.get("citation") or "").strip()
    if not title:
        errors["title"] = ["Required."]
    if not citation:
        errors["citation"] = ["Required: the law or guideline the period comes from."]
    doc_type = data.get("doc_type")
    if not isinstance(doc_type, DocumentType):
        errors["doc_type"] = ["Required."]
    unit: Unit | None = data.get("unit")
    department: Department | None = data.get("department")
    if department is not None:
        if unit is None:
            unit = department.unit
        elif department.unit_id != unit.pk:
            errors["department"] = ["Not in this unit."]
    if unit is not None and actor is not None:
        require_unit_choice(user=actor, unit_ids=[unit.pk], field="unit")
    trigger = data.get("trigger")
    event: RetentionEvent | None = data.get("event")
    if trigger not in RetentionRule.Trigger.values:
        errors["trigger"] = ["Required."]
    elif trigger == RetentionRule.Trigger.EVENT and event is None:
        errors["event"] = ["Required for a rule that runs from an event."]
    elif trigger != RetentionRule.Trigger.EVENT:
        event = None
    years, months = int(data.get("period_years") or 0), int(data.get("period_months") or 0)
    action = data.get("action")
    if action not in RetentionRule.Action.values:
        errors["action"] = ["Required."]
    if months > 11:
        errors["period_months"] = ["At most 11 (give whole years in years)."]
    permanent = (
        trigger == RetentionRule.Trigger.PERMANENT or action == RetentionRule.Action.PERMANENT
    )
    if not permanent and "trigger" not in errors and years == 0 and months == 0:
        errors["period_years"] = ["A period is required unless the rule is permanent."]
    if errors:
        raise ApplicationError(
            "The rule is not valid: see the marked fields.", code="invalid_rule", details=errors
        )
    return {
        "title": title[:200],
        "citation": citation,
        "doc_type": doc_type,
        "unit": unit,
        "department": department,
        "trigger": trigger,
        "event": event,
        "period_years": years,
        "period_months": months,
        "action": action,
    }


@transaction.atomic
def retention_rule_draft(*, actor: User, code: str, data: dict[str, Any]) -> RetentionRule:
    """A new rule (version 1, DRAFT) under a code no rule uses yet."""
    code = (code or "").strip().upper()
    if not code:
        raise ApplicationError(
            "A code is required.", code="invalid_rule", details={"code": ["Required."]}
        )
    if RetentionRule.objects.filter(code=code).exists():
        raise ApplicationError(
            f"Rule {code} exists: edit it to draft its next version.",
            code="rule_code_taken",
            details={"code": ["Already used."]},
        )
    values = _clean(data, actor=actor)
    try:
        with transaction.atomic():
            rule = RetentionRule.objects.create(code=code, drafted_by=actor, **values)
    except IntegrityError as exc:
        raise ApplicationError(
            "The code is not valid (capitals, digits and _ + . - only).",
            code="invalid_rule",
            details={"code": ["Capitals, digits and _ + . - (at most 30)."]},
        ) from exc
    audit_event_record(
        action="retention_rule.create",
        actor=actor,
        object_type="retention_rule",
        object_id=rule.pk,
        unit=rule.unit,
        changes={k: [None, v] for k, v in _rule_values(rule).items()},
    )
    return rule


@transaction.atomic
def retention_rule_edit(
    *, actor: User, rule: RetentionRule, version: int | None, data: dict[str, Any]
) -> RetentionRule:
    """Edit a DRAFT in place, or draft the next version of an APPROVED rule (same code,
    version + 1, the approved one governs until the draft is approved). The scope (type, unit,
    department) of a code never changes: another scope is another rule."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    version_check(rule, version, what="rule")
    if rule.status not in (RetentionRule.Status.DRAFT, RetentionRule.Status.APPROVED):
        raise ConflictError(
            f"Rule {rule} is {rule.get_status_display().lower()}: edit its current version.",
            code="rule_wrong_status",
        )
    merged = {name: getattr(rule, name) for name in RULE_FIELDS} | {
        k: v for k, v in data.items() if k in RULE_FIELDS
    }
    values = _clean(merged, actor=actor)
    scope_changed = [
        name
        for name in ("doc_type", "unit", "department")
        if getattr(values[name], "pk", None) != getattr(getattr(rule, name), "pk", None)
    ]
    if scope_changed:
        raise ApplicationError(
            "The scope of a rule does not change between versions: draft a new rule instead.",
            code="rule_scope_fixed",
            details={name: ["Fixed for this rule."] for name in scope_changed},
        )
    if rule.status == RetentionRule.Status.APPROVED:
        if RetentionRule.objects.filter(code=rule.code, status=RetentionRule.Status.DRAFT).exists():
            raise ConflictError(
                f"Rule {rule.code} already has a draft version: edit that one.",
                code="rule_draft_exists",
            )
        draft = RetentionRule.objects.create(
            code=rule.code, revision=rule.revision + 1, drafted_by=actor, **values
        )
        before = _rule_values(rule)
        audit_event_record(
            action="retention_rule.create",
            actor=actor,
            object_type="retention_rule",
            object_id=draft.pk,
            unit=draft.unit,
            changes={
                k: [before[k] if k != "status" else None, v] for k, v in _rule_values(draft).items()
            },
            reason=f"Next version of {rule}",
        )
        return draft
    before = _rule_values(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.version += 1
    rule.drafted_by = actor
    rule.save()
    after = _rule_values(rule)
    changes: dict[str, list[Any]] = {
        k: [before[k], after[k]] for k in after if before[k] != after[k]
    }
    changes["version"] = [rule.version - 1, rule.version]
    audit_event_record(
        action="retention_rule.update",
        actor=actor,
        object_type="retention_rule",
        object_id=rule.pk,
        unit=rule.unit,
        changes=changes,
    )
    return rule


@transaction.atomic
def retention_rule_discard(
    *, actor: User, rule: RetentionRule, version: int | None, reason: str
) -> RetentionRule:
    """A DRAFT given up (kept, as DISCARDED, for the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    version_check(rule, version, what="rule")
    if rule.status != RetentionRule.Status.DRAFT:
        raise ConflictError("Only a draft is discarded.", code="rule_wrong_status")
    rule.status = RetentionRule.Status.DISCARDED
    rule.version += 1
    rule.save(update_fields=["status", "version", "updated_at"])
    audit_event_record(
        action="retention_rule.discard",
        actor=actor,
        object_type="retention_rule",
        object_id=rule.pk,
        unit=rule.unit,
        changes={"status": ["DRAFT", "DISCARDED"], "version": [rule.version - 1, rule.version]},
        reason=reason,
    )
    return rule


# --- Approval (signed) ------------------------------------------------------------------------


def _approver_of_every_unit(rule: RetentionRule, *, actor: User) -> None:
    """A rule without a unit governs the records of every unit: it is approved only by someone
    who approves for every unit it can govern — each active unit, and a closed one that still
    holds active records of the rule's type (403 ``rule_beyond_your_units`` naming the others).
    A unit's approver approves their unit's rules, never the whole plant's schedule."""
    unit_ids = user_unit_ids(actor)
    if unit_ids is None:  # acts in every unit
        return
    holds_records = Exists(
        Document.objects.filter(
            unit=OuterRef("pk"), doc_type_id=rule.doc_type_id, status=Document.Status.ACTIVE
        )
    )
    missing = list(
        Unit.objects.filter(Q(is_active=True) | holds_records)
        .exclude(pk__in=unit_ids)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if missing:
        raise ApplicationError(
            f"Rule {rule} has no unit: it governs every unit, so an approver of every unit "
            f"approves it. You do not approve for {', '.join(missing)}.",
            code="rule_beyond_your_units",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"unit": [f"Not one of your units: {', '.join(missing)}."]},
        )


def _approve_checks(rule: RetentionRule, *, actor: User | None) -> RetentionRule | None:
    """Refusals of an approval; returns the version it supersedes (or None)."""
    if rule.status != RetentionRule.Status.DRAFT:
        raise ConflictError(
            f"Rule {rule} is {rule.get_status_display().lower()}: only a draft is approved.",
            code="rule_wrong_status",
        )
    if actor is not None and rule.drafted_by_id == actor.pk:
        raise ApplicationError(
            "You drafted this version: someone else approves it.",
            code="separation_of_duties",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if actor is not None and rule.unit_id is None:
        _approver_of_every_unit(rule, actor=actor)
    if rule.trigger == RetentionRule.Trigger.EVENT and rule.event and not rule.event.is_active:
        raise ConflictError("The rule's event is no longer in use.", code="event_inactive")
    scope: dict[str, Any] = {"unit_id": rule.unit_id, "department_id": rule.department_id}
    same_scope = _approved_others(rule).filter(**scope).first()
    if same_scope is not None:
        raise ConflictError(
            f"Rule {same_scope} already governs this scope: edit it, or narrow this one.",
            code="rule_scope_taken",
        )
    return (
        RetentionRule.objects.select_for_update()
        .filter(code=rule.code, status=RetentionRule.Status.APPROVED)
        .first()
    )


def _approve(
    rule: RetentionRule, *, actor: User | None, on: dt.date
) -> tuple[RetentionRule | None, RecomputeResult]:
    previous = _approve_checks(rule, actor=actor)
    now = timezone.now()
    if previous is not None:
        previous.status = RetentionRule.Status.SUPERSEDED
        previous.superseded_at = now
        previous.version += 1
        previous.save(update_fields=["status", "superseded_at", "version", "updated_at"])
    rule.status = RetentionRule.Status.APPROVED
    rule.approved_by = actor
    rule.approved_at = now
    rule.effective_from = on
    rule.version += 1
    rule.save()
    return previous, retention_recompute(rule=rule, on=on, by=actor)


def retention_rule_approve(
    *,
    http_request: HttpRequest,
    actor: User,
    rule: RetentionRule,
    version: int | None,
    password: str,
    username: str = "",
    reauthentication: str = "",
    reason: str = "",
) -> tuple[RetentionRule, RecomputeResult]:
    """Approve a draft (signed ``RULE_APPROVED``; not by its drafter): it supersedes the
    approved version of its code and recomputes the documents it governs, in one transaction.
    The audit event records the counts (documents recomputed, documents whose eligibility for
    destruction changed today, crates that left eligibility)."""
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=SignatureMeaning.RULE_APPROVED,
        object_type="retention_rule",
        object_id=rule.pk,
        unit=rule.unit,
        reason=reason,
    ) as change:
        rule = change.lock(
            RetentionRule.objects.select_related("event", "doc_type", "unit", "department"),
            pk=rule.pk,
            version=version,
            what="rule",
        )
        on = timezone.localdate()
        previous, result = _approve(rule, actor=actor, on=on)
        change.audit(
            action="retention_rule.approve",
            changes={
                "status": ["DRAFT", "APPROVED"],
                "version": [rule.version - 1, rule.version],
                "rule": [None, f"{rule.code} v{rule.revision}"],
                "supersedes": [None, f"{previous.code} v{previous.revision}" if previous else None],
                "effective_from": [None, on],
                **result.as_changes(),
            },
            with_signature=True,
        )
    return rule, result


@transaction.atomic
def retention_rule_approve_unsigned(*, rule: RetentionRule, reason: str) -> RecomputeResult:
    """Approve a rule ``initial_setup`` seeds: there is no one to sign yet, so it is recorded
    as approved by the setup (no signer, no signature) with an audit event saying so."""
    rule = (
        RetentionRule.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=rule.pk)
    )
    on = timezone.localdate()
    _previous, result = _approve(rule, actor=None, on=on)
    audit_event_record(
        action="retention_rule.approve",
        object_type="retention_rule",
        object_id=rule.pk,
        unit=rule.unit,
        changes={
            "status": ["DRAFT", "APPROVED"],
            "rule": [None, f"{rule.code} v{rule.revision}"],
            "effective_from": [None, on],
            "signature": [None, None],
            **result.as_changes(),
        },
        reason=reason,
    )
    return result
