"""21 CFR 11.200(a): the identification components of every signature.

The first signature of a continuous session takes the user ID and the password, later ones the
password; the session breaks after the idle time or with a new sign-in. Every signed endpoint
(found in the OpenAPI schema: each operation whose body has a ``signature``) refuses a missing,
wrong or borrowed component and changes nothing. A destruction's witness must have an account
that may sign, and a wrong witness password is audited as the executor's, naming the witness.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory as HttpRequestFactory
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_verify
from strongroom.compliance.signing_session import signing_session_touch
from strongroom.core.errors import ApplicationError
from strongroom.disposition.models import DestructionBatch
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, create, withdrawal
from strongroom.requests.tests.test_workflow_api import destruction

pytestmark = pytest.mark.django_db

STATUS = "/api/v1/auth/signing-session/"
OTHER_PASSWORD = "another-users-Passw0rd"


def _post(client: Any, path: str, body: dict[str, Any], signature: dict[str, str]) -> Any:
    return client.post(path, {**body, "signature": signature}, format="json")


def _error(response: Any) -> tuple[int, str, dict[str, Any]]:
    error = response.json().get("error", {})
    return response.status_code, error.get("code", ""), error.get("details") or {}


def _unchanged() -> tuple[Any, ...]:
    """What a refused signature must leave as it was: every request and crate (status, version,
    hold, place), the signatures, and the audit trail apart from ``signature.failed``."""
    return (
        list(Request.objects.order_by("pk").values_list("pk", "status", "version")),
        list(
            Crate.objects.order_by("pk").values_list(
                "pk", "status", "version", "legal_hold", "location_id"
            )
        ),
        Signature.objects.count(),
        list(AuditEvent.objects.exclude(action="signature.failed").values_list("pk", flat=True)),
        list(DestructionBatch.objects.order_by("pk").values_list("pk", "status", "version")),
    )


# --- The session rule -----------------------------------------------------------------------


@pytest.mark.compliance("11.200(a)")
def test_the_first_signature_of_a_session_takes_the_user_id(
    plant: Plant, api_client_for: Any
) -> None:
    """First signature: without the user ID 400, with another user's 403 (audited, counted),
    with one's own (any case) accepted; the next one takes the password alone."""
    client = api_client_for(plant.approver, signed_before=False)
    status = client.get(STATUS).json()
    assert status == {"username_required": True, "expires_at": None, "idle_minutes": 30}
    body = withdrawal(plant)
    path = f"/api/v1/requests/{body['id']}/approve/"
    before = _unchanged()

    missing = _post(client, path, {"version": body["version"]}, {"password": TEST_PASSWORD})
    assert _error(missing) == (
        400,
        "signature_username_required",
        {"signature": {"username": ["Required."]}},
    )
    borrowed = _post(
        client,
        path,
        {"version": body["version"]},
        {"password": TEST_PASSWORD, "username": plant.approver2.username},
    )
    assert _error(borrowed) == (
        403,
        "signature_invalid",
        {"signature": {"username": ["Not your user ID."]}},
    )
    assert _unchanged() == before
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.actor == plant.approver
    assert failed.object_id == str(body["id"])
    assert failed.reason == "wrong_username"
    assert failed.changes["username"] == [None, plant.approver2.username]
    assert AccessAttempt.objects.get(username=plant.approver.username).failures_since_start == 1
    assert client.get(STATUS).json()["username_required"] is True

    signed = _post(
        client,
        path,
        {"version": body["version"]},
        {"password": TEST_PASSWORD, "username": plant.approver.username.upper()},
    )
    assert signed.status_code == 200, signed.content
    status = client.get(STATUS).json()
    assert status["username_required"] is False
    expires = dt.datetime.fromisoformat(status["expires_at"])
    assert abs((expires - timezone.now()) - dt.timedelta(minutes=30)) < dt.timedelta(minutes=1)

    second = act(client, signed.json(), "send-back", reason="Wrong crate")
    assert second.status_code == 200, second.content
    assert second.json()["status"] == "SENT_BACK"


