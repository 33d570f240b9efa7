"""The volume data set's plan and rows, for ``manage.py seed_volume``: each crate's story (its
status and its open or last request, by its index), its year, retention and legal hold, and the
rows of crates and documents the command streams with COPY. Nothing here touches the database:
the command takes the ids, serials and shelves, writes the rows and the requests.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from strongroom.accounts.models import Department, Unit, User
from strongroom.records.models import Crate, DocumentType, RetentionRule
from strongroom.records.services.retention import add_months
from strongroom.requests.models import RequestStatus, RequestType

# Crate i's story, by i % 100: (status, open-or-last request type, its status).
PENDING, IN_STORAGE, ISSUED, DESTROYED = (
    Crate.Status.PENDING.value,
    Crate.Status.IN_STORAGE.value,
    Crate.Status.ISSUED.value,
    Crate.Status.DESTROYED.value,
)
S, W, T, D = (
    RequestType.STORAGE,
    RequestType.WITHDRAWAL,
    RequestType.TRANSFER,
    RequestType.DESTRUCTION,
)
SUB, APP, ISS, SB = (
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.ISSUED,
    RequestStatus.SENT_BACK,
)
COM, REJ, CAN = RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED


def _story(i: int) -> tuple[str, str, str]:
    r = i % 100
    if r < 2:
        return PENDING, S, SUB
    if r < 3:
        return PENDING, S, APP
    if r < 4:
        return PENDING, S, SB
    if r < 9:
        return ISSUED, W, ISS
    if r < 11:
        return DESTROYED, D, COM
    stored: tuple[tuple[str, str], ...] = (
        (W, SUB), (W, APP), (W, SB), (W, COM), (W, REJ), (W, CAN), (T, SUB), (T, APP), (T, COM),
        (D, SUB), (S, COM), (S, COM), (S, COM), (S, COM), (S, COM), (S, COM),
    )  # fmt: skip
    kind, status = stored[r % len(stored)]
    return IN_STORAGE, kind, status


@dataclass(slots=True)
class CratePlan:
    id: int
    unit: int  # index into the unit contexts
    dept: Department
    year: int
    status: str
    kind: str
    request_status: str
    created_at: dt.datetime
    serial: int = 0
    code: str = ""
    shelf: int | None = None  # location id
    last_shelf: int | None = None
    other_shelf: int | None = None  # a transfer's target
    retention: dt.date | None = None  # None: retained permanently
    hold: bool = False


@dataclass
class UnitContext:
    unit: Unit
    departments: list[Department]
    manager: User
    approver: User
    holder: User
    shelves: list[int]


def crates_plan(
    *, contexts: list[UnitContext], ids: list[int], now: dt.datetime, today: dt.date
) -> list[CratePlan]:
    """One plan per crate id, in order: crate i's story (:func:`_story`), its unit and department
    round-robin, its creation time spread over three years before ``now``, its year, retention
    (crates that go to destruction are past it on ``today``) and legal hold."""
    span = dt.timedelta(days=3 * 365)
    start = now - span
    step = span / max(len(ids), 1)
    plans = []
    n_units = len(contexts)
    for i, crate_id in enumerate(ids):
        status, kind, request_status = _story(i)
        context = contexts[i % n_units]
        dept = context.departments[(i // n_units) % len(context.departments)]
        destruction = kind == D
        # Crates that go to destruction are old enough for their retention to have ended.
        year = today.year - (3 + i % 5 if destruction else i % 8)
        plans.append(
            CratePlan(
                id=crate_id,
                unit=i % n_units,
                dept=dept,
                year=year,
                status=status,
                kind=kind,
                request_status=request_status,
                created_at=start + step * i,
            )
        )
        plan = plans[-1]
        if destruction:
            plan.retention = min(dt.date(year + 2, 12, 31), today - dt.timedelta(days=1))
        elif i % 10 == 7:
            plan.retention = None  # retained permanently
        else:
            plan.retention = dt.date(year + 10 + i % 6, 12, 31)
        plan.hold = (
            status == IN_STORAGE and not destruction and request_status != SUB and i % 200 == 17
        )
    return plans


CRATE_FIELDS = [
    "id", "unit", "department", "code", "year", "serial", "description", "status",
    "location", "last_location", "destroy_after", "retain_permanently", "legal_hold",
    "legal_hold_reason", "legal_hold_by", "legal_hold_at", "destroyed_at", "version",
    "created_by", "created_at", "updated_at",
]  # fmt: skip


def crate_rows(
    *, contexts: list[UnitContext], crates: list[CratePlan]
) -> Iterator[tuple[Any, ...]]:
    """The crates' rows, in the order of :data:`CRATE_FIELDS`."""
    for c in crates:
        context = contexts[c.unit]
        hold_at = c.created_at + dt.timedelta(days=30) if c.hold else None
        destroyed_at = c.created_at + dt.timedelta(days=2) if c.status == DESTROYED else None
        yield (
            c.id, context.unit.pk, c.dept.pk, c.code, c.year, c.serial,
            f"{c.dept.name} records {c.year}", c.status, c.shelf, c.last_shelf,
            c.retention, c.retention is None, c.hold,
            "Regulatory inquiry: keep until closed" if c.hold else "",
            context.holder.pk if c.hold else None, hold_at, destroyed_at,
            1 if c.status == PENDING else 2, context.manager.pk, c.created_at,
            destroyed_at or hold_at or c.created_at,
        )  # fmt: skip


