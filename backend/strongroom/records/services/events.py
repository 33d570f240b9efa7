"""Event dates of documents (a batch's expiry, a product's discontinuation…): recorded one by
one, by CSV import, or by an integration calling with a service token.

Every way goes through :func:`document_events_record`: all the rows are checked first (each
row's errors reported at once, nothing written when any is wrong), then each new or changed
date is written with its audit event, the documents' retention recomputed from their EVENT rule
(:func:`strongroom.records.services.retention.documents_retention_recompute`) and their crates'
``destroy_after`` refreshed, in one transaction. A row that repeats the date already recorded
changes nothing (an integration may send the same rows again).
"""

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from strongroom.accounts.models import ServiceToken, Unit, User
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError, version_check
from strongroom.records.disposal import crates_left_eligibility
from strongroom.records.models import Document, DocumentEvent, RetentionEvent
from strongroom.records.services.csv_import import csv_table_read
from strongroom.records.services.retention import (
    LEFT_ELIGIBILITY_CODE,
    documents_retention_recompute,
)

MAX_ROWS = 1000
CSV_HEADER = ("unit", "document_number", "event", "date")


@dataclass
class EventsResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    crates_left_eligibility: int = 0


def _rows_invalid(errors: Any, *, field: str, count: int) -> ApplicationError:
    return ApplicationError(
        f"{count} row(s) are not valid: nothing was recorded.",
        code="invalid_events",
        details={field: errors},
    )


def _resolve(
    rows: list[dict[str, Any]], *, unit_ids: frozenset[int] | None, unit_required: bool
) -> tuple[list[tuple[Document, RetentionEvent, dt.date] | None], list[dict[str, list[str]]]]:
    """Each row's document (within ``unit_ids``; None: every unit), event and date, or its
    errors (aligned with ``rows``)."""
    events = {e.code: e for e in RetentionEvent.objects.filter(is_active=True)}
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
    unit_by_code = {u.code: u for u in units}
    numbers = {str(r.get("document_number") or "").strip() for r in rows}
    documents: dict[str, list[Document]] = {}
    for found in (
        Document.objects.filter(number__in=numbers - {""}, unit__in=unit_by_code.values())
        .select_related("unit")
        .order_by("pk")
    ):
        documents.setdefault(found.number, []).append(found)
    resolved: list[tuple[Document, RetentionEvent, dt.date] | None] = []
    errors: list[dict[str, list[str]]] = []
    seen: dict[tuple[int, int], int] = {}
    for index, row in enumerate(rows):
        row_errors: dict[str, list[str]] = {}
        number = str(row.get("document_number") or "").strip()
        unit_code = str(row.get("unit") or "").strip().upper()
        candidates = documents.get(number, [])
        if not unit_code and unit_required:
            row_errors["unit"] = ["Required."]
        elif unit_code:
            if unit_code not in unit_by_code:
                row_errors["unit"] = [f"Unknown unit {unit_code!r}."]
            candidates = [d for d in candidates if d.unit.code == unit_code]
        document: Document | None = None
        if not number:
            row_errors["document_number"] = ["Required."]
        elif "unit" not in row_errors:
            if not candidates:
                row_errors["document_number"] = [f"No document {number} in your units."]
            elif len(candidates) > 1:
                row_errors["unit"] = [f"{number} exists in several units: give the unit."]
            else:
                document = candidates[0]
        event_code = str(row.get("event") or "").strip().upper()
        event = events.get(event_code)
        if event is None:
            row_errors["event"] = [f"Unknown event {event_code!r}." if event_code else "Required."]
        date = row.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date.strip())
            except ValueError:
                date = None
        if not isinstance(date, dt.date):
            row_errors["date"] = ["A date (YYYY-MM-DD) is required."]
        if document is not None and event is not None:
            key = (document.pk, event.pk)
            if key in seen:
                row_errors["document_number"] = [f"Repeats row {seen[key] + 1}."]
            seen[key] = index
        if document is not None and document.status != Document.Status.ACTIVE:
            row_errors["document_number"] = [f"{number} was destroyed."]
        errors.append(row_errors)
        resolved.append(
            None if row_errors or document is None or event is None else (document, event, date)  # type: ignore[arg-type]
        )
    return resolved, errors


