"""What a hostile database owner can do to the audit trail, done for real in tests: switch the
append-only triggers off with the owner's connection, change rows, switch them back on."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from strongroom.compliance import immutability
from strongroom.compliance.audit import GENESIS_HASH, event_digest
from strongroom.compliance.models import AuditEvent


@contextmanager
def triggers_off() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            for table in immutability.IMMUTABLE_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            immutability.uninstall(connection)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table in immutability.IMMUTABLE_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        if connection.vendor != "postgresql":
            immutability.install(connection)


def execute(sql: str, params: list[object] | None = None) -> None:
    """One statement with the triggers off, as the table's owner could run it."""
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def rewrite_and_rehash(event_id: int, *, reason: str = "rewritten") -> None:
    """Change one event, then recompute its hash and every later event's link and hash with the
    application's own digest: the plain hash chain verifies again afterwards."""
    prev = (
        AuditEvent.objects.filter(id__lt=event_id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
        or GENESIS_HASH
    )
    with triggers_off():
        for event in list(AuditEvent.objects.filter(id__gte=event_id).order_by("id")):
            if event.id == event_id:
                event.reason = reason
            event.prev_hash = prev
            event.hash = event_digest(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                reason=event.reason, prev_hash=event.prev_hash, hash=event.hash
            )
            prev = event.hash
