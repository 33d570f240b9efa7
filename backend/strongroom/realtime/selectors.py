"""Reads over the outbox: the same scoping for WebSocket replay, HTTP replay and the poller."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from strongroom.realtime.models import Event, ReplayWindow


def event_scope_q(*, user_id: int, unit_ids: frozenset[int] | None) -> Q:
    """Events a user may see: their own (notifications), and unit events of their units
    (``unit_ids`` None: every unit). A user event is never shown to anybody else."""
    own = Q(user_id=user_id)
    if unit_ids is None:
        return own | Q(user__isnull=True)
    return own | Q(user__isnull=True) & (Q(unit_id__in=unit_ids) | Q(also_unit_id__in=unit_ids))


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
    *, user_id: int, unit_ids: frozenset[int] | None, after: int
) -> QuerySet[Event]:
    return Event.objects.filter(
        event_scope_q(user_id=user_id, unit_ids=unit_ids), id__gt=after
    ).order_by("id")


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
    *, user_id: int, unit_ids: frozenset[int] | None, after: int | None, limit: int
) -> Replay:
    """What a (re)connecting socket gets: the missed events it may see, or ``resync`` when they
    are beyond the window or more than ``limit`` (a refetch is then cheaper)."""
    latest_id = event_latest_id()
    if after is None:
        return Replay(latest_id=latest_id)
    if event_gap_is_beyond_window(after=after, latest_id=latest_id):
        return Replay(latest_id=latest_id, resync=True)
    events = list(event_list_for_user(user_id=user_id, unit_ids=unit_ids, after=after)[: limit + 1])
    if len(events) > limit:
        return Replay(latest_id=latest_id, resync=True)
    return Replay(latest_id=latest_id, events=events)
