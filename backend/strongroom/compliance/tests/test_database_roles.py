"""The audit trail survives the application's own database role, and TRUNCATE survives the owner.

On PostgreSQL the suite runs as the owner (it creates the test database); the attacks below log in
as the application role — the one Daphne, the worker and Beat use — to that same database through
the ``app`` alias (scripts/test.sh sets STRONGROOM_APP_DATABASE_URL; the role's privileges come
from the post_migrate grant that ran when the test database was migrated, as in production).
Those tests need PostgreSQL and the application role, and skip elsewhere; on SQLite, emptying an
append-only table with ``DELETE FROM`` (SQLite's TRUNCATE) is refused by the row trigger.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.checks import Tags, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from strongroom.accounts.models import Unit
from strongroom.compliance import immutability
from strongroom.compliance.audit import audit_event_record, verify_chain
from strongroom.compliance.models import AuditEvent
from strongroom.compliance.privileges import app_role_privileges_grant

APP = "app"
AUDIT = "compliance_auditevent"
CLAUSES = ("11.10(c)", "11.10(e)", "A11-9")


def _app_role_configured() -> bool:
    return (
        connection.vendor == "postgresql"
        and APP in settings.DATABASES
        and bool(settings.STRONGROOM_DB_APP_ROLE)
    )


as_app_role = pytest.mark.skipif(
    not _app_role_configured(),
    reason="needs PostgreSQL and the application role (the PostgreSQL pass of make test)",
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL (SQLite has no TRUNCATE)"
)


def _refused(db: BaseDatabaseWrapper, statement: str, match: str) -> None:
    """``statement`` fails on ``db`` with ``match`` in the error, inside a savepoint."""
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(using=db.alias),
        db.cursor() as cursor,
    ):
        cursor.execute(statement)


@contextmanager
def _app_role_is_default() -> Iterator[BaseDatabaseWrapper]:
    """The application's own code (which uses the default alias) runs on the app role's
    connection for the block."""
    owner, app = connections["default"], connections[APP]
    connections["default"] = app
    try:
        yield app
    finally:
        connections["default"] = owner


@pytest.fixture
def app_db() -> BaseDatabaseWrapper:
    db = connections[APP]
    with db.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('is_superuser')")
        user, superuser = cursor.fetchone()
    assert user == settings.STRONGROOM_DB_APP_ROLE
    assert superuser == "off"
    return db


@as_app_role
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db(databases=["default", APP])
@pytest.mark.parametrize("table", immutability.IMMUTABLE_TABLES)
def test_the_app_role_cannot_truncate_disable_triggers_or_drop(
    app_db: BaseDatabaseWrapper, table: str
) -> None:
    _refused(app_db, f"TRUNCATE {table}", "permission denied for table")
    _refused(app_db, f"TRUNCATE {table} CASCADE", "permission denied for table")
    for trigger in ("ALL", "USER", f"{table}_append_only", f"{table}_no_truncate"):
        _refused(app_db, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}", "must be owner")
    _refused(app_db, f"DROP TRIGGER {table}_append_only ON {table}", "must be owner")
    _refused(app_db, f"DROP TABLE {table}", "must be owner")
    _refused(app_db, f"ALTER TABLE {table} RENAME TO {table}_old", "must be owner")
    # Constant table names (IMMUTABLE_TABLES) in these statements.
    _refused(app_db, f"UPDATE {table} SET id = id", "permission denied for table")  # noqa: S608
    _refused(app_db, f"DELETE FROM {table}", "permission denied for table")  # noqa: S608


@as_app_role
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db(databases=["default", APP])
def test_the_app_role_cannot_silence_triggers_or_escalate(app_db: BaseDatabaseWrapper) -> None:
    _refused(
        app_db,
        "SET session_replication_role = replica",
        "permission denied to set parameter",
    )
    _refused(
        app_db,
        "SELECT set_config('session_replication_role', 'replica', false)",
        "permission denied to set parameter",
    )
    _refused(app_db, "CREATE TABLE scratch (id int)", "permission denied for schema")
    _refused(app_db, "CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql", "permission")
    _refused(app_db, f"SET ROLE {connection.settings_dict['USER']}", "permission denied")
    _refused(app_db, "ALTER ROLE CURRENT_USER SUPERUSER", "must be superuser")


@as_app_role
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db(databases=["default", APP])
def test_the_app_role_cannot_change_or_delete_an_audit_event(
    app_db: BaseDatabaseWrapper,
) -> None:
    with _app_role_is_default():
        event = audit_event_record(action="test.recorded", object_type="unit", object_id=1)
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).reason == ""
        assert verify_chain().intact


@as_app_role
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db(databases=["default", APP])
def test_the_app_role_records_events_and_does_ordinary_dml(app_db: BaseDatabaseWrapper) -> None:
    with _app_role_is_default() as db:
        first = audit_event_record(action="test.first", object_type="unit", object_id=1)
        second = audit_event_record(action="test.second", object_type="unit", object_id=1)
        assert db.alias == APP
        assert second.prev_hash == first.hash
        assert verify_chain().intact
        unit = Unit.objects.create(code="APP1", name="Made by the app role")
        Unit.objects.filter(pk=unit.pk).update(name="Renamed")
        assert Unit.objects.get(pk=unit.pk).name == "Renamed"
        Unit.objects.filter(pk=unit.pk).delete()
        assert not Unit.objects.filter(pk=unit.pk).exists()
    # What the app role wrote went through its own connection, not the owner's.
    assert not AuditEvent.objects.using("default").filter(pk=first.pk).exists()


@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db
def test_emptying_the_audit_trail_is_refused_even_to_the_owner() -> None:
    """PostgreSQL: the statement-level guard refuses TRUNCATE, whoever runs it. SQLite: its
    TRUNCATE is an unconditional DELETE, and with a DELETE trigger on the table SQLite visits
    every row (no truncate optimisation), so the row trigger refuses it."""
    audit_event_record(action="test.recorded")
    if connection.vendor == "sqlite":
        statement = f"DELETE FROM {AUDIT}"  # noqa: S608  (a constant table name)
        _refused(connection, statement, f"DELETE on {AUDIT} is not allowed")
    else:
        with connection.cursor() as cursor:  # TRUNCATE refuses pending foreign-key checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in (f"TRUNCATE {AUDIT}", f"TRUNCATE {AUDIT} CASCADE"):
            _refused(connection, statement, f"TRUNCATE on {AUDIT} is not allowed")
    assert AuditEvent.objects.count() == 1


@on_postgresql
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db
def test_every_append_only_table_has_its_guards() -> None:
    """Both triggers, enabled, on every table IMMUTABLE_TABLES lists; the TRUNCATE guard fires
    for the owner (statement-level: on an empty table too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgenabled = 'O'"
        )
        triggers = set(cursor.fetchall())
    for table in immutability.IMMUTABLE_TABLES:
        assert (table, f"{table}_append_only") in triggers
        assert (table, f"{table}_no_truncate") in triggers
        _refused(connection, f"TRUNCATE {table}", f"TRUNCATE on {table} is not allowed")


