"""Every role against every request endpoint (see strongroom/core/tests/test_permission_matrix.py
for the method). Each call acts on a fresh request in the state the action needs, so that only
the permission decides whether the call gets through."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.core.testing import Endpoint, permission_mismatches
from strongroom.records.models import Crate
from strongroom.records.tests.factories import shelf_create
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, stored_crate
from strongroom.requests.tests.factories import RequestFactory

SA, UA, DM, AP, SH, VW = (
    roles.SYSTEM_ADMINISTRATOR,
    roles.UNIT_ADMIN,
    roles.DOCUMENT_MANAGER,
    roles.APPROVER,
    roles.STORE_HEAD,
    roles.VIEWER,
)
EVERYONE = frozenset(roles.ROLES)
SIGNED = {"version": 1, "signature": {"password": TEST_PASSWORD}, "reason": "r"}

ENDPOINTS = [
    Endpoint("get", "/api/v1/requests/", EVERYONE),
    Endpoint("get", "/api/v1/requests/{submitted}/", EVERYONE),
    Endpoint("get", "/api/v1/requests/transitions/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/requests/",
        frozenset({DM}),
        {
            "type": "DESTRUCTION",
            "crate": "{free_crate}",
            "purpose": "p",
            "signature": {"password": TEST_PASSWORD},
        },
    ),
    Endpoint(
        "patch",
        "/api/v1/requests/{sent_back}/",
        frozenset({DM}),
        {"version": 1, "purpose": "edited"},
    ),
    Endpoint("post", "/api/v1/requests/{submitted}/approve/", frozenset({AP}), SIGNED),
    Endpoint("post", "/api/v1/requests/{submitted}/reject/", frozenset({AP}), SIGNED),
    Endpoint("post", "/api/v1/requests/{submitted}/send-back/", frozenset({AP}), SIGNED),
    Endpoint("post", "/api/v1/requests/{sent_back}/resubmit/", frozenset({DM}), SIGNED),
    Endpoint("post", "/api/v1/requests/{submitted}/cancel/", frozenset({DM}), SIGNED),
    Endpoint("post", "/api/v1/requests/{approved_withdrawal}/issue/", frozenset({SH}), SIGNED),
    Endpoint(
        "post",
        "/api/v1/requests/{issued}/receive/",
        frozenset({SH}),
        {**SIGNED, "shelf": "{empty_shelf}"},
    ),
    Endpoint("post", "/api/v1/requests/{approved_transfer}/transfer/", frozenset({SH}), SIGNED),
    Endpoint(
        "post",
        "/api/v1/requests/{approved_destruction}/destroy/",
        frozenset({SH}),
        {**SIGNED, "witness": {"username": "goa1-approver2", "password": TEST_PASSWORD}},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.compliance("11.10(g)", "A11-12.1")
def test_every_role_against_every_request_endpoint(
    role: str, plant: Plant, api_client_for: Any
) -> None:
    caller = UserFactory(role_name=role, units=[] if role == SA else [plant.goa])
    # The requester of every fixture request is the caller when they may raise requests, so
    # that requester-only steps (edit, resubmit, cancel) are decided by permission alone.
    requester = caller if caller.has_perm("workflow.add_request") else plant.manager

    counter = itertools.count(1)

    def fresh(status: str, kind: str = "WITHDRAWAL", **fields: Any) -> int:
        crate_status = "ISSUED" if status == "ISSUED" else "IN_STORAGE"
        crate = stored_crate(plant.goa, plant.shelf, plant.manager)
        if crate_status == "ISSUED":
            Crate.objects.filter(pk=crate.pk).update(status="ISSUED", location=None)
        if kind == "DESTRUCTION":  # retention reached: the destruction itself may go ahead
            Crate.objects.filter(pk=crate.pk).update(destroy_after=dt.date(2020, 1, 1))
        extra: dict[str, Any] = {}
        if kind == "WITHDRAWAL":
            extra["expected_return_on"] = timezone.localdate() + dt.timedelta(days=5)
        if status == "ISSUED":
            extra["issued_at"] = timezone.now()
        return RequestFactory(
            crate=crate,
            unit=plant.goa,
            requester=requester,
            type=kind,
            status=status,
            **extra,
            **fields,
        ).pk

    def ids() -> dict[str, Any]:
        Request.objects.filter(status__in=["SUBMITTED", "APPROVED", "SENT_BACK", "ISSUED"]).update(
            status="CANCELLED"
        )
        free = stored_crate(plant.goa, plant.shelf, plant.manager)
        Crate.objects.filter(pk=free.pk).update(destroy_after=dt.date(2020, 1, 1))
        return {
            "submitted": fresh("SUBMITTED"),
            "sent_back": fresh("SENT_BACK"),
            "approved_withdrawal": fresh("APPROVED"),
            "issued": fresh("ISSUED"),
            "approved_transfer": fresh("APPROVED", "TRANSFER", target_location=plant.shelf2),
            "approved_destruction": fresh("APPROVED", "DESTRUCTION"),
            "free_crate": free.pk,
            "empty_shelf": shelf_create(unit=plant.goa, code=f"E{next(counter)}", capacity=2).pk,
        }

    mismatches = permission_mismatches(api_client_for(caller), ENDPOINTS, role, ids)
    assert mismatches == [], f"{role}: {mismatches}"
