"""Security tests, part 2: unit scope (IDOR). A user of MUM1 never reads, changes or learns of
an object of GOA1: every object endpoint answers 404 (403 where the role may not call it at
all), changes nothing and writes no audit event; lists and reports filtered on GOA1 come back
empty; and bodies that name GOA1 objects are refused, each with the one answer of
accounts/scope.py (404 for the object a request is about, a field error for a unit or a target
chosen in a field).

The object endpoints are taken from the OpenAPI schema (every operation with ``{id}`` in its
path), so an endpoint added later is covered without touching this file, or fails here until
``GOA1_OBJECTS`` says which GOA1 object it acts on. Each call is also made by the same role in
GOA1 (the control, rolled back): it must reach the object, so a 404 for MUM1 means "outside
your units", not "broken request".
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.models import model_to_dict
from drf_spectacular.generators import SchemaGenerator

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.tests.test_security import PDF, UNIT_ROLES, World, world_build
from strongroom.records.models import Crate
from strongroom.requests.models import Request
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db

# Collections of master data every role reads whatever its units: no unit scope to test.
GLOBAL = {
    "roles": "the six roles, the same for everyone",
    "document-types": "the master list of document types, shared by all units",
    "retention-events": "the master list of retention events, shared by all units",
    "directory-group-mappings": "the directory group mapping of the whole site (System "
    "Administrators only; every unit role is refused)",
}


@pytest.fixture
def world(roles_synced: None, units: tuple[Unit, Unit]) -> World:
    return world_build(units)


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def object_endpoints() -> list[tuple[str, str]]:
    return [(method, path) for method, path in schema_operations() if "{id}" in path]


def goa1_objects(world: World) -> dict[str, Any]:
    """The GOA1 object each collection's object endpoints act on (by path; the collection's
    first entry is the default)."""
    goa = world.goa
    return {
        "users": goa.people["target"],
        "units": goa.unit,
        "departments": goa.department,
        "locations": goa.spare_shelf,
        "crates": goa.free_crate,
        "crates/{id}/release-hold/": goa.held_crate,
        "documents": goa.document,
        "attachments": goa.attachment,
        "requests": goa.withdrawal,
        "requests/{id}/certificate.pdf": goa.destruction,
        "destruction-batches": goa.batch,
        "audit-events": goa.audit_event,
        "signatures": goa.signature,
        "retention-rules": _goa1_rule(world),
        "document-events": _goa1_document_event(world),
        "service-tokens": _goa1_service_token(world),
        "audit-reviews": _goa1_review(world),
        "inventory-audits": _goa1_inventory_audit(world),
    }


def _goa1_inventory_audit(world: World) -> Any:
    """An inventory audit of the shelf of GOA1's crate, counted (RECONCILING: its crate is a
    finding), by GOA1's Store Head."""
    from strongroom.inventory.models import InventoryAudit
    from strongroom.inventory.services import (
        audit_count_complete,
        audit_open,
        audit_shelf_done,
    )

    shelf_id = world.goa.crate.location_id
    existing = InventoryAudit.objects.filter(scope_id=shelf_id).first()
    if existing is not None:
        return existing
    storehead = world.goa.user(roles.STORE_HEAD)
    audit = audit_open(actor=storehead, scope_id=shelf_id)
    audit = audit_shelf_done(actor=storehead, audit_id=audit.pk, shelf_id=shelf_id)
    return audit_count_complete(actor=storehead, audit_id=audit.pk, version=audit.version)


def _goa1_rule(world: World) -> Any:
    """A draft retention rule scoped to GOA1 (drafted by its Unit Admin)."""
    from strongroom.records.models import RetentionRule
    from strongroom.records.services.retention import retention_rule_draft

    existing = RetentionRule.objects.filter(code="GOA1-LOG").first()
    if existing is not None:
        return existing
    return retention_rule_draft(
        actor=world.goa.user(roles.UNIT_ADMIN),
        code="GOA1-LOG",
        data={
            "title": "GOA1 logbooks",
            "doc_type": world.doc_type,
            "unit": world.goa.unit,
            "trigger": "PREPARED",
            "period_years": 7,
            "action": "DESTROY",
            "citation": "Site policy",
        },
    )


def _goa1_document_event(world: World) -> Any:
    from strongroom.records.models import DocumentEvent, RetentionEvent

    event, _ = RetentionEvent.objects.get_or_create(
        code="BATCH_EXPIRY", defaults={"name": "Batch expiry"}
    )
    recorded, _ = DocumentEvent.objects.get_or_create(
        document=world.goa.document,
        event=event,
        defaults={"date": "2020-01-31", "recorded_by": world.goa.user(roles.DOCUMENT_MANAGER)},
    )
    return recorded


