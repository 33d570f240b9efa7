"""Demo data for evaluation and development (``initial_setup --demo``; never in production).

Two units (GOA1, MUM1), their departments, a storage grid, one user per role per unit and crates,
documents and requests in every status. Idempotent: what exists is left alone.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.compliance.audit import audit_event_record
from strongroom.inventory import services as inventory
from strongroom.records.models import Crate, DocumentEvent, DocumentType, RetentionRule
from strongroom.records.services.events import document_events_record
from strongroom.records.services.holds import crate_hold_place
from strongroom.requests.models import Request, RequestType
from strongroom.requests.services import RequestInput, request_create
from strongroom.requests.transitions import TransitionInput, request_transition
from strongroom.storage.models import Location

UNITS = (
    ("GOA1", "Goa Plant 1", "Verna Industrial Estate, Goa"),
    ("MUM1", "Mumbai Plant 1", "Andheri East, Mumbai"),
)
DEPARTMENTS = (("QA", "Quality Assurance"), ("QC", "Quality Control"), ("PROD", "Production"))
ROOMS, RACKS, SHELVES, SHELF_CAPACITY = 2, 3, 4, 6
UNIT_ROLE_USERS = (
    ("unitadmin", roles.UNIT_ADMIN, "Unit Admin"),
    ("manager", roles.DOCUMENT_MANAGER, "Document Manager"),
    ("approver", roles.APPROVER, "Approver"),
    ("approver2", roles.APPROVER, "Second Approver"),
    ("storehead", roles.STORE_HEAD, "Store Head"),
    ("storehead2", roles.STORE_HEAD, "Second Store Head"),
    ("viewer", roles.VIEWER, "Viewer"),
)


@dataclass
class DemoReport:
    changes: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (username, role)


def demo_seed(*, password: str) -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        units = [_unit(code, name, address, report) for code, name, address in UNITS]
        _user(
            "sysadmin",
            "System Administrator (demo)",
            roles.SYSTEM_ADMINISTRATOR,
            [],
            password,
            report,
        )
        for unit in units:
            _grid(unit, report)
            for suffix, role, title in UNIT_ROLE_USERS:
                username = f"{unit.code.lower()}-{suffix}"
                _user(username, f"{title} {unit.code}", role, [unit], password, report)
        # The retention rules without a unit govern every unit: an approver of every unit
        # approves them (a unit's approver cannot).
        # No e-mail address: it hears of every unit's requests in the app only (make dev's
        # worker would otherwise send a second e-mail for each request of every unit).
        _user("qa-approver", "QA Approver (all units)", roles.APPROVER, units, password, report,
              email="")  # fmt: skip
        for unit in units:
            if not Crate.objects.filter(unit=unit).exists():
                _records(unit, password, report)
                _last_month_activity(unit, report)
    return report


def _last_month_activity(unit: Unit, report: DemoReport) -> None:
    """A few audit events dated in the month before this one, so that the audit-trail review
    (strongroom.review) of a demo unit has something to flag: a crate changed at night, a shelf's
    capacity changed, and a burst of failed sign-ins. Demo data only: a real trail is never
    written with a past time."""
    first_of_this = timezone.localdate().replace(day=1)
    start = (first_of_this - dt.timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(start.replace(day=day), dt.time(hour, minute), tzinfo=zone)

    prefix = unit.code.lower()
    manager = User.objects.get(username=f"{prefix}-manager")
    unitadmin = User.objects.get(username=f"{prefix}-unitadmin")
    viewer = User.objects.get(username=f"{prefix}-viewer")
    crate = Crate.objects.filter(unit=unit).order_by("pk").first()
    shelf = Location.objects.filter(unit=unit, kind=Location.Kind.SHELF).order_by("pk").first()
    if crate is not None:
        audit_event_record(
            action="crate.update",
            actor=manager,
            object_type="crate",
            object_id=crate.pk,
            unit=unit,
            changes={"description": [crate.description, crate.description]},
            at=at(9, 2, 30),
        )
    if shelf is not None:
        audit_event_record(
            action="location.update",
            actor=unitadmin,
            object_type="location",
            object_id=shelf.pk,
            unit=unit,
            changes={"capacity": [shelf.capacity, shelf.capacity]},
            at=at(14, 11),
        )
    for minute in range(5):
        audit_event_record(
            action="auth.login_failed",
            actor=viewer,
            object_type="user",
            object_id=viewer.pk,
            changes={"username": [None, viewer.username]},
            reason="invalid_credentials",
            at=at(16, 9, minute),
        )
    report.changes.append(f"unit {unit.code}: audit events of {start:%Y-%m} for its review")


def _unit(code: str, name: str, address: str, report: DemoReport) -> Unit:
    unit, created = Unit.objects.get_or_create(
        code=code, defaults={"name": name, "address": address}
    )
    if created:
        report.changes.append(f"unit {code}: created")
    for dept_code, dept_name in DEPARTMENTS:
        _, created = Department.objects.get_or_create(
            unit=unit, code=dept_code, defaults={"name": dept_name}
        )
        if created:
            report.changes.append(f"department {code}/{dept_code}: created")
    return unit


def _grid(unit: Unit, report: DemoReport) -> None:
    if Location.objects.filter(unit=unit).exists():
        return
    for r in range(1, ROOMS + 1):
        room = Location.objects.create(
            unit=unit,
            kind=Location.Kind.ROOM,
            code=f"R{r:02d}",
            name=f"Record room {r}",
            security_class=r,
        )
        for k in range(1, RACKS + 1):
            rack = Location.objects.create(
                unit=unit, parent=room, kind=Location.Kind.RACK, code=f"K{k:02d}"
            )
            for s in range(1, SHELVES + 1):
                Location.objects.create(
                    unit=unit,
                    parent=rack,
                    kind=Location.Kind.SHELF,
                    code=f"S{s}",
                    capacity=SHELF_CAPACITY,
                )
    report.changes.append(
        f"locations {unit.code}: {ROOMS} rooms x {RACKS} racks x {SHELVES} shelves"
    )


def _user(
    username: str,
    full_name: str,
    role: str,
    units: list[Unit],
    password: str,
    report: DemoReport,
    *,
    email: str | None = None,
) -> User:
    report.logins.append((username, role))
    user = User.objects.filter(username=username).first()
    if user:
        return user
    user = User(
        username=username,
        full_name=full_name,
        email=f"{username}@demo.strongroom.invalid" if email is None else email,
        role=Group.objects.get(name=role),
        is_staff=role in roles.STAFF_ROLES,
        password_changed_at=timezone.now(),
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.units.set(units)
    report.changes.append(f"user {username}: created ({role})")
    return user


class _Workflow:
    """Drives the real services (signed, audited, notified) as the demo users would."""

    def __init__(self, unit: Unit, password: str) -> None:
        prefix = unit.code.lower()
        self.unit = unit
        self.password = password
        self.http = HttpRequest()  # signatures are checked as for a request from this host
        self.http.method = "POST"
        self.http.path = "/demo"
        self.http.META.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "initial_setup"})
        self.users = {
            name: User.objects.get(username=f"{prefix}-{name}")
            for name in ("manager", "approver", "approver2", "storehead", "storehead2", "unitadmin")
        }
        self.shelves = list(
            Location.objects.filter(unit=unit, kind=Location.Kind.SHELF).order_by("full_code")
        )
        self.types = dict(DocumentType.objects.values_list("code", "name"))
        self.serial = 0

    def documents(
        self,
        count: int,
        retention: dt.date | None,
        *,
        doc_type: str = "",
        by_schedule: bool = False,
    ) -> list[dict[str, object]]:
        """Rows of ``count`` documents (of ``doc_type``, else of every type in turn) retained
        until ``retention`` (None: permanently), or, ``by_schedule``, with no retention given
        (the approved retention rule of their type sets it)."""
        codes = sorted(self.types)
        rows: list[dict[str, object]] = []
        for _ in range(count):
            self.serial += 1
            code = doc_type or codes[self.serial % len(codes)]
            row: dict[str, object] = {
                "number": f"{self.unit.code}-{code}-{self.serial:05d}",
                "title": f"{self.types[code]} {self.serial}",
                "doc_type": code,
                "prepared_on": dt.date(2015, 1, 15),
            }
            if not by_schedule:
                row["retention_until"] = retention
                row["retain_permanently"] = retention is None
            rows.append(row)
        return rows

    def raise_request(self, data: RequestInput) -> Request:
        manager = self.users["manager"]
        request, _ = request_create(
            http_request=self.http,
            actor=manager,
            data=data,
            password=self.password,
            username=manager.username,
        )
        return request

    def store(
        self,
        department: Department,
        retention: dt.date | None,
        docs: int = 3,
        until: str = "COMPLETED",
        rows: list[dict[str, object]] | None = None,
    ) -> Request:
        request = self.raise_request(
            RequestInput(
                type=RequestType.STORAGE,
                purpose=f"Archive {department.name} records",
                department_id=department.pk,
                description=f"{department.name} records",
                documents=rows or self.documents(docs, retention),
            )
        )
        if until == "SUBMITTED":
            return request
        if until == "SENT_BACK":
            return self.step(
                request,
                "send_back",
                "approver",
                reason="Retention dates missing for two records; please check.",
            )
        request = self.step(request, "approve", "approver")
        return self.step(request, "allocate", "storehead", shelf_id=self.free_shelf().pk)

    def free_shelf(self) -> Location:
        for shelf in self.shelves:
            stored = Crate.objects.filter(location=shelf, status=Crate.Status.IN_STORAGE).count()
            if stored < (shelf.capacity or 0):
                return shelf
        raise RuntimeError("the demo grid is full")

    def step(self, request: Request, name: str, who: str, **fields: Any) -> Request:
        request.refresh_from_db()
        return request_transition(
            http_request=self.http,
            actor=self.users[who],
            request_id=request.pk,
            name=name,
            data=TransitionInput(
                version=request.version,
                password=self.password,
                username=self.users[who].username,
                **fields,
            ),
        )

    def withdraw(self, crate: Crate, purpose: str, days: int = 14) -> Request:
        return self.raise_request(
            RequestInput(
                type=RequestType.WITHDRAWAL,
                purpose=purpose,
                crate_id=crate.pk,
                expected_return_on=timezone.localdate() + dt.timedelta(days=days),
            )
        )


def _records(unit: Unit, password: str, report: DemoReport) -> None:
    """Crates and requests in every status, made through the real workflow: every step is
    signed and audited, as if the demo users had clicked through it."""
    flow = _Workflow(unit, password)
    qa = Department.objects.get(unit=unit, code="QA")
    qc = Department.objects.get(unit=unit, code="QC")
    future, past = dt.date(2035, 12, 31), timezone.localdate() - dt.timedelta(days=30)

    stored = [
        flow.store(qa if i % 2 else qc, past if i == 6 else (None if i == 7 else future)).crate
        for i in range(9)
    ]
    hold = stored[5]
    crate_hold_place(
        http_request=flow.http,
        actor=flow.users["unitadmin"],
        crate=hold,
        version=hold.version,
        reason="Regulatory inquiry: keep until closed",
        password=password,
        username=flow.users["unitadmin"].username,
    )
    flow.store(qa, future, docs=4, until="SUBMITTED")
    flow.store(qc, future, docs=2, until="SENT_BACK")

    flow.step(flow.withdraw(stored[0], "Deviation investigation"), "approve", "approver")
    issued = flow.step(
        flow.withdraw(stored[1], "Annual product review", days=7), "approve", "approver"
    )
    flow.step(issued, "issue", "storehead")
    overdue = flow.step(flow.withdraw(stored[2], "Customer audit", days=5), "approve", "approver2")
    flow.step(overdue, "issue", "storehead")
    # Time passes in the demo: the promised return date is now behind us.
    Request.objects.filter(pk=overdue.pk).update(
        expected_return_on=timezone.localdate() - dt.timedelta(days=2)
    )
    returned = flow.step(flow.withdraw(stored[3], "Stability study"), "approve", "approver")
    returned = flow.step(returned, "issue", "storehead")
    flow.step(returned, "receive", "storehead2")
    flow.step(
        flow.withdraw(stored[3], "Training material"),
        "reject",
        "approver",
        reason="Use the controlled copy in the training room.",
    )
    flow.step(
        flow.withdraw(stored[4], "Raised by mistake"),
        "cancel",
        "manager",
        reason="Raised by mistake",
    )
    flow.raise_request(
        RequestInput(
            type=RequestType.TRANSFER,
            purpose="Consolidate QA records",
            crate_id=stored[8].pk,
            target_location_id=flow.shelves[-1].pk,
        )
    )
    destruction = flow.raise_request(
        RequestInput(
            type=RequestType.DESTRUCTION,
            purpose="Retention period ended",
            crate_id=stored[6].pk,
        )
    )
    destruction = flow.step(destruction, "approve", "approver")
    flow.step(
        destruction,
        "destroy",
        "storehead",
        reason="Shredded on site",
        witness_username=flow.users["approver2"].username,
        witness_password=password,
    )
    old = flow.store(qc, past, docs=2).crate
    flow.raise_request(
        RequestInput(
            type=RequestType.DESTRUCTION,
            purpose="Retention period ended",
            crate_id=old.pk,
        )
    )
    _scheduled_batch_records(flow, Department.objects.get(unit=unit, code="PROD"), report)
    _inventory_audit(flow, qa, report)
    report.changes.append(
        f"records {unit.code}: {Crate.objects.filter(unit=unit).count()} crates, "
        f"{Request.objects.filter(unit=unit).count()} requests (signed and audited)"
    )


def _scheduled_batch_records(flow: _Workflow, department: Department, report: DemoReport) -> None:
    """Batch records filed without a retention date: the approved rule for batch records
    (BMR-EXP+1Y, one year after batch expiry) makes them wait for their batches' expiry. One
    crate's batches expired years ago (recorded here: the crate becomes eligible for
    destruction), another's expire next year (dated, not yet eligible), a third's are not
    recorded yet (pending event: never eligible)."""
    if not RetentionRule.objects.filter(
        code="BMR-EXP+1Y", status=RetentionRule.Status.APPROVED
    ).exists():
        return
    today = timezone.localdate()
    expiries = (dt.date(2017, 6, 30), today.replace(day=1) + dt.timedelta(days=366), None)
    manager = flow.users["manager"]
    for expiry in expiries:
        rows = flow.documents(3, None, doc_type="BMR", by_schedule=True)
        flow.store(department, None, rows=rows)
        if expiry is None:
            continue
        document_events_record(
            rows=[
                {
                    "unit": flow.unit.code,
                    "document_number": row["number"],
                    "event": "BATCH_EXPIRY",
                    "date": expiry,
                }
                for row in rows
            ],
            source=DocumentEvent.Source.MANUAL,
            actor=manager,
            unit_ids=frozenset({flow.unit.pk}),
        )
    report.changes.append(
        f"batch records {flow.unit.code}: 3 crates under BMR-EXP+1Y (expired and eligible, "
        "dated, pending the batch expiry)"
    )


def _inventory_audit(flow: _Workflow, department: Department, report: DemoReport) -> None:
    """A closed inventory audit of one shelf: every crate recorded there found but one, which
    is marked MISSING (signed), then the audit closed (signed): the shelf is verified today."""
    lost = flow.store(department, dt.date(2035, 12, 31), docs=1).crate
    lost.refresh_from_db()
    assert lost.location is not None
    shelf = lost.location
    storehead = flow.users["storehead"]
    audit = inventory.audit_open(actor=storehead, scope_id=shelf.pk, note="Quarterly cycle count")
    for crate in Crate.objects.filter(location=shelf, status=Crate.Status.IN_STORAGE).exclude(
        pk=lost.pk
    ):
        inventory.audit_scan(actor=storehead, audit_id=audit.pk, shelf_id=shelf.pk, code=crate.code)
    audit = inventory.audit_shelf_done(actor=storehead, audit_id=audit.pk, shelf_id=shelf.pk)
    audit = inventory.audit_count_complete(
        actor=storehead, audit_id=audit.pk, version=audit.version
    )
    finding = audit.findings.get(crate=lost)
    audit = inventory.finding_reconcile(
        http_request=flow.http,
        actor=storehead,
        audit_id=audit.pk,
        finding_id=finding.pk,
        data=inventory.ReconcileInput(
            version=audit.version,
            action=inventory.ReconcileAction.MARK_MISSING,
            note="Not on the shelf or the rack; searched the room",
            password=flow.password,
            username=storehead.username,
        ),
    )
    inventory.audit_close(
        http_request=flow.http,
        actor=storehead,
        audit_id=audit.pk,
        version=audit.version,
        password=flow.password,
        username=storehead.username,
    )
    report.changes.append(f"inventory audit {audit.number}: {shelf.full_code}, 1 crate missing")
