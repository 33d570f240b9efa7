"""keyset_iterator reads every row once, in order, a chunk at a time."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.core.keyset import keyset_iterator
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crates(roles_synced: None, units: Any) -> list[Crate]:
    day = dt.date(2030, 1, 1)
    # Five crates share a date, so chunks of two end in the middle of a run of equal keys.
    dates = [day, day, day, day, day, day + dt.timedelta(days=1), day - dt.timedelta(days=1)]
    return [CrateFactory(unit=units[k % 2], destroy_after=d) for k, d in enumerate(dates)]


@pytest.mark.parametrize(
    "ordering", [("destroy_after", "id"), ("-destroy_after", "-id"), ("-id",), ("code",)], ids=str
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 50])
def test_every_row_once_in_order(
    crates: list[Crate], ordering: tuple[str, ...], chunk: int
) -> None:
    everything = Crate.objects.all()
    expected = [c.pk for c in everything.order_by(*ordering, "id")]
    got = [c.pk for c in keyset_iterator(everything, ordering, chunk)]
    assert got == expected


def test_a_filtered_queryset_keeps_its_filter_and_reads_a_chunk_per_query(
    crates: list[Crate], units: Any
) -> None:
    mine = Crate.objects.filter(unit=units[0])
    with CaptureQueriesContext(connection) as queries:
        got = [c.pk for c in keyset_iterator(mine, ("destroy_after", "id"), 2)]
    assert got == [c.pk for c in mine.order_by("destroy_after", "id")]
    assert len(got) == 4
    assert len(queries) == 3  # 2 + 2 + an empty last chunk
    assert all("LIMIT 2" in q["sql"] for q in queries)


def test_chunks_start_small_and_double(
    crates: list[Crate], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("strongroom.core.keyset.FIRST", 1)
    with CaptureQueriesContext(connection) as queries:
        got = list(keyset_iterator(Crate.objects.all(), ("-id",), 4))
    assert len(got) == 7
    assert [q["sql"].rsplit("LIMIT ", 1)[1] for q in queries] == ["1", "2", "4", "4"]
