"""Model signals → outbox events (STYLE.md rule 2: the realtime app listens to model signals), and
the accounts signals → open sockets.

Which models are followed, and how each change is described, is declared by the app that owns
the model, from its ``AppConfig.ready()``, with :func:`realtime_follow` (requests/realtime.py,
records/realtime.py, storage/realtime.py, notifications/realtime.py): realtime imports no app
above accounts. A description says only what a list view shows — topic, ids, status, type,
code/number — and is handed to :func:`strongroom.realtime.services.outbox_record`, which writes
it in the same transaction and publishes it after commit.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save

from strongroom.accounts.signals import access_changed, sessions_revoked
from strongroom.realtime.models import EventAction
from strongroom.realtime.selectors import TOPIC_PERMISSIONS
from strongroom.realtime.services import (
    layer_group_send_many,
    outbox_record,
    outbox_record_created_many,
    user_group,
)

# Snapshot of an object's unit as loaded, to tell a move between units (both must see it).
_LOADED_UNIT = "_realtime_loaded_unit_id"

Describe = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Followed:
    topic: str
    # -> unit_id, and any of user_id, version, data (strongroom.realtime.services.outbox_record)
    describe: Describe
    # The object can move to another unit: the unit it was loaded with also sees the change.
    moves_between_units: bool = False


FOLLOWED: dict[type[Model], Followed] = {}


def realtime_follow(
    model: type[Model],
    *,
    topic: str,
    describe: Describe,
    moves_between_units: bool = False,
    permission: str | None = None,
) -> None:
    """Write an outbox event for every save and delete of ``model`` (call it from the owning
    app's ``AppConfig.ready()``; a second call replaces the first). ``permission``: only its
    holders receive the topic's events (in the unit's audience as usual)."""
    FOLLOWED[model] = Followed(topic, describe, moves_between_units)
    if permission is not None:
        TOPIC_PERMISSIONS[topic] = permission
    uid = f"realtime-outbox-{model._meta.label_lower}"
    post_save.connect(on_post_save, sender=model, dispatch_uid=uid)
    post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid)
    if moves_between_units:
        post_init.connect(on_init_remember_unit, sender=model, dispatch_uid=f"{uid}-unit")


def _record(instance: Model, action: str, using: str) -> None:
    followed = FOLLOWED[type(instance)]
    description = followed.describe(instance)
    if followed.moves_between_units:
        description["also_unit_id"] = instance.__dict__.get(_LOADED_UNIT)
    outbox_record(
        topic=followed.topic, action=action, object_id=instance.pk, using=using, **description
    )


def outbox_record_change(instance: Model, *, action: str = EventAction.UPDATED) -> None:
    """For writes that bypass ``save()`` (``QuerySet.update()``, ``bulk_create``), which send no
    model signal: call it with the changed object, as it now is, inside the same transaction.
    Coalesces with any other event of that object in the transaction, like a save would."""
    _record(instance, action, instance._state.db or "default")


def outbox_record_bulk_created(instances: Sequence[Model]) -> None:
    """For objects of one followed model created by ``bulk_create`` (which sends no model
    signal): their ``created`` events, in the same transaction, written and published together."""
    if not instances:
        return
    followed = FOLLOWED[type(instances[0])]
    records = []
    for instance in instances:
        description = followed.describe(instance)
        if followed.moves_between_units:
            instance.__dict__[_LOADED_UNIT] = getattr(instance, "unit_id", None)
        records.append({"topic": followed.topic, "object_id": instance.pk, **description})
    outbox_record_created_many(records, using=instances[0]._state.db or "default")


def on_post_save(
    sender: type[Model], instance: Model, created: bool, raw: bool, using: str, **kwargs: Any
) -> None:
    if raw:  # fixtures: not a change anybody made
        return
    _record(instance, EventAction.CREATED if created else EventAction.UPDATED, using)
    if FOLLOWED[type(instance)].moves_between_units:
        instance.__dict__[_LOADED_UNIT] = getattr(instance, "unit_id", None)


def on_post_delete(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    _record(instance, EventAction.DELETED, using)


def on_init_remember_unit(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    # __dict__, not the attribute: a deferred unit_id must not cost a query.
    instance.__dict__[_LOADED_UNIT] = instance.__dict__.get("unit_id")


def on_sessions_revoked(
    sender: object, user_id: int, session_id: str | None = None, **kwargs: Any
) -> None:
    """Close the user's sockets of that session (all sessions when ``session_id`` is None)."""
    group = user_group(user_id)
    layer_group_send_many(
        [(group, {"type": "realtime.revoke", "group": group, "session_id": session_id})]
    )


def on_access_changed(sender: object, user_id: int, **kwargs: Any) -> None:
    """Make the user's sockets re-read their role and units (or close)."""
    group = user_group(user_id)
    layer_group_send_many([(group, {"type": "realtime.rescope", "group": group})])


def connect() -> None:
    sessions_revoked.connect(on_sessions_revoked, dispatch_uid="realtime-sessions-revoked")
    access_changed.connect(on_access_changed, dispatch_uid="realtime-access-changed")
