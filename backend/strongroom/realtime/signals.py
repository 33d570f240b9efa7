"""Model signals → outbox events (STYLE.md rule 2: the realtime app listens, the domain apps do
not know it), and the accounts signals → open sockets.

The handlers only describe the change — topic, ids, status, type, code/number, never more than
a list view shows — and hand it to :func:`strongroom.realtime.services.outbox_record`, which
writes it in the same transaction and publishes it after commit. They are connected in
:meth:`strongroom.realtime.apps.RealtimeConfig.ready`.
"""

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save

from strongroom.accounts.signals import access_changed, sessions_revoked
from strongroom.notifications.models import Notification
from strongroom.realtime.models import EventAction, EventTopic
from strongroom.realtime.services import layer_group_send_many, outbox_record, user_group
from strongroom.records.models import Crate
from strongroom.requests.models import Request, SendBack
from strongroom.storage.models import Location

# Snapshot of a crate's unit as loaded, to tell a cross-unit transfer (both units must see it).
_LOADED_UNIT = "_realtime_loaded_unit_id"


def _describe_request(request: Request) -> dict[str, Any]:
    return {
        "unit_id": request.unit_id,
        "version": request.version,
        "data": {
            "number": request.number,
            "type": request.type,
            "status": request.status,
            "crate_id": request.crate_id,
            "is_overdue": request.is_overdue,
        },
    }


def _describe_sendback(sendback: SendBack) -> dict[str, Any]:
    return {
        "unit_id": sendback.request.unit_id,
        "data": {"request_id": sendback.request_id, "resolved": sendback.resolved_at is not None},
    }


def _describe_crate(crate: Crate) -> dict[str, Any]:
    return {
        "unit_id": crate.unit_id,
        "also_unit_id": crate.__dict__.get(_LOADED_UNIT),
        "version": crate.version,
        "data": {
            "code": crate.code,
            "status": crate.status,
            "location_id": crate.location_id,
            "legal_hold": crate.legal_hold,
        },
    }


def _describe_location(location: Location) -> dict[str, Any]:
    return {
        "unit_id": location.unit_id,
        "version": location.version,
        "data": {
            "full_code": location.full_code,
            "kind": location.kind,
            "parent_id": location.parent_id,
            "is_active": location.is_active,
        },
    }


def _describe_notification(notification: Notification) -> dict[str, Any]:
    # Only its recipient sees it: no unit audience.
    return {
        "unit_id": None,
        "user_id": notification.recipient_id,
        "data": {
            "kind": notification.kind,
            "object_type": notification.object_type,
            "object_id": notification.object_id,
            "read": notification.read_at is not None,
        },
    }


DESCRIBERS: dict[type[Model], tuple[str, Any]] = {
    Request: (EventTopic.REQUEST, _describe_request),
    SendBack: (EventTopic.SENDBACK, _describe_sendback),
    Crate: (EventTopic.CRATE, _describe_crate),
    Location: (EventTopic.LOCATION, _describe_location),
    Notification: (EventTopic.NOTIFICATION, _describe_notification),
}


def _record(instance: Model, action: str, using: str) -> None:
    topic, describe = DESCRIBERS[type(instance)]
    outbox_record(
        topic=topic, action=action, object_id=instance.pk, using=using, **describe(instance)
    )


def outbox_record_change(instance: Model, *, action: str = EventAction.UPDATED) -> None:
    """For writes that bypass ``save()`` (``QuerySet.update()``, ``bulk_create``), which send no
    model signal: call it with the changed object, as it now is, inside the same transaction.
    Coalesces with any other event of that object in the transaction, like a save would."""
    _record(instance, action, instance._state.db or "default")


def on_post_save(
    sender: type[Model], instance: Model, created: bool, raw: bool, using: str, **kwargs: Any
) -> None:
    if raw:  # fixtures: not a change anybody made
        return
    _record(instance, EventAction.CREATED if created else EventAction.UPDATED, using)
    if isinstance(instance, Crate):
        instance.__dict__[_LOADED_UNIT] = instance.unit_id


def on_post_delete(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    _record(instance, EventAction.DELETED, using)


def on_crate_init(sender: type[Model], instance: Crate, **kwargs: Any) -> None:
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
    for model in DESCRIBERS:
        uid = f"realtime-outbox-{model._meta.label_lower}"
        post_save.connect(on_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid)
    post_init.connect(on_crate_init, sender=Crate, dispatch_uid="realtime-crate-unit")
    sessions_revoked.connect(on_sessions_revoked, dispatch_uid="realtime-sessions-revoked")
    access_changed.connect(on_access_changed, dispatch_uid="realtime-access-changed")
