"""Security tests, part 3: mass assignment. Every writable operation of the schema (POST, PUT,
PATCH) is called twice by a role allowed to make it, on an object in the right state: once with
a valid body, once with the same body plus fields it does not take (``is_superuser``,
``is_staff``, ``role``, ``status``, ``version``, ``created_by``, ``requester``, ``unit``…,
each only where the operation's own request schema does not list it). The extra fields must
be ignored (the database ends up exactly as after the valid body) or refused (a 4xx that
changes nothing). Both calls are rolled back, so each operation meets the same world.

Operations come from the schema: one added later fails here until ``WRITES`` says who calls
it, where and with what.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import Department, ServiceToken, Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.accounts.tokens import session_tokens_issue
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.tests.test_security import PDF, World, client_for, signed, world_build
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.services import CrateSelection, batch_create
from strongroom.inventory.models import InventoryAudit
from strongroom.inventory.services import audit_count_complete, audit_open, audit_shelf_done
from strongroom.notifications.models import Notification
from strongroom.records.models import (
    Attachment,
    Crate,
    Document,
    DocumentEvent,
    RetentionRule,
)
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create
from strongroom.requests.models import Request
from strongroom.review.models import AuditReview, ReviewFlag
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "A-brand-new-passphrase-2026"


@dataclass
class States:
    """GOA1 requests in every state a transition starts from."""

    submitted: Request
    sent_back: Request
    approved_withdrawal: Request
    issued: Request
    approved_storage: Request
    approved_transfer: Request
    approved_destruction: Request
    inactive_shelf: Location
    eligible_crate: Crate  # past its retention, in no batch nor request
    draft_batch: DestructionBatch
    submitted_batch: DestructionBatch
    approved_batch: DestructionBatch
    done_batch: DestructionBatch  # approved, its one crate marked not found
    open_audit: InventoryAudit  # of a shelf with one crate
    counted_shelf_audit: InventoryAudit  # its shelf (one crate, not scanned) completed
    reconciling_audit: InventoryAudit  # counted: its crate a MISSING finding
    closable_audit: InventoryAudit  # counted, of an empty shelf: nothing to reconcile


def _stored_crate(world: World, **fields: Any) -> Crate:
    goa = world.goa
    crate = CrateFactory(
        unit=goa.unit,
        department=goa.department,
        created_by=goa.user(roles.DOCUMENT_MANAGER),
        status=Crate.Status.IN_STORAGE,
        location=goa.shelf,
        last_location=goa.shelf,
        destroy_after=dt.date(2035, 1, 1),
        **fields,
    )
    DocumentFactory(crate=crate, doc_type=world.doc_type, retention_until=crate.destroy_after)
    return crate


def _states(world: World) -> States:
    goa = world.goa
    manager = world.client(goa.user(roles.DOCUMENT_MANAGER))
    approver = world.client(goa.user(roles.APPROVER))
    store = world.client(goa.user(roles.STORE_HEAD))
    signature = {"password": TEST_PASSWORD}
    later = str(timezone.localdate() + dt.timedelta(days=7))

    def request(**body: Any) -> dict[str, Any]:
        response = manager.post(
            "/api/v1/requests/", {"purpose": "Work", **body, "signature": signature}
        )
        assert response.status_code == 201, response.content
        return response.json()

    def act(client: APIClient, body: dict[str, Any], action: str, **extra: Any) -> dict[str, Any]:
        response = client.post(
            f"/api/v1/requests/{body['id']}/{action}/", signed(body["version"], **extra)
        )
        assert response.status_code == 200, response.content
        return response.json()

    def withdrawal() -> dict[str, Any]:
        return request(type="WITHDRAWAL", crate=_stored_crate(world).pk, expected_return_on=later)

    sent_back = act(approver, withdrawal(), "send-back", reason="Say which batch")
    approved_withdrawal = act(approver, withdrawal(), "approve")
    issued = act(store, act(approver, withdrawal(), "approve"), "issue")
    storage = request(
        type="STORAGE",
        department=goa.department.pk,
        description="New records",
        new_documents=[
            {
                "number": "NEW-0001",
                "title": "New batch",
                "doc_type": world.doc_type.code,
                "prepared_on": "2026-01-05",
                "retention_until": "2036-01-01",
            }
        ],
    )
    transfer = request(
        type="TRANSFER", crate=_stored_crate(world).pk, target_location=goa.spare_shelf.pk
    )
    doomed = _stored_crate(world)
    Crate.objects.filter(pk=doomed.pk).update(destroy_after=dt.date(2020, 1, 1))
    destruction = request(type="DESTRUCTION", crate=doomed.pk)
    inactive = Location.objects.create(
        unit=goa.unit, parent=goa.shelf.parent, kind=Location.Kind.SHELF, code="S9", capacity=3
    )
    Location.objects.filter(pk=inactive.pk).update(is_active=False)

    batch_shelf = shelf_create(unit=goa.unit, code="S7", capacity=10)

    def past_retention() -> Crate:
        crate = _stored_crate(world)
        Crate.objects.filter(pk=crate.pk).update(
            destroy_after=dt.date(2020, 1, 1), location=batch_shelf, last_location=batch_shelf
        )
        return crate

    def batch(status: str, *, done: bool = False) -> DestructionBatch:
        crate = past_retention()
        made = batch_create(
            actor=goa.user(DM), unit_id=goa.unit.pk, selection=CrateSelection(crate_ids=[crate.pk])
        )
        now = timezone.now()
        fields: dict[str, Any] = {"status": status}
        if status == "APPROVED":
            fields |= {"approved_by": goa.user(AP), "approved_at": now}
        DestructionBatch.objects.filter(pk=made.pk).update(**fields)
        if done:
            BatchItem.objects.filter(batch=made).update(
                state="NOT_FOUND",
                reason_code="not_found",
                reason="Gone",
                resolved_at=now,
                resolved_by=goa.user(SH),
            )
        return DestructionBatch.objects.get(pk=made.pk)

    def audit(code: str, stage: str, *, with_crate: bool = True) -> InventoryAudit:
        shelf = shelf_create(unit=goa.unit, code=code, capacity=5)
        if with_crate:
            crate = _stored_crate(world)
            Crate.objects.filter(pk=crate.pk).update(location=shelf, last_location=shelf)
        made = audit_open(actor=goa.user(SH), scope_id=shelf.pk)
        if stage != "OPEN":
            made = audit_shelf_done(actor=goa.user(SH), audit_id=made.pk, shelf_id=shelf.pk)
        if stage == "RECONCILING":
            made = audit_count_complete(actor=goa.user(SH), audit_id=made.pk, version=made.version)
        return InventoryAudit.objects.get(pk=made.pk)

    eligible = past_retention()
    return States(
        open_audit=audit("IA1", "OPEN"),
        counted_shelf_audit=audit("IA2", "DONE"),
        reconciling_audit=audit("IA3", "RECONCILING"),
        closable_audit=audit("IA4", "RECONCILING", with_crate=False),
        eligible_crate=Crate.objects.get(pk=eligible.pk),
        draft_batch=batch("DRAFT"),
        submitted_batch=batch("SUBMITTED"),
        approved_batch=batch("APPROVED"),
        done_batch=batch("APPROVED", done=True),
        submitted=goa.withdrawal,
        sent_back=Request.objects.get(pk=sent_back["id"]),
        approved_withdrawal=Request.objects.get(pk=approved_withdrawal["id"]),
        issued=Request.objects.get(pk=issued["id"]),
        approved_storage=Request.objects.get(pk=act(approver, storage, "approve")["id"]),
        approved_transfer=Request.objects.get(pk=act(approver, transfer, "approve")["id"]),
        approved_destruction=Request.objects.get(pk=act(approver, destruction, "approve")["id"]),
        inactive_shelf=Location.objects.get(pk=inactive.pk),
    )


@dataclass(frozen=True)
class Write:
    """Who makes a write, on which object, with which valid body."""

    role: str  # a role of GOA1, or "anonymous" / "own session"
    target: Callable[[World, States], Any]  # the object in {id}, or None
    body: Callable[[World, States, Any], dict[str, Any]]
    multipart: bool = False


def _transition(state: str, role: str, **extra: Any) -> Write:
    return Write(
        role,
        lambda w, s: getattr(s, state),
        lambda w, s, r: signed(r.version, reason="Because", **extra),
    )


UA, DM, AP, SH = roles.UNIT_ADMIN, roles.DOCUMENT_MANAGER, roles.APPROVER, roles.STORE_HEAD


DAY = "2020-01-31"


def _rule_body(world: World) -> dict[str, Any]:
    return {
        "title": "Logbooks",
        "doc_type": world.doc_type.pk,
        "unit": world.goa.unit.pk,
        "trigger": "PREPARED",
        "period_years": 7,
        "action": "DESTROY",
        "citation": "21 CFR 211.182",
    }


def _rule(world: World) -> Any:
    from strongroom.records.services.retention import retention_rule_draft

    data = _rule_body(world) | {"doc_type": world.doc_type, "unit": world.goa.unit}
    return retention_rule_draft(actor=world.goa.user(UA), code="LOG-7Y", data=data)


def _expiry() -> Any:
    from strongroom.records.models import RetentionEvent

    RetentionEvent.objects.get_or_create(code="BATCH_EXPIRY", defaults={"name": "Batch expiry"})
    return None


def _recorded(world: World) -> Any:
    from strongroom.records.models import DocumentEvent, RetentionEvent

    _expiry()
    return DocumentEvent.objects.create(
        document=world.goa.document,
        event=RetentionEvent.objects.get(code="BATCH_EXPIRY"),
        date=dt.date(2020, 1, 31),
        recorded_by=world.goa.user(DM),
    )


def _directory_mapping(world: World) -> Any:
    from django.contrib.auth.models import Group

    from strongroom.accounts.directory import directory_group_mapping_create

    return directory_group_mapping_create(
        actor=world.sysadmin,
        source="ldap",
        group="cn=qa,ou=groups,dc=example",
        role=Group.objects.get(name=roles.APPROVER),
        units=[world.goa.unit],
    )


def _token(world: World) -> Any:
    from strongroom.accounts.service_tokens import service_token_create

    token, _ = service_token_create(
        actor=world.sysadmin, name="ERP", units=[world.goa.unit], scopes=["document_events:write"]
    )
    return token


def _token_secret(world: World) -> str:
    from strongroom.accounts.service_tokens import service_token_create

    _, secret = service_token_create(
        actor=world.sysadmin, name="LIMS", units=[world.goa.unit], scopes=["document_events:write"]
    )
    return secret


def _review(world: World, period: str, *, flag: bool) -> Any:
    """An open audit-trail review of GOA1 for ``period`` (``flag``: with one open flag)."""
    from strongroom.review.models import ReviewFlag
    from strongroom.review.services import review_open

    review = review_open(actor=world.goa.user(AP), unit_id=world.goa.unit.pk, period=period)
    if flag:
        ReviewFlag.objects.create(
            review=review,
            rule="CONFIGURATION_CHANGE",
            key="CONFIGURATION_CHANGE:probe",
            summary="A probe's flag",
            event_ids=[1],
            occurred_at=timezone.now(),
        )
    return review


def _two_factor_on(user: User) -> str:
    """An enrolled authenticator for ``user``; a current code from it."""
    import pyotp

    from strongroom.accounts.models import TwoFactorDevice

    secret = pyotp.random_base32()
    TwoFactorDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return pyotp.TOTP(secret).now()


def _second_step(user: User) -> dict[str, Any]:
    from strongroom.accounts.two_factor import challenge_issue

    code = _two_factor_on(user)
    return {"challenge": challenge_issue(user=user, purpose="verify").challenge, "code": code}


def _reset_body(user: User) -> dict[str, Any]:
    _two_factor_on(user)
    return {"reason": "Lost phone"}


def _enrolling(user: User) -> dict[str, Any]:
    import pyotp

    from strongroom.accounts.two_factor import two_factor_enrolment_start

    return {"code": pyotp.TOTP(two_factor_enrolment_start(user=user).secret).now()}


def _federated(user: User) -> None:
    """The user signs in through the identity provider (inside the rolled-back call)."""
    User.objects.filter(pk=user.pk).update(auth_source="oidc")


WRITES: dict[str, Write] = {
    "POST /api/v1/auth/login/": Write(
        "anonymous",
        lambda w, s: None,
        lambda w, s, t: {"username": w.goa.user(DM).username, "password": TEST_PASSWORD},
    ),
    "POST /api/v1/auth/refresh/": Write(
        "anonymous",
        lambda w, s: None,
        lambda w, s, t: {"refresh": str(session_tokens_issue(w.goa.user(DM)))},
    ),
    "POST /api/v1/auth/logout/": Write("own session", lambda w, s: None, lambda w, s, t: {}),
    "POST /api/v1/auth/login/two-factor/": Write(
        "anonymous", lambda w, s: None, lambda w, s, t: _second_step(w.goa.user(DM))
    ),
    "POST /api/v1/auth/two-factor/enrolment/": Write(DM, lambda w, s: None, lambda w, s, t: {}),
    "POST /api/v1/auth/two-factor/enrolment/confirm/": Write(
        DM, lambda w, s: None, lambda w, s, t: _enrolling(w.goa.user(DM))
    ),
    "POST /api/v1/auth/two-factor/recovery-codes/": Write(
        DM, lambda w, s: None, lambda w, s, t: {"code": _two_factor_on(w.goa.user(DM))}
    ),
    "POST /api/v1/auth/two-factor/disable/": Write(
        DM,
        lambda w, s: None,
        lambda w, s, t: {"password": TEST_PASSWORD, "code": _two_factor_on(w.goa.user(DM))},
    ),
    "POST /api/v1/auth/signing-password/": Write(
        "own session",
        lambda w, s: None,
        lambda w, s, t: _federated(w.goa.user(DM)) or {"password": NEW_PASSWORD},
    ),
    "POST /api/v1/auth/change-password/": Write(
        DM,
        lambda w, s: None,
        lambda w, s, t: {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "POST /api/v1/audit-events/verify/": Write(
        roles.SYSTEM_ADMINISTRATOR, lambda w, s: None, lambda w, s, t: {}
    ),
    "POST /api/v1/crates/{id}/hold/": Write(
        UA,
        lambda w, s: w.goa.free_crate,
        lambda w, s, c: signed(c.version, reason="Litigation"),
    ),
    "POST /api/v1/crates/{id}/release-hold/": Write(
        UA, lambda w, s: w.goa.held_crate, lambda w, s, c: signed(c.version, reason="Settled")
    ),
    "POST /api/v1/crates/labels/": Write(
        DM, lambda w, s: None, lambda w, s, t: {"crates": [w.goa.crate.pk]}
    ),
    "POST /api/v1/departments/": Write(
        UA,
        lambda w, s: None,
        lambda w, s, t: {"unit": w.goa.unit.pk, "code": "ENG", "name": "Engineering"},
    ),
    "PUT /api/v1/departments/{id}/": Write(
        UA,
        lambda w, s: w.goa.department,
        lambda w, s, d: {"unit": w.goa.unit.pk, "code": "QA", "name": "Quality"},
    ),
    "PATCH /api/v1/departments/{id}/": Write(
        UA, lambda w, s: w.goa.department, lambda w, s, d: {"name": "Quality"}
    ),
    "POST /api/v1/documents/{id}/attachments/": Write(
        DM,
        lambda w, s: w.goa.document,
        lambda w, s, d: {
            "file": SimpleUploadedFile("new.pdf", PDF + b"new", content_type="application/pdf")
        },
        multipart=True,
    ),
    "POST /api/v1/locations/": Write(
        SH,
        lambda w, s: None,
        lambda w, s, t: {"unit": w.goa.unit.pk, "kind": "ROOM", "code": "R09"},
    ),
    "PUT /api/v1/locations/{id}/": Write(
        SH,
        lambda w, s: w.goa.spare_shelf,
        lambda w, s, loc: {"version": loc.version, "name": "Spare", "capacity": 12},
    ),
    "PATCH /api/v1/locations/{id}/": Write(
        SH,
        lambda w, s: w.goa.spare_shelf,
        lambda w, s, loc: {"version": loc.version, "name": "Spare"},
    ),
    "POST /api/v1/locations/{id}/deactivate/": Write(
        SH, lambda w, s: w.goa.spare_shelf, lambda w, s, loc: {"version": loc.version}
    ),
    "POST /api/v1/locations/{id}/activate/": Write(
        SH, lambda w, s: s.inactive_shelf, lambda w, s, loc: {"version": loc.version}
    ),
    "POST /api/v1/locations/bulk/": Write(
        SH,
        lambda w, s: None,
        lambda w, s, t: {
            "unit": w.goa.unit.pk,
            "rooms": 1,
            "racks_per_room": 1,
            "shelves_per_rack": 2,
            "capacity": 4,
            "first_room": 40,
        },
    ),
    "POST /api/v1/notifications/mark-read/": Write(AP, lambda w, s: None, lambda w, s, t: {}),
    "POST /api/v1/requests/": Write(
        DM,
        lambda w, s: None,
        lambda w, s, t: {
            "type": "WITHDRAWAL",
            "crate": w.goa.free_crate.pk,
            "purpose": "Audit",
            "expected_return_on": str(timezone.localdate() + dt.timedelta(days=3)),
            "signature": {"password": TEST_PASSWORD},
        },
    ),
    "PATCH /api/v1/requests/{id}/": Write(
        DM,
        lambda w, s: s.sent_back,
        lambda w, s, r: {"version": r.version, "purpose": "Batch 42 only"},
    ),
    "POST /api/v1/requests/documents-csv/": Write(
        DM,
        lambda w, s: None,
        lambda w, s, t: {
            "unit": w.goa.unit.pk,
            "file": SimpleUploadedFile(
                "docs.csv",
                b"number,title,doc_type,prepared_on,retention_until\n"
                b"CSV-1,Batch,BMR,2026-01-01,2036-01-01\n",
                content_type="text/csv",
            ),
        },
        multipart=True,
    ),
    "POST /api/v1/requests/{id}/approve/": _transition("submitted", AP),
    "POST /api/v1/requests/{id}/reject/": _transition("submitted", AP),
    "POST /api/v1/requests/{id}/send-back/": _transition("submitted", AP),
    "POST /api/v1/requests/{id}/cancel/": _transition("submitted", DM),
    "POST /api/v1/requests/{id}/resubmit/": _transition("sent_back", DM),
    "POST /api/v1/requests/{id}/issue/": _transition("approved_withdrawal", SH),
    "POST /api/v1/requests/{id}/receive/": _transition("issued", SH),
    "POST /api/v1/requests/{id}/transfer/": _transition("approved_transfer", SH),
    "POST /api/v1/requests/{id}/allocate/": Write(
        SH,
        lambda w, s: s.approved_storage,
        lambda w, s, r: signed(r.version, shelf=w.goa.spare_shelf.pk),
    ),
    "POST /api/v1/requests/{id}/destroy/": Write(
        SH,
        lambda w, s: s.approved_destruction,
        lambda w, s, r: signed(
            r.version,
            witness={"username": w.goa.people["approver2"].username, "password": TEST_PASSWORD},
        ),
    ),
    "POST /api/v1/destruction-batches/": Write(
        DM,
        lambda w, s: None,
        lambda w, s, t: {"unit": w.goa.unit.pk, "crates": [s.eligible_crate.pk]},
    ),
    "POST /api/v1/destruction-batches/{id}/items/": Write(
        DM,
        lambda w, s: s.draft_batch,
        lambda w, s, b: {"version": b.version, "crates": [s.eligible_crate.pk]},
    ),
    "POST /api/v1/destruction-batches/{id}/submit/": _transition("draft_batch", DM),
    "POST /api/v1/destruction-batches/{id}/cancel/": _transition("draft_batch", DM),
    "POST /api/v1/destruction-batches/{id}/send-back/": _transition("submitted_batch", AP),
    "POST /api/v1/destruction-batches/{id}/approve/": _transition("submitted_batch", AP),
    "POST /api/v1/destruction-batches/{id}/complete/": _transition("done_batch", SH),
    "POST /api/v1/destruction-batches/{id}/items/{item_id}/destroy/": Write(
        SH,
        lambda w, s: s.approved_batch,
        lambda w, s, b: signed(
            b.version,
            scanned_code=b.items.get().crate.code,
            witness={"username": w.goa.people["approver2"].username, "password": TEST_PASSWORD},
        ),
    ),
    "POST /api/v1/destruction-batches/{id}/items/{item_id}/not-found/": Write(
        SH, lambda w, s: s.approved_batch, lambda w, s, b: {"version": b.version, "reason": "Gone"}
    ),
    "POST /api/v1/audit-reviews/": Write(
        AP,
        lambda w, s: None,
        lambda w, s, t: {"unit": w.goa.unit.pk, "period": "2001-03"},
    ),
    "POST /api/v1/audit-reviews/{id}/refresh/": Write(
        AP,
        lambda w, s: _review(w, "2001-04", flag=True),
        lambda w, s, r: {"version": r.version},
    ),
    "POST /api/v1/audit-reviews/{id}/flags/{flag_id}/decide/": Write(
        AP,
        lambda w, s: _review(w, "2001-05", flag=True),
        lambda w, s, r: {
            "version": r.flags.get().version,
            "decision": "ACKNOWLEDGED",
            "comment": "Expected",
        },
    ),
    "POST /api/v1/audit-reviews/{id}/sign/": Write(
        UA, lambda w, s: _review(w, "2001-06", flag=False), lambda w, s, r: signed(r.version)
    ),
    "POST /api/v1/inventory-audits/": Write(
        SH, lambda w, s: None, lambda w, s, t: {"scope": w.goa.spare_shelf.pk, "note": "Count"}
    ),
    "POST /api/v1/inventory-audits/{id}/scans/": Write(
        SH,
        lambda w, s: s.open_audit,
        lambda w, s, a: {"shelf": a.scope_id, "code": a.expectations.get().crate.code},
    ),
    "POST /api/v1/inventory-audits/{id}/shelves/{shelf_id}/done/": Write(
        SH, lambda w, s: s.open_audit, lambda w, s, a: {}
    ),
    "POST /api/v1/inventory-audits/{id}/shelves/{shelf_id}/reopen/": Write(
        SH, lambda w, s: s.counted_shelf_audit, lambda w, s, a: {"reason": "Recount"}
    ),
    "POST /api/v1/inventory-audits/{id}/count-complete/": Write(
        SH, lambda w, s: s.counted_shelf_audit, lambda w, s, a: {"version": a.version}
    ),
    "POST /api/v1/inventory-audits/{id}/findings/{finding_id}/reconcile/": Write(
        SH,
        lambda w, s: s.reconciling_audit,
        lambda w, s, a: signed(a.version, action="MARK_MISSING", note="Not on the shelf"),
    ),
    "POST /api/v1/inventory-audits/{id}/close/": _transition("closable_audit", SH),
    "POST /api/v1/inventory-audits/{id}/cancel/": _transition("open_audit", SH),
    "POST /api/v1/units/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: None,
        lambda w, s, t: {"code": "PUN1", "name": "Pune"},
    ),
    "PUT /api/v1/units/{id}/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: w.goa.unit,
        lambda w, s, u: {"code": "GOA1", "name": "Goa plant"},
    ),
    "PATCH /api/v1/units/{id}/": Write(
        roles.SYSTEM_ADMINISTRATOR, lambda w, s: w.goa.unit, lambda w, s, u: {"name": "Goa"}
    ),
    "POST /api/v1/users/": Write(
        UA,
        lambda w, s: None,
        lambda w, s, t: {
            "username": "goa1-newcomer",
            "full_name": "New Comer",
            "role": roles.VIEWER,
            "units": [w.goa.unit.pk],
        },
    ),
    "PUT /api/v1/users/{id}/": Write(
        UA,
        lambda w, s: w.goa.people["target"],
        lambda w, s, u: {
            "username": u.username,
            "full_name": "Tara Target",
            "role": roles.VIEWER,
            "units": [w.goa.unit.pk],
        },
    ),
    "PATCH /api/v1/users/{id}/": Write(
        UA, lambda w, s: w.goa.people["target"], lambda w, s, u: {"full_name": "Tara Target"}
    ),
    "POST /api/v1/users/{id}/deactivate/": Write(
        UA, lambda w, s: w.goa.people["target"], lambda w, s, u: {"reason": "Left"}
    ),
    "POST /api/v1/users/{id}/activate/": Write(
        UA, lambda w, s: w.goa.people["target"], lambda w, s, u: {"reason": "Back"}
    ),
    "POST /api/v1/users/{id}/reset-password/": Write(
        UA, lambda w, s: w.goa.people["target"], lambda w, s, u: {"reason": "Forgot"}
    ),
    "POST /api/v1/users/{id}/reset-two-factor/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: w.goa.people["target"],
        lambda w, s, u: _reset_body(u),
    ),
    "POST /api/v1/users/{id}/unlock/": Write(
        UA, lambda w, s: w.goa.people["target"], lambda w, s, u: {"reason": "Locked out"}
    ),
    # retention schedule, event dates, service tokens
    "POST /api/v1/retention-rules/": Write(
        DM, lambda w, s: None, lambda w, s, t: _rule_body(w) | {"code": "RPT-7Y"}
    ),
    "PATCH /api/v1/retention-rules/{id}/": Write(
        DM, lambda w, s: _rule(w), lambda w, s, r: {"version": r.version, "title": "Renamed"}
    ),
    "POST /api/v1/retention-rules/{id}/approve/": Write(
        AP, lambda w, s: _rule(w), lambda w, s, r: signed(r.version)
    ),
    "POST /api/v1/retention-rules/{id}/discard/": Write(
        DM, lambda w, s: _rule(w), lambda w, s, r: {"version": r.version, "reason": "Wrong"}
    ),
    "POST /api/v1/document-events/": Write(
        DM,
        lambda w, s: _expiry(),
        lambda w, s, t: {"document": w.goa.document.pk, "event": "BATCH_EXPIRY", "date": DAY},
    ),
    "PATCH /api/v1/document-events/{id}/": Write(
        DM, lambda w, s: _recorded(w), lambda w, s, e: {"version": e.version, "date": "2021-01-31"}
    ),
    "POST /api/v1/document-events/import/": Write(
        DM,
        lambda w, s: _expiry(),
        lambda w, s, t: {
            "file": SimpleUploadedFile(
                "events.csv",
                f"document_number,event,date\n{w.goa.document.number},BATCH_EXPIRY,{DAY}\n".encode(),
            )
        },
        multipart=True,
    ),
    "POST /api/v1/integrations/document-events/": Write(
        "service token",
        lambda w, s: _expiry(),
        lambda w, s, t: {
            "_bearer": _token_secret(w),
            "events": [
                {
                    "unit": w.goa.unit.code,
                    "document_number": w.goa.document.number,
                    "event": "BATCH_EXPIRY",
                    "date": DAY,
                }
            ],
        },
    ),
    "POST /api/v1/service-tokens/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: None,
        lambda w, s, t: {
            "name": "LIMS",
            "units": [w.goa.unit.pk],
            "scopes": ["document_events:write"],
        },
    ),
    "POST /api/v1/service-tokens/{id}/revoke/": Write(
        roles.SYSTEM_ADMINISTRATOR, lambda w, s: _token(w), lambda w, s, t: {"reason": "Rotated"}
    ),
    "POST /api/v1/directory-group-mappings/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: None,
        lambda w, s, t: {
            "group": "cn=qa,dc=example",
            "role": roles.VIEWER,
            "units": [w.goa.unit.pk],
        },
    ),
    "PUT /api/v1/directory-group-mappings/{id}/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: _directory_mapping(w),
        lambda w, s, t: {"group": t.group, "role": roles.VIEWER, "units": [w.goa.unit.pk]},
    ),
    "PATCH /api/v1/directory-group-mappings/{id}/": Write(
        roles.SYSTEM_ADMINISTRATOR,
        lambda w, s: _directory_mapping(w),
        lambda w, s, t: {"role": roles.VIEWER},
    ),
}


def _injected(world: World) -> dict[str, Any]:
    """Fields no write takes, with values that would show if they took effect."""
    victim = world.mum.people["target"]
    return {
        "id": 987654,
        "pk": 987654,
        "role": roles.SYSTEM_ADMINISTRATOR,
        "is_superuser": True,
        "is_staff": True,
        "is_active": False,
        "must_change_password": True,
        "session_epoch": 77,
        "password": "Injected-password-1234",
        "username": "injected-name",
        "status": "COMPLETED",
        "version": 999,
        "number": "REQ-1999-000001",
        "code": "INJ1",
        "full_code": "INJ1/R99",
        "created_by": victim.pk,
        "requester": victim.pk,
        "uploaded_by": victim.pk,
        "signer": victim.pk,
        "actor": victim.pk,
        "recipient": victim.pk,
        "legal_hold_by": victim.pk,
        "unit": world.mum.unit.pk,
        "units": [world.mum.unit.pk],
        "crate": world.mum.crate.pk,
        "document": world.mum.document.pk,
        "location": world.mum.shelf.pk,
        "parent": world.mum.room.pk,
        "legal_hold": True,
        "destroyed_at": "2020-01-01T00:00:00Z",
        "submitted_at": "2020-01-01T00:00:00Z",
        "date_joined": "2020-01-01T00:00:00Z",
        "deactivated_at": "2020-01-01T00:00:00Z",
        "sha256": "0" * 64,
        "hash": "0" * 64,
        "occupancy": 999,
        "is_overdue": True,
        "read_at": "2020-01-01T00:00:00Z",
    }


def _writes_in_schema() -> dict[str, set[str]]:
    """Each writable operation and the properties its request body takes."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found: dict[str, set[str]] = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"post", "put", "patch"}:
                continue
            properties: set[str] = set()
            for media in operation.get("requestBody", {}).get("content", {}).values():
                body = media.get("schema", {})
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[-1]]
                properties |= set(body.get("properties", {}))
            found[f"{method.upper()} {path}"] = properties
    return found


