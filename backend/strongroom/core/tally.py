"""Counts kept in step with a table, so that a dashboard does not read every row to show them.

A :class:`Tally` counts the rows of a source table (``records_crate``) grouped by a few columns
(unit, status, retention date, …): however many rows the source holds, the tally holds one row
per combination of those columns that occurs (bounded by the calendar, not by the data).

How it stays exact (PostgreSQL; a test compares every tally with a fresh count of its source):

* **Triggers, not application code.** Statement-level ``AFTER INSERT / UPDATE / DELETE`` triggers
  with transition tables see every change to the source — ``save()``, ``QuerySet.update()``,
  ``bulk_create``, a ``COPY`` — and write the statement's net change per key, in the same
  transaction: a rolled-back change leaves no count behind.
* **Append-only deltas.** The triggers only INSERT into ``<tally>_delta``; they never update a
  shared counter row, so concurrent transactions never wait for each other on a count (a counter
  row per unit and status would serialise every change of a unit until commit).
* **Reads sum both.** The view ``<tally>_now`` adds the compacted counts and the deltas not yet
  folded in; it is what the application reads (an unmanaged model per tally).
* **Compaction.** :func:`tally_compact` folds the deltas into the counts (one statement per tally,
  serialised by an advisory lock; zero counts are dropped). The periodic task runs it every
  minute, so a read sums at most about a minute of changes beside the counts.

SQLite (``make dev``) has no such triggers: the callers count the source rows there
(:func:`tallies_kept`).
"""

# ruff: noqa: S608 (names and expressions come from the tally declarations in the code; no value
# is ever interpolated)
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

_LOCK_NAMESPACE = 0x7A11  # pg_advisory_xact_lock(namespace, tally number)


