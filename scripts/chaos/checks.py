"""What a chaos run checks: the pure logic (unit-tested in
backend/strongroom/core/tests/test_chaos_checks.py) and the checks of a finished run against its
database, its subscribers and its clients."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from lib.topology import TopologyError

from chaos.invariants import INVARIANTS

if TYPE_CHECKING:
    from chaos.run import ChaosRun

Outcome = tuple[bool, str, list[str]]

TRANSITIONS_PATH = "/api/v1/requests/transitions/"
REQUESTER = "requester"


@dataclass(frozen=True)
class StatusMachine:
    """The request status machine as the server serves it (GET /api/v1/requests/transitions/,
    read at the start of a run): never a copy of strongroom/requests/transitions.py."""

    # A status -> the statuses one transition leads to. A status no transition starts from is
    # final; the others are open.
    leads_to: dict[str, frozenset[str]]
    # Signature meaning of a transition -> the notification event it queues.
    notifying: dict[str, str]
    # Notification event -> the notification kinds it creates.
    event_kinds: dict[str, frozenset[str]]
    # The kinds sent to every holder of a permission in the request's unit (not to one person).
    unit_kinds: frozenset[str]

    @property
    def open_statuses(self) -> frozenset[str]:
        return frozenset(self.leads_to)


def status_machine(table: Iterable[dict[str, Any]]) -> StatusMachine:
    """The status machine from the transition table the API serves: each row's ``sources`` and
    ``target``, its ``meaning`` and notification ``event``, and what that event ``notifies``."""
    leads_to: dict[str, set[str]] = {}
    notifying: dict[str, str] = {}
    event_kinds: dict[str, set[str]] = {}
    unit_kinds: set[str] = set()
    for transition in table:
        for source in transition["sources"]:
            leads_to.setdefault(str(source), set()).add(str(transition["target"]))
        event = transition.get("event")
        if not event:
            continue
        notifying[str(transition["meaning"])] = str(event)
        for notification in transition.get("notifies", []):
            event_kinds.setdefault(str(event), set()).add(str(notification["kind"]))
            if notification["audience"] != REQUESTER:
                unit_kinds.add(str(notification["kind"]))
    return StatusMachine(
        leads_to={status: frozenset(targets) for status, targets in leads_to.items()},
        notifying=notifying,
        event_kinds={event: frozenset(kinds) for event, kinds in event_kinds.items()},
        unit_kinds=frozenset(unit_kinds),
    )


def reachable(machine: StatusMachine, source: str, target: str) -> bool:
    """Whether a request in ``source`` can be in ``target`` after zero or more transitions."""
    seen, todo = {source}, [source]
    while todo:
        status = todo.pop()
        if status == target:
            return True
        for following in machine.leads_to.get(status, frozenset()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


@dataclass(frozen=True)
class Ack:
    """A change the server acknowledged (2xx): the request as the answer showed it."""

    request_id: int
    action: str
    status: str
    version: int
    at: float = 0.0
    client: str = ""


def ack_problems(
    acks: Iterable[Ack], rows: dict[int, tuple[str, int]], machine: StatusMachine
) -> list[str]:
    """Acknowledged changes that the database does not hold (``rows``: id -> status, version;
    ``machine``: what a status may lead to)."""
    problems = []
    for ack in acks:
        row = rows.get(ack.request_id)
        what = f"request #{ack.request_id} {ack.action} (acknowledged {ack.status} v{ack.version})"
        if row is None:
            problems.append(f"{what}: not in the database")
            continue
        status, version = row
        if version < ack.version:
            problems.append(f"{what}: the database has the older v{version} ({status})")
        elif version == ack.version and status != ack.status:
            problems.append(f"{what}: the database has {status} at the same version")
        elif not reachable(machine, ack.status, status):
            problems.append(f"{what}: the database has {status} v{version}, unreachable from it")
    return problems


@dataclass(frozen=True)
class EventRow:
    id: int
    unit_id: int | None
    also_unit_id: int | None
    user_id: int | None


def in_scope(event: EventRow, user_id: int, unit_ids: frozenset[int] | None) -> bool:
    """strongroom.realtime.selectors.event_scope_q: a user's own events, and unit events of their
    units (``unit_ids`` None: every unit); a user event is nobody else's."""
    if event.user_id is not None:
        return event.user_id == user_id
    if unit_ids is None:
        return True
    return event.unit_id in unit_ids or event.also_unit_id in unit_ids


def expected_ids(
    events: Iterable[EventRow],
    user_id: int,
    unit_ids: frozenset[int] | None,
    after: int,
    upto: int | None = None,
) -> set[int]:
    return {
        e.id
        for e in events
        if e.id > after and (upto is None or e.id <= upto) and in_scope(e, user_id, unit_ids)
    }


