"""Fill PostgreSQL with a production-sized data set for benchmarks (PRODUCT.md §7).

    manage.py seed_volume --documents 1000000 --crates 200000 --requests 200000 [--units 2]
                          [--events 100000]

Run ``initial_setup`` first (roles, document types; with ``--demo`` also the demo units and users
the benchmark logs in as). The data goes into the first ``--units`` active units by code (GOA1
and MUM1 after ``--demo``), creating units, departments and users when there are fewer.

How it stays fast: rows are streamed with PostgreSQL ``COPY`` (psycopg's ``cursor.copy()``), ids
are taken from the tables' own sequences in one ``generate_series`` query, and the whole run is
one transaction (an error leaves nothing behind). No model signals run, so no outbox events or
audit events are written for the seeded rows: they are history that predates the audit trail.

How it stays valid: every CHECK constraint and unique index holds, and the data tells one
consistent story —

* crates get codes from :func:`strongroom.records.codes.format_code` with serials reserved from
  the same :class:`strongroom.core.models.Sequence` counters the services use, and request
  numbers likewise, so crates and requests created later never collide;
* a crate's status agrees with its location and its requests: PENDING crates wait for a STORAGE
  request, ISSUED crates have an ISSUED withdrawal (some overdue), DESTROYED crates a witnessed,
  completed DESTRUCTION; IN_STORAGE crates stand on shelves of a generated grid (capacity
  ``--shelf-capacity`` with a quarter of headroom) and carry completed history or one open
  request of any type — never more than one open request per crate;
* documents are numbered ``<DEPT>-<YEAR>-<SERIAL>-<NN>`` after their crate (unique within the
  unit), retention dates follow PRODUCT.md (a crate's ``destroy_after`` is its documents' date,
  or it is retained permanently), and crates sent to destruction are past that date and not on
  legal hold.

``--events``: the real-time outbox (``realtime.Event``) as a deployment of that size holds it —
that many ``request`` events, the newest requests' current state, spread over the replay window
(``STRONGROOM_EVENT_REPLAY_DAYS``) and ending now, in id order. They are what ``events/?after=``
and a socket's replay read.

The tallies (strongroom.core.tally) count the rows as they are copied; their deltas are compacted
after the commit. Afterwards it runs ANALYZE on the tables it filled (``--vacuum``: VACUUM
ANALYZE, which also sets the visibility map so the first benchmark run does not pay for it).
Refused on SQLite, and with production settings unless ``--force``.
"""

import datetime as dt
import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.core.models import Sequence
from strongroom.core.tally import tallies, tally_compact
from strongroom.devdata.volume import (
    APP,
    CAN,
    COM,
    CRATE_FIELDS,
    DOCUMENT_FIELDS,
    EVENT_AFTER_MONTHS,
    IN_STORAGE,
    ISS,
    PENDING,
    REJ,
    SB,
    SUB,
    CratePlan,
    D,
    S,
    T,
    UnitContext,
    W,
    crate_rows,
    crates_plan,
    document_rows,
)
from strongroom.realtime.models import Event, EventAction, EventTopic
from strongroom.records.codes import format_code
from strongroom.records.models import (
    Crate,
    CrateClaim,
    CrateClaimKind,
    Document,
    DocumentEvent,
    DocumentType,
    RetentionRule,
)
from strongroom.records.services.retention import crate_retention_refresh
from strongroom.requests.models import OPEN_STATUSES, Request, SendBack
from strongroom.storage.models import Location

PROGRESS_EVERY = 100_000
SHELVES_PER_RACK = 8
RACKS_PER_ROOM = 25
ROOM_PREFIX = "VOL"
DEFAULT_DEPARTMENTS = (
    ("QA", "Quality Assurance"),
    ("QC", "Quality Control"),
    ("PROD", "Production"),
)


