"""The per-process hub: this process's sockets by group, its one channel-layer subscription, and
the outbox poller.

**One subscription per process, not per socket.** The hub owns a single channel of the layer
and adds it to every group one of its sockets needs (``unit.<id>``, ``user.<id>``,
``units.all``, ``everyone``); sockets themselves have no channel. An event therefore crosses
Redis once per Daphne process — one PUBLISH per group with the pub/sub layer, one list push per
process (not per socket) with RedisChannelLayer — is unpacked once, and its pre-encoded text is
written to each socket in scope. Joining costs a socket no Redis round trip unless it is the
process's first member of a group. (Per-socket channels were measured first: ~17 ms more per
handshake with the pub/sub layer, and a msgpack decode plus a consumer wake-up per socket per
event.)

**The poller.** The layer only carries what reached it:

* in ``make dev`` (in-memory layer, one Daphne process) the Celery worker's events never reach
  Daphne's layer;
* with Redis, an event published while Redis restarts is lost for the sockets that stay open.

So while it has sockets, the hub polls the outbox (one indexed ``id > n`` query every
``STRONGROOM_REALTIME_POLL_SECONDS``, at most 500 rows) and hands new events to its sockets in
scope. Each socket drops ids it already sent (a bounded set), so an event that came through the
layer as well is never sent twice. On PostgreSQL two transactions may commit in the opposite
order of their event ids, so the poller re-reads the last few seconds (``SETTLE_SECONDS``) of
ids rather than strictly after the highest one it saw.

**The ring.** Every event the poller reads is also kept, encoded, in the hub's
:class:`EventRing` for a couple of minutes, so that a socket resuming from a recent id gets its
replay from memory — no query, no encoding per socket — instead of the outbox query. A storm of
reconnecting sockets (a proxy restart, a network blip) then costs each socket its token check
only. The hub stays up ``STRONGROOM_REALTIME_HUB_LINGER_SECONDS`` after its last socket left so
that sockets which all dropped at once find the ring still complete when they come back.

The hub starts with the first socket and stops with the last (after the linger), on the event
loop serving them.
"""

import asyncio
import logging
import time
import weakref
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from strongroom.realtime import selectors
from strongroom.realtime.models import Event
from strongroom.realtime.selectors import (
    SETTLE_SECONDS,
    event_in_scope,
    event_latest_id,
    event_list_after,
)
from strongroom.realtime.services import event_groups, event_text, event_unit_ids, in_db_thread

if TYPE_CHECKING:
    from strongroom.realtime.consumers import EventsConsumer

logger = logging.getLogger(__name__)
BATCH = 500
LAYER_RETRY_SECONDS = 0.5


class RingEvent(NamedTuple):
    id: int
    at: datetime
    text: str  # exactly as event_text() encodes it: what the socket sends
    unit_ids: list[int] | None  # event_unit_ids(): None for an event for everyone
    user_id: int | None
    topic: str


@dataclass
class MemoryReplay:
    """A replay served from the ring: the encoded events, oldest first, or ``resync``."""

    resync: bool = False
    events: list[tuple[int, str]] = field(default_factory=list)


