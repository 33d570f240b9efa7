"""``manage.py seed_volume``: the benchmark data set, at a tiny size, on PostgreSQL."""

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.core.models import Sequence
from strongroom.core.tally import tallies, tally_drift
from strongroom.realtime.models import Event
from strongroom.records.codes import normalise
from strongroom.records.models import (
    Crate,
    CrateClaim,
    CrateTallyDelta,
    Document,
    DocumentEvent,
    RetentionRule,
)
from strongroom.records.services.crates import crate_code_allocate
from strongroom.records.services.retention import retention_recompute
from strongroom.requests.models import OPEN_STATUSES, Request, SendBack
from strongroom.requests.services import request_number_allocate
from strongroom.storage.models import Location

DEMO_PASSWORD = "Seed-Volume-Test-Pass-2026"


@pytest.fixture
def demo(db: None, settings: Any) -> None:
    settings.STRONGROOM_DEMO_PASSWORD = DEMO_PASSWORD
    call_command("initial_setup", "--demo", stdout=io.StringIO())


def _seed(**sizes: int) -> str:
    out = io.StringIO()
    call_command("seed_volume", stdout=out, **sizes)
    return out.getvalue()


@pytest.mark.postgres
def test_seed_volume_creates_consistent_data_the_api_serves(
    on_postgresql: bool, demo: None, api_client_for: Any
) -> None:
    if not on_postgresql:
        pytest.skip("seed_volume streams rows with PostgreSQL COPY")
    before = {m: m.objects.count() for m in (Crate, Document, Request)}

    output = _seed(documents=900, crates=230, requests=300, units=3)

    assert "Done in" in output
    assert "ANALYZE done" in output
    # The tallies counted the copied rows, and were compacted.
    assert [t.table for t in tallies() if tally_drift(t)] == []
    assert not CrateTallyDelta._default_manager.exists()
    assert Crate.objects.count() - before[Crate] == 230
    assert Document.objects.count() - before[Document] == 900
    assert Request.objects.count() - before[Request] == 300
    assert Document.objects.values("crate").annotate(n=Count("id")).filter(n=0).count() == 0
    # A third unit was created, with departments and users of its own.
    assert Crate.objects.filter(unit__code="VU001").count() == 76
    assert User.objects.filter(username="vu001-vol-manager", units__code="VU001").exists()

    # Codes carry valid check digits; the counters are past every seeded number.
    for crate in Crate.objects.order_by("-id")[:20]:
        assert normalise(crate.code) == crate.code
    top = Crate.objects.values("unit__code", "department__code", "year").annotate(s=Max("serial"))
    for row in top:
        key = f"crate:{row['unit__code']}:{row['department__code']}:{row['year']}"
        assert Sequence.objects.get(key=key).value >= row["s"]
    crate = Crate.objects.select_related("unit", "department").order_by("-id").first()
    assert crate is not None
    _, _, new_code = crate_code_allocate(unit=crate.unit, department=crate.department)
    assert not Crate.objects.filter(code=new_code).exists()
    assert not Request.objects.filter(number=request_number_allocate()).exists()

    # Every story the design allows, and nothing it does not.
    statuses = set(Crate.objects.values_list("status", flat=True))
    # (MISSING: the demo's closed inventory audit, which the volume seeds beside)
    assert statuses == {"PENDING", "IN_STORAGE", "ISSUED", "DESTROYED", "MISSING"}
    kinds = set(Request.objects.values_list("type", "status"))
    assert {
        ("WITHDRAWAL", "ISSUED"),
        ("DESTRUCTION", "COMPLETED"),
        ("TRANSFER", "SUBMITTED"),
    } <= kinds
    assert (
        SendBack.objects.filter(resolved_at__isnull=True).count()
        == Request.objects.filter(status="SENT_BACK").count()
    )
    open_per_crate = (
        Request.objects.filter(status__in=OPEN_STATUSES)
        .values("crate")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not open_per_crate.exists()
    # Every open request holds its crate, as request_create makes it hold it.
    open_requests = Request.objects.filter(status__in=OPEN_STATUSES)
    assert set(
        CrateClaim.objects.filter(holder_kind="REQUEST").values_list("holder_id", "crate_id")
    ) == set(open_requests.values_list("pk", "crate_id"))
    assert (
        not Crate.objects.filter(status="ISSUED")
        .exclude(requests__status="ISSUED", requests__type="WITHDRAWAL")
        .exists()
    )
    assert not Crate.objects.filter(status="PENDING").exclude(requests__type="STORAGE").exists()
    shelves = Location.objects.filter(kind="SHELF").annotate(
        n=Count("crates", filter=Q(crates__status="IN_STORAGE"))
    )
    assert all(shelf.n <= (shelf.capacity or 0) for shelf in shelves)

    # The API serves it: page 1 and the next page of each list, for a demo approver.
    client = api_client_for(User.objects.get(username="goa1-approver"))
    for path in ("/api/v1/requests/", "/api/v1/crates/", "/api/v1/documents/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        assert len(body["results"]) == 50
        assert body["next"]
        assert client.get(body["next"]).status_code == 200

    # Retention from the starter schedule: documents dated by their rule, some waiting for an
    # event (their crates have no date), event dates recorded; an approval recomputing the
    # rules now would give those documents the same values (it would also take over the
    # destruction story's crates, whose past dates are typed by hand).
    assert Document.objects.filter(retention_basis="PENDING_EVENT").exists()
    assert DocumentEvent.objects.filter(source="INTEGRATION").exists()
    waiting = Crate.objects.filter(
        documents__retention_basis="PENDING_EVENT", documents__status="ACTIVE"
    ).exclude(status="DESTROYED")
    assert waiting.exists()
    assert not waiting.filter(destroy_after__isnull=False).exists()
    ruled = Document.objects.filter(retention_basis__in=["RULE", "PENDING_EVENT"])
    seeded = set(ruled.values_list("pk", "retention_until", "retain_permanently"))
    for rule in RetentionRule.objects.filter(status="APPROVED"):
        retention_recompute(rule=rule)
    again = Document.objects.filter(pk__in=[pk for pk, _, _ in seeded])
    assert set(again.values_list("pk", "retention_until", "retain_permanently")) == seeded


@pytest.mark.postgres
def test_seed_volume_refusals(settings: Any, db: None) -> None:
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            _seed(documents=1, crates=1, requests=1)
        return
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="production settings"):
        _seed(documents=1, crates=1, requests=1)
    settings.SETTINGS_MODULE = "config.settings.test"
    with pytest.raises(CommandError, match="initial_setup"):
        _seed(documents=1, crates=1, requests=1)
    with pytest.raises(CommandError, match="need crates"):
        _seed(documents=1, crates=0, requests=0)
    with pytest.raises(CommandError, match="Events are about requests"):
        _seed(documents=1, crates=1, requests=0, events=5)


@pytest.mark.postgres
def test_seed_volume_fills_the_outbox_the_replay_reads(
    on_postgresql: bool, demo: None, api_client_for: Any, settings: Any
) -> None:
    """``--events``: the outbox of the replay window, in id order, ending now, about the seeded
    requests as they stand; ``events/?after=`` serves it to a unit's user, scoped."""
    if not on_postgresql:
        pytest.skip("seed_volume streams rows with PostgreSQL COPY")
    before = Event.objects.aggregate(top=Max("id"))["top"] or 0
    started = timezone.now()

    _seed(documents=120, crates=40, requests=60, events=150)

    events = list(Event.objects.filter(id__gt=before).order_by("id"))
    assert len(events) == 150
    window = dt.timedelta(days=settings.STRONGROOM_EVENT_REPLAY_DAYS)
    assert all(a.at < b.at for a, b in itertools.pairwise(events))
    assert started - window < events[0].at
    assert events[-1].at <= timezone.now()
    requests = {r.pk: r for r in Request.objects.filter(pk__in={int(e.object_id) for e in events})}
    assert len(requests) == 60  # the newest 60 requests, cycled
    for event in events:
        request = requests[int(event.object_id)]
        assert (event.topic, event.action, event.unit_id) == ("request", "updated", request.unit_id)
        assert event.version == request.version
        assert event.data == {
            "number": request.number,
            "type": request.type,
            "status": request.status,
            "crate_id": request.crate_id,
            "is_overdue": request.is_overdue,
        }

    approver = User.objects.get(username="goa1-approver")
    response = api_client_for(approver).get(f"/api/v1/events/?after={before}&limit=500")
    assert response.status_code == 200, response.content[:300]
    seen = [e["id"] for e in response.json()["results"]]
    mine = [e.id for e in events if e.unit_id in set(approver.units.values_list("pk", flat=True))]
    assert seen == mine
    assert 0 < len(mine) < 150


@pytest.mark.postgres
def test_seed_volume_is_not_cut_by_the_api_statement_timeout(
    on_postgresql: bool, demo: None
) -> None:
    """The API's statement timeout must not cancel the COPY of a large seed (it did at 1M rows);
    the connection gets its own timeout back afterwards."""
    if not on_postgresql:
        pytest.skip("seed_volume streams rows with PostgreSQL COPY")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        original = cursor.fetchone()[0]
        cursor.execute("SET statement_timeout = '1ms'")
    try:
        output = _seed(documents=2000, crates=40, requests=50, units=1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "1ms"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [original])
    assert "Done in" in output