@dataclass
class DeliveryReport:
    expected: int
    held: int
    missing: list[int]
    duplicates: dict[int, int]  # id -> times received beyond the first
    out_of_scope: list[int]
    same_socket_duplicates: int

    @property
    def ok(self) -> bool:
        return not (
            self.missing or self.duplicates or self.out_of_scope or self.same_socket_duplicates
        )


def delivery_report(
    expected: set[int], received: Counter[int], same_socket_duplicates: int = 0
) -> DeliveryReport:
    held = set(received)
    return DeliveryReport(
        expected=len(expected),
        held=len(held),
        missing=sorted(expected - held),
        duplicates={i: n - 1 for i, n in sorted(received.items()) if n > 1},
        out_of_scope=sorted(held - expected),
        same_socket_duplicates=same_socket_duplicates,
    )


def notification_problems(
    signatures: Iterable[tuple[int, str]],
    notifications: Iterable[tuple[int, int, str, int]],
    request_units: dict[int, int],
    machine: StatusMachine,
) -> list[str]:
    """Exactly one effect per notifying transition.

    ``signatures``: (request id, meaning) of every signature on the requests looked at;
    ``notifications``: (request id, recipient id, dedupe key, e-mail settled 0/1: sent, or never
    due because the recipient has no address). A notification's key is
    ``request:<id>:<event>:<version>:<kind>``: one group per (request, event, version)."""
    wanted: Counter[tuple[int, str]] = Counter()
    for request_id, meaning in signatures:
        event = machine.notifying.get(meaning)
        if event is not None:
            wanted[(request_id, event)] += 1
    groups: dict[tuple[int, str, str], dict[str, set[int]]] = {}
    problems = []
    not_emailed = 0
    for request_id, recipient_id, key, emailed in notifications:
        parts = key.split(":")
        if len(parts) != 5 or parts[0] != "request" or parts[1] != str(request_id):
            continue
        _, _, event, version, kind = parts
        kinds = groups.setdefault((request_id, event, version), {})
        recipients = kinds.setdefault(kind, set())
        if recipient_id in recipients:
            problems.append(f"request #{request_id}: {key} twice for user #{recipient_id}")
        recipients.add(recipient_id)
        not_emailed += not emailed
    have: Counter[tuple[int, str]] = Counter((r, e) for r, e, _ in groups)
    for pair in sorted(set(wanted) | set(have)):
        if wanted[pair] != have[pair]:
            problems.append(
                f"request #{pair[0]}: {wanted[pair]} signed '{pair[1]}' transition(s), "
                f"{have[pair]} notified"
            )
    audience: dict[tuple[int, str], set[int]] = {}
    for (request_id, event, version), kinds in sorted(groups.items()):
        missing_kinds = machine.event_kinds.get(event, frozenset()) - set(kinds)
        if missing_kinds:
            problems.append(
                f"request #{request_id} {event} v{version}: no {', '.join(sorted(missing_kinds))}"
            )
        for kind, recipients in kinds.items():
            if kind in machine.unit_kinds:  # the unit's approvers, store heads:
                unit_kind = (request_units.get(request_id, 0), kind)  # the same for every group
                audience.setdefault(unit_kind, set()).update(recipients)
    for (request_id, event, version), kinds in sorted(groups.items()):
        for kind, recipients in kinds.items():
            everyone = audience.get((request_units.get(request_id, 0), kind))
            if everyone is not None and recipients != everyone:
                problems.append(
                    f"request #{request_id} {event} v{version} {kind}: {len(recipients)} of "
                    f"{len(everyone)} recipients"
                )
    if not_emailed:
        problems.append(f"{not_emailed} notification(s) never e-mailed")
    return problems


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the server's TIME_ZONE is UTC by default


def first_after(times: Iterable[float], t: float) -> float | None:
    later = [x for x in times if x >= t]
    return min(later) if later else None


# --- the checks of a finished run ---------------------------------------------------------------


def run_checks(run: ChaosRun) -> list[dict[str, Any]]:
    results = []
    for name, check in (
        ("acknowledged changes are durable", check_acks),
        ("one request per Idempotency-Key", check_idempotency),
        ("every subscriber holds every event exactly once", check_events),
        ("audit chain verifies", check_audit),
        ("request and crate invariants", check_invariants),
        ("notifications: exactly one effect", check_notifications),
        ("every fault recovered", check_recovery),
        ("no internal error (500) answered", check_no_internal_errors),
    ):
        try:
            ok, detail, problems = check(run)
        except Exception as exc:
            ok, detail, problems = False, f"the check failed: {type(exc).__name__}: {exc}", []
        results.append({"check": name, "ok": ok, "detail": detail, "problems": problems[:50]})
    return results


