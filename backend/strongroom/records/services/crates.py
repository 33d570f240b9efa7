"""Writes over crates: numbering, a new ``PENDING`` crate with its documents (for STORAGE
requests), the correction of a pending crate's document rows, and the crate's retention
recomputed from its documents.

Each write runs in one transaction with its audit event; the rows' rules are
:mod:`strongroom.records.services.documents`'.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.scope import require_unit_choice
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError, ConflictError
from strongroom.core.models import Sequence
from strongroom.records.codes import format_code
from strongroom.records.models import Crate, Document
from strongroom.records.services.documents import (
    _documents_check,
    _raise_bad_rows,
    documents_validate,
)
from strongroom.records.services.retention import crate_retention_refresh


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
    crate = Crate.objects.create(
        unit=unit,
        department=department,
        code=code,
        year=year,
        serial=serial,
        description=(description or "").strip()[:300],
        status=Crate.Status.PENDING,
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
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db(fields=["destroy_after", "retain_permanently"])
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
            "destroy_after": [None, crate.destroy_after],
            "retain_permanently": [None, crate.retain_permanently],
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
                basis = (row["retention_basis"], row["retention_rule"])
                if (document.retention_basis, document.retention_rule) != basis:
                    document.retention_basis, document.retention_rule = basis
                    document.save(update_fields=["retention_basis", "retention_rule"])
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
    """Set ``destroy_after`` / ``retain_permanently`` from the crate's active documents
    (:func:`~strongroom.records.services.retention.crate_retention_refresh`) and reload them
    (the caller's transaction audits and versions)."""
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db(fields=["destroy_after", "retain_permanently"])
    return crate
