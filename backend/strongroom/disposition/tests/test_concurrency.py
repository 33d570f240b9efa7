"""Two people acting on one batch at once: the row locks let one through and refuse the other."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.tests.conftest import (
    Yard,
    act,
    approved_batch,
    create_batch,
    destroy,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.compliance("11.10(f)")]


def _at_once(calls: list[Callable[[], Any]]) -> list[int]:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(len(calls))
    results: list[int] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(call().status_code)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=run, args=(call,)) for call in calls]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return sorted(results)


def test_two_approvers_at_once_one_wins_the_other_gets_409(yard: Yard) -> None:
    body = act(yard.client("manager"), create_batch(yard), "submit").json()
    results = _at_once(
        [
            lambda name=name: act(yard.client(name), body, "approve")
            for name in ("approver", "approver2")
        ]
    )
    assert results == [200, 409]
    batch = DestructionBatch.objects.get(pk=body["id"])
    assert batch.status == "APPROVED"
    assert Signature.objects.filter(meaning="BATCH_APPROVED").count() == 1
    assert AuditEvent.objects.filter(action="batch.approve").count() == 1


def test_two_store_heads_destroying_at_once_one_wins_the_other_gets_409(yard: Yard) -> None:
    body = approved_batch(yard, yard.crates[:1])
    crate = yard.crates[0]
    results = _at_once(
        [
            lambda client=client, witness=witness: destroy(
                yard, body, crate, client=client, witness=witness
            )
            for client, witness in (
                ("storehead", "goa1-approver2"),
                ("storehead2", "goa1-approver"),
            )
        ]
    )
    assert results == [200, 409]
    assert BatchItem.objects.get(crate=crate).state == "DESTROYED"
    assert Signature.objects.filter(object_type="batch_item", meaning="DESTROYED").count() == 1
    assert AuditEvent.objects.filter(action="batch.item_destroy").count() == 1