def check_acks(run: ChaosRun) -> Outcome:
    ids = sorted({a.request_id for a in run.acks})
    rows = {
        int(r[0]): (str(r[1]), int(r[2]))
        for r in run.topology.query(
            "SELECT id, status, version FROM workflow_request WHERE id = ANY(%s)", [ids]
        )
    }
    problems = ack_problems(run.acks, rows, run.machine)
    by_action = Counter(a.action for a in run.acks)
    detail = (
        f"{len(run.acks)} acknowledged on {len(ids)} requests "
        f"({', '.join(f'{k} {v}' for k, v in sorted(by_action.items()))})"
    )
    return not problems and bool(run.acks), detail, problems


def check_idempotency(run: ChaosRun) -> Outcome:
    rows = run.topology.query(
        "SELECT k.key, k.request_id FROM workflow_idempotencykey k WHERE k.key LIKE %s",
        [f"chaos-{run.tag}-%"],
    )
    stored = {str(k): int(r) for k, r in rows}
    problems = [
        f"{key}: acknowledged request #{rid}, the key names #{stored.get(key)}"
        for key, rid in run.acked_keys.items()
        if stored.get(key) != rid
    ]
    created = run.topology.query(
        "SELECT r.id FROM workflow_request r LEFT JOIN workflow_idempotencykey k "
        "ON k.request_id = r.id WHERE r.id > %s GROUP BY r.id HAVING count(k.id) <> 1",
        [run.baseline_request],
    )
    problems += [f"request #{r[0]}: not exactly one Idempotency-Key" for r in created]
    unknown = set(stored) - run.keys_used
    problems += [f"{key}: a key this run never sent" for key in sorted(unknown)]
    return (
        not problems,
        f"{len(run.keys_used)} keys sent, {len(stored)} stored, "
        f"{len(run.acked_keys)} creations acknowledged",
        problems,
    )


def check_events(run: ChaosRun) -> Outcome:
    rows = run.events_after(run.baseline_event)
    problems = []
    totals = Counter[str]()
    reports = {}
    for s in run.subscribers:
        wanted = expected_ids(rows, s.user_id, s.unit_ids, run.baseline_event)
        # An id at or below the starting cursor arrives when its transaction began before
        # the cursor was read and committed after: not part of what is checked.
        received = Counter({i: n for i, n in s.received.items() if i > run.baseline_event})
        totals["before_cursor"] += len(s.received) - len(received)
        report = delivery_report(wanted, received, s.same_socket_duplicates)
        scope = "all units" if s.unit_ids is None else sorted(s.unit_ids)
        if s.scope_seen != (None if s.unit_ids is None else sorted(s.unit_ids)):
            problems.append(f"{s.name} ({s.username}): socket scope {s.scope_seen}, DB {scope}")
        reports[s.name] = {
            "user": s.username,
            "port": s.port,
            "scope": scope,
            "connections": s.connections,
            "close_codes": dict(s.close_codes),
            "resyncs": s.resyncs,
            "http_replayed": s.http_replayed,
            "late_arrivals": s.late_arrivals,
            **asdict(report),
        }
        reports[s.name]["missing"] = report.missing[:30]
        reports[s.name]["out_of_scope"] = report.out_of_scope[:30]
        reports[s.name]["duplicates"] = dict(list(report.duplicates.items())[:30])
        totals["expected"] += report.expected
        totals["missing"] += len(report.missing)
        totals["duplicates"] += sum(report.duplicates.values())
        totals["out_of_scope"] += len(report.out_of_scope)
        totals["same_socket"] += report.same_socket_duplicates
        totals["late"] += s.late_arrivals
        if not report.ok:
            problems.append(
                f"{s.name} ({s.username} on :{s.port}): {len(report.missing)} missing "
                f"{report.missing[:10]}, {sum(report.duplicates.values())} duplicate "
                f"{list(report.duplicates)[:10]}, {len(report.out_of_scope)} out of scope "
                f"{report.out_of_scope[:10]}, {report.same_socket_duplicates} twice on one "
                "socket"
            )
    run.results["subscribers"] = reports
    detail = (
        f"{len(run.subscribers)} sockets, {len(rows)} events committed after #"
        f"{run.baseline_event}, {totals['expected']} deliveries expected: "
        f"{totals['missing']} missing, {totals['duplicates']} duplicate, "
        f"{totals['out_of_scope']} out of scope; {totals['late']} arrived after a higher id"
        + (
            f" ({totals['before_cursor']} from before the cursor)"
            if totals["before_cursor"]
            else ""
        )
    )
    return not problems and totals["expected"] > 0, detail, problems


def check_audit(run: ChaosRun) -> Outcome:
    try:
        out = run.topology.manage("verify_audit_chain", timeout=300)
    except TopologyError as exc:
        return False, str(exc).strip().splitlines()[-1][:300], [str(exc)[-1000:]]
    return True, out.strip().splitlines()[-1] if out.strip() else "intact", []


