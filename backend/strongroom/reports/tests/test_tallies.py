"""The tallies behind the dashboard and the forecast (strongroom.core.tally): on PostgreSQL they
count exactly what their tables hold, through every kind of write, and compacting them changes
no count."""

import datetime as dt
import threading
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strongroom.core.tally import tallies, tally_compact, tally_drift
from strongroom.records.models import Crate, CrateTallyDelta
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create
from strongroom.requests.models import (
    OpenRequestTallyDelta,
    Request,
    SubmittedTally,
    SubmittedTallyDelta,
)
from strongroom.requests.tallies import RequestCounting
from strongroom.requests.tests.factories import RequestFactory
from strongroom.storage.models import Location

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def kept(on_postgresql: bool, roles_synced: None) -> None:
    if not on_postgresql:
        pytest.skip("the tallies are kept by PostgreSQL triggers (SQLite counts the rows)")


def _drift() -> dict[str, list[tuple[object, ...]]]:
    return {t.table: rows for t in tallies() if (rows := tally_drift(t))}


def _deltas() -> int:
    return sum(
        m._default_manager.count()
        for m in (CrateTallyDelta, OpenRequestTallyDelta, SubmittedTallyDelta)
    )


def _world(units: Any) -> dict[str, Any]:
    goa, mum = units[0], units[1]
    today = timezone.localdate()
    shelf = shelf_create(unit=goa, code="S1", capacity=20)
    crates = [
        CrateFactory(
            unit=goa,
            status=Crate.Status.IN_STORAGE,
            location=shelf,
            destroy_after=today + dt.timedelta(days=k * 40),
        )
        for k in range(6)
    ]
    pending = CrateFactory(unit=mum)
    requests = [RequestFactory(crate=crate) for crate in crates[:3]]
    return {
        "goa": goa,
        "shelf": shelf,
        "crates": crates,
        "pending": pending,
        "requests": requests,
    }


def test_every_tally_counts_its_table_through_every_kind_of_write(kept: None, units: Any) -> None:
    world = _world(units)
    assert _drift() == {}
    crates: list[Crate] = world["crates"]

    # save(), QuerySet.update() of several rows, a document count, bulk_create, delete.
    crates[0].legal_hold = True
    crates[0].legal_hold_reason = "Audit"
    crates[0].legal_hold_at = timezone.now()
    crates[0].legal_hold_by = world["requests"][0].requester
    crates[0].save()
    Crate.objects.filter(pk__in=[c.pk for c in crates[1:4]]).update(
        status=Crate.Status.ISSUED, location=None
    )
    DocumentFactory(crate=crates[4])
    Crate.objects.filter(pk=crates[4].pk).update(document_count=7)
    Request.objects.filter(pk=world["requests"][0].pk).update(status="APPROVED")
    Request.objects.filter(pk=world["requests"][1].pk).update(status="CANCELLED", completed_at=None)
    world["pending"].delete()
    # Shelves: a capacity changed, a new shelf, a shelf deactivated.
    Location.objects.filter(pk=world["shelf"].pk).update(capacity=30)
    spare = shelf_create(unit=world["goa"], code="S2", capacity=4)
    Location.objects.filter(pk=spare.pk).update(is_active=False)
    assert _drift() == {}

    # Compacting folds the changes in: no delta left, the same counts, no zero rows.
    assert _deltas() > 0
    tally_compact()
    assert _deltas() == 0
    assert _drift() == {}
    with connection.cursor() as cursor:
        for tally in tallies():
            cursor.execute(f"SELECT count(*) FROM {tally.table} WHERE {tally.zero()}")  # noqa: S608
            assert cursor.fetchone() == (0,), tally.table


def test_a_rolled_back_change_leaves_no_count(kept: None, units: Any) -> None:
    world = _world(units)
    before = _deltas()
    inside: list[int] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            Crate.objects.filter(unit=world["goa"]).update(
                status=Crate.Status.ISSUED, location=None
            )
            inside.append(_deltas())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert inside[0] > before  # counted inside the transaction…
    assert _deltas() == before  # …and gone with it
    assert _drift() == {}


