"""Writing outbox events and publishing them to the channel layer.

**Outbox.** :func:`outbox_record` writes an :class:`~strongroom.realtime.models.Event` row on the
caller's database connection, so it commits or rolls back with the change it describes. It
registers a ``transaction.on_commit`` callback that publishes the event; a rolled-back change
therefore publishes nothing. Within one transaction the same object (topic + id) is recorded
once: a second save updates the pending row instead of adding another, so "create a crate, then
save it again with its location" is one ``created`` event carrying the final data.

**Publishing.** Each event is encoded to JSON once (:func:`event_text`) and sent as that text to
the groups that may see it: ``user.<id>`` for a user's own events (notifications), otherwise
``unit.<id>`` (the crate's old unit too after a cross-unit transfer) and ``units.all`` (System
Administrators), or ``everyone`` for an event every signed-in user may see (a retention rule
without a unit, which governs every unit: every socket joins that group). Consumers forward the
text as it is, so fan-out costs no per-socket encoding (PRODUCT.md §7). A layer that is down
loses the live message, never the event: each Daphne process's outbox poller
(:mod:`strongroom.realtime.relay`) and the replay on reconnect deliver it.

**Layer choice: RedisPubSubChannelLayer.** Measured with ``scripts/bench_ws.py`` (loopback, this
2-core machine, 2 Daphne processes, 1,000 subscribed sockets, 20 committed crate changes per
run, commit to receipt, outbox poller off so that only the layer is measured, layers alternated
for 3 rounds, medians; 2026-11-23, while other sessions' suites and load tests kept the load
average between 4 and 12, so compare within a run)::

    backend/.venv/bin/python scripts/bench_ws.py --changes 20 --rounds 3 --layers pubsub,core

    run                                   layer    p50      p95      p99      delivered
    A (before GC tuning, load 6 to 12)    pubsub   260 ms   443 ms   554 ms   100 %
                                          core     344 ms   743 ms   1101 ms  100 %
    B (final code, load about 4.5)        pubsub   129 ms   176 ms   187 ms   100 %
                                          core     101 ms   149 ms   168 ms   100 %
    final configuration, pub/sub + poller          78 ms    120 ms   188 ms   100 %

Because each Daphne process subscribes once and fans out itself (relay.py), both layers carry
one message per process and group, and their latencies are within the noise of this machine
(pub/sub ahead in run A, RedisChannelLayer in run B; the worst round was RedisChannelLayer's,
p99 3.9 s). The choice therefore rests on what each leaves in Redis: pub/sub keeps nothing (no
per-channel capacity or expiry to size, no backlog for a dead process's channel in a
``noeviction`` Redis, group membership held by each process and restored by redis-py when it
reconnects), while RedisChannelLayer's group sets vanish in a Redis restart without persistence
and must be rejoined (the hub does so after a receive error). Pub/sub's at-most-once delivery
costs nothing here: the outbox poller and replay make good any loss.
"""

import asyncio
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from strongroom.core.metrics import EVENTS_PUBLISHED
from strongroom.realtime.models import Event, EventAction

logger = logging.getLogger(__name__)
T = TypeVar("T")

ALL_UNITS_GROUP = "units.all"
EVERYONE_GROUP = "everyone"
LAYER_FIGURES = ""  # filled in below the measurement (kept next to the code it justifies)