def document_events_record(
    *,
    rows: list[dict[str, Any]],
    source: str,
    actor: User | None = None,
    token: ServiceToken | None = None,
    unit_ids: frozenset[int] | None = None,
    field: str = "events",
    errors_by: list[int] | None = None,
    unit_required: bool = False,
) -> EventsResult:
    """Record the rows (``unit`` code or blank, ``document_number``, ``event`` code, ``date``),
    all or nothing. ``errors_by``: the key of each row in the error details (a CSV's line
    numbers; default, a list aligned with the rows)."""
    if not rows:
        raise ApplicationError(
            "No rows.", code="invalid_events", details={field: {"non_field_errors": ["Empty."]}}
        )
    if len(rows) > MAX_ROWS:
        raise ApplicationError(
            f"At most {MAX_ROWS} rows per call.",
            code="invalid_events",
            details={field: {"non_field_errors": [f"At most {MAX_ROWS}."]}},
        )
    resolved, errors = _resolve(rows, unit_ids=unit_ids, unit_required=unit_required)
    bad = [i for i, e in enumerate(errors) if e]
    if bad:
        details: Any = {errors_by[i]: errors[i] for i in bad} if errors_by is not None else errors
        raise _rows_invalid(details, field=field, count=len(bad))
    return _record([r for r in resolved if r is not None], source=source, actor=actor, token=token)


def _retention(document: Document) -> list[Any]:
    return [document.retention_until, document.retain_permanently, document.retention_basis]


@transaction.atomic
def _record(
    rows: list[tuple[Document, RetentionEvent, dt.date]],
    *,
    source: str,
    actor: User | None,
    token: ServiceToken | None,
) -> EventsResult:
    result = EventsResult()
    document_ids = [document.pk for document, _, _ in rows]
    existing = {
        (e.document_id, e.event_id): e
        for e in DocumentEvent.objects.select_for_update().filter(document_id__in=document_ids)
    }
    changed: list[tuple[Document, RetentionEvent, dt.date | None, DocumentEvent]] = []
    for document, event, date in rows:
        current = existing.get((document.pk, event.pk))
        if current is not None and current.date == date:
            result.unchanged += 1
            continue
        old = current.date if current is not None else None
        if current is None:
            current = DocumentEvent.objects.create(
                document=document,
                event=event,
                date=date,
                source=source,
                recorded_by=actor,
                recorded_by_token=token,
            )
            result.created += 1
        else:
            current.document = document  # loaded already: its unit names the live event's
            current.date, current.source = date, source
            current.recorded_by, current.recorded_by_token = actor, token
            current.version += 1
            current.save()
            result.updated += 1
        changed.append((document, event, old, current))
    if not changed:
        return result
    before = {d.pk: _retention(d) for d in Document.objects.filter(pk__in=document_ids)}
    recomputed = documents_retention_recompute(
        document_ids=[d.pk for d, _, _, _ in changed],
        by=actor,
        document_events={d.pk: recorded.pk for d, _, _, recorded in changed},
    )
    after = {d.pk: _retention(d) for d in Document.objects.filter(pk__in=document_ids)}
    for document, event, old, recorded in changed:
        changes: dict[str, list[Any]] = {
            "document": [None, document.number],
            "event": [None, event.code],
            "date": [old, recorded.date],
            "source": [None, source],
        }
        if before[document.pk] != after[document.pk]:
            changes["retention"] = [before[document.pk], after[document.pk]]
        if token is not None:
            changes["service_token"] = [None, token.name]
        audit_event_record(
            action="document_event.update" if old else "document_event.create",
            actor=actor,
            object_type="document_event",
            object_id=recorded.pk,
            unit=document.unit,
            changes=changes,
        )
    left = recomputed.crates_left_eligibility
    result.crates_left_eligibility = len(left)
    if left:
        crates_left_eligibility(
            left, code=LEFT_ELIGIBILITY_CODE, reason="A retention event date was recorded."
        )
    if token is not None:
        audit_event_record(
            action="service_token.use",
            object_type="service_token",
            object_id=token.pk,
            changes={
                "name": [None, token.name],
                "created": [None, result.created],
                "updated": [None, result.updated],
                "unchanged": [None, result.unchanged],
            },
        )
    return result


def document_event_update(
    *, actor: User, recorded: DocumentEvent, version: int | None, date: dt.date
) -> EventsResult:
    """Change one recorded date (the caller has checked the unit scope)."""
    with transaction.atomic():
        locked = DocumentEvent.objects.select_for_update().get(pk=recorded.pk)
        version_check(locked, version, what="event date")
        document = Document.objects.select_related("unit").get(pk=locked.document_id)
        return _record(
            [(document, locked.event, date)],
            source=DocumentEvent.Source.MANUAL,
            actor=actor,
            token=None,
        )


def document_events_parse_csv(
    *, file: IO[bytes] | UploadedFile
) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows of an event-date CSV (``unit,document_number,event,date``; the unit column may
    be left out or blank when the number is in one of your units only; UTF-8, ``,`` or ``;``)
    and each row's line number."""
    rows, lines = csv_table_read(
        file=file,
        header=CSV_HEADER,
        optional=("unit",),
        max_rows=MAX_ROWS,
        max_bytes=MAX_ROWS * 200,
    )
    return list(rows), lines