@pytest.mark.django_db(transaction=True)
def test_changes_of_one_count_do_not_wait_for_each_other(kept: None, units: Any) -> None:
    """Two transactions changing crates with the same tally key at once: neither waits for the
    other's commit (the triggers append deltas; no shared counter row is locked)."""
    world = _world(units)
    first, second = world["crates"][0].pk, world["crates"][1].pk
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    statement = "UPDATE records_crate SET status = 'ISSUED', location_id = NULL WHERE id = %s"
    with psycopg.connect(**dsn) as holder, psycopg.connect(**dsn) as other:
        holder.execute(statement, [first])  # not committed: its transaction stays open
        other.execute("SET lock_timeout = '2s'")
        finished = threading.Event()

        def change() -> None:
            other.execute(statement, [second])
            other.commit()
            finished.set()

        worker = threading.Thread(target=change)
        worker.start()
        worker.join(timeout=10)
        assert finished.is_set(), "the second change waited for the first one's commit"
        holder.commit()
    assert _drift() == {}
    tally_compact()
    assert _drift() == {}


def test_a_new_time_zone_counts_the_days_again(kept: None, units: Any, settings: Any) -> None:
    """Requests per day are counted in settings.TIME_ZONE: after a change, the reader counts
    the requests until the compaction has counted the days again in the new zone."""
    world = _world(units)
    # 20:00 UTC yesterday is already today in Kolkata (UTC+5:30).
    yesterday = timezone.now().replace(hour=20, minute=0) - dt.timedelta(days=1)
    Request.objects.filter(pk=world["requests"][2].pk).update(submitted_at=yesterday)
    since = timezone.localdate() - dt.timedelta(days=10)
    counting = RequestCounting()

    def per_day() -> list[tuple[dt.date, str, int]]:
        return sorted(counting.submitted_per_day(unit_ids=None, since=since))

    def counted_one_by_one() -> list[tuple[dt.date, str, int]]:
        days: dict[tuple[dt.date, str], int] = {}
        for request in Request.objects.all():
            key = (timezone.localdate(request.submitted_at), request.type)
            days[key] = days.get(key, 0) + 1
        return sorted((day, kind, n) for (day, kind), n in days.items() if day >= since)

    settings.TIME_ZONE = "UTC"
    tally_compact()
    assert per_day() == counted_one_by_one()
    settings.TIME_ZONE = "Asia/Kolkata"
    assert _drift()  # the tally still counts UTC days…
    assert per_day() == counted_one_by_one()  # …so the reader counts the requests
    tally_compact()
    assert set(SubmittedTally._default_manager.values_list("time_zone", flat=True)) == {
        "Asia/Kolkata"
    }
    assert _drift() == {}
    with CaptureQueriesContext(connection) as queries:
        assert per_day() == counted_one_by_one()
    assert len(queries) == 2  # the tally, then the requests of counted_one_by_one


def test_a_condition_on_a_key_reaches_the_tally_tables(kept: None) -> None:
    """A reader of ``<tally>_now`` that asks for one unit or room scans that key's rows of the
    counts and the deltas, not every row summed and then filtered (as a window function in the
    view once forced: every room of the dashboard summed the whole room tally)."""
    for tally in tallies():
        key = next(iter(tally.keys))
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN SELECT * FROM {tally.view} WHERE {key} = 1")  # noqa: S608
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Subquery Scan" not in plan, (tally.view, plan)
        assert "WindowAgg" not in plan, (tally.view, plan)
        lines = plan.splitlines()
        for table in (tally.table, tally.delta):
            [at] = [i for i, line in enumerate(lines) if f" on {table} " in line]
            below = [line for line in lines[at + 1 :] if "->" not in line][:2]
            assert any(f"{key} = 1" in line for line in below), (table, plan)
