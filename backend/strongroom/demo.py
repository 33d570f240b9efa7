"""Demo data for evaluation and development (``initial_setup --demo``; never in production).

Two units (GOA1, MUM1), their departments, a storage grid, one user per role per unit and crates,
documents and requests in every status. Idempotent: what exists is left alone.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.records.models import Crate, Document, DocumentType
from strongroom.records.services import crate_code_allocate
from strongroom.requests.models import Request, RequestStatus, RequestType, SendBack
from strongroom.requests.services import request_number_allocate
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
        for unit in units:
            if not Crate.objects.filter(unit=unit).exists():
                _records(unit, report)
    return report


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
    username: str, full_name: str, role: str, units: list[Unit], password: str, report: DemoReport
) -> User:
    report.logins.append((username, role))
    user = User.objects.filter(username=username).first()
    if user:
        return user
    user = User(
        username=username,
        full_name=full_name,
        email=f"{username}@demo.strongroom.invalid",
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


def _crate(
    unit: Unit, dept: Department, creator: User, status: str, shelf: Location | None
) -> Crate:
    year, serial, code = crate_code_allocate(unit=unit, department=dept)
    return Crate.objects.create(
        unit=unit,
        department=dept,
        code=code,
        year=year,
        serial=serial,
        description=f"{dept.name} records",
        status=status,
        location=shelf if status == Crate.Status.IN_STORAGE else None,
        last_location=shelf,
        created_by=creator,
        destroyed_at=timezone.now() if status == Crate.Status.DESTROYED else None,
    )


def _documents(crate: Crate, count: int, retention: dt.date | None) -> None:
    types = list(DocumentType.objects.order_by("code"))
    prepared = dt.date(2015, 1, 15)
    for i in range(count):
        Document.objects.create(
            crate=crate,
            unit=crate.unit,
            number=f"{crate.department.code}-{crate.serial:06d}-{i + 1:02d}",
            title=f"{types[i % len(types)].name} {crate.serial}-{i + 1}",
            doc_type=types[i % len(types)],
            department=crate.department,
            prepared_on=prepared,
            retention_until=retention,
            retain_permanently=retention is None,
            status=Document.Status.DESTROYED
            if crate.status == Crate.Status.DESTROYED
            else Document.Status.ACTIVE,
        )
    crate.destroy_after = retention
    crate.retain_permanently = retention is None
    crate.save(update_fields=["destroy_after", "retain_permanently"])


def _request(
    crate: Crate, kind: str, status: str, requester: User, purpose: str, **fields: object
) -> Request:
    now = timezone.now()
    return Request.objects.create(
        number=request_number_allocate(),
        type=kind,
        status=status,
        unit=crate.unit,
        crate=crate,
        requester=requester,
        purpose=purpose,
        submitted_at=now - dt.timedelta(days=3),
        **fields,
    )


def _records(unit: Unit, report: DemoReport) -> None:
    """Crates in every status and requests in every status, consistent with each other."""
    prefix = unit.code.lower()
    manager = User.objects.get(username=f"{prefix}-manager")
    approver = User.objects.get(username=f"{prefix}-approver")
    qa = Department.objects.get(unit=unit, code="QA")
    qc = Department.objects.get(unit=unit, code="QC")
    shelves = list(
        Location.objects.filter(unit=unit, kind=Location.Kind.SHELF).order_by("full_code")
    )
    today = timezone.localdate()
    now = timezone.now()
    long_ago, past, future = (
        dt.date(2016, 12, 31),
        today - dt.timedelta(days=30),
        dt.date(2035, 12, 31),
    )

    stored = []
    for i in range(8):
        crate = _crate(
            unit, qa if i % 2 else qc, manager, Crate.Status.IN_STORAGE, shelves[i % len(shelves)]
        )
        _documents(crate, 3, past if i == 6 else (None if i == 7 else future))
        stored.append(crate)
    stored[5].legal_hold = True
    stored[5].legal_hold_reason = "Regulatory inquiry, keep until closed"
    stored[5].legal_hold_by = User.objects.get(username=f"{prefix}-unitadmin")
    stored[5].legal_hold_at = now
    stored[5].save()

    pending = _crate(unit, qa, manager, Crate.Status.PENDING, None)
    _documents(pending, 4, future)
    _request(
        pending, RequestType.STORAGE, RequestStatus.SUBMITTED, manager, "Archive 2025 batch records"
    )

    pending_sent_back = _crate(unit, qa, manager, Crate.Status.PENDING, None)
    _documents(pending_sent_back, 2, future)
    sent_back = _request(
        pending_sent_back,
        RequestType.STORAGE,
        RequestStatus.SENT_BACK,
        manager,
        "Archive QC logbooks",
    )
    SendBack.objects.create(
        request=sent_back,
        sent_by=approver,
        reason="Retention dates missing for two logbooks; please complete them.",
        sent_at=now - dt.timedelta(days=1),
        from_status=RequestStatus.SUBMITTED,
    )

    _request(
        stored[0],
        RequestType.WITHDRAWAL,
        RequestStatus.APPROVED,
        manager,
        "Deviation investigation",
        expected_return_on=today + dt.timedelta(days=14),
        decided_at=now,
    )
    issued_crate = _crate(unit, qc, manager, Crate.Status.ISSUED, shelves[10])
    _documents(issued_crate, 3, future)
    _request(
        issued_crate,
        RequestType.WITHDRAWAL,
        RequestStatus.ISSUED,
        manager,
        "Annual product review",
        expected_return_on=today + dt.timedelta(days=7),
        decided_at=now,
        issued_at=now,
    )
    overdue_crate = _crate(unit, qa, manager, Crate.Status.ISSUED, shelves[11])
    _documents(overdue_crate, 2, future)
    _request(
        overdue_crate,
        RequestType.WITHDRAWAL,
        RequestStatus.ISSUED,
        manager,
        "Customer audit",
        expected_return_on=today - dt.timedelta(days=2),
        decided_at=now - dt.timedelta(days=10),
        issued_at=now - dt.timedelta(days=9),
    )
    _request(
        stored[1],
        RequestType.TRANSFER,
        RequestStatus.SUBMITTED,
        manager,
        "Consolidate QA records",
        target_location=shelves[-1],
    )
    _request(
        stored[6],
        RequestType.DESTRUCTION,
        RequestStatus.SUBMITTED,
        manager,
        "Retention period ended",
    )
    _request(
        stored[2],
        RequestType.WITHDRAWAL,
        RequestStatus.REJECTED,
        manager,
        "Training material",
        expected_return_on=today + dt.timedelta(days=5),
        decided_at=now,
    )
    _request(
        stored[3],
        RequestType.WITHDRAWAL,
        RequestStatus.CANCELLED,
        manager,
        "Raised by mistake",
        expected_return_on=today + dt.timedelta(days=5),
    )
    _request(
        stored[4],
        RequestType.WITHDRAWAL,
        RequestStatus.COMPLETED,
        manager,
        "Stability study",
        expected_return_on=today - dt.timedelta(days=20),
        decided_at=now - dt.timedelta(days=2),
        issued_at=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        completed_at=now,
        target_location=stored[4].location,
    )
    destroyed = _crate(unit, qc, manager, Crate.Status.DESTROYED, shelves[12])
    _documents(destroyed, 2, long_ago)
    _request(
        destroyed,
        RequestType.DESTRUCTION,
        RequestStatus.COMPLETED,
        manager,
        "Retention ended in 2016",
        decided_at=now - dt.timedelta(days=1),
        completed_at=now,
        witness=User.objects.get(username=f"{prefix}-approver2"),
    )
    report.changes.append(
        f"records {unit.code}: {Crate.objects.filter(unit=unit).count()} crates, "
        f"{Request.objects.filter(unit=unit).count()} requests"
    )