def unit_group(unit_id: int) -> str:
    return f"unit.{unit_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def in_db_thread(function: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """How the real-time code reads the database from the event loop: Channels'
    ``database_sync_to_async`` on the thread-sensitive thread. (The shared thread pool,
    ``thread_sensitive=False``, was tried for the handshake rate: no measurable gain on 2 cores,
    and its short-lived threads kept pooled PostgreSQL connections checked out.)"""
    return database_sync_to_async(function)


# --- Wire format ---------------------------------------------------------------------------------


def event_wire(event: Event) -> dict[str, Any]:
    """The ``event`` message of PRODUCT.md §2, for live delivery and replay alike."""
    return {
        "type": "event",
        "id": event.id,
        "topic": event.topic,
        "action": event.action,
        "object_id": event.object_id,
        "unit_id": event.unit_id,
        "version": event.version,
        "data": event.data,
        "at": event.at.isoformat() if event.at else None,
    }


def event_text(event: Event) -> str:
    return json.dumps(event_wire(event), separators=(",", ":"), default=str)


def event_unit_ids(event: Event) -> list[int] | None:
    """The units whose users may see the event; None: every signed-in user may
    (``Event.everyone``)."""
    if event.everyone:
        return None
    return [unit_id for unit_id in (event.unit_id, event.also_unit_id) if unit_id is not None]


def event_layer_messages(event: Event) -> list[tuple[str, dict[str, Any]]]:
    """What travels through the channel layer, per group: the pre-encoded text (encoded once,
    shared by every group) plus what the receiving process needs to pick its sockets and check
    their scope without parsing it."""
    text = event_text(event)
    unit_ids = event_unit_ids(event)
    return [
        (
            group,
            {
                "type": "realtime.event",
                "group": group,
                "id": event.id,
                "unit_ids": unit_ids,
                "user_id": event.user_id,
                "topic": event.topic,
                "text": text,
            },
        )
        for group in event_groups(event)
    ]


def event_groups(event: Event) -> list[str]:
    if event.user_id is not None:
        return [user_group(event.user_id)]
    unit_ids = event_unit_ids(event)
    if unit_ids is None:
        return [EVERYONE_GROUP]
    return [unit_group(unit_id) for unit_id in unit_ids] + [ALL_UNITS_GROUP]


# --- Sending to the channel layer from sync or async code ----------------------------------------

_background_sends: set[asyncio.Task[None]] = set()


def layer_group_send_many(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send ``(group, message)`` pairs, bounded in time; failures are logged, never raised (the
    caller's change is already committed). Works from sync code (a request thread, a Celery task)
    and from code running on an event loop (the message is sent from a task)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    timeout: float = settings.STRONGROOM_REALTIME_PUBLISH_TIMEOUT

    async def send_all() -> None:
        try:
            async with asyncio.timeout(timeout):
                for group, message in messages:
                    await layer.group_send(group, message)
        except Exception as exc:  # Redis down or slow: replay and the poller make it good
            logger.warning(
                "realtime: could not publish to %s: %s", messages[0][0], type(exc).__name__
            )

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(send_all)()
        return
    task = loop.create_task(send_all())
    _background_sends.add(task)
    task.add_done_callback(_background_sends.discard)


def event_publish(event: Event) -> None:
    EVENTS_PUBLISHED.inc()
    layer_group_send_many(event_layer_messages(event))


# --- The outbox ----------------------------------------------------------------------------------


@dataclass
class _Pending:
    event: Event
    publish: Callable[[], None]


_pending_by_connection: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple[str, str], _Pending]]" = weakref.WeakKeyDictionary()  # noqa: E501


def _pending_map(connection: BaseDatabaseWrapper) -> dict[tuple[str, str], _Pending]:
    pending = _pending_by_connection.setdefault(connection, {})
    if pending and not connection.run_on_commit:
        # Nothing waits for a commit, so whatever is left belongs to rolled-back transactions.
        pending.clear()
    return pending


def _still_pending(connection: BaseDatabaseWrapper, entry: _Pending) -> bool:
    """Its on_commit callback is still queued: same transaction, savepoint not rolled back."""
    return any(item[1] is entry.publish for item in connection.run_on_commit)


def _merge_action(first: str, then: str) -> str:
    if then == EventAction.DELETED:
        return EventAction.DELETED
    if first == EventAction.CREATED:
        return EventAction.CREATED
    return then


def outbox_record(
    *,
    topic: str,
    action: str,
    object_id: object,
    unit_id: int | None,
    also_unit_id: int | None = None,
    user_id: int | None = None,
    everyone: bool = False,
    version: int | None = None,
    data: dict[str, Any],
    using: str = DEFAULT_DB_ALIAS,
) -> Event:
    """Record one change in the outbox, in the current transaction (see the module docstring).
    ``everyone``: every signed-in user may see it (then no unit and no user)."""
    connection = transaction.get_connection(using)
    pending = _pending_map(connection)
    key = (topic, str(object_id))
    if also_unit_id == unit_id or everyone:
        also_unit_id = None
    if everyone:
        unit_id = user_id = None

    entry = pending.get(key)
    if entry is not None and _still_pending(connection, entry):
        event = entry.event
        event.action = _merge_action(event.action, action)
        if event.unit_id != unit_id and event.also_unit_id is None:
            event.also_unit_id = event.unit_id if also_unit_id is None else also_unit_id
        if event.also_unit_id == unit_id:
            event.also_unit_id = None
        event.unit_id = unit_id
        event.user_id = user_id
        event.everyone = everyone
        if everyone:
            event.also_unit_id = None
        event.version = version
        event.data = data
        updated = (
            Event.objects.using(using)
            .filter(pk=event.pk)
            .update(
                action=event.action,
                unit_id=event.unit_id,
                also_unit_id=event.also_unit_id,
                user_id=event.user_id,
                everyone=event.everyone,
                version=event.version,
                data=event.data,
            )
        )
        if updated:
            return event

    event = Event.objects.using(using).create(
        topic=topic,
        action=action,
        object_id=str(object_id),
        unit_id=unit_id,
        also_unit_id=also_unit_id,
        user_id=user_id,
        everyone=everyone,
        version=version,
        data=data,
    )

    def publish() -> None:
        if pending.get(key) is entry_new:
            del pending[key]
        event_publish(event)

    entry_new = _Pending(event=event, publish=publish)
    pending[key] = entry_new
    # robust: a failing publish must not stop the caller's other after-commit work.
    transaction.on_commit(publish, using=using, robust=True)
    return event


def outbox_record_created_many(
    records: list[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS
) -> list[Event]:
    """Record the ``created`` events of several new objects (a ``bulk_create``) in the current
    transaction: one INSERT for all of them and, after commit, one publish. Each record holds
    :func:`outbox_record`'s keywords but ``action`` and ``using``. A later change of one of these
    objects in the same transaction coalesces with its event, as after :func:`outbox_record`."""
    if not records:
        return []
    connection = transaction.get_connection(using)
    pending = _pending_map(connection)
    rows = []
    for record in records:
        everyone = bool(record.get("everyone", False))
        unit_id = None if everyone else record["unit_id"]
        also_unit_id = record.get("also_unit_id")
        rows.append(
            Event(
                topic=record["topic"],
                action=EventAction.CREATED,
                object_id=str(record["object_id"]),
                unit_id=unit_id,
                also_unit_id=None if everyone or also_unit_id == unit_id else also_unit_id,
                user_id=None if everyone else record.get("user_id"),
                everyone=everyone,
                version=record.get("version"),
                data=record["data"],
            )
        )
    events = Event.objects.using(using).bulk_create(rows)
    entries: list[tuple[tuple[str, str], _Pending]] = []

    def publish() -> None:
        messages: list[tuple[str, dict[str, Any]]] = []
        for key, entry in entries:
            if pending.get(key) is entry:
                del pending[key]
            EVENTS_PUBLISHED.inc()
            messages.extend(event_layer_messages(entry.event))
        layer_group_send_many(messages)

    for event in events:
        key = (event.topic, event.object_id)
        entry = _Pending(event=event, publish=publish)
        pending[key] = entry
        entries.append((key, entry))
    # robust: a failing publish must not stop the caller's other after-commit work.
    transaction.on_commit(publish, using=using, robust=True)
    return events