DOCUMENT_FIELDS = [
    "crate", "unit", "number", "title", "doc_type", "department", "prepared_on",
    "retention_until", "retain_permanently", "retention_basis", "retention_rule", "status",
    "created_at", "updated_at",
]  # fmt: skip

# The volume's event dates: two documents in three governed by an EVENT rule have their event
# recorded, two years after preparation (seed_volume inserts the same dates with SQL).
EVENT_AFTER_MONTHS = 24


def event_recorded(k: int) -> bool:
    """Whether the retention event of crate ``k``'s documents is recorded (two crates in three:
    a crate holds one batch's, study's or procedure's records, which share their event)."""
    return k % 3 != 0


def crate_type(index: int, *, units: int, types: int) -> int:
    """The document type (an index into ``types`` of them) of crate ``index``'s documents: one
    type per crate, as records are boxed, and every type in every unit (crates go round-robin to
    ``units``)."""
    return (index // units) % types


def document_retention(
    rule: RetentionRule | None, *, prepared: dt.date, k: int, manual: dt.date | None
) -> tuple[dt.date | None, bool, str, int | None]:
    """``(retention_until, retain_permanently, basis, rule id)`` of a volume document of crate
    ``k``: what its type's approved rule gives it (as a rule approval would compute it), else the
    crate's date typed by hand (``manual``; None: permanent)."""
    if rule is None:
        return manual, manual is None, "MANUAL", None
    if rule.is_permanent:
        return None, True, "RULE", rule.pk
    if rule.trigger == RetentionRule.Trigger.EVENT:
        if not event_recorded(k):
            return None, False, "PENDING_EVENT", rule.pk
        event = add_months(prepared, EVENT_AFTER_MONTHS)
        return add_months(event, rule.period_total_months), False, "RULE", rule.pk
    return add_months(prepared, rule.period_total_months), False, "RULE", rule.pk


def document_rows(
    *,
    contexts: list[UnitContext],
    crates: list[CratePlan],
    n_docs: int,
    types: list[DocumentType],
    rules: dict[int, RetentionRule] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """``n_docs`` documents spread over the crates, in the order of :data:`DOCUMENT_FIELDS`:
    a crate's documents are contiguous, numbered after it and of one type (:func:`crate_type`);
    counts differ by at most one. ``rules`` (document type id → approved rule) sets their retention
    (:func:`document_retention`), except in crates that go to destruction: those keep the
    crate's past date, typed by hand, so their story holds."""
    rules = rules or {}
    n_crates = len(crates)
    k = 0
    for index, c in enumerate(crates):
        upto = (index + 1) * n_docs // n_crates
        unit_id = contexts[c.unit].unit.pk
        status = "DESTROYED" if c.status == DESTROYED else "ACTIVE"
        prefix = f"{c.dept.code}-{c.year}-{c.serial:06d}"
        doc_type = types[crate_type(index, units=len(contexts), types=len(types))]
        rule = None if c.kind == D else rules.get(doc_type.pk)
        n = 0
        while k < upto:
            n += 1
            prepared = dt.date(c.year, 1, 1) + dt.timedelta(days=k % 300)
            until, permanent, basis, rule_id = document_retention(
                rule, prepared=prepared, k=index, manual=c.retention
            )
            yield (
                c.id, unit_id, f"{prefix}-{n:02d}",
                f"{doc_type.name} {c.dept.code} {c.year} lot {c.serial}-{n}",
                doc_type.pk, c.dept.pk, prepared, until, permanent, basis, rule_id,
                status, c.created_at, c.created_at,
            )  # fmt: skip
            k += 1
