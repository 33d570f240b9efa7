"""Writes over records: crate numbering, pending crates with their documents (for STORAGE
requests), CSV import of documents, legal holds and attachments.

Each write runs in one transaction with its audit event; signatures are verified before the
transaction (a failed signature is audited and committed on its own) and recorded inside it.
"""

import csv
import datetime as dt
import hashlib
import io
import re
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.scope import require_unit_choice
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError
from strongroom.core.models import Sequence
from strongroom.records.codes import format_code
from strongroom.records.models import Attachment, Crate, Document, DocumentType

# --- Numbering --------------------------------------------------------------------------------


def crate_code_allocate(
    *, unit: Unit, department: Department, year: int | None = None
) -> tuple[int, int, str]:
    """Take the next serial for (unit, department, year) and return ``(year, serial, code)``.

    Race-free: the counter row stays locked until the caller's transaction ends (see
    :class:`strongroom.core.models.Sequence`); the unique constraint on ``code`` backs it up.
    """
    year = year or timezone.now().year
    serial = Sequence.next_value(f"crate:{unit.code}:{department.code}:{year}")
    return (
        year,
        serial,
        format_code(unit_code=unit.code, department_code=department.code, year=year, serial=serial),
    )


# --- Pending crates and their documents -------------------------------------------------------

MAX_DOCUMENTS = 5000
CSV_HEADER = ("number", "title", "doc_type", "department", "prepared_on", "retention_until")
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
            retention_until = document_retention_default(doc_type=doc_type, prepared_on=prepared_on)
            if retention_until is None:
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
            }
        )
    return cleaned, errors


def _retention_of(rows: list[dict[str, Any]]) -> tuple[dt.date | None, bool]:
    if any(row["retain_permanently"] for row in rows):
        return None, True
    dates = [row["retention_until"] for row in rows if row["retention_until"]]
    return (max(dates) if dates else None), False