@pytest.mark.compliance("11.200(a)")
def test_the_session_breaks_after_the_idle_time(
    plant: Plant, api_client_for: Any, settings: Any
) -> None:
    settings.STRONGROOM_SIGNING_SESSION_IDLE_MINUTES = 5
    client = api_client_for(plant.approver)
    body = withdrawal(plant)
    now = timezone.now()

    signing_session_touch(session_id=client.session_id, at=now - dt.timedelta(minutes=4))
    assert client.get(STATUS).json()["username_required"] is False
    signing_session_touch(session_id=client.session_id, at=now - dt.timedelta(minutes=5, seconds=1))
    assert client.get(STATUS).json() == {
        "username_required": True,
        "expires_at": None,
        "idle_minutes": 5,
    }
    before = _unchanged()
    idle = act(client, body, "approve")
    assert _error(idle)[:2] == (400, "signature_username_required")
    assert _unchanged() == before
    signed = _post(
        client,
        f"/api/v1/requests/{body['id']}/approve/",
        {"version": body["version"]},
        {"password": TEST_PASSWORD, "username": plant.approver.username},
    )
    assert signed.status_code == 200, signed.content
    assert client.get(STATUS).json()["username_required"] is False

    settings.STRONGROOM_SIGNING_SESSION_IDLE_MINUTES = 0  # every signature takes both
    assert client.get(STATUS).json()["username_required"] is True


@pytest.mark.compliance("11.200(a)")
def test_a_new_sign_in_starts_a_new_session(plant: Plant, api_client_for: Any) -> None:
    old = api_client_for(plant.approver)
    body = withdrawal(plant)
    body = act(old, body, "approve").json()
    assert body["status"] == "APPROVED"

    login = APIClient().post(
        "/api/v1/auth/login/",
        {"username": plant.approver.username, "password": TEST_PASSWORD},
        format="json",
    )
    assert login.status_code == 200, login.content
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert new.get(STATUS).json()["username_required"] is True
    before = _unchanged()
    refused = act(new, body, "send-back", reason="Wrong crate")
    assert _error(refused)[:2] == (400, "signature_username_required")
    assert _unchanged() == before
    path = f"/api/v1/requests/{body['id']}/send-back/"
    signed = _post(
        new,
        path,
        {"version": body["version"], "reason": "Wrong crate"},
        {"password": TEST_PASSWORD, "username": plant.approver.username},
    )
    assert signed.status_code == 200, signed.content


@pytest.mark.compliance("11.200(a)")
def test_a_signature_without_a_session_always_takes_the_user_id(plant: Plant) -> None:
    """Services called outside a signed-in request (commands, scripts) have no session to
    continue: the user ID is required every time."""
    http = HttpRequestFactory().post("/")
    with pytest.raises(ApplicationError) as refused:
        signature_verify(
            http_request=http,
            signer=plant.approver,
            password=TEST_PASSWORD,
            meaning="APPROVED",  # type: ignore[arg-type]
            object_type="request",
            object_id=1,
        )
    assert refused.value.code == "signature_username_required"
    signature_verify(
        http_request=http,
        signer=plant.approver,
        password=TEST_PASSWORD,
        username=plant.approver.username,
        meaning="APPROVED",  # type: ignore[arg-type]
        object_type="request",
        object_id=1,
    )


# --- Every signed endpoint ------------------------------------------------------------------


@dataclass
class Target:
    """A signed action ready to be taken: who signs, where, and the body without signature."""

    signer: str
    path: str
    body: dict[str, Any] = field(default_factory=dict)


def _transition(action: str, signer: str, prepare: Callable[[Plant], dict[str, Any]], **extra: Any):  # type: ignore[no-untyped-def]
    def build(plant: Plant) -> Target:
        request = prepare(plant)
        return Target(
            signer,
            f"/api/v1/requests/{request['id']}/{action}/",
            {"version": request["version"], "reason": "Signed on purpose", **extra},
        )

    return build


def _approved(plant: Plant) -> dict[str, Any]:
    return act(plant.client("approver"), withdrawal(plant), "approve").json()


def _issued(plant: Plant) -> dict[str, Any]:
    return act(plant.client("storehead"), _approved(plant), "issue").json()


def _sent_back(plant: Plant) -> dict[str, Any]:
    return act(plant.client("approver"), withdrawal(plant), "send-back", reason="Fix it").json()


def _approved_storage(plant: Plant) -> dict[str, Any]:
    pending = CrateFactory(unit=plant.goa, created_by=plant.manager)
    body = create(
        plant.client("manager"), type="STORAGE", crate=pending.pk, purpose="Archive"
    ).json()
    return act(plant.client("approver"), body, "approve").json()