def _goa1_service_token(world: World) -> Any:
    from strongroom.accounts.models import ServiceToken
    from strongroom.accounts.service_tokens import service_token_create

    existing = ServiceToken.objects.filter(name="GOA1 LIMS").first()
    if existing is not None:
        return existing
    token, _ = service_token_create(
        actor=world.sysadmin,
        name="GOA1 LIMS",
        units=[world.goa.unit],
        scopes=["document_events:write"],
    )
    return token


def _goa1_review(world: World) -> Any:
    """An open audit-trail review of GOA1 (opened by its Approver) with one open flag."""
    from django.utils import timezone

    from strongroom.review.models import AuditReview, ReviewFlag
    from strongroom.review.services import review_open

    existing = AuditReview.objects.filter(unit=world.goa.unit, period_start__year=2001).first()
    if existing is not None:
        return existing
    review = review_open(
        actor=world.goa.user(roles.APPROVER), unit_id=world.goa.unit.pk, period="2001-01"
    )
    ReviewFlag.objects.create(
        review=review,
        rule="CONFIGURATION_CHANGE",
        key="CONFIGURATION_CHANGE:probe",
        summary="A probe's flag",
        event_ids=[world.goa.audit_event.pk],
        occurred_at=timezone.now(),
    )
    return review


def _target(world: World, path: str) -> Any:
    objects = goa1_objects(world)
    relative = path.removeprefix("/api/v1/")
    collection = relative.split("/")[0]
    found = objects.get(relative, objects.get(collection))
    assert found is not None, f"{path}: say which GOA1 object it acts on in goa1_objects()"
    return found


def _body(world: World, target: Any) -> dict[str, Any]:
    """A body that would succeed for the object's own unit: every field any object action
    reads (DRF ignores the ones an action does not)."""
    return {
        "version": getattr(target, "version", 1),
        "signature": {"password": TEST_PASSWORD},
        "reason": "Scope probe",
        "name": "Renamed by a probe",
        "full_name": "Renamed by a probe",
        "email": "probe@example.com",
        "code": "PRB",
        "capacity": 7,
        "purpose": "Changed by a probe",
        "witness": {
            "username": world.goa.people["approver2"].username,
            "password": TEST_PASSWORD,
        },
    }


