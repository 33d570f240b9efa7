"""How crates, retention rules and event dates appear on the live stream
(strongroom.realtime.signals).

A rule version is seen by its unit (a department rule by the department's unit); a rule without
a unit governs every unit, so it is an event for everyone (``Event.everyone``): every role holds
``records.view_retentionrule`` (``accounts.roles.READ_RECORDS``) and the schedule API lists such
rules to every caller, so nobody learns of a rule they could not read. An event date is seen by
its document's unit. Approving a version also saves the one it supersedes: both are events.
"""

from typing import Any

from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow
from strongroom.records.models import Crate, DocumentEvent, RetentionRule


def _describe_crate(crate: Crate) -> dict[str, Any]:
    return {
        "unit_id": crate.unit_id,
        "version": crate.version,
        "data": {
            "code": crate.code,
            "status": crate.status,
            "location_id": crate.location_id,
            "legal_hold": crate.legal_hold,
        },
    }


def _describe_rule(rule: RetentionRule) -> dict[str, Any]:
    return {
        "unit_id": rule.unit_id,
        "everyone": rule.unit_id is None,
        "version": rule.version,
        "data": {
            "code": rule.code,
            "revision": rule.revision,
            "status": rule.status,
            "doc_type_id": rule.doc_type_id,
        },
    }


def _describe_event_date(recorded: DocumentEvent) -> dict[str, Any]:
    # The services save an event date with its document loaded (no query here).
    return {
        "unit_id": recorded.document.unit_id,
        "version": recorded.version,
        "data": {
            "document_id": recorded.document_id,
            "event_id": recorded.event_id,
            "date": str(recorded.date),
        },
    }


def register() -> None:
    """From RecordsConfig.ready(). A crate transferred to another unit is seen by both; a
    rule's scope never changes between versions, nor an event date's document."""
    realtime_follow(
        Crate, topic=EventTopic.CRATE, describe=_describe_crate, moves_between_units=True
    )
    realtime_follow(RetentionRule, topic=EventTopic.RULE, describe=_describe_rule)
    realtime_follow(DocumentEvent, topic=EventTopic.EVENT_DATE, describe=_describe_event_date)
