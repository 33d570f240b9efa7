"""When a crate may be destroyed, and who is told when it no longer may.

One predicate for destruction eligibility, used by the single-crate DESTRUCTION request, by the
retention forecast and by destruction batches: a crate in storage, not on legal hold, not
retained permanently, with a retention date (``destroy_after``) on or before the day. A crate
whose documents wait for a retention event has no ``destroy_after`` and is never eligible.

Apps above records that hold crates for destruction (batches) register a listener with
:func:`ineligibility_listen` from their ``AppConfig.ready()``; whatever takes a crate out of
eligibility (a legal hold, a request opened, a retention rule recomputed) calls
:func:`crates_left_eligibility` inside its transaction, so the listener's changes commit or roll
back with it.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from strongroom.core.errors import ConflictError
from strongroom.records.models import Crate

# (crate ids, machine-readable reason code, human-readable reason)
IneligibilityListener = Callable[[list[int], str, str], None]

_LISTENERS: dict[str, IneligibilityListener] = {}


def crates_eligible(*, on: dt.date, crates: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The crates (of ``crates``, default all; or rows of the crate tally) that may be destroyed
    on ``on``."""
    crates = Crate.objects.all() if crates is None else crates
    return crates.filter(
        status=Crate.Status.IN_STORAGE,
        legal_hold=False,
        retain_permanently=False,
        destroy_after__isnull=False,
        destroy_after__lte=on,
    )


def crate_destruction_refusal(crate: Crate, *, on: dt.date) -> ConflictError | None:
    """Why ``crate`` may not be destroyed on ``on`` (the error to raise), or None when it may.
    The crate's status is the caller's to check (a request says which status it needs)."""
    if crate.legal_hold:
        return ConflictError(f"Crate {crate.code} is on legal hold.", code="crate_on_hold")
    if crate.retain_permanently:
        return ConflictError(
            f"Crate {crate.code} is retained permanently.", code="retention_permanent"
        )
    if crate.destroy_after is None:
        return ConflictError(
            f"Crate {crate.code} has no retention date yet (its documents wait for a retention "
            "event).",
            code="retention_pending_event",
        )
    if crate.destroy_after > on:
        return ConflictError(
            f"Crate {crate.code} must be kept until {crate.destroy_after}.",
            code="retention_not_reached",
        )
    return None


def ineligibility_listen(name: str, listener: IneligibilityListener) -> None:
    """Be told when crates stop being eligible for destruction. ``name`` identifies the listener
    (registering the same name again, as when the app registry is set up again, replaces it)."""
    _LISTENERS[name] = listener


def crates_left_eligibility(crate_ids: Iterable[int], *, code: str, reason: str) -> None:
    """Tell the listeners that these crates may no longer be destroyed, and why. Call it inside
    the transaction that made them ineligible."""
    ids = sorted(set(crate_ids))
    if not ids:
        return
    for listener in list(_LISTENERS.values()):
        listener(ids, code, reason)
