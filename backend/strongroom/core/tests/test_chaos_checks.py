"""The checking logic of the chaos run, scripts/chaos/checks.py (the pure part: no processes, no
database): what counts as an acknowledged change lost, an event missed or duplicated, a
notification missing."""

from collections import Counter
from types import ModuleType
from typing import Any

import pytest

from strongroom.core.testing import script_module
from strongroom.requests.actions import transition_table


@pytest.fixture(scope="module")
def chaos() -> ModuleType:
    return script_module("chaos.checks")


@pytest.fixture(scope="module")
def machine(chaos: ModuleType) -> Any:
    """The status machine as a run reads it: from the table GET /api/v1/requests/transitions/
    serves."""
    return chaos.status_machine(transition_table())


def test_the_status_machine_comes_from_the_served_transition_table(
    chaos: ModuleType, machine: Any
) -> None:
    assert machine.leads_to == {
        "SUBMITTED": {"APPROVED", "REJECTED", "SENT_BACK", "CANCELLED"},
        "APPROVED": {"COMPLETED", "ISSUED", "SENT_BACK"},
        "ISSUED": {"COMPLETED"},
        "SENT_BACK": {"SUBMITTED", "CANCELLED"},
    }
    assert machine.open_statuses == {"SUBMITTED", "APPROVED", "ISSUED", "SENT_BACK"}
    assert chaos.status_machine([]).leads_to == {}


def test_what_notifies_whom_comes_from_the_served_transition_table(machine: Any) -> None:
    assert machine.notifying == {
        "SUBMITTED": "submitted",
        "RESUBMITTED": "submitted",
        "APPROVED": "approved",
        "REJECTED": "rejected",
        "SENT_BACK": "sent_back",
        "ISSUED": "issued",
        "DESTROYED": "destroyed",
    }
    assert machine.event_kinds["approved"] == {"REQUEST_APPROVED", "READY_TO_FULFIL"}
    assert machine.event_kinds["destroyed"] == {"CRATE_DESTROYED"}
    assert machine.unit_kinds == {"REQUEST_SUBMITTED", "READY_TO_FULFIL"}


def test_reachable_follows_the_request_status_machine(chaos: ModuleType, machine: Any) -> None:
    assert chaos.reachable(machine, "SUBMITTED", "SUBMITTED")
    assert chaos.reachable(machine, "SUBMITTED", "COMPLETED")
    assert chaos.reachable(machine, "SENT_BACK", "ISSUED")  # resubmit, approve, issue
    assert chaos.reachable(machine, "APPROVED", "CANCELLED")  # send back, cancel
    assert not chaos.reachable(machine, "ISSUED", "CANCELLED")
    assert not chaos.reachable(machine, "COMPLETED", "SUBMITTED")
    assert not chaos.reachable(machine, "REJECTED", "APPROVED")


def test_an_acknowledged_change_holds_if_the_database_has_it_or_a_later_state(
    chaos: ModuleType, machine: Any
) -> None:
    ack = chaos.Ack(request_id=7, action="approve", status="APPROVED", version=2)
    assert chaos.ack_problems([ack], {7: ("APPROVED", 2)}, machine) == []
    assert chaos.ack_problems([ack], {7: ("COMPLETED", 4)}, machine) == []


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (None, "not in the database"),
        (("SUBMITTED", 1), "older v1"),
        (("SENT_BACK", 2), "SENT_BACK at the same version"),
    ],
)
def test_an_acknowledged_change_lost_is_reported(
    chaos: ModuleType, machine: Any, row: tuple[str, int] | None, says: str
) -> None:
    ack = chaos.Ack(request_id=7, action="approve", status="APPROVED", version=2)
    rows = {} if row is None else {7: row}
    (problem,) = chaos.ack_problems([ack], rows, machine)
    assert "request #7 approve" in problem
    assert says in problem


def test_a_later_state_the_acknowledged_one_cannot_lead_to_is_reported(
    chaos: ModuleType, machine: Any
) -> None:
    ack = chaos.Ack(request_id=8, action="issue", status="ISSUED", version=3)
    (problem,) = chaos.ack_problems([ack], {8: ("CANCELLED", 5)}, machine)
    assert "unreachable" in problem


def test_event_scope_is_the_servers(chaos: ModuleType) -> None:
    event = chaos.EventRow
    events = [
        event(1, unit_id=1, also_unit_id=None, user_id=None),
        event(2, unit_id=2, also_unit_id=None, user_id=None),
        event(3, unit_id=2, also_unit_id=1, user_id=None),  # a crate transferred from unit 1
        event(4, unit_id=None, also_unit_id=None, user_id=10),  # user 10's notification
        event(5, unit_id=None, also_unit_id=None, user_id=11),
        event(6, unit_id=1, also_unit_id=None, user_id=None),
    ]
    assert chaos.expected_ids(events, 10, frozenset({1}), after=0) == {1, 3, 4, 6}
    assert chaos.expected_ids(events, 12, None, after=0) == {1, 2, 3, 6}  # all units
    assert chaos.expected_ids(events, 10, frozenset({1}), after=1, upto=4) == {3, 4}


def test_delivery_report_counts_missing_duplicate_and_foreign_ids(chaos: ModuleType) -> None:
    received = Counter({1: 1, 3: 2, 9: 1})
    report = chaos.delivery_report({1, 3, 4}, received, same_socket_duplicates=1)
    assert report.missing == [4]
    assert report.duplicates == {3: 1}
    assert report.out_of_scope == [9]
    assert report.same_socket_duplicates == 1
    assert not report.ok
    assert chaos.delivery_report({1, 3}, Counter({1: 1, 3: 1})).ok


def _notification_rows(
    request_id: int, event: str, version: int
) -> list[tuple[int, int, str, int]]:
    kinds = {
        "submitted": [("REQUEST_SUBMITTED", [21, 22])],
        "approved": [("REQUEST_APPROVED", [20]), ("READY_TO_FULFIL", [31, 32])],
    }[event]
    return [
        (request_id, user, f"request:{request_id}:{event}:{version}:{kind}", 1)
        for kind, users in kinds
        for user in users
    ]


def test_notifications_exactly_once_per_notifying_transition(
    chaos: ModuleType, machine: Any
) -> None:
    signatures = [(5, "SUBMITTED"), (5, "APPROVED"), (5, "ISSUED"), (6, "SUBMITTED")]
    complete = [
        *_notification_rows(5, "submitted", 1),
        *_notification_rows(5, "approved", 2),
        (5, 20, "request:5:issued:3:CRATE_ISSUED", 1),
        *_notification_rows(6, "submitted", 1),
    ]
    units = {5: 1, 6: 1}
    assert chaos.notification_problems(signatures, complete, units, machine) == []

    lost = [row for row in complete if row[0] != 6]
    assert chaos.notification_problems(signatures, lost, units, machine) == [
        "request #6: 1 signed 'submitted' transition(s), 0 notified"
    ]
    partial = [row for row in complete if row[2] != "request:5:approved:2:READY_TO_FULFIL"]
    assert chaos.notification_problems(signatures, partial, units, machine) == [
        "request #5 approved v2: no READY_TO_FULFIL"
    ]
    one_short = [row for row in complete if row[:2] != (6, 22)]
    assert chaos.notification_problems(signatures, one_short, units, machine) == [
        "request #6 submitted v1 REQUEST_SUBMITTED: 1 of 2 recipients"
    ]
    not_mailed = [(*row[:3], 0) if row[0] == 6 else row for row in complete]
    assert chaos.notification_problems(signatures, not_mailed, units, machine) == [
        "2 notification(s) never e-mailed"
    ]
