"""Each review rule on crafted audit events (unsaved AuditEvent objects, no database): what it
flags, what it leaves alone, and the key that keeps a refresh from flagging twice."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from strongroom.compliance.models import AuditEvent
from strongroom.review import rules
from strongroom.review.models import FlagRule

pytestmark = pytest.mark.compliance("A11-9", "11.10(e)")

UTC = dt.UTC
SETTINGS = rules.ReviewSettings(
    time_zone=ZoneInfo("Asia/Kolkata"),  # UTC+05:30
    day_start=dt.time(7, 0),
    day_end=dt.time(19, 0),
    working_days=frozenset({1, 2, 3, 4, 5}),
    failed_login_threshold=3,
    failed_login_window=dt.timedelta(minutes=10),
)
_ids = iter(range(1, 10_000))


def event(at: dt.datetime, action: str, actor_id: int | None = 7, **fields: Any) -> AuditEvent:
    return AuditEvent(
        id=next(_ids),
        at=at,
        actor_id=actor_id,
        actor_username=fields.pop("username", f"user{actor_id}" if actor_id else ""),
        action=action,
        object_type=fields.pop("object_type", "crate"),
        object_id=str(fields.pop("object_id", "1")),
        changes=fields.pop("changes", {}),
        reason=fields.pop("reason", ""),
        ip_address=fields.pop("ip_address", None),
    )


def context(**fields: Any) -> rules.RuleContext:
    return rules.RuleContext(settings=SETTINGS, **fields)


# Tue 2026-11-03 10:00 IST = 04:30 UTC; 20:00 IST = 14:30 UTC; Sat 2026-11-07 10:00 IST.
WORKDAY_10 = dt.datetime(2026, 11, 3, 4, 30, tzinfo=UTC)
WORKDAY_20 = dt.datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
SATURDAY_10 = dt.datetime(2026, 11, 7, 4, 30, tzinfo=UTC)


def test_outside_hours_flags_changes_by_local_time_grouped_per_person_and_day() -> None:
    events = [
        event(WORKDAY_10, "crate.update"),  # 10:00 local: inside
        event(WORKDAY_20, "crate.update"),  # 20:00 local: outside
        event(WORKDAY_20 + dt.timedelta(minutes=5), "location.update"),  # same person, same day
        event(WORKDAY_20, "crate.update", actor_id=8),  # another person
        event(SATURDAY_10, "request.approve"),  # a weekend day
        event(WORKDAY_20, "auth.login"),  # not a change
        event(WORKDAY_20, "report.export"),  # not a change
        event(WORKDAY_20, "schedule.create", actor_id=None),  # no actor: a system task
    ]
    drafts = rules.outside_working_hours(events, context())
    by_key = {d.key: d for d in drafts}
    assert set(by_key) == {
        "OUTSIDE_HOURS:7:2026-11-03",
        "OUTSIDE_HOURS:8:2026-11-03",
        "OUTSIDE_HOURS:7:2026-11-07",
    }
    evening = by_key["OUTSIDE_HOURS:7:2026-11-03"]
    assert evening.event_ids == [events[1].id, events[2].id]
    assert "20:00 to 20:05 IST" in evening.summary
    assert evening.rule == FlagRule.OUTSIDE_HOURS


def test_outside_hours_the_day_end_is_exclusive_and_the_start_inclusive() -> None:
    at_seven = dt.datetime(2026, 11, 3, 1, 30, tzinfo=UTC)  # 07:00 IST
    at_nineteen = dt.datetime(2026, 11, 3, 13, 30, tzinfo=UTC)  # 19:00 IST
    drafts = rules.outside_working_hours(
        [event(at_seven, "crate.update"), event(at_nineteen, "crate.update")], context()
    )
    assert len(drafts) == 1
    assert [e.at for e in drafts[0].events] == [at_nineteen]


def test_signed_record_edit_needs_a_signature_before_the_edit() -> None:
    signed = dt.datetime(2026, 11, 2, tzinfo=UTC)
    before = event(dt.datetime(2026, 11, 1, tzinfo=UTC), "request.update", object_type="request")
    after = event(WORKDAY_10, "request.update", object_type="request")
    unsigned = event(WORKDAY_10, "request.update", object_type="request", object_id="2")
    not_an_edit = event(WORKDAY_10, "request.approve", object_type="request")
    batch_edit = event(
        WORKDAY_10, "batch.items_remove", object_type="destruction_batch", object_id="5"
    )
    drafts = rules.signed_record_edits(
        [before, after, unsigned, not_an_edit, batch_edit],
        context(
            first_signed={
                ("request", "1"): signed,
                ("destruction_batch", "5"): signed,
            }
        ),
    )
    assert [d.event_ids for d in drafts] == [[after.id], [batch_edit.id]]
    assert drafts[0].key == f"SIGNED_RECORD_EDIT:{after.id}"
    assert "signed since 2026-11-02 00:00 UTC" in drafts[0].summary


def test_configuration_and_permission_changes() -> None:
    flagged = [
        event(WORKDAY_10, "role.permissions_change", object_type="role"),
        event(WORKDAY_10, "user.access_change", object_type="user"),
        event(WORKDAY_10, "user.deactivate", object_type="user"),
        event(WORKDAY_10, "location.bulk_create", object_type="location"),
        event(WORKDAY_10, "service_token.create", object_type="service_token"),
        event(WORKDAY_10, "records.crate.update", reason="admin"),  # a change in the admin
    ]
    ignored = [
        event(WORKDAY_10, "crate.update"),
        event(WORKDAY_10, "request.approve"),
        event(WORKDAY_10, "service_token.use", object_type="service_token"),
        event(WORKDAY_10, "user.update", object_type="user"),  # name or e-mail only
    ]
    drafts = rules.configuration_changes(flagged + ignored, context())
    assert [d.events[0] for d in drafts] == flagged
    assert drafts[-1].summary.endswith("(Django admin)")


def _failures(username: str, start: dt.datetime, minutes: list[int]) -> list[AuditEvent]:
    return [
        event(
            start + dt.timedelta(minutes=m),
            "auth.login_failed",
            actor_id=None,
            object_type="user",
            changes={"username": [None, username]},
        )
        for m in minutes
    ]


def test_failed_login_bursts_count_failures_per_username_within_the_window() -> None:
    burst = _failures("alice", WORKDAY_10, [0, 2, 4, 9])  # 4 within 10 minutes: one burst
    spread = _failures("bob", WORKDAY_10, [0, 11, 22, 33])  # never 3 within 10 minutes
    two_only = _failures("carol", WORKDAY_10, [0, 1])  # below the threshold
    later = _failures("alice", WORKDAY_10 + dt.timedelta(hours=2), [0, 1, 2])  # a second one
    drafts = rules.failed_login_bursts(burst + spread + two_only + later, context())
    assert [d.event_ids for d in drafts] == [
        [e.id for e in burst],
        [e.id for e in later],
    ]
    assert drafts[0].key == f"FAILED_LOGIN_BURST:alice:{burst[0].id}"
    assert drafts[0].summary.startswith("4 failed logins for alice")


def test_failed_login_burst_at_exactly_the_threshold_and_window() -> None:
    edge = _failures("dave", WORKDAY_10, [0, 5, 10])  # the third exactly 10 minutes after
    assert len(rules.failed_login_bursts(edge, context())) == 1
    beyond = _failures("erin", WORKDAY_10, [0, 5, 11])
    assert rules.failed_login_bursts(beyond, context()) == []


def test_refused_self_approvals() -> None:
    refused = event(
        WORKDAY_10,
        "request.refused",
        object_type="request",
        changes={"transition": [None, "approve"]},
        reason="separation_of_duties",
    )
    batch = event(
        WORKDAY_10,
        "batch.refused",
        object_type="destruction_batch",
        changes={"transition": [None, "approve"]},
        reason="separation_of_duties",
    )
    other = event(WORKDAY_10, "request.approve", object_type="request")
    drafts = rules.refused_self_approvals([refused, batch, other], context())
    assert [d.events[0] for d in drafts] == [refused, batch]
    assert drafts[0].summary == "user7 tried to approve their own request 1; refused"


def test_actions_by_accounts_deactivated_since() -> None:
    deactivated = dt.datetime(2026, 11, 20, tzinfo=UTC)
    before = event(WORKDAY_10, "crate.update", actor_id=9)
    also = event(SATURDAY_10, "request.approve", actor_id=9)
    after = event(dt.datetime(2026, 11, 21, tzinfo=UTC), "auth.login_failed", actor_id=9)
    active = event(WORKDAY_10, "crate.update", actor_id=10)
    drafts = rules.deactivated_actors(
        [before, also, after, active], context(deactivated_at={9: deactivated})
    )
    assert len(drafts) == 1
    assert drafts[0].key == "DEACTIVATED_ACTOR:9"
    assert drafts[0].event_ids == [before.id, also.id]
    assert "deactivated 2026-11-20" in drafts[0].summary


def test_administrator_sign_in_from_a_new_address() -> None:
    known = event(WORKDAY_10, "auth.login", actor_id=1, ip_address="10.0.0.1")
    new = event(WORKDAY_10, "auth.login", actor_id=1, ip_address="10.0.0.2")
    again = event(WORKDAY_20, "auth.login", actor_id=1, ip_address="10.0.0.2")
    not_admin = event(WORKDAY_10, "auth.login", actor_id=2, ip_address="10.9.9.9")
    first_ever = event(WORKDAY_10, "auth.login", actor_id=3, ip_address="10.0.0.3")
    drafts = rules.admin_new_addresses(
        [known, new, again, not_admin, first_ever],
        context(administrators=frozenset({1, 3}), known_addresses={1: frozenset({"10.0.0.1"})}),
    )
    assert [d.events[0] for d in drafts] == [new, first_ever]
    assert "10.0.0.2" in drafts[0].summary


def test_flags_compute_runs_every_rule_and_orders_by_first_event() -> None:
    late = event(WORKDAY_20, "role.permissions_change", object_type="role")
    early = event(
        WORKDAY_10,
        "request.refused",
        object_type="request",
        reason="separation_of_duties",
    )
    drafts = rules.flags_compute([late, early], context())
    # 20:00 local: the role change is also outside working hours (same time: by key).
    assert [d.rule for d in drafts] == [
        FlagRule.SELF_APPROVAL_REFUSED,
        FlagRule.CONFIGURATION_CHANGE,
        FlagRule.OUTSIDE_HOURS,
    ]