@contextmanager
def _no_statement_timeout() -> Iterator[None]:
    """No statement timeout on this connection while the block runs; the previous one after."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        previous = cursor.fetchone()[0]
        cursor.execute("SET statement_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [previous])


class Command(BaseCommand):
    help = (
        "Create a large, consistent data set (documents, crates, requests) in PostgreSQL with "
        "COPY, for benchmarks. Run initial_setup (--demo) first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--documents", type=int, default=1_000_000)
        parser.add_argument("--crates", type=int, default=200_000)
        parser.add_argument("--requests", type=int, default=200_000)
        parser.add_argument(
            "--events", type=int, default=0, help="Outbox events in the replay window."
        )
        parser.add_argument(
            "--units", type=int, default=2, help="Units to spread the data over (default 2)."
        )
        parser.add_argument(
            "--shelf-capacity", type=int, default=50, help="Crates per generated shelf."
        )
        parser.add_argument(
            "--vacuum", action="store_true", help="VACUUM ANALYZE instead of ANALYZE afterwards."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with production settings."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_volume needs PostgreSQL (it streams rows with COPY).")
        module = getattr(settings, "SETTINGS_MODULE", "") or ""
        if module.endswith("production") and not options["force"]:
            raise CommandError(
                "Refusing to fill a database with generated data under production settings; "
                "pass --force if this really is a throw-away benchmark database."
            )
        n_docs, n_crates, n_requests = options["documents"], options["crates"], options["requests"]
        n_units, capacity = options["units"], options["shelf_capacity"]
        n_events = options["events"]
        if min(n_docs, n_crates, n_requests, n_events) < 0 or n_units < 1 or capacity < 1:
            raise CommandError("Counts must be 0 or more; --units and --shelf-capacity 1 or more.")
        if n_crates == 0 and (n_docs or n_requests):
            raise CommandError("Documents and requests need crates: pass --crates 1 or more.")
        if n_events and not n_requests:
            raise CommandError("Events are about requests: pass --requests 1 or more.")

        self.started = time.perf_counter()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self._say(
            f"seed_volume: {n_docs:,} documents, {n_crates:,} crates, {n_requests:,} requests "
            f"over {n_units} unit(s)" + (f", {n_events:,} outbox events" if n_events else "")
        )
        # The API's statement timeout (settings: DATABASE_STATEMENT_TIMEOUT) guards requests;
        # streaming a million rows in one COPY is meant to take longer.
        with _no_statement_timeout():
            with transaction.atomic():
                contexts = self._contexts(n_units)
                crates = self._plan_crates(contexts, n_crates)
                self._reserve_serials(contexts, crates)
                self._grid(contexts, crates, capacity)
                self._place(contexts, crates)
                self._copy_crates(contexts, crates)
                self._copy_documents(contexts, crates, n_docs)
                requests = self._copy_requests(contexts, crates, n_requests)
                self._claim_open_requests()
                self._copy_events(requests, n_events)
            self._say("committed")
            # The triggers counted every row into the tallies' deltas: fold them in now, so that
            # the first reads do not sum them.
            tally_compact()
            self._say("tallies compacted")
            tables = [
                m._meta.db_table
                for m in (Location, Crate, Document, Request, SendBack, CrateClaim, Event)
            ] + [table for t in tallies() for table in (t.table, t.delta)]
            verb = "VACUUM (ANALYZE)" if options["vacuum"] else "ANALYZE"
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f'{verb} "{table}"')
            self._say(f"{verb} done")
        elapsed = time.perf_counter() - self.started
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {elapsed:.1f} s: {n_docs:,} documents, {n_crates:,} crates, "
                f"{n_requests:,} requests."
            )
        )

    # ------------------------------------------------------------------ helpers

    def _say(self, text: str) -> None:
        self.stdout.write(f"[{time.perf_counter() - self.started:7.1f} s] {text}")
        self.stdout.flush()

    def _progress(self, label: str, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        began = time.perf_counter()
        count = 0
        for count, row in enumerate(rows, 1):
            yield row
            if count % PROGRESS_EVERY == 0:
                rate = count / max(time.perf_counter() - began, 1e-9)
                self._say(f"  {label}: {count:,} rows ({rate:,.0f}/s)")
        rate = count / max(time.perf_counter() - began, 1e-9)
        self._say(f"{label}: {count:,} rows in {time.perf_counter() - began:.1f} s ({rate:,.0f}/s)")

    def _copy(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> None:
        meta = model._meta
        columns = ", ".join(f'"{meta.get_field(name).column}"' for name in fields)  # type: ignore[union-attr]
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        statement = f'COPY "{meta.db_table}" ({columns}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in self._progress(meta.db_table, rows):
                copy.write_row(row)

    def _ids(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` fresh primary keys from the table's own sequence."""
        if count == 0:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [f'"{model._meta.db_table}"', count],
            )
            return [row[0] for row in cursor.fetchall()]

    # ------------------------------------------------------------------ units, users

    def _contexts(self, n_units: int) -> list[UnitContext]:
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLES)}
        missing = [name for name in roles.ROLES if name not in groups]
        if missing or not DocumentType.objects.exists():
            raise CommandError("Run `manage.py initial_setup` first (roles and document types).")
        units = list(Unit.objects.filter(is_active=True).order_by("code")[:n_units])
        number = 1
        while len(units) < n_units:
            code = f"VU{number:03d}"
            number += 1
            if Unit.objects.filter(code=code).exists():
                continue
            units.append(Unit.objects.create(code=code, name=f"Volume unit {code}"))
            self._say(f"unit {code}: created")
        contexts = []
        for unit in units:
            departments = list(
                Department.objects.filter(unit=unit, is_active=True).order_by("code")
            )
            if not departments:
                departments = [
                    Department.objects.create(unit=unit, code=code, name=name)
                    for code, name in DEFAULT_DEPARTMENTS
                ]
            manager = self._user(unit, groups[roles.DOCUMENT_MANAGER], "manager")
            approver = self._user(unit, groups[roles.APPROVER], "approver")
            holder = self._user(unit, groups[roles.UNIT_ADMIN], "unitadmin")
            contexts.append(UnitContext(unit, departments, manager, approver, holder, []))
        return contexts

    def _user(self, unit: Unit, role: Group, suffix: str) -> User:
        found = (
            User.objects.filter(units=unit, role=role, is_active=True).order_by("username").first()
        )
        if found:
            return found
        username = f"{unit.code.lower()}-vol-{suffix}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=f"{role.name} {unit.code} (volume seed)",
                email=f"{username}@volume.strongroom.invalid",
                role=role,
                password_changed_at=self.now,
            )
            user.set_unusable_password()
            user.save()
            self._say(f"user {username}: created ({role.name}, no usable password)")
        user.units.add(unit)
        return user

    # ------------------------------------------------------------------ crates

    def _plan_crates(self, contexts: list[UnitContext], n_crates: int) -> list[CratePlan]:
        ids = self._ids(Crate, n_crates)
        plans = crates_plan(contexts=contexts, ids=ids, now=self.now, today=self.today)
        self._say(f"planned {len(plans):,} crates")
        return plans

    def _reserve_serials(self, contexts: list[UnitContext], crates: list[CratePlan]) -> None:
        """Take a block of serials per (unit, department, year) from the Sequence counters."""
        wanted = Counter((contexts[c.unit].unit.code, c.dept.code, c.year) for c in crates)
        next_serial: dict[tuple[str, str, int], int] = {}
        for (unit_code, dept_code, year), count in sorted(wanted.items()):
            key = f"crate:{unit_code}:{dept_code}:{year}"
            last = _sequence_reserve(key, count)
            next_serial[(unit_code, dept_code, year)] = last - count + 1
        for c in crates:
            k = (contexts[c.unit].unit.code, c.dept.code, c.year)
            c.serial = next_serial[k]
            next_serial[k] += 1
            c.code = format_code(unit_code=k[0], department_code=k[1], year=c.year, serial=c.serial)
        self._say(f"reserved serials for {len(wanted)} (unit, department, year) counters")

    def _grid(self, contexts: list[UnitContext], crates: list[CratePlan], capacity: int) -> None:
        """Rooms x racks x shelves per unit, with a quarter of headroom over the crates that
        stand on (or will return to) a shelf."""
        needs = Counter(c.unit for c in crates if c.status != PENDING)
        created = 0
        for index, context in enumerate(contexts):
            n_shelves = max(1, math.ceil(needs[index] * 1.25 / capacity)) if needs[index] else 0
            if not n_shelves:
                continue
            unit = context.unit
            existing = Location.objects.filter(
                unit=unit, parent__isnull=True, code__startswith=ROOM_PREFIX
            ).count()
            n_racks = math.ceil(n_shelves / SHELVES_PER_RACK)
            n_rooms = math.ceil(n_racks / RACKS_PER_ROOM)
            rooms = Location.objects.bulk_create(
                [
                    Location(
                        unit=unit,
                        kind=Location.Kind.ROOM,
                        code=f"{ROOM_PREFIX}{existing + r + 1:03d}",
                        full_code=f"{unit.code}/{ROOM_PREFIX}{existing + r + 1:03d}",
                        name=f"Volume room {existing + r + 1}",
                        security_class=1,
                    )
                    for r in range(n_rooms)
                ]
            )
            racks = Location.objects.bulk_create(
                [
                    Location(
                        unit=unit,
                        parent=rooms[k // RACKS_PER_ROOM],
                        kind=Location.Kind.RACK,
                        code=f"K{k % RACKS_PER_ROOM + 1:02d}",
                        full_code=f"{rooms[k // RACKS_PER_ROOM].full_code}/"
                        f"K{k % RACKS_PER_ROOM + 1:02d}",
                    )
                    for k in range(n_racks)
                ]
            )
            shelves = Location.objects.bulk_create(
                [
                    Location(
                        unit=unit,
                        parent=racks[s // SHELVES_PER_RACK],
                        kind=Location.Kind.SHELF,
                        code=f"S{s % SHELVES_PER_RACK + 1}",
                        full_code=f"{racks[s // SHELVES_PER_RACK].full_code}/"
                        f"S{s % SHELVES_PER_RACK + 1}",
                        capacity=capacity,
                    )
                    for s in range(n_shelves)
                ]
            )
            context.shelves = [shelf.pk for shelf in shelves]
            created += len(rooms) + len(racks) + len(shelves)
        self._say(f"storage grid: {created:,} locations")

    def _place(self, contexts: list[UnitContext], crates: list[CratePlan]) -> None:
        """Round-robin over the unit's shelves: no shelf holds more than its share."""
        seen = Counter[int]()
        for c in crates:
            if c.status == PENDING:
                continue
            shelves = contexts[c.unit].shelves
            k = seen[c.unit]
            seen[c.unit] += 1
            shelf = shelves[k % len(shelves)]
            c.last_shelf = shelf
            c.shelf = shelf if c.status == IN_STORAGE else None
            c.other_shelf = shelves[(k + 1) % len(shelves)]

    def _copy_crates(self, contexts: list[UnitContext], crates: list[CratePlan]) -> None:
        self._copy(Crate, CRATE_FIELDS, crate_rows(contexts=contexts, crates=crates))

    # ------------------------------------------------------------------ documents

    def _copy_documents(
        self, contexts: list[UnitContext], crates: list[CratePlan], n_docs: int
    ) -> None:
        types = list(DocumentType.objects.filter(is_active=True).order_by("code"))
        rules = {
            rule.doc_type_id: rule
            for rule in RetentionRule.objects.filter(
                status=RetentionRule.Status.APPROVED, unit__isnull=True
            ).select_related("event")
        }
        rows = document_rows(
            contexts=contexts, crates=crates, n_docs=n_docs, types=types, rules=rules
        )
        self._copy(Document, DOCUMENT_FIELDS, rows)
        self._insert_event_dates(contexts, crates, rules)
        crate_retention_refresh(crate_ids=[c.id for c in crates], on=self.today)
        self._say("retention: event dates recorded, crates refreshed from their documents")

    def _insert_event_dates(
        self,
        contexts: list[UnitContext],
        crates: list[CratePlan],
        rules: dict[int, RetentionRule],
    ) -> None:
        """The event dates :func:`document_retention` counted on, in one INSERT … SELECT: for
        the documents an EVENT rule dated, the event two years after preparation, recorded by
        their unit's Document Manager."""
        event_rules = [r for r in rules.values() if r.trigger == RetentionRule.Trigger.EVENT]
        if not event_rules or not crates:
            return
        event_of = " ".join("WHEN %s THEN %s" for _ in event_rules)
        managers = " ".join("WHEN %s THEN %s" for _ in contexts)
        params: list[Any] = [v for r in event_rules for v in (r.pk, r.event_id)]
        params += [v for c in contexts for v in (c.unit.pk, c.manager.pk)]
        params += [[r.pk for r in event_rules], [c.id for c in crates]]
        table, documents = DocumentEvent._meta.db_table, Document._meta.db_table
        months = int(EVENT_AFTER_MONTHS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO "{table}"
                    (document_id, event_id, date, source, recorded_by_id, recorded_at, version)
                SELECT d.id, CASE d.retention_rule_id {event_of} END,
                       (d.prepared_on + interval '{months} months')::date,
                       'INTEGRATION', CASE d.unit_id {managers} END, now(), 1
                FROM "{documents}" d
                WHERE d.retention_rule_id = ANY(%s) AND d.retention_basis = 'RULE'
                  AND d.crate_id = ANY(%s)
                """,  # noqa: S608 - names and counts from the code; values are parameters
                params,
            )

    # ------------------------------------------------------------------ requests

    def _copy_requests(
        self, contexts: list[UnitContext], crates: list[CratePlan], n_requests: int
    ) -> list[tuple[Any, ...]]:
        """Request j is about crate j % crates. The first request of each crate tells its story
        (possibly open); requests beyond one per crate are closed withdrawals (or, for crates
        still pending, rejected or cancelled storage requests), so at most one is open."""
        if n_requests == 0:
            return []
        n_crates = len(crates)
        span = dt.timedelta(days=3 * 365)
        start = self.now - span
        step = span / n_requests
        submitted = [start + step * j for j in range(n_requests)]
        per_year = Counter(s.year for s in submitted)
        next_number = {}
        for year, count in sorted(per_year.items()):
            next_number[year] = _sequence_reserve(f"request:{year}", count) - count + 1
        ids = self._ids(Request, n_requests)
        send_backs: list[tuple[Any, ...]] = []
        fields = [
            "id", "number", "type", "status", "unit", "crate", "requester", "purpose", "version",
            "expected_return_on", "issued_at", "returned_at", "is_overdue", "overdue_flagged_at",
            "overdue_escalated_at", "target_location", "witness", "submitted_at", "decided_at",
            "completed_at", "created_at", "updated_at",
        ]  # fmt: skip
        hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
        versions: dict[str, int] = {SUB: 1, APP: 2, SB: 2, ISS: 3, COM: 4, REJ: 2, CAN: 2}
        purposes: dict[str, str] = {
            S: "Archive records",
            W: "Deviation investigation",
            T: "Consolidate storage",
            D: "Retention period ended",
        }

        def rows() -> Iterator[tuple[Any, ...]]:
            for j in range(n_requests):
                c = crates[j % n_crates]
                context = contexts[c.unit]
                at = submitted[j]
                if j < n_crates:
                    kind, status = c.kind, c.request_status
                elif c.status == PENDING:
                    kind, status = S, (REJ, CAN)[j % 2]
                else:
                    kind, status = W, (COM, COM, REJ, CAN)[j % 4]
                year = at.year
                number = f"REQ-{year}-{next_number[year]:06d}"
                next_number[year] += 1
                decided = at + hour if status in (APP, ISS, COM, REJ) else None
                issued = returned = completed = flagged = None
                expected = target = witness = None
                overdue = False
                if kind == W:
                    expected = (at + 14 * day).date()
                    if status == ISS:
                        issued = at + 2 * hour
                        if j % 3 == 0:  # overdue, and flagged by the periodic task
                            expected = self.today - dt.timedelta(days=1 + j % 20)
                            overdue, flagged = True, self.now - hour
                        else:
                            expected = self.today + dt.timedelta(days=1 + j % 20)
                    elif status == COM:
                        issued, returned = at + 2 * hour, at + 5 * day
                        completed, target = returned, c.last_shelf
                elif kind == S and status == COM:
                    completed, target = at + day, c.last_shelf
                elif kind == T:
                    target = c.shelf if status == COM else c.other_shelf
                    completed = at + day if status == COM else None
                elif kind == D and status == COM:
                    completed, witness = at + 2 * day, context.approver.pk
                if status in (REJ, CAN):
                    completed = None
                if status == SB:
                    send_backs.append((ids[j], context.approver.pk, at + 2 * hour))
                changed = completed or issued or decided or at
                version = versions[status]
                yield (
                    ids[j], number, kind, status, context.unit.pk, c.id, context.manager.pk,
                    f"{purposes[kind]} ({c.code})", version, expected, issued, returned,
                    overdue, flagged, None, target, witness, at, decided, completed, at, changed,
                )  # fmt: skip

        copied: list[tuple[Any, ...]] = []

        def kept(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
            for row in rows:  # (id, number, type, status, unit, crate, …, version at 8)
                copied.append((row[0], row[1], row[2], row[3], row[4], row[5], row[8], row[12]))
                yield row

        self._copy(Request, fields, kept(rows()))
        self._copy(
            SendBack,
            ["request", "sent_by", "reason", "sent_at", "from_status", "response"],
            (
                (request_id, by, "Retention dates missing; please complete them.", at, SUB, "")
                for request_id, by, at in send_backs
            ),
        )
        return copied

    # ------------------------------------------------------------------ outbox

    def _copy_events(self, requests: list[tuple[Any, ...]], n_events: int) -> None:
        """``n_events`` ``request`` events over the replay window, ending now, about the newest
        requests (cycling over them when there are more events than requests), with the data
        ``strongroom.requests.realtime`` describes a request by."""
        if n_events == 0:
            return
        window = dt.timedelta(days=settings.STRONGROOM_EVENT_REPLAY_DAYS)
        start = self.now - window
        step = window / n_events
        ids = self._ids(Event, n_events)
        recent = requests[-min(len(requests), n_events) :]
        topic, action = EventTopic.REQUEST.value, EventAction.UPDATED.value

        def rows() -> Iterator[tuple[Any, ...]]:
            for k in range(n_events):
                pk, number, kind, status, unit, crate, version, overdue = recent[k % len(recent)]
                data = {
                    "number": number,
                    "type": kind,
                    "status": status,
                    "crate_id": crate,
                    "is_overdue": overdue,
                }
                yield (
                    ids[k], unit, None, None, False, topic, action, str(pk), version,
                    json.dumps(data), start + step * (k + 1),
                )  # fmt: skip

        fields = [
            "id", "unit", "also_unit", "user", "everyone", "topic", "action", "object_id",
            "version", "data", "at",
        ]  # fmt: skip
        self._copy(Event, fields, rows())

    def _claim_open_requests(self) -> None:
        """Each open request holds its crate (records.CrateClaim), as request_create makes it:
        the seeded ones get their claims here (those made through the workflow have theirs)."""
        claims, requests = CrateClaim._meta.db_table, Request._meta.db_table
        # The models' own table names; the values are parameters.
        statement = (
            f'INSERT INTO "{claims}" (crate_id, holder_kind, holder_id, claimed_at) '  # noqa: S608
            f'SELECT r.crate_id, %s, r.id, NOW() FROM "{requests}" r WHERE r.status = ANY(%s) '
            f'AND NOT EXISTS (SELECT 1 FROM "{claims}" c WHERE c.holder_kind = %s '
            "AND c.holder_id = r.id)"
        )
        kind = CrateClaimKind.REQUEST.value
        with connection.cursor() as cursor:
            cursor.execute(statement, [kind, [s.value for s in OPEN_STATUSES], kind])
            self._say(f"{cursor.rowcount:,} crate claims of open requests")


def _sequence_reserve(key: str, count: int) -> int:
    """Advance the counter ``key`` by ``count`` and return its new value (the last one taken)."""
    Sequence.objects.get_or_create(key=key)
    Sequence.objects.filter(key=key).update(value=F("value") + count)
    return Sequence.objects.values_list("value", flat=True).get(key=key)