class EventRing:
    """The events this process's poller read recently, by id, encoded once, for the replay of
    resuming sockets (:meth:`replay`), bounded by count (``size``) and age (``seconds``).

    **What it promises.** ``complete_after`` is an id C such that every committed event with
    an id above C is either in the ring or not read by the poller yet. The poller starts from
    the newest id in the outbox (C = that id), reads every event above its floor whatever the
    scope, and the hub puts each one in the ring *before* it picks the sockets to hand it to,
    with no ``await`` in between. Evicting an entry raises C to its id. So for a socket that
    has joined its groups (the consumer's "join first, replay second") and then reads the ring,
    any event above C is either in the ring at that moment — and replayed from it — or read by
    the poller later, when the socket is already one of its targets: delivered live (or from
    the socket's buffer), never lost. Events still in flight through the channel layer are
    covered the same way. This rests on the assumption the outbox poller and the resume floor
    already make (selectors.SETTLE_SECONDS): a transaction commits within a few seconds of
    inserting its event, so the poller, which re-reads that long behind the newest id it saw,
    reads every event eventually.

    **Same answer as the query.** The replay starts at the resume floor, computed here as
    selectors.event_settled_id computes it: the highest id up to ``after`` inserted more than
    SETTLE_SECONDS before event ``after``. The ring answers only when it holds event ``after``
    itself and finds such a settled event above C; otherwise (``after`` older than the ring,
    not read yet, a gap, a process just started) the caller falls back to the query. When both
    answer, the ring's events in the look-back are a subset of the outbox's, so its floor is at
    most the query's: it may replay a little more of the overlap the client drops anyway,
    never less. Above the floor it returns the events :func:`event_in_scope` admits (the rule of
    ``event_scope_q``), in id order, with the same limit and resync rule; an event the query
    would have found but the poller had not read yet arrives from the poller instead.
    """

    def __init__(self, size: int, seconds: float) -> None:
        self.size = size
        self.seconds = seconds
        self.entries: list[RingEvent] = []  # ordered by id
        self.complete_after: int | None = None  # None: the ring promises nothing

    def reset(self, complete_after: int | None) -> None:
        self.entries = []
        self.complete_after = complete_after

    def add(self, event: Event, text: str) -> None:
        if self.complete_after is None or event.id <= self.complete_after or self.size <= 0:
            return  # below C: no replay served from here reaches that far back
        at = event.at
        index = bisect_left(self.entries, event.id, key=_entry_id)
        if index < len(self.entries) and self.entries[index].id == event.id:
            return
        self.entries.insert(
            index,
            RingEvent(event.id, at, text, event_unit_ids(event), event.user_id, event.topic),
        )
        self._trim()

    def _trim(self) -> None:
        oldest = timezone.now() - timedelta(seconds=self.seconds)
        drop = max(0, len(self.entries) - self.size)
        while drop < len(self.entries) and self.entries[drop].at < oldest:
            drop += 1
        if drop and self.complete_after is not None:
            self.complete_after = max(self.complete_after, self.entries[drop - 1].id)
            del self.entries[:drop]

    def replay(
        self,
        *,
        after: int,
        user_id: int,
        unit_ids: frozenset[int] | None,
        hidden_topics: frozenset[str],
        limit: int,
    ) -> MemoryReplay | None:
        """The replay of a socket resuming from ``after`` (see the class), or None when the
        ring cannot tell and the outbox must be asked."""
        if self.complete_after is None:
            return None
        self._trim()
        entries = self.entries
        index = bisect_left(entries, after, key=_entry_id)
        if index == len(entries) or entries[index].id != after:
            return None
        # selectors.event_settled_id(after, at of event `after`), over the ring.
        settle = timedelta(seconds=selectors.SETTLE_SECONDS)
        cutoff = entries[index].at - settle
        lowest = after - selectors.RESUME_OVERLAP_MAX_IDS
        start = None
        for position in range(index, -1, -1):
            entry = entries[position]
            if entry.id <= lowest:
                break
            if entry.at < cutoff:
                start = position + 1  # the floor is entry.id: replay what comes after it
                break
        if start is None:
            return None  # the settled event, if any, is older than the ring
        replayed: list[tuple[int, str]] = []
        for entry in entries[start:]:
            if event_in_scope(
                unit_ids=entry.unit_ids,
                user_id=entry.user_id,
                topic=entry.topic,
                viewer_id=user_id,
                viewer_unit_ids=unit_ids,
                hidden_topics=hidden_topics,
            ):
                if len(replayed) == limit:
                    return MemoryReplay(resync=True)
                replayed.append((entry.id, entry.text))
        return MemoryReplay(events=replayed)


def _entry_id(entry: RingEvent) -> int:
    return entry.id


