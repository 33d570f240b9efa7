"""What the application's database role may do: data, not schema (PostgreSQL).

Two roles share the database. The *owner* owns every table and runs migrations and
``initial_setup`` (the compose ``migrate`` service). The *application role*, named by
``settings.STRONGROOM_DB_APP_ROLE``, is what Daphne, the Celery worker and Beat log in as: it may
SELECT, INSERT, UPDATE and DELETE rows and use the sequences, and nothing else — it owns nothing,
so it cannot ALTER, DROP or disable a trigger; it has no TRUNCATE and no CREATE; it is no
superuser, so it cannot ``SET session_replication_role = replica`` (which would silence every
trigger). On the append-only tables (:data:`~strongroom.compliance.immutability.IMMUTABLE_TABLES`)
it keeps SELECT and INSERT only.

:func:`app_role_privileges_grant` runs after every ``migrate`` (``post_migrate``, as the owner), so
a table that a later migration adds is granted the same way; it first checks that the role is
not privileged in a way no GRANT can take back. See PRODUCTION_DEPLOYMENT.md, "Database roles".
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from strongroom.compliance.immutability import IMMUTABLE_TABLES

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_REVOKED = "UPDATE, DELETE"


def _role_problems(cursor: Any, role: str) -> list[str]:
    cursor.execute(
        "SELECT r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolbypassrls,"
        " r.rolname = current_user, pg_has_role(r.oid, current_user, 'MEMBER'),"
        " (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid"
        "  AND c.relnamespace = current_schema()::regnamespace)"
        " FROM pg_roles r WHERE r.rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        return [f"role {role!r} does not exist"]
    superuser, createdb, createrole, bypassrls, is_owner, member_of_owner, owned = row
    flags = {
        "is a superuser": superuser,
        "has CREATEDB": createdb,
        "has CREATEROLE": createrole,
        "has BYPASSRLS": bypassrls,
        "is the role running the migrations": is_owner,
        "is a member of the role running the migrations": member_of_owner,
        f"owns {owned} table(s), index(es) or sequence(s)": owned,
    }
    return [text for text, flag in flags.items() if flag]


def app_role_privileges_grant(*, connection: BaseDatabaseWrapper, role: str) -> None:
    """Give ``role`` DML on every table of the schema and no more, append-only tables SELECT and
    INSERT only; in one transaction, so a serving process never sees the tables half granted.
    Refuses (ImproperlyConfigured) a role that is privileged beyond what a REVOKE takes away."""
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        problems = _role_problems(cursor, role)
        if problems:
            raise ImproperlyConfigured(
                f"STRONGROOM_DB_APP_ROLE names {role!r}, which "
                + "; ".join(problems)
                + ". The application role must be a plain LOGIN role"
                " (PRODUCTION_DEPLOYMENT.md, 'Database roles')."
            )
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
        assert row is not None
        schema, grantee = quote(row[0]), quote(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {grantee}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {grantee}")
        # REVOKE ALL first: a privilege granted by hand (TRUNCATE, TRIGGER, REFERENCES) goes too.
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {grantee}")
        cursor.execute(
            f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {grantee}"
        )
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {grantee}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}")
        present = set(connection.introspection.table_names(cursor))
        for table in IMMUTABLE_TABLES:
            if table in present:
                cursor.execute(f"REVOKE {APPEND_ONLY_REVOKED} ON {quote(table)} FROM {grantee}")
        # PUBLIC's privileges reach every role: the split holds only if PUBLIC has none that
        # matter (PostgreSQL 15 gives PUBLIC no CREATE on the schema; older clusters did).
        cursor.execute(
            "SELECT has_schema_privilege(%s, current_schema(), 'CREATE')"
            " OR EXISTS (SELECT 1 FROM unnest(%s::text[]) AS t(name)"
            "  WHERE to_regclass(t.name) IS NOT NULL"
            "  AND (has_table_privilege(%s, t.name, 'UPDATE')"
            "   OR has_table_privilege(%s, t.name, 'DELETE')"
            "   OR has_table_privilege(%s, t.name, 'TRUNCATE')))",
            [role, list(IMMUTABLE_TABLES), role, role, role],
        )
        leaked = cursor.fetchone()
        if leaked is not None and leaked[0]:
            raise ImproperlyConfigured(
                f"{role!r} can still CREATE in the schema or change an append-only table through"
                " a privilege granted to PUBLIC: run REVOKE CREATE ON SCHEMA public FROM PUBLIC"
                " (and revoke what was granted to PUBLIC on the append-only tables)."
            )


def app_role_privileges_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    """``post_migrate`` receiver: grants when the app role is configured, on PostgreSQL."""
    role = settings.STRONGROOM_DB_APP_ROLE
    connection = connections[using]
    if role and connection.vendor == "postgresql":
        app_role_privileges_grant(connection=connection, role=role)


def serving_role_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **_kwargs: Any
) -> list[checks.CheckMessage]:
    """``manage.py check --deploy --database default``, run where Daphne runs: warns when the
    role the process logs in as could rewrite history — a superuser, the owner of an append-only
    table, or a role with UPDATE, DELETE or TRUNCATE on one. (Not run by ``migrate``, which
    logs in as the owner on purpose: database checks run only when ``--database`` is given.)"""
    messages: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, current_setting('is_superuser') = 'on', t.name,"
                " pg_get_userbyid(c.relowner) = current_user,"
                " has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')"
                "  OR has_table_privilege(c.oid, 'TRUNCATE')"
                " FROM unnest(%s::text[]) AS t(name)"
                " JOIN pg_class c ON c.oid = to_regclass(t.name)",
                [list(IMMUTABLE_TABLES)],
            )
            rows = cursor.fetchall()
        for user, superuser, table, owner, writable in rows:
            if superuser:
                problem = "is a superuser, so it may change"
            elif owner:
                problem = "owns"
            elif writable:
                problem = "may UPDATE, DELETE or TRUNCATE"
            else:
                continue
            messages.append(
                checks.Warning(
                    f"Database {alias!r}: {user!r} {problem} {table}: the audit trail is not"
                    " protected from this process.",
                    hint="Serve as the application role (STRONGROOM_DB_APP_ROLE) and run"
                    " migrations as the owner: PRODUCTION_DEPLOYMENT.md, 'Database roles'.",
                    id="strongroom.W001",
                )
            )
    return messages
