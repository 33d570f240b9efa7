"""The rules of a crate's document rows, one copy for every service that files or corrects
documents: each row checked (number, title, type, department, dates), the retention default of
a document type applied to a row that gives none (the approved retention rule that governs the
row, else the type's default years), and a crate's retention from its rows.

Nothing here writes: :mod:`strongroom.records.services.crates` files and corrects the rows,
:mod:`strongroom.records.services.csv_import` reads them from a file.
"""

import datetime as dt
from typing import Any

from strongroom.accounts.models import Department, Unit
from strongroom.core.errors import ApplicationError
from strongroom.records.models import Crate, Document, DocumentType
from strongroom.records.services.retention import (
    retention_of_new_document,
    retention_rule_governing,
    retention_rules_approved,
)

MAX_DOCUMENTS = 5000
PERMANENT = "permanent"


# The request API's name for the document rows of a new crate: a refusal's ``details`` carry
# the rows' messages under it, one item per row (``{}`` for a valid row), in the order sent.
DOCUMENT_ROWS_FIELD = "new_documents"


def _rows_error(
    errors: list[dict[str, list[str]]], message: str, *, field: str = DOCUMENT_ROWS_FIELD
) -> ApplicationError:
    return ApplicationError(message, code="invalid_documents", details={field: errors})


