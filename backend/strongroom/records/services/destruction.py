"""The destruction of a crate as a record: the crate and every document in it become
``DESTROYED``. Shared by the single-crate DESTRUCTION request and the destruction batch, which
each check eligibility, sign and audit in their own transaction before calling it."""

import datetime as dt

from django.utils import timezone

from strongroom.core.errors import ConflictError
from strongroom.records.models import Crate, Document


def crate_destroy(*, crate: Crate, at: dt.datetime | None = None) -> Crate:
    """Mark ``crate`` (locked by the caller, in storage) and its documents destroyed: off its
    shelf, ``destroyed_at`` set, version + 1. The caller's transaction signs and audits."""
    if crate.status != Crate.Status.IN_STORAGE:
        raise ConflictError(f"Crate {crate.code} is not in storage.", code="crate_wrong_status")
    crate.documents.update(status=Document.Status.DESTROYED)
    crate.status = Crate.Status.DESTROYED
    crate.location = None
    crate.destroyed_at = at or timezone.now()
    crate.version += 1
    crate.save()
    return crate