@dataclass(frozen=True)
class Tally:
    """``table`` counts the rows of ``source`` (``r``) that satisfy ``where``, grouped by
    ``keys`` (column → SQL expression over ``r``), summing ``values`` (column → expression)."""

    table: str
    source: str
    keys: dict[str, str]
    values: dict[str, str]
    where: str = "true"
    number: int = 0  # distinct per tally: its advisory lock
    # A key expression may name ``{time_zone}``: the project's time zone (settings.TIME_ZONE)
    # as an SQL literal, written into the triggers. Such a tally keeps it in ``time_zone``;
    # tally_compact() counts it again when the setting changed.
    zoned: bool = False

    def _keys(self) -> dict[str, str]:
        zone = settings.TIME_ZONE.replace("'", "''")
        return {name: e.replace("{time_zone}", f"'{zone}'") for name, e in self.keys.items()}

    @property
    def delta(self) -> str:
        return f"{self.table}_delta"

    @property
    def view(self) -> str:
        return f"{self.table}_now"

    def _select(self, rows: str, sign: str) -> str:
        keys = ", ".join(f"{expression} AS {name}" for name, expression in self._keys().items())
        values = ", ".join(
            f"{sign}({expression}) AS {name}" for name, expression in self.values.items()
        )
        return f"SELECT {keys}, {values} FROM {rows} r WHERE {self.where}"

    def _grouped(self, inner: str, *, nonzero: bool) -> str:
        keys = ", ".join(self.keys)
        sums = ", ".join(f"sum({name})" for name in self.values)
        having = " OR ".join(f"sum({name}) <> 0" for name in self.values)
        return f"SELECT {keys}, {sums} FROM ({inner}) changed GROUP BY {keys}" + (
            f" HAVING {having}" if nonzero else ""
        )

    def zero(self) -> str:
        """The condition of a row that counts nothing."""
        return " AND ".join(f"{name} = 0" for name in self.values)

    def _columns(self) -> str:
        return ", ".join([*self.keys, *self.values])

    def create_sql(self) -> list[str]:
        """The triggers, the view and the first fill (the tables are the models')."""
        return [*self.functions_sql(), *self.triggers_sql(), self.view_sql(), *self.refill_sql()]

    def functions_sql(self) -> list[str]:
        """The trigger functions (CREATE OR REPLACE: also how a new time zone gets in)."""
        columns = self._columns()
        statements = []
        for operation, body in (
            ("insert", self._select("new_rows", "+")),
            (
                "update",
                f"{self._select('new_rows', '+')} UNION ALL {self._select('old_rows', '-')}",
            ),
            ("delete", self._select("old_rows", "-")),
        ):
            function = f"{self.table}_on_{operation}"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {self.delta} ({columns}) "
                f"{self._grouped(body, nonzero=True)}; RETURN NULL; END $$"
            )
        return statements

    def triggers_sql(self) -> list[str]:
        statements = []
        for operation in ("insert", "update", "delete"):
            function = f"{self.table}_on_{operation}"
            transition = {
                "insert": "NEW TABLE AS new_rows",
                "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
                "delete": "OLD TABLE AS old_rows",
            }[operation]
            statements.append(
                f"CREATE TRIGGER {function} AFTER {operation.upper()} ON {self.source} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return statements

    def view_sql(self) -> str:
        columns = self._columns()
        keys = ", ".join(self.keys)
        sums = ", ".join(f"sum({name})::bigint AS {name}" for name in self.values)
        # The id (the unmanaged model's primary key) is a hash of the key, not row_number():
        # a window function would stop PostgreSQL pushing a reader's condition on the keys
        # (a unit, a room) down to the tables' indexes, and every read would sum every row.
        return (
            f"CREATE OR REPLACE VIEW {self.view} AS SELECT "
            f"hashtextextended(ROW({keys})::text, 0) AS id, {keys}, {sums} FROM "
            f"(SELECT {columns} FROM {self.table} UNION ALL SELECT {columns} FROM {self.delta}) "
            f"counted GROUP BY {keys}"
        )

    def drop_sql(self) -> list[str]:
        statements = [f"DROP VIEW IF EXISTS {self.view}"]
        for operation in ("insert", "update", "delete"):
            function = f"{self.table}_on_{operation}"
            statements.append(f"DROP TRIGGER IF EXISTS {function} ON {self.source}")
            statements.append(f"DROP FUNCTION IF EXISTS {function}()")
        return statements

    def refill_sql(self) -> list[str]:
        """Counts from the source as it stands (the deltas emptied)."""
        return [
            f"DELETE FROM {self.delta}",
            f"DELETE FROM {self.table}",
            f"INSERT INTO {self.table} ({self._columns()}) "
            f"{self._grouped(self._select(self.source, '+'), nonzero=True)}",
        ]

    def compact_sql(self) -> list[str]:
        columns = self._columns()
        keys = ", ".join(self.keys)
        sums = ", ".join(f"sum({name})" for name in self.values)
        update = ", ".join(
            f"{name} = {self.table}.{name} + EXCLUDED.{name}" for name in self.values
        )
        return [
            f"WITH moved AS (DELETE FROM {self.delta} RETURNING {columns}) "
            f"INSERT INTO {self.table} ({columns}) SELECT {keys}, {sums} FROM moved "
            f"GROUP BY {keys} ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {update}",
            f"DELETE FROM {self.table} WHERE {self.zero()}",
        ]

    def drift_sql(self) -> str:
        """Rows where the view and a fresh count of the source disagree (none when exact)."""
        keys = ", ".join(self.keys)
        fresh = self._grouped(self._select(self.source, "+"), nonzero=True)
        values = ", ".join(self.values)
        nonzero = " OR ".join(f"{name} <> 0" for name in self.values)
        counted = f"SELECT {keys}, {values} FROM {self.view} WHERE {nonzero}"
        return f"({counted} EXCEPT {fresh}) UNION ALL ({fresh} EXCEPT {counted})"


_TALLIES: dict[str, Tally] = {}


def tally_register(tally: Tally) -> Tally:
    """Declare a tally (from the owning app's models module) for compaction and checks."""
    _TALLIES[tally.table] = tally
    return tally


def tallies() -> list[Tally]:
    return sorted(_TALLIES.values(), key=lambda t: t.number)


def tallies_kept(conn: BaseDatabaseWrapper | None = None) -> bool:
    """Whether the database keeps the tallies (PostgreSQL); elsewhere, count the source."""
    return (conn or connection).vendor == "postgresql"


def tally_compact() -> int:
    """Fold every tally's deltas into its counts; the number of tallies compacted."""
    if not tallies_kept():
        return 0
    for tally in tallies():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, tally.number])
            if tally.zoned and _other_time_zone(cursor, tally):
                # settings.TIME_ZONE changed: the triggers take the new zone, the counts start
                # again from the source (the readers count the rows until then).
                for statement in [*tally.functions_sql(), *tally.refill_sql()]:
                    cursor.execute(statement)
                continue
            for statement in tally.compact_sql():
                cursor.execute(statement)
    return len(_TALLIES)


