"""The events socket, ``/ws/v1/events/`` (PRODUCT.md §2).

Protocol, client → server::

    {"type": "auth", "token": "<access JWT>", "last_event_id": 1234,   first, within 5 s; again
     "recent_event_ids": [1230, 1234]}                                  with a fresh token before
                                                                        the old one expires
    {"type": "ping"}

server → client::

    {"type": "ready", "user": {...}, "last_event_id": N}      after the first auth
    {"type": "event", "id", "topic", "action", "object_id", "unit_id", "version", "data", "at"}
    {"type": "resync"}               missed events are beyond the replay window (or too many), or
                                     the user's units changed: refetch what is on screen
    {"type": "reauthenticated", "expires_at": <unix time>}    after a later auth
    {"type": "pong"}
    {"type": "error", "code": "..."} a message the server does not understand

Resuming: replay starts a few seconds (by insert time) before ``last_event_id``, because an
event with a lower id can commit after a higher one was delivered. ``recent_event_ids`` (optional,
at most RECENT_IDS_ACCEPTED) are ids the client already holds: they are not sent again. A client
that does not send them drops repeated ids itself. A resume from an id the process still holds in
its ring of recent events (relay.EventRing) is replayed from memory, already encoded, without a
query; any other from the outbox. Both give the same events (the ring's docstring says why).

Close codes: 4401 not (or no longer) authenticated — bad, expired or revoked token, deactivated
user; 4403 forbidden — must change password, no role, lost access; 4408 no auth in time.
The Origin header is checked before the consumer runs (config/asgi.py).

Scope: a socket receives its own events, its units' events and events for everyone, except the
topics whose permission its user lacks (an audit-trail review goes to its unit's readers of the
audit trail only); a change of units or role re-scopes open sockets (``resync``).

A socket has no channel of its own: the process's hub (:mod:`strongroom.realtime.relay`) holds
the one channel-layer subscription and hands each event's pre-encoded text to the sockets in
scope, and its outbox poller delivers what the layer missed. Each socket remembers the ids it
sent recently, so nothing is sent twice.
"""

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from strongroom.accounts.models import User
from strongroom.accounts.passwords import password_change_required
from strongroom.accounts.scope import user_unit_ids
from strongroom.accounts.selectors import user_for_request
from strongroom.accounts.tokens import (
    SESSION_CLAIM,
    TokenRejected,
    access_token_authenticate,
    token_expires_at,
)
from strongroom.core.metrics import EVENT_REPLAYS, EVENTS_DELIVERED, WEBSOCKET_CONNECTIONS
from strongroom.realtime.relay import Hub, hub_for_this_loop
from strongroom.realtime.selectors import (
    event_in_scope,
    event_replay_for_user,
    event_topics_hidden_from,
)
from strongroom.realtime.services import (
    ALL_UNITS_GROUP,
    EVERYONE_GROUP,
    event_text,
    in_db_thread,
    unit_group,
    user_group,
)

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408
RECENT_IDS = 4096
RECENT_IDS_ACCEPTED = 1000


class RecentIds:
    """The last ``size`` ids sent on a socket: drops an event that arrives twice (layer and
    poller, or two unit groups of a cross-unit transfer)."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self._order: deque[int] = deque()
        self._ids: set[int] = set()
        self._size = size

    def add(self, event_id: int) -> bool:
        """Remember ``event_id``; False if it was already there."""
        if event_id in self._ids:
            return False
        self._ids.add(event_id)
        self._order.append(event_id)
        if len(self._order) > self._size:
            self._ids.discard(self._order.popleft())
        return True


def _recent_ids(value: Any) -> list[int]:
    """The client's ``recent_event_ids``: ints only, the last RECENT_IDS_ACCEPTED of them."""
    if not isinstance(value, list):
        return []
    ids = [v for v in value if isinstance(v, int) and not isinstance(v, bool) and v > 0]
    return ids[-RECENT_IDS_ACCEPTED:]


def _may_connect(user: User) -> bool:
    """The API's rule: a user who must change their password (forced or expired) may do
    nothing else until they have."""
    return user.is_active and user.role_id is not None and not password_change_required(user)


# What a socket may receive: its user's units (None: every unit), and the topics it may not
# (those whose permission the user lacks: strongroom.realtime.selectors.TOPIC_PERMISSIONS).
Scope = tuple[frozenset[int] | None, frozenset[str]]
NO_SCOPE: Scope = (frozenset(), frozenset())


def _scope_of(user: User) -> Scope:
    return user_unit_ids(user), event_topics_hidden_from(user)


def _user_scope(user: User) -> tuple[Scope, dict[str, Any]]:
    scope = _scope_of(user)
    unit_ids = scope[0]
    summary = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.name if user.role else None,
        "units": None if unit_ids is None else sorted(unit_ids),
    }
    return scope, summary


