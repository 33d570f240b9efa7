"""CSV import of a crate's documents: a file read into document rows, checked by the rules of
:mod:`strongroom.records.services.documents` against the unit, its errors by line number.
Nothing is written.
"""

import csv
import io
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile

from strongroom.accounts.models import Department, Unit
from strongroom.core.errors import ApplicationError
from strongroom.records.services.documents import (
    DOCUMENT_ROWS_FIELD,
    MAX_DOCUMENTS,
    documents_validate,
)

CSV_HEADER = ("number", "title", "doc_type", "department", "prepared_on", "retention_until")


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
