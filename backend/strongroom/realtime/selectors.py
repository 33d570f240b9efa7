"""Reads over the outbox: the same scoping for WebSocket replay, HTTP replay and the poller."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.realtime.models import Event, ReplayWindow

# On PostgreSQL two transactions may commit in the opposite order of their event ids: an event
# can become visible after a higher id was already delivered. Readers of the outbox therefore
# look back this long (by insert time) behind the highest id they saw: the poller re-reads it,
# and a resuming socket replays it (RESUME_OVERLAP_MAX_IDS bounds that look-back's scan).
SETTLE_SECONDS = 5.0
RESUME_OVERLAP_MAX_IDS = 2000


# Topics only the holders of a permission may receive (an audit-trail review is read with
# ``compliance.view_audit_trail``), declared by the app that owns the topic through
# :func:`strongroom.realtime.signals.realtime_follow`; every other topic is scoped by unit alone.
TOPIC_PERMISSIONS: dict[str, str] = {}


def event_topics_hidden_from(user: User) -> frozenset[str]:
    """The topics whose permission ``user`` lacks: their events never reach the user, live or
    replayed, whatever the unit."""
    return frozenset(
        topic for topic, permission in TOPIC_PERMISSIONS.items() if not user.has_perm(permission)
    )


def event_scope_q(
    *, user_id: int, unit_ids: frozenset[int] | None, hidden_topics: frozenset[str] = frozenset()
) -> Q:
    """Events a user may see: their own (notifications), unit events of their units
    (``unit_ids`` None: every unit) and events for everyone (a rule without a unit), less the
    topics ``hidden_topics`` (:func:`event_topics_hidden_from`). A user event is never shown to
    anybody else."""
    own = Q(user_id=user_id)
    if unit_ids is None:
        scope = own | Q(user__isnull=True)
    else:
        scope = own | Q(user__isnull=True) & (
            Q(unit_id__in=unit_ids) | Q(also_unit_id__in=unit_ids) | Q(everyone=True)
        )
    return scope & ~Q(topic__in=sorted(hidden_topics)) if hidden_topics else scope


def event_in_scope(
    *,
    unit_ids: "list[int] | tuple[int, ...] | None",
    user_id: int | None,
    topic: str | None,
    viewer_id: int,
    viewer_unit_ids: frozenset[int] | None,
    hidden_topics: frozenset[str],
) -> bool:
    """:func:`event_scope_q` for one event already in memory (``unit_ids`` as
    :func:`strongroom.realtime.services.event_unit_ids` gives them, None for an event for
    everyone): live delivery and the replay from a process's ring use it, and must agree with
    the query."""
    if topic in hidden_topics:
        return False
    if user_id is not None:
        return user_id == viewer_id
    if viewer_unit_ids is None or unit_ids is None:
        return True
    return any(unit_id in viewer_unit_ids for unit_id in unit_ids)


def event_pruned_through() -> int:
    return ReplayWindow.objects.filter(pk=1).values_list("pruned_through", flat=True).first() or 0


def event_latest_id() -> int:
    """The cursor a client starts from: the newest event id (or the prune mark, when the outbox
    was emptied by pruning)."""
    latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return max(latest, event_pruned_through())


def event_list_after(*, after: int, limit: int) -> list[Event]:
    """Every event after ``after`` (any scope), oldest first: for the per-process poller."""
    return list(Event.objects.filter(id__gt=after).order_by("id")[:limit])


def event_list_for_user(
    *,
    user_id: int,
    unit_ids: frozenset[int] | None,
    after: int,
    hidden_topics: frozenset[str] = frozenset(),
) -> QuerySet[Event]:
    return Event.objects.filter(
        event_scope_q(user_id=user_id, unit_ids=unit_ids, hidden_topics=hidden_topics),
        id__gt=after,
    ).order_by("id")


def event_settled_id(newest: int, moment: datetime) -> int:
    """The highest id up to ``newest`` that was inserted more than ``SETTLE_SECONDS`` before
    ``moment``: a reader that had everything up to ``newest`` at ``moment`` may still miss
    events above it (a transaction that allocated a lower id committing later), never below.
    Looks back at most RESUME_OVERLAP_MAX_IDS ids."""
    recent = Event.objects.filter(id__gt=newest - RESUME_OVERLAP_MAX_IDS, id__lte=newest)
    found = recent.aggregate(
        settled=Max("id", filter=Q(at__lt=moment - timedelta(seconds=SETTLE_SECONDS))),
        lowest=Min("id"),
    )
    if found["settled"] is not None:
        return int(found["settled"])
    if found["lowest"] is not None:  # every event in the look-back is recent
        return int(found["lowest"]) - 1
    return newest


def event_resume_floor(after: int) -> int:
    """The id a socket resuming from ``after`` replays from: a few seconds (by insert time)
    before event ``after``, when the client received it. Clients drop ids they already hold."""
    at = Event.objects.filter(id__lte=after).order_by("-id").values_list("at", flat=True).first()
    return after if at is None else event_settled_id(after, at)


def event_cursor(*, after: int | None, newest: int) -> int:
    """The cursor an HTTP reader continues from after reading up to ``newest`` now: never behind
    its own ``after``, and not past events that may still commit below ``newest``."""
    return max(after or 0, event_settled_id(newest, timezone.now()))


def event_gap_is_beyond_window(*, after: int, latest_id: int) -> bool:
    """True when events after ``after`` may have been pruned (older than the replay window), or
    when ``after`` is ahead of the outbox (the database was restored or reset): the client must
    refetch instead of replaying."""
    return after > latest_id or after < event_pruned_through()


@dataclass
class Replay:
    latest_id: int
    resync: bool = False
    events: list[Event] = field(default_factory=list)


def event_replay_for_user(
    *,
    user_id: int,
    unit_ids: frozenset[int] | None,
    after: int | None,
    limit: int,
    hidden_topics: frozenset[str] = frozenset(),
) -> Replay:
    """What a (re)connecting socket gets: the missed events it may see — from a little before
    ``after`` (:func:`event_resume_floor`); the socket skips the ids its client already has —
    or ``resync`` when they are beyond the window or more than ``limit`` (a refetch is then
    cheaper)."""
    latest_id = event_latest_id()
    if after is None:
        return Replay(latest_id=latest_id)
    if event_gap_is_beyond_window(after=after, latest_id=latest_id):
        return Replay(latest_id=latest_id, resync=True)
    floor = event_resume_floor(after)
    events = list(
        event_list_for_user(
            user_id=user_id, unit_ids=unit_ids, after=floor, hidden_topics=hidden_topics
        )[: limit + 1]
    )
    if len(events) > limit:
        return Replay(latest_id=latest_id, resync=True)
    return Replay(latest_id=latest_id, events=events)
