"""Audit completeness: every write operation of the API, enumerated from the URL resolver, writes
exactly its documented audit events — actor, UTC time, old and new values for an update, and
the reason where the operation requires one.

The operations come from the resolver (every POST, PUT, PATCH and DELETE under /api/), not from
a hand-kept list: an operation missing from WRITES and from NOT_AUDITED fails
``test_every_write_operation_is_covered``, so a new endpoint cannot ship unaudited unnoticed.
Each covered operation is called once, by a user allowed to, with a valid request on fresh
objects (the call must succeed), and the audit events it adds are checked one by one.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.schemas.generators import EndpointEnumerator
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.records.models import Crate, Document, DocumentEvent
from strongroom.records.tests.factories import CrateFactory, DocumentTypeFactory, shelf_create
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, plant, stored_crate  # noqa: F401 (fixture)
from strongroom.requests.tests.factories import RequestFactory
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGNED = {"signature": {"password": TEST_PASSWORD}}

# Write operations that change no record, each with the reason it writes no audit event.
NOT_AUDITED: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/auth/refresh/"): "exchanges a refresh token for new tokens of the same "
    "session; no record changes (login and logout, which open and end sessions, are audited)",
    ("POST", "/api/v1/crates/labels/"): "renders a label PDF of existing crates; nothing is saved",
    ("POST", "/api/v1/requests/documents-csv/"): "parses an uploaded CSV into rows for the "
    "request form; nothing is saved",
    ("POST", "/api/v1/notifications/mark-read/"): "marks the caller's own notifications read: "
    "display state of one user's inbox, not a GMP record",
    ("POST", "/api/v1/auth/oidc/start/"): "starts a trip to the identity provider (a one-time "
    "attempt row); the sign-in or re-authentication it leads to is audited at the callback",
    ("POST", "/api/v1/auth/oidc/callback/"): "needs the identity provider: its events (auth.login, "
    "user.create, user.access_change, auth.login_failed, signature.failed) are checked against "
    "the test provider in accounts/tests/test_oidc.py",
}


class _Writes(EndpointEnumerator):
    """DRF's resolver walk, over every view under /api/ (schema exclusions do not hide one)."""

    def should_include_endpoint(self, path: str, callback: Any) -> bool:
        return path.startswith("/api/")

    def get_allowed_methods(self, callback: Any) -> list[str]:
        if not hasattr(callback, "cls"):  # a plain Django view: its methods are unknown
            return ["ANY"]
        methods: list[str] = super().get_allowed_methods(callback)
        return methods


def write_operations() -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, method, _ in _Writes().get_api_endpoints()
        if method in WRITE_METHODS | {"ANY"}
    }


# --- the fixtures each operation needs -----------------------------------------------------------


@dataclass
class World:
    plant: Plant
    sysadmin: User
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def n(self) -> int:
        return next(self.counter)

    def request(self, status: str, kind: str = "WITHDRAWAL", **fields: Any) -> Request:
        p = self.plant
        crate = stored_crate(p.goa, shelf_create(unit=p.goa, code=f"Q{self.n()}"), p.manager)
        extra: dict[str, Any] = {}
        if kind == "WITHDRAWAL":
            extra["expected_return_on"] = timezone.localdate() + dt.timedelta(days=5)
        if status == "ISSUED":
            Crate.objects.filter(pk=crate.pk).update(status="ISSUED", location=None)
            extra["issued_at"] = timezone.now()
        if kind == "DESTRUCTION":
            Crate.objects.filter(pk=crate.pk).update(destroy_after=dt.date(2020, 1, 1))
        if kind == "STORAGE":
            Crate.objects.filter(pk=crate.pk).update(status="PENDING", location=None)
        return RequestFactory(
            crate=crate,
            unit=p.goa,
            requester=p.manager,
            type=kind,
            status=status,
            **extra,
            **fields,
        )


@dataclass(frozen=True)
class Write:
    """One write operation: who calls it, on what, with which body, and the audit events it
    must add (``actions``, in any order; the first holds ``changes`` and ``reason``)."""

    actor: str  # a Plant person, "sysadmin", or "anonymous" (login)
    prepare: Callable[[World], dict[str, Any]]  # ids for the path and the body
    body: Callable[[dict[str, Any]], dict[str, Any]]
    actions: tuple[str, ...]
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field → [old, new] required
    reason: str = ""  # sent in the body; the operation requires it
    witness: str = ""  # a Plant person who signs too: one event is theirs
    status: int = 200
    format: str = "json"


def _none(world: World) -> dict[str, Any]:
    return {}


def _viewer(world: World) -> dict[str, Any]:
    user = UserFactory(role_name=roles.VIEWER, units=[world.plant.goa], full_name="Old Name")
    return {"pk": user.pk, "unit": world.plant.goa.pk, "username": user.username}


def _locked_viewer(world: World) -> dict[str, Any]:
    ids = _viewer(world)
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=ids["username"], ip_address="127.0.0.1", failures_since_start=5, user_agent="t"
    )
    return ids


