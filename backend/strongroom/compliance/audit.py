"""Writing and verifying the hash-chained audit trail.

Each event's ``hash`` is SHA-256 over its canonical content, which includes the previous event's
hash. Appends are serialised (an advisory lock on PostgreSQL; SQLite's write lock already
serialises writers), and a unique ``prev_hash`` makes a forked chain impossible even so.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from strongroom.accounts.models import Unit, User
from strongroom.compliance.models import AuditEvent
from strongroom.core.request_id import get_request_context

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 0x5354524F4E47  # "STRONG": one advisory lock for the whole chain


def canonical_json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def event_digest(event: AuditEvent) -> str:
    content = {
        "prev_hash": event.prev_hash,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "unit_id": event.unit_id,
        "changes": event.changes,
        "reason": event.reason,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
    }
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def audit_chain_lock() -> None:
    """Hold the chain's lock until the caller's transaction ends (call inside ``atomic``): no
    event is appended meanwhile. SQLite's write lock (IMMEDIATE transactions) does the same."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_event_record(
    *,
    action: str,
    actor: User | None = None,
    object_type: str = "",
    object_id: object = "",
    unit: Unit | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
    user_agent: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction. The client's address, user
    agent and request id come from the HTTP request being served unless given."""
    context = get_request_context()
    with transaction.atomic():
        audit_chain_lock()
        last_hash = (
            AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
            or GENESIS_HASH
        )
        event = AuditEvent(
            at=at or timezone.now(),
            actor=actor,
            actor_username=actor.username if actor else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            unit=unit,
            changes=json.loads(canonical_json(changes or {})),
            reason=reason,
            ip_address=ip_address or context.ip_address,
            user_agent=(context.user_agent if user_agent is None else user_agent)[:300],
            request_id=context.request_id,
            prev_hash=last_hash,
        )
        event.hash = event_digest(event)
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Recompute every hash and link in id order; report the first event that does not fit."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    expected_prev = GENESIS_HASH
    checked = 0
    for event in events:
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.id, "link to the previous event is broken")
        if event_digest(event) != event.hash:
            return ChainReport(False, checked, event.id, "content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(True, checked)