class Hub:
    def __init__(self) -> None:
        self.groups: dict[str, set[EventsConsumer]] = defaultdict(set)
        self.members: dict[EventsConsumer, frozenset[str]] = {}
        self.layer: Any = get_channel_layer()
        self.channel: str | None = None
        self.layer_groups: set[str] = set()
        self._lock = asyncio.Lock()
        self._listener: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        # The newest event id this hub has handed out (or found in the outbox): a new socket's
        # "ready" cursor without a query. None until the poller has read the outbox once.
        self.latest_id: int | None = None
        self.ring = EventRing(
            settings.STRONGROOM_REALTIME_RING_EVENTS, settings.STRONGROOM_REALTIME_RING_SECONDS
        )
        self._linger: asyncio.TimerHandle | None = None

    # --- membership ---------------------------------------------------------------------------
    async def set_groups(self, consumer: "EventsConsumer", groups: frozenset[str]) -> None:
        """Make ``consumer`` a member of exactly ``groups``; returns once the layer delivers
        those groups' messages to this process."""
        if self._linger is not None:  # a socket is back before the hub stopped
            self._linger.cancel()
            self._linger = None
        for group in self.members.get(consumer, frozenset()) - groups:
            self._leave(consumer, group)
        for group in groups:
            self.groups[group].add(consumer)
        self.members[consumer] = groups
        self._ensure_poller()
        if self.layer is not None:
            async with self._lock:
                await self._subscribe(groups)

    def remove(self, consumer: "EventsConsumer") -> None:
        for group in self.members.pop(consumer, frozenset()):
            self._leave(consumer, group)
        if not self.members and self._linger is None:
            linger: float = settings.STRONGROOM_REALTIME_HUB_LINGER_SECONDS
            if linger > 0:
                self._linger = asyncio.get_running_loop().call_later(linger, self._stop_if_idle)
            else:
                self._stop()

    def _stop_if_idle(self) -> None:
        self._linger = None
        if not self.members:
            self._stop()

    def _leave(self, consumer: "EventsConsumer", group: str) -> None:
        members = self.groups.get(group)
        if members is not None:
            members.discard(consumer)
            if not members:
                del self.groups[group]

    # --- the channel layer --------------------------------------------------------------------
    async def _subscribe(self, groups: frozenset[str] | set[str]) -> None:
        if self.channel is None:
            self.channel = await self.layer.new_channel("realtime-hub.")
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        for group in groups:
            if group not in self.layer_groups:
                await self.layer.group_add(group, self.channel)
                self.layer_groups.add(group)
        # Groups nobody here needs any more: leave them (a socket's unit was removed).
        unused = self.layer_groups - set(self.groups)
        for group in unused:
            await self.layer.group_discard(group, self.channel)
        self.layer_groups -= unused

    async def _listen(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarting: rejoin the groups once it is back
                logger.warning("realtime hub: layer receive failed: %s", type(exc).__name__)
                await asyncio.sleep(LAYER_RETRY_SECONDS)
                await self._rejoin()
                continue
            try:
                await self.dispatch(message)
            except Exception:
                logger.exception("realtime hub: could not dispatch %s", message.get("type"))

    async def _rejoin(self) -> None:
        try:
            async with self._lock:
                for group in set(self.layer_groups):
                    await self.layer.group_add(group, self.channel)
        except Exception as exc:
            logger.warning("realtime hub: rejoin failed: %s", type(exc).__name__)

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "realtime.event":
            self._saw(message["id"])
            # One copy arrives per group this hub joined: each copy goes to that group's sockets
            # (a socket in two of the groups drops the second copy by id).
            for consumer in list(self.groups.get(message["group"], ())):
                await self._deliver_to(
                    consumer,
                    message["id"],
                    message["text"],
                    message["unit_ids"],
                    message["user_id"],
                    message.get("topic"),
                )
        elif kind in ("realtime.revoke", "realtime.rescope"):
            for consumer in list(self.groups.get(message.get("group", ""), ())):
                consumer.control(message)

    # --- the poller ---------------------------------------------------------------------------
    def _ensure_poller(self) -> None:
        interval: float = settings.STRONGROOM_REALTIME_POLL_SECONDS
        if interval > 0 and (self._poller is None or self._poller.done()):
            self._poller = asyncio.get_running_loop().create_task(self._poll(interval))

    async def _poll(self, interval: float) -> None:
        self.ring.reset(None)
        floor = await in_db_thread(event_latest_id)()
        self._saw(floor)
        # Complete above the poller's starting point: it reads every event above it.
        self.ring.reset(floor)
        seen: dict[int, float] = {}  # ids above `floor` already handled, and when
        while True:
            await asyncio.sleep(interval)
            try:
                events = await in_db_thread(event_list_after)(after=floor, limit=BATCH)
            except Exception as exc:  # database restarting: try again next round
                logger.warning("realtime poller: %s", type(exc).__name__)
                continue
            now = time.monotonic()
            for event in events:
                if event.id not in seen:
                    seen[event.id] = now
                    await self.deliver(event)
            # Ids handled long enough ago cannot be followed by a lower id any more.
            settled = [event_id for event_id, at in seen.items() if now - at > SETTLE_SECONDS]
            if settled:
                floor = max(floor, *settled)
                for event_id in [event_id for event_id in seen if event_id <= floor]:
                    del seen[event_id]
            if len(events) == BATCH:
                floor = max(floor, events[-1].id)  # a backlog: move on without waiting

    def _saw(self, event_id: int) -> None:
        if self.latest_id is None or event_id > self.latest_id:
            self.latest_id = event_id

    def known_latest_id(self) -> int | None:
        """The cursor for a socket that needs no replay, if the running poller keeps it."""
        if self._poller is None or self._poller.done():
            return None
        return self.latest_id

    def replay_from_memory(
        self,
        *,
        after: int,
        user_id: int,
        unit_ids: frozenset[int] | None,
        hidden_topics: frozenset[str],
        limit: int,
    ) -> tuple[int, MemoryReplay] | None:
        """The ``ready`` cursor and the replay of a socket resuming from ``after`` that has
        joined its groups, from the ring (:class:`EventRing`); None: ask the outbox."""
        latest = self.known_latest_id()
        if latest is None:
            return None
        replay = self.ring.replay(
            after=after,
            user_id=user_id,
            unit_ids=unit_ids,
            hidden_topics=hidden_topics,
            limit=limit,
        )
        return None if replay is None else (latest, replay)

    async def deliver(self, event: Event) -> None:
        self._saw(event.id)  # before picking targets: a socket joining later starts after it
        text = event_text(event)  # once per event, not per socket
        # Into the ring before picking targets, with no await in between: a socket that joins
        # after this line finds the event in the ring, one that joined before is a target.
        self.ring.add(event, text)
        targets: set[EventsConsumer] = set()
        for group in event_groups(event):
            targets.update(self.groups.get(group, ()))
        if not targets:
            return
        unit_ids = event_unit_ids(event)
        for consumer in targets:
            await self._deliver_to(consumer, event.id, text, unit_ids, event.user_id, event.topic)

    @staticmethod
    async def _deliver_to(
        consumer: "EventsConsumer",
        event_id: int,
        text: str,
        unit_ids: list[int] | None,
        user_id: Any,
        topic: str | None,
    ) -> None:
        try:
            await consumer.deliver(event_id, text, unit_ids, user_id, topic)
        except Exception as exc:  # a socket closing under us must not stop the others
            logger.debug("realtime hub: delivery failed: %s", type(exc).__name__)

    # --- stopping -----------------------------------------------------------------------------
    def _stop(self) -> None:
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        for task in (self._poller, self._listener):
            if task is not None:
                task.cancel()
        self._poller = self._listener = None
        self.latest_id = None
        self.ring.reset(None)  # nobody reads the outbox any more: the ring promises nothing
        if self.layer is not None and self.channel is not None and self.layer_groups:
            groups, channel = set(self.layer_groups), self.channel
            self.layer_groups.clear()
            task = asyncio.get_running_loop().create_task(self._leave_layer(groups, channel))
            _stopping.add(task)
            task.add_done_callback(_stopping.discard)
        self.channel = None

    async def _leave_layer(self, groups: set[str], channel: str) -> None:
        try:
            for group in groups:
                await self.layer.group_discard(group, channel)
        except Exception as exc:
            logger.debug("realtime hub: leaving groups failed: %s", type(exc).__name__)


_stopping: set[asyncio.Task[None]] = set()
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub_for_this_loop() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
    return hub