def _totp_code(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def _two_factor_on(user: User) -> dict[str, Any]:
    """An enrolled authenticator for ``user``: a code from it (and a sign-in challenge)."""
    import pyotp

    from strongroom.accounts.models import TwoFactorDevice
    from strongroom.accounts.two_factor import challenge_issue

    secret = pyotp.random_base32()
    TwoFactorDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    challenge = challenge_issue(user=user, purpose="verify").challenge
    return {
        "pk": user.pk,
        "username": user.username,
        "code": _totp_code(secret),
        "challenge": challenge,
    }


def _enrolled_viewer(world: World) -> dict[str, Any]:
    return _two_factor_on(User.objects.get(pk=_viewer(world)["pk"]))


def _enrolled_plant_viewer(world: World) -> dict[str, Any]:
    return _two_factor_on(world.plant.viewer)


def _enrolling_plant_viewer(world: World) -> dict[str, Any]:
    from strongroom.accounts.two_factor import two_factor_enrolment_start

    enrolment = two_factor_enrolment_start(user=world.plant.viewer)
    return {"code": _totp_code(enrolment.secret)}


def _inactive_viewer(world: World) -> dict[str, Any]:
    ids = _viewer(world)
    User.objects.filter(pk=ids["pk"]).update(is_active=False, deactivated_at=timezone.now())
    return ids


def _unit(world: World) -> dict[str, Any]:
    n = world.n()
    return {"pk": Unit.objects.create(code=f"NEW{n}", name="Old name").pk, "n": n}


def _department(world: World) -> dict[str, Any]:
    department = DepartmentFactory(unit=world.plant.goa, code=f"D{world.n()}", name="Old name")
    return {"pk": department.pk, "unit": world.plant.goa.pk, "code": department.code}


def _shelf(world: World) -> dict[str, Any]:
    shelf = shelf_create(unit=world.plant.goa, code=f"E{world.n()}", capacity=4)
    return {"pk": shelf.pk, "version": shelf.version}


def _inactive_shelf(world: World) -> dict[str, Any]:
    ids = _shelf(world)
    Location.objects.filter(pk=ids["pk"]).update(is_active=False)
    return ids


def _crate(world: World, **fields: Any) -> dict[str, Any]:
    p = world.plant
    shelf = shelf_create(unit=p.goa, code=f"C{world.n()}")
    crate = stored_crate(p.goa, shelf, p.manager, **fields)
    document = crate.documents.first()
    assert document is not None
    return {"pk": crate.pk, "version": crate.version, "document": document.pk}


def _held_crate(world: World) -> dict[str, Any]:
    p = world.plant
    return _crate(
        world,
        legal_hold=True,
        legal_hold_reason="Audit",
        legal_hold_by=p.unitadmin,
        legal_hold_at=timezone.now(),
    )


def _request(status: str, kind: str = "WITHDRAWAL", **fields: Any) -> Any:
    def prepare(world: World) -> dict[str, Any]:
        if kind == "TRANSFER":
            fields["target_location"] = shelf_create(unit=world.plant.goa, code=f"T{world.n()}")
        request = world.request(status, kind, **fields)
        return {
            "pk": request.pk,
            "version": request.version,
            "shelf": shelf_create(unit=world.plant.goa, code=f"F{world.n()}").pk,
        }

    return prepare


def _signed(reason: str = "", **extra: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def body(ids: dict[str, Any]) -> dict[str, Any]:
        data = {"version": ids["version"], **SIGNED, **extra}
        if reason:
            data["reason"] = reason
        for key, value in extra.items():
            if value == "{shelf}":
                data[key] = ids["shelf"]
        return data

    return body


def _pending_crate(world: World) -> dict[str, Any]:
    p = world.plant
    return {"crate": CrateFactory(unit=p.goa, created_by=p.manager).pk}


def _fresh_document(world: World) -> dict[str, Any]:
    ids = _crate(world)
    return {"pk": ids["document"]}


def _batch(status: str, *, done: bool = False) -> Callable[[World], dict[str, Any]]:
    """A fresh destruction batch of one eligible crate, prepared by the manager, in ``status``
    (``done``: its crate already marked not found, so the batch may be completed)."""

    def prepare(world: World) -> dict[str, Any]:
        from strongroom.disposition.models import BatchItem, DestructionBatch
        from strongroom.disposition.services import CrateSelection, batch_create

        p = world.plant
        batch = batch_create(
            actor=p.manager,
            unit_id=p.goa.pk,
            selection=CrateSelection(crate_ids=[_eligible_crate(world)]),
        )
        now = timezone.now()
        fields: dict[str, Any] = {"status": status}
        if status == "APPROVED":
            fields |= {"approved_by": p.approver, "approved_at": now}
        DestructionBatch.objects.filter(pk=batch.pk).update(**fields)
        item = BatchItem.objects.select_related("crate").get(batch=batch)
        if done:
            BatchItem.objects.filter(pk=item.pk).update(
                state="NOT_FOUND",
                reason_code="not_found",
                reason="Gone",
                resolved_at=now,
                resolved_by=p.storehead,
            )
        return {
            "pk": batch.pk,
            "version": batch.version,
            "item_id": item.pk,
            "code": item.crate.code,
            "free_crate": _eligible_crate(world),
        }

    return prepare


def _inventory(stage: str, *, with_crate: bool = True) -> Callable[[World], dict[str, Any]]:
    """A fresh inventory audit of one new shelf, opened by the Store Head, taken to ``stage``:
    OPEN; DONE (the shelf completed without scanning its crate); RECONCILING (counted: the
    shelf's crate, if any, is a MISSING finding)."""

    def prepare(world: World) -> dict[str, Any]:
        from strongroom.inventory import services as inventory
        from strongroom.inventory.models import AuditFinding

        p = world.plant
        shelf = shelf_create(unit=p.goa, code=f"V{world.n()}")
        crate = stored_crate(p.goa, shelf, p.manager) if with_crate else None
        audit = inventory.audit_open(actor=p.storehead, scope_id=shelf.pk)
        if stage in ("DONE", "RECONCILING"):
            audit = inventory.audit_shelf_done(
                actor=p.storehead, audit_id=audit.pk, shelf_id=shelf.pk
            )
        if stage == "RECONCILING":
            audit = inventory.audit_count_complete(
                actor=p.storehead, audit_id=audit.pk, version=audit.version
            )
        finding = AuditFinding.objects.filter(audit=audit).first()
        return {
            "pk": audit.pk,
            "version": audit.version,
            "shelf": shelf.pk,
            "shelf_id": shelf.pk,
            "scope": shelf.pk,
            "code": crate.code if crate else "",
            "finding_id": finding.pk if finding else 0,
        }

    return prepare


def _eligible_crate(world: World) -> int:
    ids = _crate(world)
    Crate.objects.filter(pk=ids["pk"]).update(destroy_after=dt.date(2020, 1, 1))
    return int(ids["pk"])


def _new_batch(world: World) -> dict[str, Any]:
    return {"unit": world.plant.goa.pk, "crate": _eligible_crate(world)}


def _rule_draft(world: World) -> dict[str, Any]:
    from strongroom.records.services.retention import retention_rule_draft
    from strongroom.records.tests.factories import DocumentTypeFactory

    rule = retention_rule_draft(
        actor=world.plant.manager,
        code=f"LOG-{world.n()}",
        data={
            "title": "Logbooks",
            "doc_type": DocumentTypeFactory(code="LOG", name="Logbook"),
            "unit": world.plant.goa,
            "trigger": "PREPARED",
            "period_years": 7,
            "action": "DESTROY",
            "citation": "21 CFR 211.182",
        },
    )
    return {"pk": rule.pk, "version": rule.version}


def _expiry(world: World) -> dict[str, Any]:
    from strongroom.records.models import RetentionEvent

    RetentionEvent.objects.get_or_create(code="BATCH_EXPIRY", defaults={"name": "Batch expiry"})
    ids = _crate(world)
    document = Document.objects.get(pk=ids["document"])
    return {
        "document": document.pk,
        "number": document.number,
        "csv": f"unit,document_number,event,date\nGOA1,{document.number},BATCH_EXPIRY,2020-01-31\n",
    }


def _recorded_expiry(world: World) -> dict[str, Any]:
    from strongroom.records.services.events import document_events_record

    ids = _expiry(world)
    document_events_record(
        rows=[
            {
                "unit": "GOA1",
                "document_number": ids["number"],
                "event": "BATCH_EXPIRY",
                "date": "2020-01-31",
            }
        ],
        source="MANUAL",
        actor=world.plant.manager,
    )
    event = DocumentEvent.objects.get(document_id=ids["document"])
    return {"pk": event.pk, "version": event.version}


def _integration_token(world: World) -> dict[str, Any]:
    from strongroom.accounts.service_tokens import service_token_create

    ids = _expiry(world)
    _, secret = service_token_create(
        actor=world.sysadmin,
        name=f"LIMS {world.n()}",
        units=[world.plant.goa],
        scopes=["document_events:write"],
    )
    return ids | {"secret": secret}


def _service_token(world: World) -> dict[str, Any]:
    from strongroom.accounts.service_tokens import service_token_create

    token, _ = service_token_create(
        actor=world.sysadmin,
        name=f"ERP {world.n()}",
        units=[world.plant.goa],
        scopes=["document_events:write"],
    )
    return {"pk": token.pk}


def _directory_mapping(world: World) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from strongroom.accounts.directory import directory_group_mapping_create

    mapping = directory_group_mapping_create(
        actor=world.sysadmin,
        source="ldap",
        group=f"cn=group{world.n()},ou=groups,dc=example",
        role=Group.objects.get(name=roles.APPROVER),
        units=[world.plant.goa],
    )
    return {"pk": mapping.pk}


def _review(*, flag: bool = False) -> Callable[[World], dict[str, Any]]:
    """A fresh open audit-trail review of GOA1 for a month of its own (``flag``: with one open
    flag to decide)."""

    def prepare(world: World) -> dict[str, Any]:
        from strongroom.review.models import ReviewFlag
        from strongroom.review.services import review_open

        review = review_open(
            actor=world.plant.approver, unit_id=world.plant.goa.pk, period=f"{2000 + world.n()}-01"
        )
        ids: dict[str, Any] = {"pk": review.pk, "version": review.version}
        if flag:
            made = ReviewFlag.objects.create(
                review=review,
                rule="CONFIGURATION_CHANGE",
                key="CONFIGURATION_CHANGE:1",
                summary="role.permissions_change",
                event_ids=[1],
                occurred_at=timezone.now(),
            )
            ids |= {"flag_id": made.pk, "flag_version": made.version}
        return ids

    return prepare


REASON = "Audit completeness check"

WRITES: dict[tuple[str, str], Write] = {
    # --- sessions and passwords
    ("POST", "/api/v1/auth/login/"): Write(
        "anonymous",
        _viewer,
        lambda ids: {"username": ids["username"], "password": TEST_PASSWORD},
        ("auth.login",),
    ),
    ("POST", "/api/v1/auth/logout/"): Write(
        "viewer", _none, lambda ids: {}, ("auth.logout",), status=204
    ),
    ("POST", "/api/v1/auth/change-password/"): Write(
        "viewer",
        _none,
        lambda ids: {"current_password": TEST_PASSWORD, "new_password": "A-newer-passphrase-7"},
        ("user.password_change",),
    ),
    ("POST", "/api/v1/auth/login/two-factor/"): Write(
        "anonymous",
        _enrolled_viewer,
        lambda ids: {"challenge": ids["challenge"], "code": ids["code"]},
        ("auth.login",),
    ),
    ("POST", "/api/v1/auth/two-factor/enrolment/"): Write(
        "viewer", _none, lambda ids: {}, ("user.two_factor_enrolment_start",)
    ),
    ("POST", "/api/v1/auth/two-factor/enrolment/confirm/"): Write(
        "viewer",
        _enrolling_plant_viewer,
        lambda ids: {"code": ids["code"]},
        ("user.two_factor_enable",),
        changes={"two_factor": [False, True]},
    ),
    ("POST", "/api/v1/auth/two-factor/recovery-codes/"): Write(
        "viewer",
        _enrolled_plant_viewer,
        lambda ids: {"code": ids["code"]},
        ("user.two_factor_recovery_codes",),
    ),
    ("POST", "/api/v1/auth/two-factor/disable/"): Write(
        "viewer",
        _enrolled_plant_viewer,
        lambda ids: {"password": TEST_PASSWORD, "code": ids["code"]},
        ("user.two_factor_disable",),
        changes={"two_factor": [True, False]},
        status=204,
    ),
    ("POST", "/api/v1/auth/signing-password/"): Write(
        "viewer",
        lambda world: (
            User.objects.filter(pk=world.plant.viewer.pk).update(auth_source="oidc") and {}
        ),
        lambda ids: {"password": "A-signing-passphrase-9"},
        ("auth.signing_password_set",),
        status=204,
    ),
    # --- people
    ("POST", "/api/v1/users/"): Write(
        "unitadmin",
        lambda world: {"unit": world.plant.goa.pk, "n": world.n()},
        lambda ids: {
            "username": f"goa1-new-{ids['n']}",
            "full_name": "New Person",
            "role": roles.VIEWER,
            "units": [ids["unit"]],
        },
        ("user.create",),
        status=201,
    ),
    ("PUT", "/api/v1/users/{pk}/"): Write(
        "unitadmin",
        _viewer,
        lambda ids: {"full_name": "New Name", "role": roles.VIEWER, "units": [ids["unit"]]},
        ("user.update",),
        changes={"full_name": ["Old Name", "New Name"]},
    ),
    ("PATCH", "/api/v1/users/{pk}/"): Write(
        "unitadmin",
        _viewer,
        lambda ids: {"full_name": "New Name"},
        ("user.update",),
        changes={"full_name": ["Old Name", "New Name"]},
    ),
    ("POST", "/api/v1/users/{pk}/deactivate/"): Write(
        "unitadmin", _viewer, lambda ids: {"reason": REASON}, ("user.deactivate",), reason=REASON
    ),
    ("POST", "/api/v1/users/{pk}/activate/"): Write(
        "unitadmin",
        _inactive_viewer,
        lambda ids: {"reason": REASON},
        ("user.activate",),
        reason=REASON,
    ),
    ("POST", "/api/v1/users/{pk}/reset-password/"): Write(
        "unitadmin",
        _viewer,
        lambda ids: {"reason": REASON},
        ("user.password_reset",),
        reason=REASON,
    ),
    ("POST", "/api/v1/users/{pk}/reset-two-factor/"): Write(
        "sysadmin",
        _enrolled_viewer,
        lambda ids: {"reason": REASON},
        ("user.two_factor_reset",),
        reason=REASON,
    ),
    ("POST", "/api/v1/users/{pk}/unlock/"): Write(
        "unitadmin",
        _locked_viewer,
        lambda ids: {"reason": REASON},
        ("user.unlock",),
        reason=REASON,
    ),
    # --- organisation
    ("POST", "/api/v1/units/"): Write(
        "sysadmin",
        lambda world: {"n": world.n()},
        lambda ids: {"code": f"ADD{ids['n']}", "name": "Added"},
        ("unit.create",),
        status=201,
    ),
    ("PUT", "/api/v1/units/{pk}/"): Write(
        "sysadmin",
        _unit,
        lambda ids: {"code": f"NEW{ids['n']}", "name": "New name"},
        ("unit.update",),
        changes={"name": ["Old name", "New name"]},
    ),
    ("PATCH", "/api/v1/units/{pk}/"): Write(
        "sysadmin",
        _unit,
        lambda ids: {"name": "New name"},
        ("unit.update",),
        changes={"name": ["Old name", "New name"]},
    ),
    ("POST", "/api/v1/departments/"): Write(
        "unitadmin",
        lambda world: {"unit": world.plant.goa.pk, "n": world.n()},
        lambda ids: {"unit": ids["unit"], "code": f"N{ids['n']}", "name": "Added"},
        ("department.create",),
        status=201,
    ),
    ("PUT", "/api/v1/departments/{pk}/"): Write(
        "unitadmin",
        _department,
        lambda ids: {"unit": ids["unit"], "code": ids["code"], "name": "New name"},
        ("department.update",),
        changes={"name": ["Old name", "New name"]},
    ),
    ("PATCH", "/api/v1/departments/{pk}/"): Write(
        "unitadmin",
        _department,
        lambda ids: {"name": "New name"},
        ("department.update",),
        changes={"name": ["Old name", "New name"]},
    ),
    # --- the audit trail itself
    ("POST", "/api/v1/audit-events/verify/"): Write(
        "sysadmin", _none, lambda ids: {}, ("audit.verify",)
    ),
    # --- storage
    ("POST", "/api/v1/locations/"): Write(
        "storehead",
        lambda world: {"unit": world.plant.goa.pk, "n": world.n()},
        lambda ids: {"unit": ids["unit"], "kind": "ROOM", "code": f"R{50 + ids['n']}"},
        ("location.create",),
        status=201,
    ),
    ("PUT", "/api/v1/locations/{pk}/"): Write(
        "storehead",
        _shelf,
        lambda ids: {"version": ids["version"], "capacity": 9},
        ("location.update",),
        changes={"capacity": [4, 9]},
    ),
    ("PATCH", "/api/v1/locations/{pk}/"): Write(
        "storehead",
        _shelf,
        lambda ids: {"version": ids["version"], "capacity": 7},
        ("location.update",),
        changes={"capacity": [4, 7]},
    ),
    ("POST", "/api/v1/locations/{pk}/deactivate/"): Write(
        "storehead",
        _shelf,
        lambda ids: {"version": ids["version"]},
        ("location.deactivate",),
        changes={"is_active": [True, False]},
    ),
    ("POST", "/api/v1/locations/{pk}/activate/"): Write(
        "storehead",
        _inactive_shelf,
        lambda ids: {"version": ids["version"]},
        ("location.activate",),
        changes={"is_active": [False, True]},
    ),
    ("POST", "/api/v1/locations/bulk/"): Write(
        "storehead",
        lambda world: {"unit": world.plant.goa.pk, "n": world.n()},
        lambda ids: {
            "unit": ids["unit"],
            "rooms": 1,
            "racks_per_room": 1,
            "shelves_per_rack": 2,
            "capacity": 3,
            "first_room": 60 + ids["n"],
        },
        ("location.bulk_create",),
        status=201,
    ),
    # --- records
    ("POST", "/api/v1/crates/{pk}/hold/"): Write(
        "unitadmin",
        _crate,
        _signed(REASON),
        ("crate.hold_place", "signature.sign"),
        changes={"legal_hold": [False, True]},
        reason=REASON,
    ),
    ("POST", "/api/v1/crates/{pk}/release-hold/"): Write(
        "unitadmin",
        _held_crate,
        _signed(REASON),
        ("crate.hold_release", "signature.sign"),
        changes={"legal_hold": [True, False]},
        reason=REASON,
    ),
    ("POST", "/api/v1/documents/{pk}/attachments/"): Write(
        "manager",
        _fresh_document,
        lambda ids: {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%completeness")},
        ("attachment.create",),
        status=201,
        format="multipart",
    ),
    # --- requests
    ("POST", "/api/v1/requests/"): Write(
        "manager",
        _pending_crate,
        lambda ids: {"type": "STORAGE", "crate": ids["crate"], "purpose": "Archive", **SIGNED},
        ("request.create", "signature.sign"),
        status=201,
    ),
    ("PATCH", "/api/v1/requests/{pk}/"): Write(
        "manager",
        _request("SENT_BACK", purpose="Old purpose"),
        lambda ids: {"version": ids["version"], "purpose": "New purpose"},
        ("request.update",),
        changes={"purpose": ["Old purpose", "New purpose"]},
    ),
    ("POST", "/api/v1/requests/{pk}/approve/"): Write(
        "approver", _request("SUBMITTED"), _signed(), ("request.approve", "signature.sign")
    ),
    ("POST", "/api/v1/requests/{pk}/reject/"): Write(
        "approver",
        _request("SUBMITTED"),
        _signed(REASON),
        ("request.reject", "signature.sign"),
        reason=REASON,
    ),
    ("POST", "/api/v1/requests/{pk}/send-back/"): Write(
        "approver",
        _request("SUBMITTED"),
        _signed(REASON),
        ("request.send_back", "signature.sign"),
        reason=REASON,
    ),
    ("POST", "/api/v1/requests/{pk}/resubmit/"): Write(
        "manager",
        _request("SENT_BACK"),
        _signed(REASON),
        ("request.resubmit", "signature.sign"),
        reason=REASON,
    ),
    ("POST", "/api/v1/requests/{pk}/cancel/"): Write(
        "manager",
        _request("SUBMITTED"),
        _signed(REASON),
        ("request.cancel", "signature.sign"),
        reason=REASON,
    ),
    ("POST", "/api/v1/requests/{pk}/allocate/"): Write(
        "storehead",
        _request("APPROVED", "STORAGE"),
        _signed(shelf="{shelf}"),
        ("request.allocate", "signature.sign"),
    ),
    ("POST", "/api/v1/requests/{pk}/issue/"): Write(
        "storehead", _request("APPROVED"), _signed(), ("request.issue", "signature.sign")
    ),
    ("POST", "/api/v1/requests/{pk}/receive/"): Write(
        "storehead",
        _request("ISSUED"),
        _signed(shelf="{shelf}"),
        ("request.receive", "signature.sign"),
    ),
    ("POST", "/api/v1/requests/{pk}/transfer/"): Write(
        "storehead",
        _request("APPROVED", "TRANSFER"),
        _signed(),
        ("request.transfer", "signature.sign"),
    ),
    ("POST", "/api/v1/requests/{pk}/destroy/"): Write(
        "storehead",
        _request("APPROVED", "DESTRUCTION"),
        _signed(witness={"username": "goa1-approver2", "password": TEST_PASSWORD}),
        ("request.destroy", "signature.sign", "signature.sign"),
        witness="approver2",
    ),
    # --- destruction batches
    ("POST", "/api/v1/destruction-batches/"): Write(
        "manager",
        _new_batch,
        lambda ids: {"unit": ids["unit"], "crates": [ids["crate"]]},
        ("batch.create",),
        status=201,
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/items/"): Write(
        "manager",
        _batch("DRAFT"),
        lambda ids: {"version": ids["version"], "crates": [ids["free_crate"]]},
        ("batch.items_add",),
    ),
    ("DELETE", "/api/v1/destruction-batches/{pk}/items/"): Write(
        "manager",
        _batch("DRAFT"),
        lambda ids: {"version": ids["version"], "items": [ids["item_id"]]},
        ("batch.items_remove",),
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/submit/"): Write(
        "manager",
        _batch("DRAFT"),
        _signed(),
        ("batch.submit", "signature.sign"),
        changes={"status": ["DRAFT", "SUBMITTED"]},
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/send-back/"): Write(
        "approver",
        _batch("SUBMITTED"),
        _signed(REASON),
        ("batch.send_back", "signature.sign"),
        changes={"status": ["SUBMITTED", "DRAFT"]},
        reason=REASON,
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/approve/"): Write(
        "approver",
        _batch("SUBMITTED"),
        _signed(),
        ("batch.approve", "signature.sign"),
        changes={"status": ["SUBMITTED", "APPROVED"]},
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/cancel/"): Write(
        "manager",
        _batch("SUBMITTED"),
        _signed(REASON),
        ("batch.cancel", "signature.sign"),
        changes={"status": ["SUBMITTED", "CANCELLED"]},
        reason=REASON,
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/complete/"): Write(
        "storehead",
        _batch("APPROVED", done=True),
        _signed(),
        ("batch.complete", "signature.sign"),
        changes={"status": ["APPROVED", "COMPLETED"]},
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/items/{item_id}/destroy/"): Write(
        "storehead",
        _batch("APPROVED"),
        lambda ids: {
            "version": ids["version"],
            "scanned_code": ids["code"],
            **SIGNED,
            "witness": {"username": "goa1-approver2", "password": TEST_PASSWORD},
        },
        ("batch.item_destroy", "signature.sign", "signature.sign"),
        changes={"state": ["PENDING", "DESTROYED"], "status": ["APPROVED", "IN_PROGRESS"]},
        witness="approver2",
    ),
    ("POST", "/api/v1/destruction-batches/{pk}/items/{item_id}/not-found/"): Write(
        "storehead",
        _batch("APPROVED"),
        lambda ids: {"version": ids["version"], "reason": REASON},
        ("batch.item_not_found",),
        changes={"state": ["PENDING", "NOT_FOUND"]},
    ),
    # --- inventory audits
    ("POST", "/api/v1/inventory-audits/"): Write(
        "storehead",
        _shelf,
        lambda ids: {"scope": ids["pk"], "note": "Cycle count"},
        ("inventory_audit.open",),
        changes={"status": [None, "OPEN"]},
        status=201,
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/scans/"): Write(
        "storehead",
        _inventory("OPEN"),
        lambda ids: {"shelf": ids["shelf"], "code": ids["code"], "client_key": "k-1"},
        ("inventory_audit.scan",),
        changes={"result": [None, "FOUND"], "status": ["OPEN", "IN_PROGRESS"]},
        status=201,
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/shelves/{shelf_id}/done/"): Write(
        "storehead",
        _inventory("OPEN"),
        lambda ids: {},
        ("inventory_audit.shelf_done",),
        changes={"expected": [None, 1], "scanned": [None, 0]},
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/shelves/{shelf_id}/reopen/"): Write(
        "storehead",
        _inventory("DONE"),
        lambda ids: {"reason": REASON},
        ("inventory_audit.shelf_reopen",),
        changes={"done": [True, False]},
        reason=REASON,
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/count-complete/"): Write(
        "storehead",
        _inventory("DONE"),
        lambda ids: {"version": ids["version"]},
        ("inventory_audit.count_complete",),
        changes={"status": ["IN_PROGRESS", "RECONCILING"]},
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/findings/{finding_id}/reconcile/"): Write(
        "storehead",
        _inventory("RECONCILING"),
        lambda ids: {"version": ids["version"], "action": "MARK_MISSING", "note": REASON, **SIGNED},
        ("inventory_audit.reconcile", "signature.sign", "crate.mark_missing"),
        changes={"resolution": [None, "MARKED_MISSING"]},
        reason=REASON,
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/close/"): Write(
        "storehead",
        _inventory("RECONCILING", with_crate=False),
        _signed(),
        ("inventory_audit.close", "signature.sign"),
        changes={"status": ["RECONCILING", "CLOSED"], "shelves_verified": [None, 1]},
    ),
    ("POST", "/api/v1/inventory-audits/{pk}/cancel/"): Write(
        "storehead",
        _inventory("OPEN"),
        _signed(REASON),
        ("inventory_audit.cancel", "signature.sign"),
        changes={"status": ["OPEN", "CANCELLED"]},
        reason=REASON,
    ),
    # --- retention schedule, event dates, service tokens
    ("POST", "/api/v1/retention-rules/"): Write(
        "manager",
        _none,
        lambda ids: {
            "code": "RPT-7Y",
            "title": "Reports",
            "doc_type": DocumentTypeFactory(code="RPT", name="Report").pk,
            "trigger": "PREPARED",
            "period_years": 7,
            "action": "DESTROY",
            "citation": "EU GMP Ch. 4",
        },
        ("retention_rule.create",),
        changes={"code": [None, "RPT-7Y"]},
        status=201,
    ),
    ("PATCH", "/api/v1/retention-rules/{pk}/"): Write(
        "manager",
        _rule_draft,
        lambda ids: {"version": ids["version"], "period_years": 10},
        ("retention_rule.update",),
        changes={"period_years": [7, 10]},
    ),
    ("POST", "/api/v1/retention-rules/{pk}/approve/"): Write(
        "approver",
        _rule_draft,
        _signed(),
        ("retention_rule.approve", "signature.sign"),
        changes={"status": ["DRAFT", "APPROVED"]},
    ),
    ("POST", "/api/v1/retention-rules/{pk}/discard/"): Write(
        "manager",
        _rule_draft,
        lambda ids: {"version": ids["version"], "reason": REASON},
        ("retention_rule.discard",),
        changes={"status": ["DRAFT", "DISCARDED"]},
        reason=REASON,
    ),
    ("POST", "/api/v1/document-events/"): Write(
        "manager",
        _expiry,
        lambda ids: {"document": ids["document"], "event": "BATCH_EXPIRY", "date": "2020-01-31"},
        ("document_event.create",),
        changes={"date": [None, "2020-01-31"]},
        status=201,
    ),
    ("PATCH", "/api/v1/document-events/{pk}/"): Write(
        "manager",
        _recorded_expiry,
        lambda ids: {"version": ids["version"], "date": "2021-01-31"},
        ("document_event.update",),
        changes={"date": ["2020-01-31", "2021-01-31"]},
    ),
    ("POST", "/api/v1/document-events/import/"): Write(
        "manager",
        _expiry,
        lambda ids: {"file": SimpleUploadedFile("events.csv", ids["csv"].encode())},
        ("document_event.create",),
        changes={"date": [None, "2020-01-31"]},
        status=201,
        format="multipart",
    ),
    ("POST", "/api/v1/integrations/document-events/"): Write(
        "service_token",
        _integration_token,
        lambda ids: {
            "events": [
                {
                    "unit": "GOA1",
                    "document_number": ids["number"],
                    "event": "BATCH_EXPIRY",
                    "date": "2020-01-31",
                }
            ]
        },
        ("document_event.create", "service_token.use"),
        changes={"date": [None, "2020-01-31"]},
        status=201,
    ),
    ("POST", "/api/v1/service-tokens/"): Write(
        "sysadmin",
        _none,
        lambda ids: {
            "name": "LIMS",
            "units": [Unit.objects.get(code="GOA1").pk],
            "scopes": ["document_events:write"],
        },
        ("service_token.create",),
        changes={"name": [None, "LIMS"]},
        status=201,
    ),
    ("POST", "/api/v1/service-tokens/{pk}/revoke/"): Write(
        "sysadmin",
        _service_token,
        lambda ids: {"reason": REASON},
        ("service_token.revoke",),
        reason=REASON,
    ),
    # --- directory group mappings
    ("POST", "/api/v1/directory-group-mappings/"): Write(
        "sysadmin",
        _none,
        lambda ids: {
            "group": "cn=qa,ou=groups,dc=example",
            "role": roles.APPROVER,
            "units": [Unit.objects.get(code="GOA1").pk],
        },
        ("directory_group_mapping.create",),
        changes={"group": [None, "cn=qa,ou=groups,dc=example"]},
        status=201,
    ),
    ("PUT", "/api/v1/directory-group-mappings/{pk}/"): Write(
        "sysadmin",
        _directory_mapping,
        lambda ids: {
            "group": "cn=renamed,ou=groups,dc=example",
            "role": roles.VIEWER,
            "units": [Unit.objects.get(code="GOA1").pk],
        },
        ("directory_group_mapping.update",),
        changes={"role": [roles.APPROVER, roles.VIEWER]},
    ),
    ("PATCH", "/api/v1/directory-group-mappings/{pk}/"): Write(
        "sysadmin",
        _directory_mapping,
        lambda ids: {"role": roles.VIEWER},
        ("directory_group_mapping.update",),
        changes={"role": [roles.APPROVER, roles.VIEWER]},
    ),
    ("DELETE", "/api/v1/directory-group-mappings/{pk}/"): Write(
        "sysadmin",
        _directory_mapping,
        lambda ids: {},
        ("directory_group_mapping.delete",),
        changes={"role": [roles.APPROVER, None]},
        status=204,
    ),
    # --- audit-trail review
    ("POST", "/api/v1/audit-reviews/"): Write(
        "approver",
        _none,
        lambda ids: {"unit": Unit.objects.get(code="GOA1").pk, "period": "2001-02"},
        ("audit_review.open",),
        changes={"period": [None, "2001-02"], "status": [None, "OPEN"]},
        status=201,
    ),
    ("POST", "/api/v1/audit-reviews/{pk}/refresh/"): Write(
        "approver",
        _review(),
        lambda ids: {"version": ids["version"]},
        ("audit_review.refresh",),
        changes={"version": [1, 2]},
    ),
    ("POST", "/api/v1/audit-reviews/{pk}/flags/{flag_id}/decide/"): Write(
        "approver",
        _review(flag=True),
        lambda ids: {"version": ids["flag_version"], "decision": "FINDING", "comment": REASON},
        ("audit_review.flag_finding",),
        changes={"state": ["OPEN", "FINDING"], "comment": [None, REASON]},
        reason=REASON,
    ),
    ("POST", "/api/v1/audit-reviews/{pk}/sign/"): Write(
        "unitadmin",
        _review(),
        _signed(),
        ("audit_review.sign", "signature.sign"),
        changes={"status": ["OPEN", "SIGNED"]},
    ),
}


@pytest.mark.compliance("11.10(e)", "A11-9")
def test_every_write_operation_is_covered() -> None:
    """Every write operation of the API is in the audited table or listed as changing nothing."""
    operations = write_operations()
    assert len(operations) >= len(WRITES)  # the enumeration found the API
    missing = sorted(operations - WRITES.keys() - NOT_AUDITED.keys())
    assert missing == [], f"write operations with no audit-completeness case: {missing}"
    stale = sorted((WRITES.keys() | NOT_AUDITED.keys()) - operations)
    assert stale == [], f"cases for operations that no longer exist: {stale}"
    assert not WRITES.keys() & NOT_AUDITED.keys()


@pytest.mark.parametrize("operation", sorted(WRITES), ids=lambda op: f"{op[0]} {op[1]}")
@pytest.mark.compliance("11.10(e)", "A11-9", "A11-12.4")
def test_each_write_operation_adds_its_audit_events(
    operation: tuple[str, str], request: pytest.FixtureRequest, api_client_for: Any
) -> None:
    """Each write operation adds exactly its documented audit events, by the caller, at UTC now,
    with old and new values for an update and the reason where one is required."""
    method, path = operation
    write = WRITES[operation]
    site: Plant = request.getfixturevalue("plant")
    world = World(plant=site, sysadmin=UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    if write.actor in ("anonymous", "service_token"):
        client, actor = APIClient(), None
    else:
        actor = world.sysadmin if write.actor == "sysadmin" else getattr(site, write.actor)
        client = api_client_for(actor)
    ids = write.prepare(world)
    if write.actor == "service_token":  # a system, not a person: the events name the token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {ids['secret']}")
    body = write.body(ids)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    before = timezone.now()

    response = getattr(client, method.lower())(path.format(**ids), body, format=write.format)

    after = timezone.now()
    assert response.status_code == write.status, response.content
    events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert sorted(e.action for e in events) == sorted(write.actions), [
        (e.action, e.changes) for e in events
    ]
    if write.actor == "service_token":  # no person: each event names the token
        assert all(e.actor_id is None and e.actor_username == "" for e in events)
        assert all(e.changes.get("service_token", e.changes.get("name")) for e in events)
    else:
        if actor is None:  # a login: the event is the user's own
            actor = User.objects.get(username=ids["username"])
        witness = getattr(site, write.witness) if write.witness else None
        expected_actors = [actor.pk] * (len(events) - bool(witness)) + (
            [witness.pk] if witness else []
        )
        assert sorted(e.actor_id for e in events) == sorted(expected_actors)
    for event in events:
        if event.actor_id is not None:
            assert event.actor_username == User.objects.get(pk=event.actor_id).username
        assert event.at.utcoffset() == dt.timedelta(0), event.at
        assert before <= event.at <= after
        assert event.request_id, event.action  # tied to the HTTP request that caused it
    main = next(e for e in events if e.action == write.actions[0])
    for name, old_new in write.changes.items():
        assert main.changes.get(name) == old_new, main.changes
    if write.reason:
        assert main.reason == write.reason


def test_a_write_operation_missing_from_the_table_is_caught() -> None:
    """The coverage check is not vacuous: removing one case leaves its operation uncovered."""
    operations = write_operations()
    dropped = ("POST", "/api/v1/requests/{pk}/approve/")
    assert dropped in operations
    covered = (WRITES.keys() - {dropped}) | NOT_AUDITED.keys()
    assert sorted(operations - covered) == [dropped]