def _state() -> dict[str, Any]:
    """What a write could change, keyed by natural keys (ids of rows made inside a rolled-back
    savepoint differ between runs on PostgreSQL)."""
    return {
        "users": sorted(
            User.objects.values_list(
                "username",
                "role__name",
                "is_superuser",
                "is_staff",
                "is_active",
                "must_change_password",
                "session_epoch",
                "full_name",
                "email",
            )
        ),
        "passwords_changed": sorted(
            User.objects.filter(password_changed_at__isnull=False).values_list(
                "username", flat=True
            )
        ),
        "memberships": sorted(
            User.units.through.objects.values_list("user__username", "unit__code")
        ),
        "units": sorted(Unit.objects.values_list("code", "name", "address", "is_active")),
        "departments": sorted(
            Department.objects.values_list("unit__code", "code", "name", "is_active")
        ),
        "locations": sorted(
            Location.objects.values_list(
                "full_code", "unit__code", "kind", "name", "capacity", "is_active", "version"
            )
        ),
        "crates": sorted(
            Crate.objects.values_list(
                "code",
                "unit__code",
                "status",
                "version",
                "location__full_code",
                "legal_hold",
                "legal_hold_by__username",
                "created_by__username",
            ),
            key=str,
        ),
        "documents": sorted(
            Document.objects.values_list("number", "unit__code", "crate__code", "status"),
            key=str,
        ),
        "attachments": sorted(
            Attachment.objects.values_list("sha256", "document__number", "uploaded_by__username")
        ),
        "inventory_audits": sorted(
            InventoryAudit.objects.values_list(
                "number", "unit__code", "status", "version", "opened_by__username", "note"
            )
        ),
        "batches": sorted(
            DestructionBatch.objects.values_list(
                "number",
                "unit__code",
                "status",
                "version",
                "note",
                "prepared_by__username",
                "approved_by__username",
                "completed_by__username",
            ),
            key=str,
        ),
        "batch_items": sorted(
            BatchItem.objects.values_list(
                "batch__number",
                "crate__code",
                "state",
                "reason",
                "scanned_code",
                "destroyed_by__username",
                "witness__username",
            ),
            key=str,
        ),
        "retention_rules": sorted(
            RetentionRule.objects.values_list(
                "code", "revision", "status", "version", "unit__code", "drafted_by__username"
            ),
            key=str,
        ),
        "document_events": sorted(
            DocumentEvent.objects.values_list(
                "document__number", "event__code", "date", "source", "recorded_by__username"
            ),
            key=str,
        ),
        "service_tokens": sorted(
            ServiceToken.objects.values_list(
                "name", "scopes", "revoked_by__username", "created_by__username"
            ),
            key=str,
        ),
        "requests": sorted(
            Request.objects.values_list(
                "number",
                "type",
                "status",
                "version",
                "unit__code",
                "crate__code",
                "requester__username",
                "witness__username",
                "purpose",
            ),
            key=str,
        ),
        "signatures": sorted(
            Signature.objects.values_list("request__number", "meaning", "signer__username"),
            key=str,
        ),
        "audit": sorted(
            AuditEvent.objects.values_list("action", "actor_username", "object_type"), key=str
        ),
        "notifications": sorted(
            (username, kind, read_at is not None)
            for username, kind, read_at in Notification.objects.values_list(
                "recipient__username", "kind", "read_at"
            )
        ),
        "lockouts": AccessAttempt.objects.count(),
        "reviews": sorted(
            AuditReview.objects.values_list(
                "unit__code",
                "period_start",
                "status",
                "version",
                "opened_by__username",
                "signed_by__username",
            ),
            key=str,
        ),
        "review_flags": sorted(
            ReviewFlag.objects.values_list(
                "review__period_start", "key", "state", "comment", "decided_by__username"
            ),
            key=str,
        ),
    }