def check_invariants(run: ChaosRun) -> Outcome:
    t = run.topology
    problems = []
    for label, sql in INVARIANTS:
        rows = t.query(sql)
        for row in rows[:10]:
            problems.append(f"{label}: {row}")
        if len(rows) > 10:
            problems.append(f"{label}: … {len(rows) - 10} more")
    counts = {
        "requests": t.scalar("SELECT count(*) FROM workflow_request"),
        "crates": t.scalar("SELECT count(*) FROM records_crate"),
        "requests_by_status": dict(
            t.query("SELECT status, count(*) FROM workflow_request GROUP BY 1 ORDER BY 1")
        ),
    }
    run.results["database"] = counts
    return (
        not problems,
        f"{len(INVARIANTS)} invariants over {counts['requests']} requests and "
        f"{counts['crates']} crates",
        problems,
    )


def check_notifications(run: ChaosRun) -> Outcome:
    t = run.topology
    signatures = [
        (int(r[0]), str(r[1]))
        for r in t.query(
            "SELECT request_id, meaning FROM compliance_signature WHERE request_id > %s",
            [run.baseline_request],
        )
    ]
    notifications = [
        (int(r[0]), int(r[1]), str(r[2]), int(r[3]))
        for r in t.query(
            # Someone without an e-mail address (the demo's qa-approver) is never e-mailed: the
            # notification is settled when it was never due. Anyone else's must have gone out.
            "SELECT n.object_id::bigint, n.recipient_id, n.dedupe_key, "
            "(n.email_sent_at IS NOT NULL OR (n.email_due_at IS NULL AND u.email = ''))::int "
            "FROM notifications_notification n JOIN accounts_user u ON u.id = n.recipient_id "
            "WHERE n.object_type = 'request' AND n.object_id::bigint > %s",
            [run.baseline_request],
        )
    ]
    units = {
        int(r[0]): int(r[1])
        for r in t.query(
            "SELECT id, unit_id FROM workflow_request WHERE id > %s", [run.baseline_request]
        )
    }
    problems = notification_problems(signatures, notifications, units, run.machine)
    left = run.results.get("left_in_queues", {})
    if left.get("broker") or left.get("pending_tasks"):
        problems.append(f"tasks never run: {left}")
    if problems:  # when, relative to the faults, the transitions that went unnotified were
        run.results["notification_timeline"] = signature_timeline(run, problems)
    notifying = sum(1 for _, m in signatures if m in run.machine.notifying)
    return (
        not problems,
        f"{notifying} notifying transitions, {len(notifications)} notifications",
        problems,
    )


def signature_timeline(run: ChaosRun, problems: list[str]) -> list[str]:
    ids = sorted({int(m) for p in problems for m in re.findall(r"request #(\d+)", p)})
    began = run.faults[0].t0 if run.faults else 0.0
    rows = run.topology.query(
        "SELECT request_id, meaning, extract(epoch FROM signed_at) FROM compliance_signature "
        "WHERE request_id = ANY(%s) ORDER BY signed_at",
        [ids[:20]],
    )
    faults = ", ".join(f"{f.name} at +{f.t0 - began:.1f} s" for f in run.faults)
    return [f"faults: {faults}"] + [
        f"request #{r[0]} {r[1]} at +{float(r[2]) - began:.2f} s" for r in rows
    ]


def check_no_internal_errors(run: ChaosRun) -> Outcome:
    """A fault is answered 502, 503 or 504 (retryable); a 500 is an error that leaked."""
    errors: Counter[str] = Counter()
    https = [*(c.http for c in run.clients), *(s.http for s in run.subscribers)]
    for http in [*https, *([run.probe_http] if run.probe_http else [])]:
        errors.update(http.errors)
    retryable = {k: v for k, v in sorted(errors.items()) if k in ("502", "503", "504")}
    internal = errors.get("500", 0)
    return internal == 0, f"{internal} answers 500; retryable answers {retryable}", []


def check_recovery(run: ChaosRun) -> Outcome:
    problems = []
    for f in run.faults:
        for what, value in (
            ("API", f.api_s),
            ("events", f.events_s),
            ("worker", f.worker_s),
        ):
            if value is None:
                problems.append(f"{f.name}: {what} not recovered")
        if f.sockets_dropped and f.sockets_s is None:
            problems.append(f"{f.name}: sockets not re-subscribed")
    missing = set(run.args.faults) - {f.name for f in run.faults}
    problems += [f"{name}: not injected" for name in sorted(missing)]
    problems += [f"died: {p}" for p in run.topology.unexpected_exits()]
    return not problems, f"{len(run.faults)} faults", problems
