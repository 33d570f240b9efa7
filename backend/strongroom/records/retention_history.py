"""The retention history read back: what the schedule's changes were, and the retention a
document or a crate had at an earlier time.

The schedule changes retention only through the recomputation
(:mod:`strongroom.records.services.retention`), which writes a history row for each change. So
the retention a record had at time *t* is the "old" value of its first change after *t*, or its
current value when nothing changed since — provided the changes since *t* chain up to the
current value (each change's "new" is the next one's "old", the last one's is the current
value). When they do not, the retention was changed outside the schedule after *t*, and the
current value is given: the history explains the schedule's changes, never an untraced edit.
Signatures of digest schemes 1-3 signed the retention of the time; their content functions read
it back from here (scheme 4 no longer signs it).
"""

import datetime as dt

from django.db.models import QuerySet

from strongroom.records.models import CrateRetentionChange, DocumentRetentionChange

Retention = tuple[dt.date | None, bool]


def _as_of(current: Retention, changes: list[tuple[Retention, Retention]]) -> Retention:
    """The value before the first of ``changes`` (old, new; oldest first) when they chain up to
    the current value (each one's new value is the next one's old, the last one's is the
    current); otherwise the current value: a change made outside the schedule after the time
    asked for is not excused by the history."""
    if not changes:
        return current
    olds = [old for old, _new in changes[1:]] + [current]
    if any(new != following for (_old, new), following in zip(changes, olds, strict=True)):
        return current
    return changes[0][0]


def documents_retention_as_of(
    *, current: dict[int, Retention], as_of: dt.datetime
) -> dict[int, Retention]:
    """``{document: (retention_until, retain_permanently)}`` as they were at ``as_of``, given
    their ``current`` values: read back through the schedule's changes since (see
    :func:`_as_of`). One query."""
    changes: dict[int, list[tuple[Retention, Retention]]] = {}
    rows = (
        DocumentRetentionChange.objects.filter(document_id__in=list(current), at__gt=as_of)
        .order_by("document_id", "at", "id")
        .values_list(
            "document_id",
            "old_retention_until",
            "old_retain_permanently",
            "new_retention_until",
            "new_retain_permanently",
        )
    )
    for document_id, old_until, old_permanent, new_until, new_permanent in rows:
        changes.setdefault(document_id, []).append(
            ((old_until, old_permanent), (new_until, new_permanent))
        )
    return {pk: _as_of(value, changes.get(pk, [])) for pk, value in current.items()}


def crate_retention_as_of(*, crate_id: int, current: Retention, as_of: dt.datetime) -> Retention:
    """The crate's ``(destroy_after, retain_permanently)`` at ``as_of``, given its current
    values (see :func:`_as_of`)."""
    rows = (
        CrateRetentionChange.objects.filter(crate_id=crate_id, at__gt=as_of)
        .order_by("at", "id")
        .values_list(
            "old_destroy_after",
            "old_retain_permanently",
            "new_destroy_after",
            "new_retain_permanently",
        )
    )
    return _as_of(current, [((a, b), (c, d)) for a, b, c, d in rows])


def document_retention_history(*, document_id: int) -> QuerySet[DocumentRetentionChange]:
    """A document's retention changes, oldest first, with the rule and who."""
    return (
        DocumentRetentionChange.objects.filter(document_id=document_id)
        .select_related("rule", "document_event__event", "by")
        .order_by("at", "id")
    )
