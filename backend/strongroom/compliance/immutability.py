"""Database triggers that make the audit trail and signatures append-only.

The application never updates or deletes these rows; the triggers make sure nothing else does
either — not the admin, not a shell, not a superuser's ORM call. Row-level triggers refuse
UPDATE and DELETE (migration ``compliance.0002``, PostgreSQL and SQLite).

TRUNCATE fires no row trigger, so on PostgreSQL a statement-level ``BEFORE TRUNCATE`` trigger
refuses it too (migration ``compliance.0003``): a second wall behind the application role, which
has no TRUNCATE privilege (:mod:`strongroom.compliance.privileges`). Even the owner then has to
drop or disable the trigger first — an ALTER TABLE that only the owner can run, and that the
application role cannot.

SQLite has no TRUNCATE: ``DELETE FROM table`` without a WHERE clause is its equivalent, and
SQLite gives up its "truncate optimisation" (emptying the table without visiting the rows)
whenever the table has a DELETE trigger, so the row trigger refuses it like any other delete
(https://sqlite.org/lang_delete.html, "The Truncate Optimization"; proven by
``test_database_roles.py``).

Every function here applies to the tables :data:`IMMUTABLE_TABLES` lists that exist at the time,
so that a migration that installs the triggers still runs before a later migration creates a
table added to the list (that migration calls :func:`install` again).
"""

from django.db.backends.base.base import BaseDatabaseWrapper

IMMUTABLE_TABLES = (
    "compliance_auditevent",
    "compliance_signature",
    "compliance_auditcheckpoint",
    # The retention history: what the schedule changed, which signatures of schemes 1-3 rely on.
    "records_documentretentionchange",
    "records_crateretentionchange",
)


def _postgresql_statements(table: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% on {table} is not allowed: the table is append-only', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
        """,
    ]


def _postgresql_truncate_guard_statements(table: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_refuse_truncate() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'TRUNCATE on {table} is not allowed: the table is append-only'
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_truncate();
        """,
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} is not allowed: append-only table'); END;
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, 'DELETE on {table} is not allowed: append-only table'); END;
        """,
    ]


def _existing(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    return [table for table in IMMUTABLE_TABLES if table in present]


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    """Every trigger: row-level UPDATE/DELETE, and on PostgreSQL the TRUNCATE guard."""
    if connection.vendor == "postgresql":
        tables = _existing(connection)
        _execute(connection, [s for t in tables for s in _postgresql_statements(t)])
        truncate_guard_install(connection)
    elif connection.vendor == "sqlite":
        _execute(connection, [s for t in _existing(connection) for s in _sqlite_statements(t)])
    else:
        raise NotImplementedError(f"No append-only triggers for {connection.vendor}.")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """The row-level triggers (migration ``0002`` reversed)."""
    statements = []
    for table in _existing(connection):
        if connection.vendor == "postgresql":
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_refuse_change();",
            ]
        else:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ]
    _execute(connection, statements)


def truncate_guard_install(connection: BaseDatabaseWrapper) -> None:
    """The statement-level TRUNCATE guard (PostgreSQL; SQLite has no TRUNCATE)."""
    if connection.vendor == "postgresql":
        tables = _existing(connection)
        _execute(connection, [s for t in tables for s in _postgresql_truncate_guard_statements(t)])


def truncate_guard_uninstall(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        statements = []
        for table in _existing(connection):
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_refuse_truncate();",
            ]
        _execute(connection, statements)
