"""The request's history as people read it: one entry per action, in plain words.

An action leaves several rows: its ``request.<action>`` audit event, the ``signature.sign``
event and Signature of each signer (the witness's too), and for a send-back a SendBack row. They
are folded into one entry:

- The audit chain is linear (one lock, ids in commit order) and every signed change of a request
  holds the request's row lock (``signed_change``): the ``signature.sign`` events written just
  before an action's event, by the same HTTP request (``AuditEvent.request_id``), are that
  action's signatures. Each sign event names its Signature (``changes["signature"]``).
- A SendBack row belongs to the ``request.send_back`` event its sender wrote when it was made;
  its resolution to the ``request.resubmit`` event of the person who resolved it.
- The corrections made while a request was sent back (``request.update``) belong to the
  resubmission that follows them: "Corrected and resubmitted".

Rows that fit no event (data made before the events existed, a signature copied from elsewhere)
keep an entry of their own, so nothing signed is ever hidden. The raw events stay attached to
their entry (``events``) for the reader who wants the audit trail itself.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from strongroom.accounts.models import User
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import (
    STATUSES,
    VALID,
    SignatureCheckCache,
    signature_check_detail,
)
from strongroom.records.models import Document
from strongroom.requests.models import Request, SendBack
from strongroom.storage.models import Location

# The one place where an action's code becomes words.
ACTION_LABELS = {
    "request.create": "Submitted for approval",
    "request.update": "Corrected",
    "request.resubmit": "Resubmitted",
    "request.approve": "Approved",
    "request.reject": "Rejected",
    "request.send_back": "Sent back for correction",
    "request.cancel": "Cancelled",
    "request.allocate": "Placed on a shelf",
    "request.issue": "Issued",
    "request.receive": "Returned to storage",
    "request.transfer": "Transferred",
    "request.destroy": "Destroyed",
    "request.overdue": "Flagged overdue",
    "request.overdue_escalate": "Overdue: escalated to the Unit Admins",
}
CORRECTED_AND_RESUBMITTED = "Corrected and resubmitted"
REASON_LABELS = {
    "request.send_back": "What to correct",
    "request.resubmit": "Response",
    "send_back": "What to correct",
    "send_back_resolved": "Response",
}
FIELD_LABELS = {
    "purpose": "Purpose",
    "expected_return_on": "Return by",
    "documents": "Documents",
    "target_location": "Target shelf",
    "status": "Status",
    "crate_status": "Crate status",
    "crate": "Crate",
    "number": "Number",
    "type": "Type",
    "title": "Title",
    "doc_type": "Document type",
    "prepared_on": "Prepared on",
    "retention_until": "Retain until",
    "retain_permanently": "Retained permanently",
    "department": "Department",
    "version": "Version",
}
# Bookkeeping an edit records for verification (the version and the digests signatures are
# checked against), not a change a person made: in the raw audit events only.
_NOT_SHOWN = frozenset({"content_digest", "version"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELD_NAME = re.compile(r"^[a-z][a-z_]*$")
_SIGN = "signature.sign"


def action_label(action: str) -> str:
    """Plain words for an action code; an unknown code reads as its last part."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.rsplit(".", 1)[-1].replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else action


def timeline_signature_status(
    signature: Signature, *, checks: SignatureCheckCache
) -> tuple[str, int | None]:
    """A signature's status on the timeline and, when an earlier version of the record was
    signed and a later one replaced it, the version that superseded it (``None`` otherwise)."""
    return signature_check_detail(signature, cache=checks)


def _status_label(status: str, superseded_by_version: int | None) -> str:
    if superseded_by_version is not None:
        return f"Superseded by version {superseded_by_version}"
    return STATUSES.get(status, status.replace("_", " ").capitalize())


def _person(user: User | None, username: str = "") -> dict[str, str]:
    if user is None:
        return {"username": username, "full_name": username or "System"}
    return {"username": user.username, "full_name": user.full_name or user.username}


@dataclass
class _Group:
    """One action: its main event and everything folded into it."""

    event: AuditEvent
    events: list[AuditEvent]
    updates: list[AuditEvent] = field(default_factory=list)
    signature_ids: list[int] = field(default_factory=list)
    send_back: SendBack | None = None


def _signed_id(event: AuditEvent) -> int | None:
    signed = (event.changes or {}).get("signature")
    if isinstance(signed, list) and len(signed) == 2 and isinstance(signed[1], int):
        return signed[1]
    return None


def _same_call(sign: AuditEvent, event: AuditEvent) -> bool:
    """Written while serving the same HTTP call (events made outside one carry no id)."""
    return not sign.request_id or not event.request_id or sign.request_id == event.request_id