def _call(client: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    if path.endswith("/attachments/") and method == "POST":
        upload = SimpleUploadedFile("scan.pdf", PDF + b"probe", content_type="application/pdf")
        return client.post(path, {"file": upload}, format="multipart")
    if method == "GET":
        return client.get(path)
    return getattr(client, method.lower())(path, body, format="json")


class _Rollback(Exception):  # noqa: N818 (control flow)
    pass


def _rolled_back(call: Callable[[], Any]) -> Any:
    """``call()`` inside a savepoint that is then rolled back."""
    result: list[Any] = []
    try:
        with transaction.atomic():
            result.append(call())
            raise _Rollback
    except _Rollback:
        pass
    return result[0]


def _snapshot(target: Any) -> Any:
    fresh = type(target)._default_manager.filter(pk=target.pk).first()
    row = model_to_dict(fresh) if fresh is not None else None
    if isinstance(fresh, User):
        row = {**(row or {}), "session_epoch": fresh.session_epoch, "password": fresh.password}
    return (
        json.dumps(row, default=str, sort_keys=True),
        AuditEvent.objects.count(),
        Signature.objects.count(),
    )


def test_object_endpoints_are_found_in_the_schema() -> None:
    endpoints = object_endpoints()
    assert len(endpoints) >= 40, endpoints
    assert ("POST", "/api/v1/requests/{id}/approve/") in endpoints
    assert ("GET", "/api/v1/attachments/{id}/download/") in endpoints


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_a_mum1_user_gets_404_on_every_goa1_object_endpoint(world: World, role: str) -> None:
    mum_client = world.client(world.mum.user(role))
    goa_client = world.client(world.goa.user(role))
    refused_by_scope: list[tuple[str, str]] = []
    for method, template in object_endpoints():
        collection = template.removeprefix("/api/v1/").split("/")[0]
        if collection in GLOBAL:
            continue
        target = _target(world, template)
        path = template.replace("{id}", str(target.pk))
        if "{item_id}" in path:  # an item of the batch
            path = path.replace("{item_id}", str(target.items.order_by("pk")[0].pk))
        if "{flag_id}" in path:  # a flag of the review
            path = path.replace("{flag_id}", str(target.flags.order_by("pk")[0].pk))
        if "{shelf_id}" in path:  # a shelf of the inventory audit
            path = path.replace("{shelf_id}", str(target.shelves.order_by("pk")[0].shelf_id))
        if "{finding_id}" in path:  # a finding of the inventory audit
            path = path.replace("{finding_id}", str(target.findings.order_by("pk")[0].pk))
        body = _body(world, target)

        def probe(
            method: str = method,
            path: str = path,
            body: dict[str, Any] = body,
            target: Any = target,
        ) -> Any:
            before = _snapshot(target)
            response = _call(mum_client, method, path, body)
            return response, before, _snapshot(target)

        response, before, after = _rolled_back(probe)
        label = f"{role} of MUM1: {method} {path}"
        assert response.status_code in (403, 404), (label, response.status_code, response.content)
        assert response["Content-Type"] == "application/json", label
        assert "error" in response.json(), label
        assert after == before, f"{label} changed something"
        control = _rolled_back(
            lambda method=method, path=path, body=body: _call(goa_client, method, path, body)
        )
        if control.status_code == 403 and control.json()["error"]["code"] == "permission_denied":
            # The role may not do this at all: the MUM1 twin must not learn more than that.
            assert response.status_code == 403 or response.json()["error"]["code"] == "not_found"
            continue
        assert response.status_code == 404, (label, response.content)
        assert response.json()["error"]["code"] == "not_found", (label, response.content)
        control_code = control.json()["error"]["code"] if control.status_code >= 400 else ""
        assert control_code != "not_found", f"control: {role} of GOA1 could not reach {path}"
        refused_by_scope.append((method, template))
    # Every role that reads records was refused by scope (not only by permission) somewhere.
    assert len(refused_by_scope) >= 8, refused_by_scope


def _text(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def _goa1_markers(world: World) -> set[str]:
    goa = world.goa
    return {
        goa.crate.code,
        goa.free_crate.code,
        goa.document.number,
        goa.withdrawal.number,
        goa.destruction.number,
        goa.shelf.full_code,
        goa.people["target"].username,
        goa.attachment.sha256,
    }


def _list_paths(world: World) -> Iterator[str]:
    goa = world.goa.unit.pk
    for method, path in schema_operations():
        if method != "GET" or "{id}" in path or path.endswith("/schema/"):
            continue
        if path.endswith(".pdf"):
            # Compressed text: the coverage PDF reads the rows coverage/ serves (JSON and CSV,
            # below).
            continue
        yield path
        yield f"{path}?unit={goa}"
        if path.startswith("/api/v1/reports/") and not path.endswith("dashboard/"):
            yield f"{path}?unit={goa}&format=csv"
        if path.startswith("/api/v1/audit-events/") or path.endswith("/audit-reviews/coverage/"):
            yield f"{path}?unit={goa}&format=csv"
    yield "/api/v1/events/?after=0"
    yield f"/api/v1/locations/tree/?unit={goa}&include_inactive=true"
    yield f"/api/v1/crates/lookup/?code={world.goa.crate.code}"
    yield f"/api/v1/documents/?search={world.goa.document.number}"
    yield f"/api/v1/requests/?search={world.goa.withdrawal.number}"
    yield f"/api/v1/users/?units={goa}"


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_lists_reports_and_exports_never_show_a_mum1_user_goa1_records(
    world: World, role: str
) -> None:
    client = world.client(world.mum.user(role))
    markers = _goa1_markers(world)
    assert len(markers) == 8
    for path in _list_paths(world):
        response = client.get(path)
        assert response.status_code in (200, 400, 403, 404), (role, path, response.content)
        content = _text(response)
        leaked = {marker for marker in markers if marker in content}
        assert not leaked, f"{role} of MUM1 sees {leaked} in {path}"
        if response.status_code == 200 and "format=csv" not in path:
            assert '"GOA1"' not in content, (role, path)


def test_the_control_a_goa1_user_does_see_those_records(world: World) -> None:
    """The markers are real: GOA1's own Viewer finds them in the same lists."""
    client = world.client(world.goa.user(roles.VIEWER))
    seen = "".join(_text(client.get(path)) for path in _list_paths(world))
    missing = {marker for marker in _goa1_markers(world) if marker not in seen}
    assert missing <= {world.goa.people["target"].username}  # a Viewer does not list users


def test_bodies_naming_goa1_objects_are_refused(world: World) -> None:
    goa, mum = world.goa, world.mum
    manager = world.client(mum.user(roles.DOCUMENT_MANAGER))
    admin = world.client(mum.user(roles.UNIT_ADMIN))
    store = world.client(mum.user(roles.STORE_HEAD))
    before = (
        Request.objects.count(),
        Location.objects.count(),
        Department.objects.count(),
        User.objects.count(),
    )
    signature = {"password": TEST_PASSWORD}
    refused = {
        "labels for a GOA1 crate": manager.post(
            "/api/v1/crates/labels/", {"crates": [goa.crate.pk]}
        ),
        "a withdrawal of a GOA1 crate": manager.post(
            "/api/v1/requests/",
            {
                "type": "WITHDRAWAL",
                "crate": goa.free_crate.pk,
                "purpose": "Probe",
                "expected_return_on": "2099-01-01",
                "signature": signature,
            },
        ),
        "a destruction of a GOA1 crate": manager.post(
            "/api/v1/requests/",
            {
                "type": "DESTRUCTION",
                "crate": goa.free_crate.pk,
                "purpose": "Probe",
                "signature": signature,
            },
        ),
        "a storage request into a GOA1 department": manager.post(
            "/api/v1/requests/",
            {
                "type": "STORAGE",
                "purpose": "Probe",
                "department": goa.department.pk,
                "new_documents": [
                    {
                        "number": "PROBE-1",
                        "title": "Probe",
                        "doc_type": world.doc_type.code,
                        "prepared_on": "2026-01-01",
                        "retention_until": "2030-01-01",
                    }
                ],
                "signature": signature,
            },
        ),
        "a CSV of documents for GOA1": manager.post(
            "/api/v1/requests/documents-csv/",
            {
                "unit": goa.unit.pk,
                "file": SimpleUploadedFile("docs.csv", b"number,title\nX,Y\n", "text/csv"),
            },
            format="multipart",
        ),
        "a room in GOA1": store.post(
            "/api/v1/locations/", {"unit": goa.unit.pk, "kind": "ROOM", "code": "R77"}
        ),
        "a rack under a GOA1 room": store.post(
            "/api/v1/locations/",
            {"unit": mum.unit.pk, "parent": goa.room.pk, "kind": "RACK", "code": "K77"},
        ),
        "a grid in GOA1": store.post(
            "/api/v1/locations/bulk/",
            {
                "unit": goa.unit.pk,
                "rooms": 1,
                "racks_per_room": 1,
                "shelves_per_rack": 1,
                "capacity": 1,
                "first_room": 70,
            },
        ),
        "a department in GOA1": admin.post(
            "/api/v1/departments/", {"unit": goa.unit.pk, "code": "ENG", "name": "Eng"}
        ),
        "moving a MUM1 department to GOA1": admin.patch(
            f"/api/v1/departments/{mum.department.pk}/", {"unit": goa.unit.pk}
        ),
        "a user in GOA1": admin.post(
            "/api/v1/users/",
            {
                "username": "mum1-made-in-goa1",
                "full_name": "Probe",
                "role": roles.VIEWER,
                "units": [goa.unit.pk],
            },
        ),
        "giving a MUM1 user GOA1": admin.patch(
            f"/api/v1/users/{mum.people['target'].pk}/", {"units": [mum.unit.pk, goa.unit.pk]}
        ),
        "marking GOA1 notifications read": world.client(mum.user(roles.APPROVER)).post(
            "/api/v1/notifications/mark-read/",
            {"ids": list(goa.user(roles.APPROVER).notifications.values_list("pk", flat=True))},
        ),
    }
    unit_not_allowed = {
        what: (400, "unit_not_allowed", [field])
        for what, field in (
            ("a CSV of documents for GOA1", "unit"),
            ("a room in GOA1", "unit"),
            ("a grid in GOA1", "unit"),
            ("a department in GOA1", "unit"),
            ("moving a MUM1 department to GOA1", "unit"),
            ("a user in GOA1", "units"),
            ("giving a MUM1 user GOA1", "units"),
        )
    }
    expected = {
        "labels for a GOA1 crate": (404, "crates_not_found", ["crates"]),
        "a withdrawal of a GOA1 crate": (404, "not_found", []),
        "a destruction of a GOA1 crate": (404, "not_found", []),
        "a storage request into a GOA1 department": (400, "invalid_department", ["department"]),
        "a rack under a GOA1 room": (400, "invalid_parent", ["parent"]),
        **unit_not_allowed,
    }
    for what, response in refused.items():
        if what == "marking GOA1 notifications read":
            assert response.status_code == 200
            assert response.json().get("marked") == 0, what
            continue
        # One answer each (accounts/scope.py): the object a request is about, outside your
        # units, is not found; a unit or a target chosen in a field is that field's error.
        error = response.json()["error"]
        assert (response.status_code, error["code"], sorted(error["details"])) == expected[what], (
            what,
            response.content,
        )
    assert (
        Request.objects.count(),
        Location.objects.count(),
        Department.objects.count(),
        User.objects.count(),
    ) == before
    assert mum.department.unit_id == Department.objects.get(pk=mum.department.pk).unit_id
    assert set(mum.people["target"].units.values_list("code", flat=True)) == {"MUM1"}
    assert not goa.user(roles.APPROVER).notifications.filter(read_at__isnull=False).exists()
    # The crate, the held crate, the free crate and the batch's crate: none moved.
    assert Crate.objects.filter(unit=goa.unit, status=Crate.Status.IN_STORAGE).count() == 4
