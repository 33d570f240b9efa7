"""Scans from several tablets at once: the audit's row lock queues the scans of one audit, the
unique constraints keep a code once per shelf, and the partial unique index lets only one open
audit count a shelf. Real concurrency needs PostgreSQL (SQLite serialises writers)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from strongroom.compliance.models import AuditEvent
from strongroom.inventory.models import AuditScan, AuditShelf, InventoryAudit
from strongroom.inventory.tests.conftest import Room, open_audit, scan

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


def test_the_same_code_scanned_on_one_shelf_by_two_tablets_at_once_is_one_scan(
    room: Room,
) -> None:
    audit = open_audit(room)
    code = room.on_a1[0].code
    results = _at_once(
        [
            lambda name=name: scan(room, audit, room.a1, code, client=name)
            for name in ("storehead", "storehead2")
        ]
    )
    assert results == [200, 201]
    assert AuditScan.objects.filter(audit_id=audit["id"]).count() == 1
    assert AuditEvent.objects.filter(action="inventory_audit.scan").count() == 1


def test_different_codes_scanned_on_one_shelf_at_once_are_all_recorded(room: Room) -> None:
    audit = open_audit(room)
    results = _at_once(
        [
            lambda name=name, crate=crate: scan(room, audit, room.a1, crate.code, client=name)
            for name, crate in zip(("storehead", "storehead2"), room.on_a1, strict=True)
        ]
    )
    assert results == [201, 201]
    assert AuditScan.objects.filter(audit_id=audit["id"]).count() == 2
    assert InventoryAudit.objects.get(pk=audit["id"]).version == 3  # each scan saved it


def test_two_audits_starting_one_shelf_at_once_one_counts_it_the_other_gets_409(
    room: Room,
) -> None:
    first, second = open_audit(room), open_audit(room, room.rack)
    results = _at_once(
        [
            lambda audit=audit, name=name, crate=crate: scan(
                room, audit, room.a1, crate.code, client=name
            )
            for audit, name, crate in zip(
                (first, second), ("storehead", "storehead2"), room.on_a1, strict=True
            )
        ]
    )
    assert results == [201, 409]
    assert AuditShelf.objects.filter(shelf=room.a1, holds_shelf=True).count() == 1
    assert AuditScan.objects.filter(audit_shelf__shelf=room.a1).count() == 1