def _groups(events: list[AuditEvent]) -> tuple[list[_Group], list[AuditEvent]]:
    """The actions, and the ``signature.sign`` events no action of theirs followed."""
    groups: list[_Group] = []
    signs: list[AuditEvent] = []
    unfolded: list[AuditEvent] = []
    corrections: list[_Group] = []

    def flush_corrections() -> None:
        groups.extend(corrections)
        corrections.clear()

    for event in events:
        if event.action == _SIGN:
            signs.append(event)
            continue
        if event.action.startswith("signature."):
            continue  # a failed attempt is no action (the audit trail lists it)
        folded = [sign for sign in signs if _same_call(sign, event)]
        unfolded.extend(sign for sign in signs if not _same_call(sign, event))
        signs = []
        group = _Group(event=event, events=[*folded, event])
        group.signature_ids = [pk for pk in map(_signed_id, folded) if pk is not None]
        if (own := _signed_id(event)) is not None and own not in group.signature_ids:
            group.signature_ids.append(own)
        if event.action == "request.update":
            group.updates = [event]
            corrections.append(group)
            continue
        if event.action == "request.resubmit" and corrections:
            mine = [c for c in corrections if c.event.actor_id == event.actor_id]
            others = [c for c in corrections if c.event.actor_id != event.actor_id]
            groups.extend(others)
            for correction in mine:
                group.updates.extend(correction.updates)
                group.signature_ids[:0] = correction.signature_ids
            group.events[:0] = [e for c in mine for e in c.events]
            corrections.clear()
        else:
            flush_corrections()
        groups.append(group)
    flush_corrections()
    return groups, [*unfolded, *signs]


def _fold_send_backs(groups: list[_Group], send_backs: list[SendBack]) -> tuple[set[int], set[int]]:
    """Each send-back to its ``request.send_back`` event, each resolution to its resubmission;
    returns the ids of the send-backs and resolutions that found their event."""
    sent: set[int] = set()
    resolved: set[int] = set()
    for group in groups:
        event = group.event
        if event.action == "request.send_back":
            for send_back in send_backs:
                if (
                    send_back.pk not in sent
                    and send_back.sent_by_id == event.actor_id
                    and send_back.sent_at <= event.at
                ):
                    sent.add(send_back.pk)
                    group.send_back = send_back
                    break
        elif event.action == "request.resubmit":
            for send_back in send_backs:
                if (
                    send_back.pk not in resolved
                    and send_back.resolved_at is not None
                    and send_back.resolved_by_id == event.actor_id
                    and send_back.resolved_at <= event.at
                ):
                    resolved.add(send_back.pk)
                    group.send_back = send_back
                    break
    return sent, resolved


# --- Changed fields in words ---------------------------------------------------------------


def _merged_changes(updates: list[AuditEvent]) -> dict[str, list[Any]]:
    """Several corrections before one resubmission: each field from its first old value to its
    last new one (a field changed and changed back is left out)."""
    merged: dict[str, list[Any]] = {}
    for update in updates:
        for name, pair in (update.changes or {}).items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            if name in merged:
                merged[name][1] = new
            else:
                merged[name] = [old, new]
    return {name: pair for name, pair in merged.items() if pair[0] != pair[1]}


@dataclass
class _Names:
    """Document numbers and shelf codes for the ids the audit events hold, read once."""

    documents: dict[int, str] = field(default_factory=dict)
    locations: dict[int, str] = field(default_factory=dict)


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _names_for(changes: list[dict[str, list[Any]]]) -> _Names:
    document_ids: set[int] = set()
    location_ids: set[int] = set()
    for fields in changes:
        for value in fields.get("documents", []):
            document_ids.update(_ids(value))
        for value in fields.get("target_location", []):
            location_ids.update(_ids(value))
    names = _Names()
    if document_ids:
        names.documents = dict(
            Document.objects.filter(pk__in=document_ids).values_list("pk", "number")
        )
    if location_ids:
        names.locations = dict(
            Location.objects.filter(pk__in=location_ids).values_list("pk", "full_code")
        )
    return names


def _date_words(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%b %Y}"