def _rows_list_error(
    message: str, detail: str, *, field: str = DOCUMENT_ROWS_FIELD
) -> ApplicationError:
    return ApplicationError(
        message, code="invalid_documents", details={field: {"non_field_errors": [detail]}}
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def document_retention_default(*, doc_type: DocumentType, prepared_on: dt.date) -> dt.date | None:
    """The retention date a document of ``doc_type`` prepared on ``prepared_on`` gets when its
    row gives none: the preparation date plus the type's ``default_retention_years`` (29
    February becomes 28 February). ``None`` when the type has no default: the row must then
    give a date or retain permanently.

    The one copy of the rule: every service that files documents applies it through
    :func:`documents_validate`."""
    if doc_type.default_retention_years is None:
        return None
    return _add_years(prepared_on, doc_type.default_retention_years)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def documents_validate(
    *, unit: Unit, department: Department, documents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Check every row and return them cleaned (objects resolved, the retention default of
    :func:`document_retention_default` applied to a row that gives no retention).

    Raises one ``invalid_documents`` error whose ``details["new_documents"]`` is a list with one
    item per row, in order: ``{field: [messages]}`` for a bad row, ``{}`` for a good one (an
    empty or too long list: ``{"non_field_errors": [...]}`` instead)."""
    cleaned, errors = _documents_check(unit=unit, department=department, documents=documents)
    _raise_bad_rows(errors, DOCUMENT_ROWS_FIELD)
    return cleaned


def _raise_bad_rows(errors: list[dict[str, list[str]]], field: str) -> None:
    bad_rows = [index + 1 for index, row_errors in enumerate(errors) if row_errors]
    if bad_rows:
        listed = ", ".join(str(n) for n in bad_rows[:10]) + (", …" if len(bad_rows) > 10 else "")
        raise _rows_error(
            errors,
            f"Document row {listed} is not valid: see the marked fields."
            if len(bad_rows) == 1
            else f"Document rows {listed} are not valid: see the marked fields.",
            field=field,
        )


def _documents_check(
    *,
    unit: Unit,
    department: Department,
    documents: list[dict[str, Any]],
    crate: Crate | None = None,
    field: str = DOCUMENT_ROWS_FIELD,
) -> tuple[list[dict[str, Any]], list[dict[str, list[str]]]]:
    """The rules of a crate's document rows, one copy for filing a crate and for correcting its
    rows: the cleaned rows (objects resolved) and the errors aligned with ``documents`` (``{}``
    for a valid row, else field -> messages). With ``crate`` (a correction), numbers the crate's
    own documents hold are free again, and a row with an ``id`` must name one of its documents,
    once. An empty or too long list is refused as a whole, under ``details[field]``."""
    if not documents:
        raise _rows_list_error(
            "A crate needs at least one document.", "At least one document.", field=field
        )
    if len(documents) > MAX_DOCUMENTS:
        raise _rows_list_error(
            f"At most {MAX_DOCUMENTS} documents per crate.",
            f"At most {MAX_DOCUMENTS}.",
            field=field,
        )
    errors: list[dict[str, list[str]]] = [{} for _ in documents]
    doc_types = {t.code: t for t in DocumentType.objects.filter(is_active=True)}
    rules = retention_rules_approved(doc_type_ids=[t.pk for t in doc_types.values()])
    departments = {d.code: d for d in Department.objects.filter(unit=unit, is_active=True)}
    numbers = [str(row.get("number") or "").strip() for row in documents]
    others = Document.objects.filter(unit=unit, number__in=[n for n in numbers if n])
    if crate is not None:
        others = others.exclude(crate=crate)
    taken = set(others.values_list("number", flat=True))
    own_ids = set(crate.documents.values_list("pk", flat=True)) if crate is not None else set()
    seen: dict[str, int] = {}
    seen_ids: set[int] = set()
    cleaned: list[dict[str, Any]] = []
    for index, row in enumerate(documents):
        row_errors = errors[index]

        def bad(field: str, message: str, row_errors: dict[str, list[str]] = row_errors) -> None:
            row_errors.setdefault(field, []).append(message)

        document_id = row.get("id") if crate is not None else None
        if document_id is not None:
            if document_id not in own_ids:
                bad("id", f"Not a document of crate {crate.code if crate else ''}.")
            elif document_id in seen_ids:
                bad("id", "Listed twice.")
            seen_ids.add(document_id)
        number = numbers[index]
        title = str(row.get("title") or "").strip()
        if not number:
            bad("number", "Required.")
        elif len(number) > 60:
            bad("number", "At most 60 characters.")
        elif number in taken:
            bad("number", f"{number} already exists in {unit.code}.")
        elif number in seen:
            bad("number", f"Repeats row {seen[number] + 1}.")
        else:
            seen[number] = index
        if not title:
            bad("title", "Required.")
        elif len(title) > 300:
            bad("title", "At most 300 characters.")
        type_code = str(row.get("doc_type") or "").strip().upper()
        doc_type = doc_types.get(type_code)
        if doc_type is None:
            bad("doc_type", f"Unknown document type {type_code!r}." if type_code else "Required.")
        dept_code = str(row.get("department") or "").strip().upper()
        doc_department = departments.get(dept_code) if dept_code else department
        if doc_department is None:
            bad("department", f"Unknown department {dept_code!r} in {unit.code}.")
        prepared_on = retention_until = None
        try:
            prepared_on = _as_date(row.get("prepared_on"))
            if prepared_on is None:
                bad("prepared_on", "Required.")
        except ValueError:
            bad("prepared_on", "Not a date (use YYYY-MM-DD).")
        basis: str = Document.RetentionBasis.MANUAL
        rule = None
        permanent = bool(row.get("retain_permanently"))
        raw_retention = row.get("retention_until")
        if isinstance(raw_retention, str) and raw_retention.strip().lower() == PERMANENT:
            permanent, raw_retention = True, None
        try:
            retention_until = _as_date(raw_retention)
        except ValueError:
            bad("retention_until", "Not a date (use YYYY-MM-DD or 'permanent').")
        if permanent and retention_until is not None:
            bad("retention_until", "Give a date or retain permanently, not both.")
        elif (
            not permanent
            and retention_until is None
            and "retention_until" not in row_errors
            and doc_type is not None  # without a type or a date, their own fields say why
            and prepared_on is not None
        ):
            rule = retention_rule_governing(
                rules,
                doc_type_id=doc_type.pk,
                unit_id=unit.pk,
                department_id=doc_department.pk if doc_department else -1,
            )
            if rule is not None:
                retention_until, permanent, basis = retention_of_new_document(
                    rule, prepared_on=prepared_on
                )
            else:
                retention_until = document_retention_default(
                    doc_type=doc_type, prepared_on=prepared_on
                )
            if rule is None and retention_until is None:
                bad(
                    "retention_until",
                    f"Required: {doc_type.name} has no default retention "
                    "(give a date or retain permanently).",
                )
        if prepared_on and retention_until and retention_until < prepared_on:
            bad("retention_until", "Must not be before the preparation date.")
        if row_errors:
            continue
        cleaned.append(
            {
                **({"id": document_id} if document_id is not None else {}),
                "number": number,
                "title": title,
                "doc_type": doc_type,
                "department": doc_department,
                "prepared_on": prepared_on,
                "retention_until": None if permanent else retention_until,
                "retain_permanently": permanent,
                "retention_basis": basis,
                "retention_rule": rule,
            }
        )
    return cleaned, errors
