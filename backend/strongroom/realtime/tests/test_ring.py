"""The replay of resuming sockets from the process's ring of recent events (relay.EventRing):
the same events as the outbox query, for every kind of scope, without a query; the query when
the ring cannot tell; resync above the limit."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory
from strongroom.realtime import relay, selectors
from strongroom.realtime.models import Event
from strongroom.realtime.relay import Hub, hub_for_this_loop
from strongroom.realtime.selectors import event_replay_for_user, event_topics_hidden_from
from strongroom.realtime.services import event_text
from strongroom.realtime.tests.conftest import Client, access_token, adb, make_crate, make_user
from strongroom.records.models import Crate

pytestmark = pytest.mark.django_db(transaction=True)
Clients = Callable[..., Client]
SETTLE = 0.3  # selectors.SETTLE_SECONDS for these tests: events settle within a test's time


@pytest.fixture(autouse=True)
def _fast_settle(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.STRONGROOM_REALTIME_POLL_SECONDS = 0.1
    monkeypatch.setattr(selectors, "SETTLE_SECONDS", SETTLE)


@contextlib.asynccontextmanager
async def outbox_queries() -> AsyncIterator[list[str]]:
    """The SQL the sockets' database thread runs on the outbox meanwhile, less the poller's own
    scan (``id > n ... LIMIT 500``), which goes on in the background."""

    # The consumer and adb() share Channels' one thread-sensitive database thread: capture on
    # that thread's connection, entering and leaving there.
    context = CaptureQueriesContext(connection)
    await adb(context.__enter__)
    found: list[str] = []
    try:
        yield found
    finally:
        await adb(context.__exit__, None, None, None)
        captured = await adb(lambda: context.captured_queries)
    found.extend(
        query["sql"]
        for query in captured
        if ("realtime_event" in query["sql"] or "realtime_replaywindow" in query["sql"])
        and not query["sql"].rstrip().endswith(f"LIMIT {relay.BATCH}")
    )


async def running_hub(clients: Clients, anchor: User) -> tuple[Hub, Client]:
    """A socket that keeps this process's hub (and its poller) up, and the hub once the poller
    has read the outbox: the ring is complete from there on."""
    client = clients()
    assert await client.connect()
    token, _ = await adb(access_token, anchor)
    assert (await client.auth(token))["type"] == "ready"
    hub = hub_for_this_loop()
    await until(lambda: hub.ring.complete_after is not None)
    return hub, client


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def newest_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def in_ring(hub: Hub, event_id: int) -> bool:
    return any(entry.id == event_id for entry in hub.ring.entries)


async def resume(clients: Clients, user: User, after: int) -> tuple[Client, dict[str, Any]]:
    client = clients()
    assert await client.connect()
    token, _ = await adb(access_token, user)
    ready = await client.auth(token, last_event_id=after)
    assert ready["type"] == "ready", ready
    return client, ready


async def replayed_texts(client: Client, count: int) -> list[str]:
    texts = []
    for _ in range(count):
        output = await client.communicator.receive_output(3)
        assert output["type"] == "websocket.send", output
        texts.append(output["text"])
    assert await client.nothing(0.3)
    return texts


def query_replay(user: User, after: int, limit: int = 1000) -> tuple[bool, list[str]]:
    """What the outbox query replays to ``user`` resuming from ``after``, encoded."""
    user = User.objects.get(pk=user.pk)
    from strongroom.accounts.scope import user_unit_ids

    replay = event_replay_for_user(
        user_id=user.pk,
        unit_ids=user_unit_ids(user),
        after=after,
        hidden_topics=event_topics_hidden_from(user),
        limit=limit,
    )
    return replay.resync, [event_text(event) for event in replay.events]


# --- the events of every audience -------------------------------------------------------------


def _rule_for_everyone() -> None:
    from strongroom.records.tests.factories import retention_rule_create

    retention_rule_create(code="BMR-ALL", unit=None)


def _notify(user: User, unit: Unit) -> None:
    from strongroom.notifications.models import Notification

    Notification.objects.create(
        recipient=user, kind="REQUEST_APPROVED", title="t", dedupe_key=f"k{user.pk}", unit=unit
    )


def _review(unit: Unit, opener: User) -> None:
    from strongroom.review.models import AuditReview

    now = timezone.now()
    AuditReview.objects.create(
        unit=unit,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        opened_by=opener,
        opened_at=now,
        flags_computed_at=now,
    )


def _transfer(crate: Crate, to: Unit) -> None:
    with transaction.atomic():
        moved = Crate.objects.get(pk=crate.pk)
        moved.unit, moved.department = to, DepartmentFactory(unit=to)
        moved.serial += 9000  # clear of the serials of the crates made in that unit
        moved.version += 1
        moved.save()


async def test_ring_replay_equals_the_query_for_every_scope_without_a_query(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    elsewhere = await adb(UnitFactory, code="PUN1")
    users = {
        "goa viewer": await adb(make_user, goa),
        "mum viewer": await adb(make_user, mum),
        "both units": await adb(make_user, goa, mum),
        "all units": await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR),
        "no unit": await adb(make_user),
        "goa store head (reviews hidden)": await adb(make_user, goa, role=roles.STORE_HEAD),
    }
    hub, _ = await running_hub(clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR))

    # Settled: inserted well before the id the sockets resume from.
    await adb(make_crate, goa)
    await adb(make_crate, mum)
    await asyncio.sleep(2 * SETTLE)
    # The overlap before the resume point, and what the sockets missed after it.
    moving = await adb(make_crate, goa)
    await adb(_notify, users["goa viewer"], goa)
    after = await adb(newest_id)
    await adb(_rule_for_everyone)
    await adb(_review, goa, users["goa viewer"])
    await adb(make_crate, mum)
    await adb(make_crate, elsewhere)  # only the user of every unit sees it
    await adb(_transfer, moving, mum)  # seen by both units
    await adb(_notify, users["mum viewer"], mum)
    await adb(_notify, users["goa store head (reviews hidden)"], goa)
    last = await adb(newest_id)
    await until(lambda: in_ring(hub, last))

    replays: dict[str, list[str]] = {}
    for name, user in users.items():
        resync, expected = await adb(query_replay, user, after)
        assert not resync
        async with outbox_queries() as queries:
            client, ready = await resume(clients, user, after)
            replays[name] = await replayed_texts(client, len(expected))
        assert replays[name] == expected, name  # same events, same order, same bytes
        assert queries == [], name
        assert ready["last_event_id"] == last
    # The scopes differ, so the comparison above says something about each one.
    assert len({tuple(texts) for texts in replays.values()}) == len(users)
    assert all(replays.values())


async def test_a_resume_from_before_the_ring_asks_the_outbox(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    await adb(make_crate, goa)  # committed before the hub started
    early = await adb(newest_id)
    hub, _ = await running_hub(clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR))
    assert hub.ring.complete_after is not None
    assert hub.ring.complete_after >= early
    await adb(make_crate, goa)
    await asyncio.sleep(2 * SETTLE)
    later = [await adb(make_crate, goa) for _ in range(2)]
    last = await adb(newest_id)
    await until(lambda: in_ring(hub, last))

    _, expected = await adb(query_replay, user, early)
    async with outbox_queries() as queries:
        client, _ = await resume(clients, user, early)
        assert await replayed_texts(client, len(expected)) == expected
    assert queries  # the ring does not reach back to event `early`: the query answered
    assert [json.loads(text)["object_id"] for text in expected[-2:]] == [
        str(crate.pk) for crate in later
    ]

    # Resumed from an id in the ring, the same user's socket needs no query.
    _, expected = await adb(query_replay, user, last)
    async with outbox_queries() as queries:
        again, _ = await resume(clients, user, last)
        assert await replayed_texts(again, len(expected)) == expected
    assert queries == []
    assert expected  # the overlap: the later crates, inserted within SETTLE of `last`


async def test_a_ring_without_a_settled_event_asks_the_outbox(
    units: dict[str, Unit], clients: Clients
) -> None:
    """All the ring holds is younger than the overlap: the settled event the floor needs may be
    older than the ring, so only the outbox knows where the replay starts."""
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    await adb(make_crate, goa)
    await asyncio.sleep(2 * SETTLE)
    hub, _ = await running_hub(clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR))
    await adb(make_crate, goa)
    last = await adb(newest_id)
    await until(lambda: in_ring(hub, last))

    _resync, expected = await adb(query_replay, user, last)
    async with outbox_queries() as queries:
        client, _ = await resume(clients, user, last)
        assert await replayed_texts(client, len(expected)) == expected
    assert queries
    assert len(expected) == 1  # the overlap: the one event of the ring, the query's answer


async def test_more_missed_events_than_the_limit_answer_resync_from_the_ring(
    units: dict[str, Unit], clients: Clients, settings: Any
) -> None:
    settings.STRONGROOM_REALTIME_REPLAY_LIMIT = 2
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    hub, _ = await running_hub(clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR))
    await adb(make_crate, goa)
    await asyncio.sleep(2 * SETTLE)
    await adb(make_crate, goa)
    after = await adb(newest_id)
    for _ in range(2):
        await adb(make_crate, goa)
    last = await adb(newest_id)
    await until(lambda: in_ring(hub, last))

    # Three events from the floor on (the overlap and the two missed): above the limit.
    assert await adb(query_replay, user, after, 2) == (True, [])
    async with outbox_queries() as queries:
        client, _ = await resume(clients, user, after)
        assert await client.receive() == {"type": "resync"}
        assert await client.nothing(0.3)
    assert queries == []


async def test_sockets_that_all_dropped_resume_from_the_lingering_ring(
    units: dict[str, Unit], clients: Clients, settings: Any
) -> None:
    """A storm: every socket of the process closes at once and comes back. The hub lingers,
    its poller keeps the ring complete meanwhile, and what was committed while no socket was
    open is replayed from memory."""
    settings.STRONGROOM_REALTIME_HUB_LINGER_SECONDS = 30
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    hub, anchor = await running_hub(clients, user)
    try:
        await adb(make_crate, goa)
        await asyncio.sleep(2 * SETTLE)
        await adb(make_crate, goa)
        held = await adb(newest_id)
        await until(lambda: in_ring(hub, held))
        await anchor.disconnect()
        assert not hub.members
        assert hub.known_latest_id() is not None

        missed = [await adb(make_crate, goa) for _ in range(2)]
        last = await adb(newest_id)
        await until(lambda: in_ring(hub, last))
        _resync, expected = await adb(query_replay, user, held)
        async with outbox_queries() as queries:
            client, ready = await resume(clients, user, held)
            texts = await replayed_texts(client, len(expected))
        assert texts == expected
        assert queries == []
        assert [json.loads(text)["object_id"] for text in texts[-2:]] == [
            str(crate.pk) for crate in missed
        ]
        assert ready["last_event_id"] == last
    finally:
        # The last socket to leave now stops the hub at once: no poller outlives the test.
        settings.STRONGROOM_REALTIME_HUB_LINGER_SECONDS = 0
        if not hub.members:
            hub._stop()


async def test_an_event_committed_before_the_resume_but_not_yet_read_is_delivered_once(
    units: dict[str, Unit], clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event another process committed (not published through this process's layer) that
    the poller has not handed out yet when a socket is replayed from the ring: not in the
    replay, delivered by the poller once it gets there, once."""
    from strongroom.realtime import services

    goa = units["GOA1"]
    user = await adb(make_user, goa)
    hub, _ = await running_hub(clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR))
    await adb(make_crate, goa)
    await asyncio.sleep(2 * SETTLE)
    await adb(make_crate, goa)
    after = await adb(newest_id)
    await until(lambda: in_ring(hub, after))

    # The poller reads the new event but is slow to hand it out (a busy process).
    release = asyncio.Event()
    hand_out = hub.deliver

    async def slow_hand_out(event: Event) -> None:
        await release.wait()
        await hand_out(event)

    monkeypatch.setattr(hub, "deliver", slow_hand_out)
    monkeypatch.setattr(services, "event_publish", lambda event: None)
    unseen = await adb(make_crate, goa)
    unseen_id = await adb(newest_id)

    _, expected = await adb(query_replay, user, after)
    assert json.loads(expected[-1])["id"] == unseen_id  # the query would have had it
    async with outbox_queries() as queries:
        client, _ = await resume(clients, user, after)
        replayed = [await client.receive() for _ in expected[:-1]]
        assert await client.nothing(0.3)
    assert queries == []
    assert not in_ring(hub, unseen_id)
    assert [e["id"] for e in replayed] == [json.loads(text)["id"] for text in expected[:-1]]

    release.set()
    event = await client.receive()
    assert (event["id"], event["object_id"]) == (unseen_id, str(unseen.pk))
    assert await client.nothing(0.5)


def test_the_ring_is_bounded_by_count_and_age_and_says_what_it_no_longer_holds() -> None:
    ring = relay.EventRing(size=3, seconds=60)
    now = timezone.now()

    def event(event_id: int, age: float = 0) -> Event:
        return Event(
            id=event_id,
            unit_id=1,
            topic="crate",
            action="created",
            object_id=str(event_id),
            at=now - timedelta(seconds=age),
        )

    ring.add(event(1), "one")  # the ring promises nothing yet: not kept
    assert ring.entries == []
    ring.reset(10)
    for event_id in (10, 11, 13, 12):  # 10 is below C; 12 commits after 13
        ring.add(event(event_id), str(event_id))
    assert [entry.id for entry in ring.entries] == [11, 12, 13]
    ring.add(event(14), "14")
    assert [entry.id for entry in ring.entries] == [12, 13, 14]
    assert ring.complete_after == 11
    # Time passes: what is older than the window goes, and the ring says it no longer has it.
    ring.seconds = 0
    assert (
        ring.replay(after=14, user_id=1, unit_ids=None, hidden_topics=frozenset(), limit=9) is None
    )
    assert ring.entries == []
    assert ring.complete_after == 14
