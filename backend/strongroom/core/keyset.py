"""Every row of a queryset in order, read a chunk at a time from where the last chunk ended.

A CSV export of the whole inventory used to be one query: PostgreSQL sorted every row before
sending the first (8.3 s to the first byte at 2M crates, and it grows with the archive). Each
chunk here is ``ORDER BY <ordering> LIMIT n`` after the previous chunk's last key, which the
ordering's index answers at once, so the first row leaves in milliseconds however large the
export. Each chunk reads what its transaction sees: the exports run them all in one
REPEATABLE READ transaction (strongroom.reports.api.snapshot), so that a row whose ordering
value changes meanwhile is neither listed twice nor missed.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Model, Q, QuerySet

CHUNK = 2000
FIRST = 100


def _key(ordering: Sequence[str]) -> list[tuple[str, bool]]:
    """(field, descending) for each ordering term, ending with the primary key so that the
    order is total (rows with the same values never straddle a chunk boundary unseen)."""
    key = [(term.lstrip("-"), term.startswith("-")) for term in ordering]
    if not any(name in ("id", "pk") for name, _ in key):
        key.append(("id", False))
    return key


def _after(key: list[tuple[str, bool]], row: Model) -> Q:
    """Rows that come after ``row`` in ``key``'s order: (a, b) > (x, y) as a > x or (a = x and
    b > y), with the leading ``a >= x`` that lets an index on the first field bound the scan.
    The ordering fields must not be null in the rows ordered (the reports filter those out)."""
    values = [getattr(row, name) for name, _ in key]
    after = Q()
    equal = Q()
    for (name, descending), value in zip(key, values, strict=True):
        after |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{name: value})
    first, descending = key[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & after


def keyset_iterator(
    queryset: QuerySet[Any], ordering: Sequence[str], chunk: int | None = None
) -> Iterator[Any]:
    """The rows of ``queryset`` in ``ordering`` (then by id). Chunks start at ``FIRST`` rows
    and double up to ``chunk`` (default ``CHUNK``): the first rows are on their way while the
    larger chunks amortise each query."""
    largest = chunk or CHUNK
    size = min(FIRST, largest)
    key = _key(ordering)
    ordered = queryset.order_by(*(f"-{name}" if desc else name for name, desc in key))
    last: Model | None = None
    while True:
        page = ordered if last is None else ordered.filter(_after(key, last))
        rows = list(page[:size])
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1]
        size = min(size * 2, largest)
