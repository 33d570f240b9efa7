"""Scans attached to documents: size limit, extension allow-list, content sniffed to match the
extension, SHA-256 kept, stored under a name derived from the hash only, with the audit event
in the same transaction.
"""

import hashlib
import re
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from strongroom.accounts.models import User
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError, ConflictError
from strongroom.records.models import Attachment, Document

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