def _approved_transfer(plant: Plant) -> dict[str, Any]:
    body = create(
        plant.client("manager"),
        type="TRANSFER",
        crate=plant.crate.pk,
        purpose="Consolidate",
        target_location=plant.shelf2.pk,
    ).json()
    return act(plant.client("approver"), body, "approve").json()


def _create(plant: Plant) -> Target:
    return Target(
        "manager",
        "/api/v1/requests/",
        {
            "type": "WITHDRAWAL",
            "crate": plant.crate.pk,
            "purpose": "Deviation investigation",
            "expected_return_on": str(timezone.localdate() + dt.timedelta(days=7)),
        },
    )


def _hold(plant: Plant) -> Target:
    return Target(
        "unitadmin",
        f"/api/v1/crates/{plant.crate.pk}/hold/",
        {"version": plant.crate.version, "reason": "Inquiry"},
    )


def _release(plant: Plant) -> Target:
    held = _post(
        plant.client("unitadmin"),
        f"/api/v1/crates/{plant.crate.pk}/hold/",
        {"version": plant.crate.version, "reason": "Inquiry"},
        {"password": TEST_PASSWORD},
    ).json()
    return Target(
        "unitadmin",
        f"/api/v1/crates/{plant.crate.pk}/release-hold/",
        {"version": held["version"], "reason": "Inquiry closed"},
    )


def _rule_approve(plant: Plant) -> Target:
    from strongroom.records.services.retention import retention_rule_draft
    from strongroom.records.tests.factories import DocumentTypeFactory

    rule = retention_rule_draft(
        actor=plant.manager,
        code="LOG-7Y",
        data={
            "title": "Logbooks",
            "doc_type": DocumentTypeFactory(code="LOG", name="Logbook"),
            "unit": plant.goa,  # the approver's unit (a rule of every unit needs every unit's)
            "trigger": "PREPARED",
            "period_years": 7,
            "action": "DESTROY",
            "citation": "21 CFR 211.182",
        },
    )
    return Target(
        "approver", f"/api/v1/retention-rules/{rule.pk}/approve/", {"version": rule.version}
    )


def _review_sign(plant: Plant) -> Target:
    """An open audit-trail review of GOA1 with no flag left open."""
    from strongroom.review.services import review_open

    review = review_open(actor=plant.approver, unit_id=plant.goa.pk, period="2001-01")
    return Target(
        "approver", f"/api/v1/audit-reviews/{review.pk}/sign/", {"version": review.version}
    )


WITNESS = {"username": "goa1-approver2", "password": TEST_PASSWORD}


def _batch(action: str, signer: str, status: str, **extra: Any):  # type: ignore[no-untyped-def]
    """A destruction batch of one eligible crate, prepared by the manager, in ``status``
    (``APPROVED_DONE``: approved, its crate marked not found, ready to complete)."""

    def build(plant: Plant) -> Target:
        from strongroom.disposition.models import BatchItem
        from strongroom.disposition.services import CrateSelection, batch_create

        Crate.objects.filter(pk=plant.crate.pk).update(destroy_after=dt.date(2020, 1, 1))
        batch = batch_create(
            actor=plant.manager,
            unit_id=plant.goa.pk,
            selection=CrateSelection(crate_ids=[plant.crate.pk]),
        )
        now = timezone.now()
        fields: dict[str, Any] = {"status": status.removesuffix("_DONE")}
        if status.startswith("APPROVED"):
            fields |= {"approved_by": plant.approver, "approved_at": now}
        DestructionBatch.objects.filter(pk=batch.pk).update(**fields)
        item = BatchItem.objects.get(batch=batch)
        if status.endswith("_DONE"):
            BatchItem.objects.filter(pk=item.pk).update(
                state="NOT_FOUND", reason_code="not_found", reason="Gone", resolved_at=now,
                resolved_by=plant.storehead,
            )  # fmt: skip
        path = f"/api/v1/destruction-batches/{batch.pk}/{action.format(item=item.pk)}/"
        body = {"version": batch.version, "reason": "Signed on purpose", **extra}
        if "scanned_code" in body:
            body["scanned_code"] = plant.crate.code
        return Target(signer, path, body)

    return build


