"""Every role against every storage, records and reports endpoint: the allowed set must be
exactly the matrix of PRODUCT.md §1 "Roles".

"Allowed" means the call succeeded (2xx: each call carries valid data for a fresh object), not
merely that it got past the permission check; "refused" means exactly 403. Each role acts inside
its own unit (GOA1); scoping has its own tests.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from strongroom.accounts import roles
from strongroom.accounts.service_tokens import service_token_create
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.core.testing import Endpoint, permission_mismatches
from strongroom.records.models import Crate, DocumentEvent, RetentionEvent
from strongroom.records.services.attachments import attachment_create
from strongroom.records.services.retention import retention_rule_draft
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create

SA, UA, DM, AP, SH, VW = (
    roles.SYSTEM_ADMINISTRATOR,
    roles.UNIT_ADMIN,
    roles.DOCUMENT_MANAGER,
    roles.APPROVER,
    roles.STORE_HEAD,
    roles.VIEWER,
)
EVERYONE = frozenset(roles.ROLES)
MANAGE_LOCATIONS = frozenset({SA, UA, SH})
LEGAL_HOLD = frozenset({SA, UA})
PRINT_LABELS = frozenset({SA, UA, DM, SH})
DRAFT_RULES = frozenset({UA, DM})
RECORD_EVENTS = frozenset({UA, DM})
SIGNED = {"signature": {"password": TEST_PASSWORD}, "reason": "Litigation", "version": 1}

ENDPOINTS = [
    # storage
    Endpoint("get", "/api/v1/locations/", EVERYONE),
    Endpoint("get", "/api/v1/locations/tree/", EVERYONE),
    Endpoint("get", "/api/v1/locations/{shelf}/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/locations/",
        MANAGE_LOCATIONS,
        {"unit": "{unit}", "kind": "ROOM", "code": "{room}"},
    ),
    Endpoint("patch", "/api/v1/locations/{shelf}/", MANAGE_LOCATIONS, {"version": 1, "name": "N"}),
    Endpoint("put", "/api/v1/locations/{shelf}/", MANAGE_LOCATIONS, {"version": 1, "capacity": 9}),
    Endpoint(
        "post", "/api/v1/locations/{empty_shelf}/deactivate/", MANAGE_LOCATIONS, {"version": 1}
    ),
    Endpoint("post", "/api/v1/locations/{shelf}/activate/", MANAGE_LOCATIONS, {"version": 1}),
    Endpoint(
        "post",
        "/api/v1/locations/bulk/",
        MANAGE_LOCATIONS,
        {
            "unit": "{unit}",
            "rooms": 1,
            "racks_per_room": 1,
            "shelves_per_rack": 1,
            "capacity": 1,
            "first_room": "{room_number}",
        },
    ),
    # records
    Endpoint("get", "/api/v1/crates/", EVERYONE),
    Endpoint("get", "/api/v1/crates/{crate}/", EVERYONE),
    Endpoint("get", "/api/v1/crates/lookup/?code={crate_code}", EVERYONE),
    Endpoint("post", "/api/v1/crates/{crate}/hold/", LEGAL_HOLD, SIGNED),
    Endpoint("post", "/api/v1/crates/{held_crate}/release-hold/", LEGAL_HOLD, SIGNED),
    Endpoint("get", "/api/v1/crates/{crate}/label.pdf", PRINT_LABELS),
    Endpoint("post", "/api/v1/crates/labels/", PRINT_LABELS, {"crates": ["{crate}"]}),
    Endpoint("get", "/api/v1/documents/", EVERYONE),
    Endpoint("get", "/api/v1/documents/{document}/", EVERYONE),
    Endpoint("get", "/api/v1/documents/{document}/attachments/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/documents/{document}/attachments/",
        frozenset({DM}),
        lambda ids: {"file": SimpleUploadedFile(f"new{ids['shelf']}.pdf", b"%PDF-1.4\n%new")},
        format="multipart",
    ),
    Endpoint("get", "/api/v1/attachments/{attachment}/download/", EVERYONE),
    # retention forecast
    Endpoint("get", "/api/v1/retention/forecast/", EVERYONE),
    Endpoint("get", "/api/v1/retention/forecast.csv", EVERYONE),
    Endpoint("get", "/api/v1/retention/eligible-crates/", EVERYONE),
    # retention schedule, event dates, service tokens
    Endpoint("get", "/api/v1/retention-events/", EVERYONE),
    Endpoint("get", "/api/v1/retention-rules/", EVERYONE),
    Endpoint("get", "/api/v1/retention-rules/{rule}/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/retention-rules/",
        DRAFT_RULES,
        {
            "code": "{rule_code}",
            "title": "Batch records",
            "doc_type": "{doc_type}",
            "unit": "{unit}",
            "trigger": "EVENT",
            "event": "{event}",
            "period_years": 1,
            "action": "DESTROY",
            "citation": "21 CFR 211.180(a)",
        },
    ),
    Endpoint(
        "patch", "/api/v1/retention-rules/{rule}/", DRAFT_RULES, {"version": 1, "period_years": 2}
    ),
    Endpoint(
        "post",
        "/api/v1/retention-rules/{rule}/discard/",
        DRAFT_RULES,
        {"version": 1, "reason": "Wrong period"},
    ),
    Endpoint(
        "post",
        "/api/v1/retention-rules/{rule}/approve/",
        frozenset({AP}),
        {"version": 1, "signature": {"password": TEST_PASSWORD}},
    ),
    Endpoint("get", "/api/v1/document-events/", EVERYONE),
    Endpoint("get", "/api/v1/document-events/{document_event}/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/document-events/",
        RECORD_EVENTS,
        {"document": "{document}", "event": "BATCH_EXPIRY", "date": "2020-01-31"},
    ),
    Endpoint(
        "patch",
        "/api/v1/document-events/{document_event}/",
        RECORD_EVENTS,
        {"version": 1, "date": "2021-01-31"},
    ),
    Endpoint(
        "post",
        "/api/v1/document-events/import/",
        RECORD_EVENTS,
        lambda ids: {
            "file": SimpleUploadedFile(
                "events.csv",
                f"document_number,event,date\n{ids['document_number']},BATCH_EXPIRY,2020-01-31\n".encode(),
            )
        },
        format="multipart",
    ),
    Endpoint("get", "/api/v1/service-tokens/", frozenset({SA})),
    Endpoint(
        "post",
        "/api/v1/service-tokens/",
        frozenset({SA}),
        {"name": "{rule_code}", "units": ["{unit}"], "scopes": ["document_events:write"]},
    ),
    Endpoint(
        "post", "/api/v1/service-tokens/{token}/revoke/", frozenset({SA}), {"reason": "Rotated"}
    ),
    # reports
    Endpoint("get", "/api/v1/reports/dashboard/", EVERYONE),
    Endpoint("get", "/api/v1/reports/inventory/", EVERYONE),
    Endpoint("get", "/api/v1/reports/inventory/?format=csv", EVERYONE),
    Endpoint("get", "/api/v1/reports/overdue/", EVERYONE),
    Endpoint("get", "/api/v1/reports/destruction-schedule/", EVERYONE),
    Endpoint("get", "/api/v1/reports/activity/", EVERYONE),
    Endpoint("get", "/api/v1/reports/activity/?format=csv", EVERYONE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.compliance("11.10(g)", "A11-12.1")
def test_every_role_against_every_endpoint(
    role: str, roles_synced: None, units: Any, api_client_for: Callable[..., Any]
) -> None:
    goa = units[0]
    caller = UserFactory(role_name=role, units=[] if role == SA else [goa])
    uploader = UserFactory(role_name=DM, units=[goa])
    counter = itertools.count(1)
    event = RetentionEvent.objects.create(code="BATCH_EXPIRY", name="Batch expiry")

    def ids() -> dict[str, Any]:
        n = next(counter)
        shelf = shelf_create(unit=goa, code=f"S{n}", capacity=5)
        crate = CrateFactory(unit=goa, status=Crate.Status.IN_STORAGE, location=shelf)
        held = CrateFactory(
            unit=goa,
            status=Crate.Status.IN_STORAGE,
            location=shelf,
            legal_hold=True,
            legal_hold_reason="Audit",
            legal_hold_by=uploader,
            legal_hold_at=crate.created_at,
        )
        document = DocumentFactory(crate=crate)
        attachment = attachment_create(
            actor=uploader,
            document=document,
            upload=SimpleUploadedFile(f"scan{n}.pdf", b"%PDF-1.4\n%" + str(n).encode()),
        )
        rule = retention_rule_draft(
            actor=uploader,
            code=f"BMR-{n}",
            data={
                "title": "Batch records",
                "doc_type": document.doc_type,
                "unit": goa,
                "trigger": "EVENT",
                "event": event,
                "period_years": 1,
                "action": "DESTROY",
                "citation": "21 CFR 211.180(a)",
            },
        )
        other = DocumentFactory(crate=crate)
        recorded = DocumentEvent.objects.create(
            document=other, event=event, date=dt.date(2020, 1, 31), recorded_by=uploader
        )
        token, _ = service_token_create(
            actor=uploader, name=f"T{n}", units=[goa], scopes=["document_events:write"]
        )
        return {
            "rule": rule.pk,
            "rule_code": f"NEW-{n}",
            "doc_type": document.doc_type_id,
            "event": event.pk,
            "document_number": document.number,
            "document_event": recorded.pk,
            "token": token.pk,
            "unit": goa.pk,
            "shelf": shelf.pk,
            "empty_shelf": shelf_create(unit=goa, code=f"E{n}", capacity=5).pk,
            "room": f"R{50 + n}",
            "room_number": 20 + n,
            "crate": crate.pk,
            "crate_code": crate.code,
            "held_crate": held.pk,
            "document": document.pk,
            "attachment": attachment.pk,
        }

    mismatches = permission_mismatches(api_client_for(caller), ENDPOINTS, role, ids)
    assert mismatches == [], f"{role}: {mismatches}"
