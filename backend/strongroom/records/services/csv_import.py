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


def csv_table_read(
    *,
    file: IO[bytes] | UploadedFile,
    header: tuple[str, ...],
    optional: tuple[str, ...],
    max_rows: int,
    max_bytes: int,
) -> tuple[list[dict[str, str]], list[int]]:
    """The rows of an uploaded CSV (UTF-8 with or without BOM; ``;`` or ``,`` delimited, as the
    first line says) as dicts of the ``header`` columns (a column of ``optional`` may be left
    out: its value is empty), blank lines skipped, and each row's line number (the header is line
    1). Refused (``invalid_csv`` on ``file``): too large, not UTF-8, empty, a required column
    missing, more than ``max_rows`` rows, no row. The one reader of both CSV imports (documents of
    a crate, event dates)."""
    raw = file.read(max_bytes + 1)
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > max_bytes:
        raise ApplicationError(
            "The file is too large.", code="invalid_csv", details={"file": ["Too large."]}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "The file is not UTF-8 text.",
            code="invalid_csv",
            details={"file": ["Save it as CSV UTF-8."]},
        ) from exc
    if not text.strip():
        raise ApplicationError(
            "The file is empty.", code="invalid_csv", details={"file": ["Empty."]}
        )
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [h.strip().lower() for h in next(reader)]
    missing = [h for h in header if h not in optional and h not in columns]
    if missing:
        raise ApplicationError(
            f"The header misses: {', '.join(missing)}.",
            code="invalid_csv",
            details={"file": [f"Expected the header {','.join(header)}."]},
        )
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= max_rows:
            raise ApplicationError(
                f"At most {max_rows} rows per file.",
                code="invalid_csv",
                details={"file": [f"At most {max_rows} rows."]},
            )
        record = dict(zip(columns, (v.strip() for v in values), strict=False))
        rows.append({key: record.get(key, "") for key in header})
        lines.append(reader.line_num)
    if not rows:
        raise ApplicationError(
            "The file has no rows.", code="invalid_csv", details={"file": ["No rows."]}
        )
    return rows, lines


def documents_parse_csv(*, file: IO[bytes] | UploadedFile, unit: Unit) -> list[dict[str, Any]]:
    """Rows of a CSV import (``number,title,doc_type,department,prepared_on,retention_until``;
    UTF-8 with or without BOM; ``;`` or ``,`` delimited; ISO dates; ``permanent`` retains
    permanently) as document dicts for :func:`crate_create_pending`. Nothing is written.

    Errors name the CSV's line numbers (the header is line 1), in the shape of
    ``invalid_documents``. Every row is validated against ``unit`` (document types,
    departments, numbers already used), as ``crate_create_pending`` will.
    """
    read, lines = csv_table_read(
        file=file,
        header=CSV_HEADER,
        optional=("department",),
        max_rows=MAX_DOCUMENTS,
        max_bytes=MAX_DOCUMENTS * 2000,  # generous bytes per row
    )
    rows: list[dict[str, Any]] = list(read)
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
