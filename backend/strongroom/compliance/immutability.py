"""Database triggers that make the audit trail and signatures append-only.

The application never updates or deletes these rows; the triggers make sure nothing else does
either — not the admin, not a shell, not a superuser's ORM call. Installed by migration
``compliance.0002`` on PostgreSQL and SQLite.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

IMMUTABLE_TABLES = (
    "compliance_auditevent",
    "compliance_signature",
    "compliance_auditcheckpoint",
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


def install(connection: BaseDatabaseWrapper) -> None:
    builders = {"postgresql": _postgresql_statements, "sqlite": _sqlite_statements}
    build = builders.get(connection.vendor)
    if build is None:
        raise NotImplementedError(f"No append-only triggers for {connection.vendor}.")
    # A table a later migration creates is skipped by the earlier migrations that call this
    # (compliance.0002 runs before compliance_auditcheckpoint exists; 0004 installs its triggers).
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in IMMUTABLE_TABLES:
            if table not in existing:
                continue
            for statement in build(table):
                cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in IMMUTABLE_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change();")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
