"""What an inventory audit's reconciliation does to a crate (strongroom.inventory), as records.

The audit's service locks the crate, checks its own rules, signs and audits in its transaction
and calls these; they change the crate row only (version + 1, outbox event through its save).

A ``MISSING`` crate is off its shelf (``last_location`` keeps where it was recorded): no
request, batch or fulfilment may take it (:func:`crate_missing_refusal`, code
``crate_missing``), and it leaves every open destruction batch (``crates_left_eligibility``)
when it is marked. Correcting its location after a later audit found it puts it back in
storage.
"""

from strongroom.core.errors import ConflictError
from strongroom.records.disposal import crates_left_eligibility
from strongroom.records.models import Crate
from strongroom.storage.models import Location


def crate_missing_refusal(crate: Crate) -> ConflictError | None:
    """The 409 for an action on a crate an inventory audit marked missing, or None."""
    if crate.status != Crate.Status.MISSING:
        return None
    return ConflictError(
        f"Crate {crate.code} is missing: an inventory audit did not find it where it was "
        "recorded. It can be requested again once an audit finds it and corrects its location.",
        code="crate_missing",
        details={"crate": ["Missing since an inventory audit."]},
    )


def crate_location_correct(*, crate: Crate, shelf: Location) -> Crate:
    """Record ``crate`` (locked by the caller; in storage or missing) on ``shelf``, where an
    audit found it: in storage there, ``last_location`` too. The shelf's capacity is not
    checked — the crate already stands there; the count shows the shelf over capacity."""
    if crate.status not in (Crate.Status.IN_STORAGE, Crate.Status.MISSING):
        raise ConflictError(
            f"Crate {crate.code} is {crate.get_status_display().lower()}: only a crate in "
            "storage or missing can have its location corrected; explain the finding instead.",
            code="crate_wrong_status",
        )
    crate.status = Crate.Status.IN_STORAGE
    crate.location = shelf
    crate.last_location = shelf
    crate.version += 1
    crate.save()
    return crate


def crate_mark_missing(*, crate: Crate, reason: str) -> Crate:
    """Mark ``crate`` (locked by the caller, in storage) missing: off its shelf, which stays its
    ``last_location``; it leaves any open destruction batch with the reason."""
    if crate.status != Crate.Status.IN_STORAGE:
        raise ConflictError(
            f"Crate {crate.code} is {crate.get_status_display().lower()}, not in storage: it "
            "cannot be marked missing; explain the finding instead.",
            code="crate_wrong_status",
        )
    crate.last_location = crate.location
    crate.location = None
    crate.status = Crate.Status.MISSING
    crate.version += 1
    crate.save()
    crates_left_eligibility([crate.pk], code="crate_missing", reason=reason)
    return crate