def _inventory(path: str, stage: str, **extra: Any):  # type: ignore[no-untyped-def]
    """An inventory audit by the Store Head: OPEN over plant.crate's shelf, or RECONCILING
    (counted: the crate a MISSING finding; ``empty``: over an empty shelf, nothing to
    reconcile)."""

    def build(plant: Plant) -> Target:
        from strongroom.inventory import services as inventory

        shelf_id = plant.shelf2.pk if stage == "EMPTY" else plant.shelf.pk
        audit = inventory.audit_open(actor=plant.storehead, scope_id=shelf_id)
        if stage != "OPEN":
            audit = inventory.audit_shelf_done(
                actor=plant.storehead, audit_id=audit.pk, shelf_id=shelf_id
            )
            audit = inventory.audit_count_complete(
                actor=plant.storehead, audit_id=audit.pk, version=audit.version
            )
        finding = audit.findings.first()
        where = path.format(finding=finding.pk if finding else 0)
        return Target(
            "storehead",
            f"/api/v1/inventory-audits/{audit.pk}/{where}",
            {"version": audit.version, **extra},
        )

    return build


_BATCHES = "/api/v1/destruction-batches/{id}"
_AUDITS = "/api/v1/inventory-audits/{id}"

# Every operation whose request body carries a signature, with how to bring a record to it.
# test_every_signed_endpoint_is_listed fails when the schema has one that is not listed here.
SIGNED_OPERATIONS: dict[str, Callable[[Plant], Target]] = {
    "POST /api/v1/requests/": _create,
    "POST /api/v1/requests/{id}/approve/": _transition("approve", "approver", withdrawal),
    "POST /api/v1/requests/{id}/reject/": _transition("reject", "approver", withdrawal),
    "POST /api/v1/requests/{id}/send-back/": _transition("send-back", "approver", withdrawal),
    "POST /api/v1/requests/{id}/cancel/": _transition("cancel", "manager", withdrawal),
    "POST /api/v1/requests/{id}/resubmit/": _transition("resubmit", "manager", _sent_back),
    "POST /api/v1/requests/{id}/allocate/": _transition(
        "allocate", "storehead", _approved_storage, shelf=None
    ),
    "POST /api/v1/requests/{id}/issue/": _transition("issue", "storehead", _approved),
    "POST /api/v1/requests/{id}/receive/": _transition("receive", "storehead", _issued),
    "POST /api/v1/requests/{id}/transfer/": _transition(
        "transfer", "storehead", _approved_transfer
    ),
    "POST /api/v1/requests/{id}/destroy/": _transition(
        "destroy", "storehead", destruction, witness=WITNESS
    ),
    "POST /api/v1/crates/{id}/hold/": _hold,
    "POST /api/v1/crates/{id}/release-hold/": _release,
    f"POST {_BATCHES}/submit/": _batch("submit", "manager", "DRAFT"),
    f"POST {_BATCHES}/send-back/": _batch("send-back", "approver", "SUBMITTED"),
    f"POST {_BATCHES}/approve/": _batch("approve", "approver", "SUBMITTED"),
    f"POST {_BATCHES}/cancel/": _batch("cancel", "manager", "SUBMITTED"),
    f"POST {_BATCHES}/complete/": _batch("complete", "storehead", "APPROVED_DONE"),
    f"POST {_BATCHES}/items/{{item_id}}/destroy/": _batch(
        "items/{item}/destroy", "storehead", "APPROVED", scanned_code="", witness=WITNESS
    ),
    "POST /api/v1/retention-rules/{id}/approve/": _rule_approve,
    "POST /api/v1/audit-reviews/{id}/sign/": _review_sign,
    f"POST {_AUDITS}/findings/{{finding_id}}/reconcile/": _inventory(
        "findings/{finding}/reconcile/", "RECONCILING", action="MARK_MISSING", note="Not found"
    ),
    f"POST {_AUDITS}/close/": _inventory("close/", "EMPTY"),
    f"POST {_AUDITS}/cancel/": _inventory("cancel/", "OPEN", reason="Restart the count"),
}


def _signed_operations_in_schema() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                name = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
                if "signature" in components.get(name, {}).get("properties", {}):
                    found.add(f"{method.upper()} {path}")
    return found


@pytest.mark.compliance("11.200(a)")
def test_every_signed_endpoint_is_listed() -> None:
    """The per-endpoint proof below covers every operation that takes a signature."""
    assert _signed_operations_in_schema() == set(SIGNED_OPERATIONS)