@as_app_role
@pytest.mark.compliance(*CLAUSES)
@pytest.mark.django_db
def test_a_table_of_a_later_migration_is_granted_after_migrate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role = settings.STRONGROOM_DB_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_ordinary (id bigserial PRIMARY KEY, note text)")
        cursor.execute("CREATE TABLE later_log (id bigserial PRIMARY KEY, note text)")
    monkeypatch.setattr(
        immutability, "IMMUTABLE_TABLES", (*immutability.IMMUTABLE_TABLES, "later_log")
    )
    monkeypatch.setattr(
        "strongroom.compliance.privileges.IMMUTABLE_TABLES", immutability.IMMUTABLE_TABLES
    )

    def granted(table: str) -> set[str]:
        kinds = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT k FROM unnest(%s::text[]) AS k WHERE has_table_privilege(%s, %s, k)",
                [list(kinds), role, table],
            )
            return {row[0] for row in cursor.fetchall()}

    assert granted("later_ordinary") == set()
    # What `manage.py migrate` does after the last migration.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert granted("later_ordinary") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert granted("later_log") == {"SELECT", "INSERT"}
    assert granted(AUDIT) == {"SELECT", "INSERT"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_sequence_privilege(%s, 'later_ordinary_id_seq', 'USAGE'),"
            " has_sequence_privilege(%s, 'later_ordinary_id_seq', 'UPDATE'),"
            " has_schema_privilege(%s, current_schema(), 'CREATE')",
            [role, role, role],
        )
        assert cursor.fetchone() == (True, False, False)


@as_app_role
@pytest.mark.django_db
def test_the_grant_refuses_a_privileged_role() -> None:
    with pytest.raises(ImproperlyConfigured, match="is the role running the migrations"):
        app_role_privileges_grant(connection=connection, role=connection.settings_dict["USER"])
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        app_role_privileges_grant(connection=connection, role="strongroom_no_such_role")
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE strongroom_test_creator LOGIN CREATEROLE")
    with pytest.raises(ImproperlyConfigured, match="has CREATEROLE"):
        app_role_privileges_grant(connection=connection, role="strongroom_test_creator")


@as_app_role
@pytest.mark.django_db(databases=["default", APP])
def test_the_deploy_check_warns_when_the_serving_role_could_rewrite_history() -> None:
    """`manage.py check --deploy --database default` where Daphne runs: silent as the
    application role, a warning per append-only table as the owner (a superuser here)."""

    def warnings(alias: str) -> list[str]:
        found = run_checks(tags=[Tags.database], include_deployment_checks=True, databases=[alias])
        return [message.msg for message in found if message.id == "strongroom.W001"]

    assert warnings(APP) == []
    owner = warnings("default")
    assert len(owner) == len(immutability.IMMUTABLE_TABLES)
    assert all("is a superuser" in text for text in owner)