def _words(name: str, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "documents":
        return ", ".join(names.documents.get(pk, f"document #{pk}") for pk in _ids(value))
    if name == "target_location" and _ids(value):
        return names.locations.get(_ids(value)[0], f"shelf #{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return _date_words(value) if _ISO_DATE.match(value) else value
    if isinstance(value, list):
        return ", ".join(_words(name, item, names) for item in value)
    if isinstance(value, dict):  # a document row added or removed: its fields in words
        fields = sorted(
            value.items(), key=lambda item: _FIELD_ORDER.get(item[0], len(_FIELD_ORDER))
        )
        return "; ".join(f"{_field_label(k)}: {_words(k, v, names)}" for k, v in fields)
    return str(value)


def _field_label(name: str) -> str:
    """A field's label; a nested one part by part (``documents.12.title``: "Documents / 12 /
    Title")."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    parts = [part for part in re.split(r"[.\[\]]+", name) if part]
    return " / ".join(_part_label(part) for part in parts or [name])


def _part_label(part: str) -> str:
    """A known field's label; another field name in words; anything else (a document number
    such as ``BMR-0001``) exactly as recorded."""
    if part in FIELD_LABELS:
        return FIELD_LABELS[part]
    return part.replace("_", " ").capitalize() if _FIELD_NAME.match(part) else part


_FIELD_ORDER = {name: index for index, name in enumerate(FIELD_LABELS)}


def _changes_in_words(fields: dict[str, list[Any]], names: _Names) -> list[dict[str, str]]:
    """In the order of :data:`FIELD_LABELS` (the form's), other fields after them."""
    ordered = sorted(fields.items(), key=lambda item: _FIELD_ORDER.get(item[0], len(_FIELD_ORDER)))
    return [
        {
            "field": name,
            "label": _field_label(name),
            "old": _words(name, old, names),
            "new": _words(name, new, names),
        }
        for name, (old, new) in ordered
        if name not in _NOT_SHOWN
    ]


# --- Entries -------------------------------------------------------------------------------


def _raw(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "action": event.action,
        "at": event.at,
        "actor_username": event.actor_username,
        "reason": event.reason,
        "changes": event.changes or {},
    }


def _signature_item(signature: Signature, checks: SignatureCheckCache) -> dict[str, Any]:
    status, superseded_by = timeline_signature_status(signature, checks=checks)
    return {
        "id": signature.pk,
        "meaning": signature.meaning,
        "meaning_label": signature.get_meaning_display(),
        "signer_name": signature.printed_name,
        "signer_username": signature.signer.username,
        "signed_at": signature.signed_at,
        "reason": signature.reason,
        "valid": status == VALID,
        "status": status,
        "status_label": _status_label(status, superseded_by),
        "superseded_by_version": superseded_by,
    }


def _send_back_ref(send_back: SendBack | None) -> dict[str, Any] | None:
    if send_back is None:
        return None
    return {
        "id": send_back.pk,
        "reason": send_back.reason,
        "sent_at": send_back.sent_at,
        "sent_by": _person(send_back.sent_by),
        "from_status": send_back.from_status,
    }


def _entry(
    *,
    key: str,
    action: str,
    label: str,
    at: dt.datetime,
    actor: dict[str, str],
    reason: str = "",
    changes: list[dict[str, str]] | None = None,
    signatures: list[dict[str, Any]] | None = None,
    send_back: SendBack | None = None,
    events: list[AuditEvent] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "action": action,
        "label": label,
        "at": at,
        "actor": actor,
        "reason": reason,
        "reason_label": REASON_LABELS.get(action, "Reason"),
        "changes": changes or [],
        "signatures": signatures or [],
        "send_back": _send_back_ref(send_back),
        "events": [_raw(e) for e in events or []],
    }


def timeline_entries(
    *, request: Request, events: list[AuditEvent], checks: SignatureCheckCache
) -> list[dict[str, Any]]:
    """One entry per action on ``request`` from its audit ``events`` (id order, actors loaded)
    and its prefetched signatures and send-backs, oldest first."""
    signatures = {s.pk: s for s in request.signatures.all()}
    send_backs = list(request.send_backs.all())
    groups, unfolded = _groups(events)
    sign_events = {_signed_id(event): event for event in unfolded}
    sent, resolved = _fold_send_backs(groups, send_backs)
    merged = [_merged_changes(g.updates) for g in groups]
    names = _names_for(merged)
    shown: set[int] = set()
    entries: list[dict[str, Any]] = []
    for group, fields in zip(groups, merged, strict=True):
        event = group.event
        label = action_label(event.action)
        if event.action == "request.resubmit" and group.updates:
            label = CORRECTED_AND_RESUBMITTED
        items = []
        for pk in group.signature_ids:
            if pk in signatures and pk not in shown:
                shown.add(pk)
                items.append(_signature_item(signatures[pk], checks))
        entries.append(
            _entry(
                key=f"event-{event.pk}",
                action=event.action,
                label=label,
                at=event.at,
                actor=_person(event.actor, event.actor_username),
                reason=event.reason,
                changes=_changes_in_words(fields, names),
                signatures=items,
                send_back=group.send_back,
                events=group.events,
            )
        )
    for signature in signatures.values():
        if signature.pk not in shown:  # no action of this request records it
            entries.append(
                _entry(
                    key=f"signature-{signature.pk}",
                    action="signature",
                    label=f"Signed: {signature.get_meaning_display()}",
                    at=signature.signed_at,
                    actor=_person(signature.signer),
                    reason=signature.reason,
                    signatures=[_signature_item(signature, checks)],
                    events=[sign_events[signature.pk]] if signature.pk in sign_events else [],
                )
            )
    for send_back in send_backs:
        if send_back.pk not in sent:
            entries.append(
                _entry(
                    key=f"send_back-{send_back.pk}",
                    action="send_back",
                    label=ACTION_LABELS["request.send_back"],
                    at=send_back.sent_at,
                    actor=_person(send_back.sent_by),
                    reason=send_back.reason,
                    send_back=send_back,
                )
            )
        if send_back.resolved_at is not None and send_back.pk not in resolved:
            entries.append(
                _entry(
                    key=f"send_back_resolved-{send_back.pk}",
                    action="send_back_resolved",
                    label=ACTION_LABELS["request.resubmit"],
                    at=send_back.resolved_at,
                    actor=_person(send_back.resolved_by),
                    reason=send_back.response,
                    send_back=send_back,
                )
            )
    entries.sort(key=lambda entry: entry["at"])  # stable: events keep their chain order
    return entries