class _Rollback(Exception):  # noqa: N818 (control flow)
    pass


def _rolled_back(call: Callable[[], Any]) -> Any:
    result: list[Any] = []
    try:
        with transaction.atomic():
            result.append(call())
            raise _Rollback
    except _Rollback:
        pass
    return result[0]


@pytest.fixture
def world(roles_synced: None, units: tuple[Unit, Unit]) -> World:
    return world_build(units)


# Operations that cannot succeed without the identity provider; their extra fields are tried
# against the test provider in accounts/tests/test_oidc.py
# (test_fields_the_oidc_operations_do_not_take_never_take_effect).
NEEDS_PROVIDER = {"POST /api/v1/auth/oidc/start/", "POST /api/v1/auth/oidc/callback/"}


def test_every_writable_operation_is_listed() -> None:
    assert set(_writes_in_schema()) == set(WRITES) | NEEDS_PROVIDER
    assert not NEEDS_PROVIDER & set(WRITES)


def test_fields_a_write_does_not_take_never_take_effect(world: World) -> None:
    states = _states(world)
    taken = _writes_in_schema()
    injected_values = _injected(world)
    for label, write in WRITES.items():
        method, template = label.split(" ", 1)
        extra = {k: v for k, v in injected_values.items() if k not in taken[label]}
        assert extra, label

        def call(
            body_extra: dict[str, Any],
            write: Write = write,
            template: str = template,
            method: str = method,
        ) -> Any:
            target = write.target(world, states)
            if target is not None:
                target.refresh_from_db()
            path = template.replace("{id}", str(target.pk)) if target is not None else template
            if "{item_id}" in path:  # the batch's item
                path = path.replace("{item_id}", str(target.items.get().pk))
            if "{flag_id}" in path:  # the review's flag
                path = path.replace("{flag_id}", str(target.flags.get().pk))
            if "{shelf_id}" in path:  # the inventory audit's shelf
                path = path.replace("{shelf_id}", str(target.scope_id))
            if "{finding_id}" in path:  # the inventory audit's finding
                path = path.replace("{finding_id}", str(target.findings.get().pk))
            body = {**write.body(world, states, target), **body_extra}
            bearer = body.pop("_bearer", None)
            if write.role == "anonymous":
                client = APIClient()
            elif write.role == "service token":  # a system calling with its token
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
            elif write.role == "own session":
                client = client_for(world.goa.user(DM))
            else:
                client = world.client(world.user(write.role))
            send = getattr(client, method.lower())
            if write.multipart:
                response = send(path, body, format="multipart")
            else:
                response = send(path, body, format="json")
            return response, _state()

        plain, plain_state = _rolled_back(lambda call=call: call({}))
        assert 200 <= plain.status_code < 300, (label, plain.status_code, plain.content)
        tried, tried_state = _rolled_back(lambda call=call, extra=extra: call(extra))
        if 200 <= tried.status_code < 300:
            changed = {k for k in plain_state if plain_state[k] != tried_state[k]}
            assert not changed, f"{label}: extra fields changed {changed}"
            _assert_same_answer(label, plain, tried, extra)
        else:
            assert tried.status_code in (400, 403), (label, tried.content)
            assert "error" in tried.json(), label
    # Nothing of it stayed.
    assert not User.objects.filter(is_superuser=True).exists()


TIMESTAMPS = {"destroyed_at", "submitted_at", "date_joined", "deactivated_at", "read_at"}


def _assert_same_answer(label: str, plain: Any, tried: Any, extra: dict[str, Any]) -> None:
    """The answer to the body with extra fields shows what the plain body's answer shows."""
    if not tried.get("Content-Type", "").startswith("application/json"):
        return
    tried_body, plain_body = tried.json(), plain.json()
    if not isinstance(tried_body, dict):
        return
    for key in ("is_superuser", "is_staff", "session_epoch", "password"):
        assert key not in tried_body, (label, key)
    for key in extra.keys() & tried_body.keys() - {"id", "pk"}:
        if key in TIMESTAMPS:
            assert (tried_body[key] is None) == (plain_body[key] is None), (label, key)
        else:
            assert tried_body[key] == plain_body[key], (label, key, tried_body[key])