@transaction.atomic
def crate_create_pending(
    *,
    actor: User,
    unit: Unit,
    department: Department,
    description: str,
    documents: list[dict[str, Any]],
) -> Crate:
    """A new ``PENDING`` crate with its documents, numbered race-free, for a STORAGE request.

    Each document dict has ``number``, ``title``, ``doc_type`` (code), ``department`` (code,
    default the crate's), ``prepared_on`` and ``retention_until`` (a date) or
    ``retain_permanently`` (or ``retention_until="permanent"``); without either, the type's
    default (:func:`document_retention_default`). Bad rows: see :func:`documents_validate`.
    The crate's ``destroy_after`` is the latest retention date, or it is retained permanently
    if any document is.
    """
    require_unit_choice(user=actor, unit_ids=[unit.pk], field="department")
    if department.unit_id != unit.pk:
        raise ApplicationError(
            "The department belongs to another unit.",
            code="invalid_department",
            details={"department": ["Not in this unit."]},
        )
    rows = documents_validate(unit=unit, department=department, documents=documents)
    year, serial, code = crate_code_allocate(unit=unit, department=department)
    destroy_after, permanent = _retention_of(rows)
    crate = Crate.objects.create(
        unit=unit,
        department=department,
        code=code,
        year=year,
        serial=serial,
        description=(description or "").strip()[:300],
        status=Crate.Status.PENDING,
        destroy_after=destroy_after,
        retain_permanently=permanent,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            Document.objects.bulk_create(
                [Document(crate=crate, unit=unit, **row) for row in rows], batch_size=1000
            )
    except IntegrityError as exc:  # a concurrent crate took one of the numbers
        raise ConflictError(
            "A document number was taken meanwhile; check the numbers and try again.",
            code="document_number_taken",
        ) from exc
    audit_event_record(
        action="crate.create",
        actor=actor,
        object_type="crate",
        object_id=crate.pk,
        unit=unit,
        changes={
            "code": [None, crate.code],
            "department": [None, department.code],
            "description": [None, crate.description],
            "status": [None, crate.status],
            "destroy_after": [None, destroy_after],
            "retain_permanently": [None, permanent],
            "documents": [None, [row["number"] for row in rows]],
        },
    )
    return crate


DOCUMENT_FIELDS = (
    "number",
    "title",
    "doc_type",
    "department",
    "prepared_on",
    "retention_until",
    "retain_permanently",
)


def _document_values(document: Document | dict[str, Any]) -> dict[str, Any]:
    """A document row as the audit trail records it (codes, ISO dates)."""

    def get(name: str) -> Any:
        return document[name] if isinstance(document, dict) else getattr(document, name)

    return {
        "number": get("number"),
        "title": get("title"),
        "doc_type": get("doc_type").code,
        "department": get("department").code,
        "prepared_on": get("prepared_on"),
        "retention_until": get("retention_until"),
        "retain_permanently": get("retain_permanently"),
    }


def crate_documents_correct(
    *, actor: User, crate: Crate, documents: list[dict[str, Any]], field: str = "documents"
) -> dict[str, list[Any]]:
    """Correct the document rows of a ``PENDING`` crate (a sent-back STORAGE request): a row
    with the ``id`` of one of its documents replaces that document's fields, a row without one
    adds a document, a document not listed is removed; at least one must remain. Same rules as
    :func:`crate_create_pending`; every bad row is reported at once as ``invalid_documents``
    with ``details[field]`` a list aligned with the rows (``{}`` for a valid row, else field ->
    messages). Run inside the caller's transaction; writes the crate's ``crate.update`` audit
    event and returns the changes (``"documents.<number>.<field>": [old, new]``,
    ``"documents.<number>": [None, row]`` for an added row, ``[row, None]`` for a removed one)
    for the caller's own audit event."""
    crate = Crate.objects.select_for_update().select_related("unit", "department").get(pk=crate.pk)
    if crate.status != Crate.Status.PENDING:
        raise ConflictError(
            f"Crate {crate.code} is {crate.get_status_display().lower()}: only a pending crate's "
            "documents are corrected.",
            code="crate_wrong_status",
        )
    cleaned, errors = _documents_check(
        unit=crate.unit, department=crate.department, documents=documents, crate=crate, field=field
    )
    _raise_bad_rows(errors, field)
    current = {
        d.pk: d for d in crate.documents.select_related("doc_type", "department").order_by("number")
    }
    kept = {row["id"] for row in cleaned if "id" in row}
    removed = [d for pk, d in current.items() if pk not in kept]
    attached = [d.number for d in removed if d.attachments.exists()]
    if attached:
        raise ConflictError(
            f"{', '.join(attached)} {'has' if len(attached) == 1 else 'have'} scans attached; "
            "a document with scans is not removed.",
            code="document_has_attachments",
        )
    changes: dict[str, list[Any]] = {}
    try:
        with transaction.atomic():
            for document in removed:
                changes[f"documents.{document.number}"] = [_document_values(document), None]
                document.delete()
            # Rows may exchange numbers: the renumbered documents first take a number no row
            # can have (rows are stripped), so the unique number holds at every step.
            Document.objects.filter(
                pk__in=[
                    row["id"]
                    for row in cleaned
                    if "id" in row and current[row["id"]].number != row["number"]
                ]
            ).update(number=Concat(Value(" renumbering "), Cast("pk", CharField())))
            for row in cleaned:
                if "id" not in row:
                    continue
                document = current[row["id"]]
                old = _document_values(document)
                new = _document_values(row)
                if old == new:
                    continue
                for name in DOCUMENT_FIELDS:
                    if old[name] != new[name]:
                        changes[f"documents.{old['number']}.{name}"] = [old[name], new[name]]
                        setattr(document, name, row[name])
                document.save()
            for row in cleaned:
                if "id" not in row:
                    Document.objects.create(crate=crate, unit=crate.unit, **row)
                    changes[f"documents.{row['number']}"] = [None, _document_values(row)]
    except IntegrityError as exc:  # a concurrent crate took one of the numbers meanwhile
        raise ConflictError(
            "A document number is in use; check the numbers and try again.",
            code="document_number_taken",
        ) from exc
    if not changes:
        return changes
    before = (crate.destroy_after, crate.retain_permanently)
    crate_destroy_after_recompute(crate)
    crate_changes = dict(changes)
    if before != (crate.destroy_after, crate.retain_permanently):
        crate_changes["destroy_after"] = [before[0], crate.destroy_after]
        crate_changes["retain_permanently"] = [before[1], crate.retain_permanently]
    crate_changes["version"] = [crate.version, crate.version + 1]
    crate.version += 1
    crate.save(update_fields=["version", "updated_at"])
    audit_event_record(
        action="crate.update",
        actor=actor,
        object_type="crate",
        object_id=crate.pk,
        unit=crate.unit,
        changes=crate_changes,
    )
    return changes


def crate_destroy_after_recompute(crate: Crate) -> Crate:
    """Set ``destroy_after`` / ``retain_permanently`` from the crate's active documents and save
    those two fields when they changed (the caller's transaction audits and versions)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in crate.documents.filter(status=Document.Status.ACTIVE).values(
            "retention_until", "retain_permanently"
        )
    ]
    destroy_after, permanent = _retention_of(rows) if rows else (None, False)
    if (crate.destroy_after, crate.retain_permanently) != (destroy_after, permanent):
        crate.destroy_after = destroy_after
        crate.retain_permanently = permanent
        crate.save(update_fields=["destroy_after", "retain_permanently", "updated_at"])
    return crate


def _decode_csv(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "The file is not UTF-8 text.",
            code="invalid_csv",
            details={"file": ["Save it as CSV UTF-8."]},
        ) from exc


def documents_parse_csv(*, file: IO[bytes] | UploadedFile, unit: Unit) -> list[dict[str, Any]]:
    """Rows of a CSV import (``number,title,doc_type,department,prepared_on,retention_until``;
    UTF-8 with or without BOM; ``;`` or ``,`` delimited; ISO dates; ``permanent`` retains
    permanently) as document dicts for :func:`crate_create_pending`. Nothing is written.

    Errors name the CSV's line numbers (the header is line 1), in the shape of
    ``invalid_documents``. Every row is validated against ``unit`` (document types,
    departments, numbers already used), as ``crate_create_pending`` will.
    """
    limit = MAX_DOCUMENTS * 2000  # generous bytes per row
    raw = file.read(limit + 1)
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > limit:
        raise ApplicationError(
            "The file is too large.", code="invalid_csv", details={"file": ["Too large."]}
        )
    text = _decode_csv(raw)
    if not text.strip():
        raise ApplicationError(
            "The file is empty.", code="invalid_csv", details={"file": ["Empty."]}
        )
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [h for h in CSV_HEADER if h != "department" and h not in header]
    if missing:
        raise ApplicationError(
            f"The header misses: {', '.join(missing)}.",
            code="invalid_csv",
            details={"file": [f"Expected the header {','.join(CSV_HEADER)}."]},
        )
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_DOCUMENTS:
            raise ApplicationError(
                f"At most {MAX_DOCUMENTS} rows per file.",
                code="invalid_csv",
                details={"file": [f"At most {MAX_DOCUMENTS} rows."]},
            )
        record = dict(zip(header, (v.strip() for v in values), strict=False))
        rows.append({key: record.get(key, "") for key in CSV_HEADER})
        lines.append(reader.line_num)
    if not rows:
        raise ApplicationError(
            "The file has no rows.", code="invalid_csv", details={"file": ["No rows."]}
        )
    department = Department(unit=unit, code="")  # rows without a department stay valid
    try:
        documents_validate(unit=unit, department=department, documents=rows)
    except ApplicationError as exc:
        by_index = exc.details.get(DOCUMENT_ROWS_FIELD)
        if not isinstance(by_index, list):
            raise
        by_line = {lines[i]: errors for i, errors in enumerate(by_index) if errors}
        raise ApplicationError(
            f"{len(by_line)} row(s) of the file are not valid (by line number).",
            code="invalid_documents",
            details={"documents": by_line},
        ) from exc
    return rows


# --- Legal hold -------------------------------------------------------------------------------


def _hold_change(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    place: bool,
    username: str = "",
) -> Crate:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    meaning = SignatureMeaning.HOLD_PLACED if place else SignatureMeaning.HOLD_RELEASED
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        meaning=meaning,
        object_type="crate",
        object_id=crate.pk,
        unit=crate.unit,
        reason=reason,
    ) as change:
        crate = change.lock(
            Crate.objects.select_related("unit"), pk=crate.pk, version=version, what="crate"
        )
        if crate.status == Crate.Status.DESTROYED:
            raise ApplicationError(
                "The crate was destroyed.",
                code="crate_destroyed",
                status_code=status.HTTP_409_CONFLICT,
            )
        if crate.legal_hold == place:
            raise ConflictError(
                "The crate is already on legal hold."
                if place
                else "The crate is not on legal hold.",
                code="crate_on_hold" if place else "crate_not_on_hold",
            )
        before = {
            "legal_hold": crate.legal_hold,
            "legal_hold_reason": crate.legal_hold_reason,
            "legal_hold_by": crate.legal_hold_by_id,
            "legal_hold_at": crate.legal_hold_at,
        }
        crate.legal_hold = place
        crate.legal_hold_reason = reason if place else ""
        crate.legal_hold_by = actor if place else None
        crate.legal_hold_at = timezone.now() if place else None
        crate.version += 1
        crate.save(
            update_fields=[
                "legal_hold",
                "legal_hold_reason",
                "legal_hold_by",
                "legal_hold_at",
                "version",
                "updated_at",
            ]
        )
        after = {
            "legal_hold": crate.legal_hold,
            "legal_hold_reason": crate.legal_hold_reason,
            "legal_hold_by": crate.legal_hold_by_id,
            "legal_hold_at": crate.legal_hold_at,
        }
        changes: dict[str, list[Any]] = {
            k: [before[k], after[k]] for k in before if before[k] != after[k]
        }
        changes["version"] = [crate.version - 1, crate.version]
        change.audit(
            action="crate.hold_place" if place else "crate.hold_release",
            changes=changes,
            with_signature=True,
        )
    return crate


def crate_hold_place(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    username: str = "",
) -> Crate:
    """Place a legal hold (signed ``HOLD_PLACED``): the crate cannot be destroyed meanwhile."""
    return _hold_change(
        http_request=http_request,
        actor=actor,
        crate=crate,
        version=version,
        reason=reason,
        password=password,
        username=username,
        place=True,
    )


def crate_hold_release(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    username: str = "",
) -> Crate:
    """Release a legal hold (signed ``HOLD_RELEASED``)."""
    return _hold_change(
        http_request=http_request,
        actor=actor,
        crate=crate,
        version=version,
        reason=reason,
        password=password,
        username=username,
        place=False,
    )


# --- Attachments ------------------------------------------------------------------------------

DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# The extension a file may carry → the type its content must sniff as (``filetype``).
ALLOWED_EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "tif": "tif",
    "tiff": "tif",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "tif": "image/tiff",
}
SNIFF_BYTES = 8192


def attachment_max_bytes() -> int:
    """``settings.STRONGROOM_ATTACHMENT_MAX_BYTES`` or 25 MB."""
    return int(getattr(settings, "STRONGROOM_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def safe_original_name(name: str) -> str:
    """The file's own name without any directory parts or control characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    return base[-255:]


def _upload_error(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, details={"file": [message]})


def attachment_create(*, actor: User, document: Document, upload: UploadedFile) -> Attachment:
    """Store a scan of ``document``: size limit, extension allow-list, content sniffed to match
    the extension, SHA-256 kept, stored under a name derived from the hash only."""
    original = safe_original_name(upload.name or "")
    extension = PurePosixPath(original).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise _upload_error(
            "Only PDF, PNG, JPEG and TIFF files are accepted.", "file_type_not_allowed"
        )
    size = upload.size or 0
    if size <= 0:
        raise _upload_error("The file is empty.", "file_empty")
    limit = attachment_max_bytes()
    if size > limit:
        raise _upload_error(
            f"The file is larger than {limit // (1024 * 1024) or limit} "
            f"{'MB' if limit >= 1024 * 1024 else 'bytes'}.",
            "file_too_large",
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    kind = filetype.guess(head)
    expected = ALLOWED_EXTENSIONS[extension]
    if kind is None or kind.extension != expected:
        raise _upload_error(
            f"The content is not a {extension.upper()} file (it does not match its name).",
            "file_type_mismatch",
        )
    sha256 = digest.hexdigest()
    with transaction.atomic():
        if Attachment.objects.filter(document=document, sha256=sha256).exists():
            raise ConflictError(
                "This file is already attached to the document.", code="attachment_duplicate"
            )
        attachment = Attachment(
            document=document,
            original_name=original,
            extension=f".{expected}",
            content_type=CONTENT_TYPES[expected],
            size=size,
            sha256=sha256,
            uploaded_by=actor,
        )
        storage = attachment.file.storage
        stored_name = attachment.file.field.generate_filename(attachment, original)
        if storage.exists(stored_name):
            attachment.file.name = stored_name  # same content already stored: share it
        else:
            upload.seek(0)
            attachment.file.save(original, upload, save=False)
        attachment.save()
        audit_event_record(
            action="attachment.create",
            actor=actor,
            object_type="attachment",
            object_id=attachment.pk,
            unit=document.crate.unit,
            changes={
                "document": [None, document.pk],
                "document_number": [None, document.number],
                "original_name": [None, original],
                "size": [None, size],
                "sha256": [None, sha256],
            },
        )
    return attachment
