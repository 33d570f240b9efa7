"""The approve path reads the request row once, under lock, and checks the unit scope once,
before it acts (#17)."""

import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.requests import transitions
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, withdrawal

pytestmark = pytest.mark.django_db


def _approve(plant: Plant, client: str, body: dict[str, Any]) -> tuple[Any, list[str]]:
    payload = {"version": body["version"], "signature": {"password": TEST_PASSWORD}}
    with CaptureQueriesContext(connection) as queries:
        response = plant.client(client).post(
            f"/api/v1/requests/{body['id']}/approve/", payload, format="json"
        )
    return response, [q["sql"] for q in queries.captured_queries]


def test_approve_reads_the_request_once_under_lock_before_it_acts(plant: Plant) -> None:
    body = withdrawal(plant)
    response, sql = _approve(plant, "approver", body)
    assert response.status_code == 200, response.content
    table = connection.ops.quote_name(Request._meta.db_table)
    reads = [q for q in sql if q.startswith("SELECT") and f"FROM {table}" in q]
    write = next(i for i, q in enumerate(sql) if q.startswith("UPDATE") and table in q)
    before_write = [q for q in reads if sql.index(q) < write]
    # One read before the change: the locked row joined with what approve reads of it.
    assert len(before_write) == 1, before_write
    (locked,) = before_write
    assert "JOIN" in locked
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in locked
    # The unit scope is looked up once (the caller's units, on a database whose sign-in
    # does not load them with the user).
    units = connection.ops.quote_name(User.units.through._meta.db_table)
    scope_reads = [q for q in sql[:write] if f"FROM {units}" in q]
    assert len(scope_reads) <= 1, scope_reads


def test_approve_outside_the_callers_units_is_not_found_and_changes_nothing(
    plant: Plant, api_client_for: Any
) -> None:
    body = withdrawal(plant)
    plant.clients["mum_approver"] = api_client_for(
        UserFactory(role_name=roles.APPROVER, units=[plant.mum])
    )
    before = (AuditEvent.objects.count(), Signature.objects.count())
    response, _ = _approve(plant, "mum_approver", body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Request.objects.get(pk=body["id"]).status == "SUBMITTED"
    assert (AuditEvent.objects.count(), Signature.objects.count()) == before


def test_the_declaration_says_what_a_transition_stamps_and_notifies(
    plant: Plant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """request_transition reads stamps and the event from TRANSITIONS, not from names: a
    declaration changed here changes what the transition does."""
    notified: list[tuple[int, str]] = []
    monkeypatch.setattr(
        transitions,
        "notify_after_commit",
        lambda request, event: notified.append((request.pk, event)),
    )
    send_back = transitions.TRANSITIONS["send_back"]
    assert (send_back.stamps, send_back.event) == ((), "sent_back")
    monkeypatch.setitem(
        transitions.TRANSITIONS,
        "send_back",
        dataclasses.replace(send_back, stamps=("decided_at",), event="rejected"),
    )
    body = withdrawal(plant)
    notified.clear()
    response = act(plant.client("approver"), body, "send-back", reason="Wrong crate")
    assert response.status_code == 200, response.content
    sent_back = Request.objects.get(pk=body["id"])
    assert sent_back.decided_at is not None
    assert notified == [(body["id"], "rejected")]


@pytest.mark.parametrize(
    ("name", "stamps", "witness", "event"),
    [
        ("approve", ("decided_at",), False, "approved"),
        ("reject", ("decided_at",), False, "rejected"),
        ("send_back", (), False, "sent_back"),
        ("resubmit", (), False, "submitted"),
        ("cancel", (), False, None),
        ("allocate", ("completed_at",), False, None),
        ("issue", ("issued_at",), False, "issued"),
        ("receive", ("returned_at", "completed_at"), False, None),
        ("transfer", ("completed_at",), False, None),
        ("destroy", ("completed_at",), True, "destroyed"),
    ],
)
def test_each_transition_declares_its_stamps_witness_and_event(
    name: str, stamps: tuple[str, ...], witness: bool, event: str | None
) -> None:
    declared = transitions.TRANSITIONS[name]
    assert (declared.stamps, declared.witness, declared.event) == (stamps, witness, event)


def test_the_withdrawal_walk_sets_the_declared_stamps(plant: Plant) -> None:
    body = withdrawal(plant)
    stamped: dict[str, set[str]] = {}
    fields = ("decided_at", "issued_at", "returned_at", "completed_at")
    for name, client, extra in (
        ("approve", "approver", {}),
        ("issue", "storehead", {}),
        ("receive", "storehead", {}),
    ):
        before = Request.objects.values(*fields).get(pk=body["id"])
        body = act(plant.client(client), body, name, **extra).json()
        after = Request.objects.values(*fields).get(pk=body["id"])
        stamped[name] = {f for f in fields if before[f] is None and after[f] is not None}
    assert stamped == {
        name: set(transitions.TRANSITIONS[name].stamps) for name in ("approve", "issue", "receive")
    }