@pytest.mark.compliance("11.200(a)", "11.300(d)")
@pytest.mark.parametrize("operation", sorted(SIGNED_OPERATIONS))
def test_every_signed_action_refuses_a_missing_wrong_or_borrowed_component(
    plant: Plant, api_client_for: Any, operation: str
) -> None:
    """Missing, wrong and another user's password; in a session's first signature a missing or
    another user's ID: refused with the code on the field, audited when a component was wrong,
    and nothing changed. Then the right components sign."""
    target = SIGNED_OPERATIONS[operation](plant)
    if target.body.get("shelf", 0) is None:
        target.body["shelf"] = plant.shelf.pk
    signer: User = getattr(plant, target.signer)
    other = plant.viewer
    other.set_password(OTHER_PASSWORD)
    other.save(update_fields=["password"])
    continuing = api_client_for(signer)
    first = api_client_for(signer, signed_before=False)
    own, mine = signer.username, TEST_PASSWORD
    cases = [
        (continuing, {"password": ""}, 400, "signature_required", "password"),
        (continuing, {"password": "not-my-password"}, 403, "signature_invalid", "password"),
        (continuing, {"password": OTHER_PASSWORD}, 403, "signature_invalid", "password"),
        (first, {"password": mine}, 400, "signature_username_required", "username"),
        (
            first,
            {"username": other.username, "password": mine},
            403,
            "signature_invalid",
            "username",
        ),
        (
            first,
            {"username": other.username, "password": OTHER_PASSWORD},
            403,
            "signature_invalid",
            "username",
        ),
    ]
    before = _unchanged()
    for client, signature, status, code, on in cases:
        response = _post(client, target.path, target.body, signature)
        got_status, got_code, details = _error(response)
        assert (got_status, got_code) == (status, code), (signature, response.content)
        assert on in details["signature"], details
        assert _unchanged() == before, signature
    failed = AuditEvent.objects.filter(action="signature.failed")
    assert failed.count() == 4  # one fewer than locks the account
    assert set(failed.values_list("actor", flat=True)) == {signer.pk}
    assert first.get(STATUS).json()["username_required"] is True

    done = _post(first, target.path, target.body, {"username": own, "password": mine})
    assert done.status_code in (200, 201), done.content
    assert _unchanged() != before
    assert Signature.objects.count() > before[2]


# --- The witness of a destruction -----------------------------------------------------------


def _deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=timezone.now())


def _lock(user: User) -> None:
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/login/",
            {"username": user.username, "password": "not-their-password"},
            format="json",
        )


def _must_change(user: User) -> None:
    User.objects.filter(pk=user.pk).update(must_change_password=True)


def _expire(user: User) -> None:
    days = settings.STRONGROOM_PASSWORD_EXPIRY_DAYS + 1
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.mark.compliance("11.200(a)", "11.300(b)")
@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_deactivate, "witness_inactive"),
        (_lock, "witness_locked"),
        (_must_change, "witness_password_change_required"),
        (_expire, "witness_password_expired"),
    ],
    ids=["inactive", "locked", "must-change-password", "password-expired"],
)
def test_a_witness_whose_account_may_not_sign_is_refused(
    plant: Plant, make: Callable[[User], None], code: str
) -> None:
    body = destruction(plant)
    make(plant.approver2)
    before = _unchanged()
    response = act(plant.client("storehead"), body, "destroy", witness=WITNESS)
    status, got, details = _error(response)
    assert (status, got) == (403, code), response.content
    assert "username" in details["witness"]
    assert _unchanged() == before


@pytest.mark.compliance("11.200(a)", "11.10(e)")
def test_a_wrong_witness_password_is_audited_with_both_people(plant: Plant) -> None:
    body = destruction(plant)
    before = _unchanged()
    response = act(
        plant.client("storehead"),
        body,
        "destroy",
        witness={"username": "goa1-approver2", "password": "not-her-password"},
    )
    assert _error(response) == (
        403,
        "witness_signature_invalid",
        {"witness": {"password": ["Wrong password."]}},
    )
    assert _unchanged() == before
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.actor == plant.storehead
    assert failed.changes["signer"] == [None, plant.approver2.username]
    assert failed.changes["meaning"] == [None, "WITNESSED"]
    assert failed.object_type == "request"
    assert failed.object_id == str(body["id"])
    assert AccessAttempt.objects.get(username=plant.approver2.username).failures_since_start == 1