def _token_check(
    token: str,
) -> tuple[User, AccessToken, Scope, dict[str, Any]]:
    """One query for the whole auth on PostgreSQL: the token's user with their role's
    permissions and their units (``user_for_request``)."""
    user, access = access_token_authenticate(token)
    scope, summary = _user_scope(user) if _may_connect(user) else (NO_SCOPE, {})
    return user, access, scope, summary


def _user_reload(user_id: int) -> tuple[User | None, Scope]:
    user = user_for_request(user_id)
    if user is None or not _may_connect(user):
        return user, NO_SCOPE
    return user, _scope_of(user)


class EventsConsumer(AsyncWebsocketConsumer):
    # No per-socket channel: the hub subscribes once per process (see relay.py).
    channel_layer_alias = "strongroom-realtime-no-per-socket-channel"
    user: User | None
    unit_ids: frozenset[int] | None
    hidden_topics: frozenset[str]

    async def connect(self) -> None:
        self.user = None
        self.unit_ids = frozenset()
        self.hidden_topics = frozenset()
        self.session_id: str | None = None
        self.joined: frozenset[str] = frozenset()
        self.sent = RecentIds()
        self.buffer: list[tuple[int, str]] | None = None
        self.closing = False
        self.counted = False  # in the open-connections gauge
        self.hub: Hub = hub_for_this_loop()
        self.expiry_task: asyncio.Task[None] | None = None
        self.control_tasks: set[asyncio.Task[None]] = set()
        await self.accept()
        timeout: float = settings.STRONGROOM_WS_AUTH_TIMEOUT
        self.auth_task: asyncio.Task[None] | None = asyncio.get_running_loop().create_task(
            self._close_after(timeout, CLOSE_AUTH_TIMEOUT)
        )

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a thread hop) before every handler; this
        # consumer touches the database only through database_sync_to_async, which does that
        # itself, so the hop would only slow every handshake and frame down.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- client messages ----------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        try:
            message = json.loads(text_data or "")
            kind = message.get("type")
        except (ValueError, AttributeError, RecursionError):
            # RecursionError: JSON nested deeper than the decoder recurses ('[' * 100000).
            message, kind = {}, None
        if kind == "auth":
            if self.auth_task is not None:
                # The client did its part in time; a busy server must not close it for
                # taking long to check the token (a reconnect storm after a restart).
                self.auth_task.cancel()
                self.auth_task = None
            await self._authenticate(message)
        elif self.user is None:
            await self._close(CLOSE_UNAUTHENTICATED)  # the first message must be auth
        elif kind == "ping":
            await self.send(text_data='{"type":"pong"}')
        else:
            await self.send(text_data=json.dumps({"type": "error", "code": "unknown_type"}))

    async def _authenticate(self, message: dict[str, Any]) -> None:
        token = message.get("token")
        if not isinstance(token, str) or not token:
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        try:
            user, access, scope, summary = await in_db_thread(_token_check)(token)
        except TokenRejected as exc:
            logger.info("realtime: socket auth refused: %s", exc.code)
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        if self.user is not None and user.pk != self.user.pk:
            await self._close(CLOSE_UNAUTHENTICATED)  # a socket never changes hands
            return
        if not _may_connect(user):
            await self._close(CLOSE_FORBIDDEN)
            return
        self.session_id = access.get(SESSION_CLAIM)
        expires_at = token_expires_at(access)
        self._schedule_expiry(expires_at)

        if self.user is not None:  # re-authentication with a fresh token
            self.user = user
            await self._apply_scope(scope)
            await self.send(
                text_data=json.dumps({"type": "reauthenticated", "expires_at": expires_at})
            )
            return

        if self.auth_task is not None:
            self.auth_task.cancel()
            self.auth_task = None
        self.user = user
        self.counted = True
        WEBSOCKET_CONNECTIONS.inc()
        after = message.get("last_event_id")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            after = None
        for event_id in _recent_ids(message.get("recent_event_ids")):
            self.sent.add(event_id)
        # Join first, replay second: whatever commits in between arrives live (and is dropped
        # if the replay had it already). The poller's deliveries wait in the buffer meanwhile.
        self.buffer = []
        await self._apply_scope(scope, announce=False)
        latest, resync, replayed = await self._replay(user, scope, after)
        await self.send(
            text_data=json.dumps({"type": "ready", "user": summary, "last_event_id": latest})
        )
        if resync:
            await self.send(text_data='{"type":"resync"}')
        for event_id, text in replayed:
            if self.sent.add(event_id):
                await self._send_event(text)
        buffered, self.buffer = self.buffer, None
        for event_id, text in buffered:
            if self.sent.add(event_id):
                await self._send_event(text)

    async def _replay(
        self, user: User, scope: Scope, after: int | None
    ) -> tuple[int, bool, list[tuple[int, str]]]:
        """The ``ready`` cursor, whether to resync, and the encoded events to replay, for a
        socket that has joined its groups: from the hub's memory when it can tell (a fresh
        connection; a resume from an id in its ring), else from the outbox."""
        limit: int = settings.STRONGROOM_REALTIME_REPLAY_LIMIT
        if after is None:
            known_latest = self.hub.known_latest_id()
            if known_latest is not None:
                return known_latest, False, []  # nothing to replay: no query
        else:
            remembered = self.hub.replay_from_memory(
                after=after, user_id=user.pk, unit_ids=scope[0], hidden_topics=scope[1], limit=limit
            )
            if remembered is not None:
                EVENT_REPLAYS.labels(source="memory").inc()
                latest, memory = remembered
                return latest, memory.resync, memory.events
            EVENT_REPLAYS.labels(source="database").inc()
        replay = await in_db_thread(event_replay_for_user)(
            user_id=user.pk,
            unit_ids=scope[0],
            after=after,
            hidden_topics=scope[1],
            limit=limit,
        )
        return (
            replay.latest_id,
            replay.resync,
            [(event.id, event_text(event)) for event in replay.events],
        )

    # --- scope --------------------------------------------------------------------------------
    async def _apply_scope(self, scope: Scope, announce: bool = True) -> None:
        assert self.user is not None
        unit_ids, hidden_topics = scope
        changed = unit_ids != self.unit_ids or hidden_topics != self.hidden_topics
        self.unit_ids = unit_ids
        self.hidden_topics = hidden_topics
        # Every socket hears the events every signed-in user may see (Event.everyone).
        groups = {user_group(self.user.pk), EVERYONE_GROUP}
        if unit_ids is None:
            groups.add(ALL_UNITS_GROUP)
        else:
            groups.update(unit_group(unit_id) for unit_id in unit_ids)
        new = frozenset(groups)
        self.joined = new
        await self.hub.set_groups(self, new)
        if announce and changed:
            await self.send(text_data='{"type":"resync"}')

    def _in_scope(
        self, unit_ids: list[int] | None, user_id: int | None, topic: str | None = None
    ) -> bool:
        """``unit_ids`` None: an event every signed-in user may see."""
        if self.user is None:
            return False
        return event_in_scope(
            unit_ids=unit_ids,
            user_id=user_id,
            topic=topic,
            viewer_id=self.user.pk,
            viewer_unit_ids=self.unit_ids,
            hidden_topics=self.hidden_topics,
        )

    # --- delivery -----------------------------------------------------------------------------
    async def deliver(
        self,
        event_id: int,
        text: str,
        unit_ids: list[int] | None,
        user_id: int | None,
        topic: str | None = None,
    ) -> None:
        """One event, already encoded: from the layer or the poller."""
        if self.closing or not self._in_scope(unit_ids, user_id, topic):
            return
        if self.buffer is not None:
            self.buffer.append((event_id, text))
        elif self.sent.add(event_id):
            await self._send_event(text)

    async def _send_event(self, text: str) -> None:
        EVENTS_DELIVERED.inc()
        await self.send(text_data=text)

    def control(self, message: dict[str, Any]) -> None:
        """A revoke or rescope message for this socket's user, from the hub: handled in a task
        of its own, so one socket's database read never holds up the hub."""
        handler = (
            self.realtime_revoke if message["type"] == "realtime.revoke" else self.realtime_rescope
        )
        task = asyncio.get_running_loop().create_task(handler(message))
        self.control_tasks.add(task)
        task.add_done_callback(self.control_tasks.discard)

    async def realtime_revoke(self, message: dict[str, Any]) -> None:
        session_id = message.get("session_id")
        if self.user is not None and (session_id is None or session_id == self.session_id):
            await self._close(CLOSE_UNAUTHENTICATED)

    async def realtime_rescope(self, message: dict[str, Any]) -> None:
        if self.user is None or self.closing:
            return
        user, scope = await in_db_thread(_user_reload)(self.user.pk)
        if user is None or not user.is_active:
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        if not _may_connect(user):
            await self._close(CLOSE_FORBIDDEN)
            return
        self.user = user
        await self._apply_scope(scope)

    # --- closing ------------------------------------------------------------------------------
    def _schedule_expiry(self, expires_at: float) -> None:
        if self.expiry_task is not None:
            self.expiry_task.cancel()
        self.expiry_task = asyncio.get_running_loop().create_task(
            self._close_after(max(0.0, expires_at - time.time()), CLOSE_UNAUTHENTICATED)
        )

    async def _close_after(self, delay: float, code: int) -> None:
        await asyncio.sleep(delay)
        await self._close(code)

    def _forget(self) -> None:
        self.closing = True
        self._stop_timers(keep=asyncio.current_task())
        self.hub.remove(self)
        if self.counted:
            self.counted = False
            WEBSOCKET_CONNECTIONS.dec()

    async def _close(self, code: int) -> None:
        if self.closing:
            return
        self._forget()
        await self.close(code=code)

    def _stop_timers(self, keep: "asyncio.Task[Any] | None" = None) -> None:
        for task in (self.auth_task, self.expiry_task):
            if task is not None and task is not keep:
                task.cancel()
        self.auth_task = self.expiry_task = None

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "hub"):  # connect() ran
            self._forget()
        self.joined = frozenset()