def _other_time_zone(cursor: Any, tally: Tally) -> bool:
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {tally.table} WHERE time_zone <> %s) "
        f"OR EXISTS (SELECT 1 FROM {tally.delta} WHERE time_zone <> %s)",
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def tally_drift(tally: Tally) -> list[tuple[object, ...]]:
    """The keys whose count differs from the source's (empty when the tally is exact)."""
    with connection.cursor() as cursor:
        cursor.execute(tally.drift_sql())
        return list(cursor.fetchall())


def _running(statements: Callable[[], list[str]]) -> Callable[[object, object], None]:
    """A RunPython function executing ``statements()`` where the database keeps tallies."""

    def run(apps: object, schema_editor: object) -> None:
        conn = schema_editor.connection  # type: ignore[attr-defined]
        if tallies_kept(conn):
            with conn.cursor() as cursor:
                for statement in statements():
                    cursor.execute(statement)

    return run


def tally_migration_operations(tally: Tally) -> list[object]:
    """The migration operations that put ``tally``'s triggers and view in place after its
    tables (PostgreSQL only; elsewhere nothing), with their reverse."""
    from django.db import migrations

    return [migrations.RunPython(_running(tally.create_sql), _running(tally.drop_sql))]


def tally_view_operations(*tallies: Tally) -> list[object]:
    """The migration operation that re-creates the views of ``tallies`` as :meth:`Tally.view_sql`
    now writes them (same columns, so in place; the reverse keeps them, as the code does)."""
    from django.db import migrations

    views = _running(lambda: [tally.view_sql() for tally in tallies])
    return [migrations.RunPython(views, migrations.RunPython.noop)]


def tally_models(
    tally: Tally,
    counts: type[models.Model],
    *,
    name: str,
    indexes: Sequence[models.Index] = (),
) -> tuple[type[models.Model], type[models.Model], type[models.Model]]:
    """The three models of ``tally`` from ``counts`` (an abstract model with its key and value
    fields): the compacted counts (unique per key), the deltas, and the view (read only).
    Call it in the app's models module (or a module it imports)."""
    module = counts.__module__
    unique = models.UniqueConstraint(
        fields=[f.name for f in counts._meta.fields if f.column in tally.keys],
        nulls_distinct=False,
        name=f"{tally.table}_key",
    )

    def model(suffix: str, body: dict[str, Any], meta: dict[str, Any]) -> type[models.Model]:
        attrs = {"__module__": module, "Meta": type("Meta", (), meta), **body}
        return type(f"{name}{suffix}", (counts,), attrs)

    return (
        model("", {}, {"db_table": tally.table, "constraints": [unique], "indexes": list(indexes)}),
        model("Delta", {"id": models.BigAutoField(primary_key=True)}, {"db_table": tally.delta}),
        model(
            "Now",
            {"id": models.BigIntegerField(primary_key=True)},
            {"db_table": tally.view, "managed": False},
        ),
    )
