"""Every role against every destruction-batch endpoint (see
strongroom/core/tests/test_permission_matrix.py for the method). Each call acts on a fresh batch
in the state the action needs, prepared by someone else, so only the permission decides."""

from typing import Any

import pytest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.core.testing import Endpoint, permission_mismatches
from strongroom.disposition.models import BatchItem, DestructionBatch
from strongroom.disposition.services import CrateSelection, batch_create
from strongroom.disposition.tests.conftest import BASE, eligible_crate
from strongroom.requests.tests.conftest import Plant

SA, UA, DM, AP, SH, VW = (
    roles.SYSTEM_ADMINISTRATOR,
    roles.UNIT_ADMIN,
    roles.DOCUMENT_MANAGER,
    roles.APPROVER,
    roles.STORE_HEAD,
    roles.VIEWER,
)
EVERYONE = frozenset(roles.ROLES)
PREPARERS = frozenset({UA, DM})
SIGNED = {"version": 1, "signature": {"password": TEST_PASSWORD}, "reason": "r"}
WITNESS = {"username": "goa1-approver2", "password": TEST_PASSWORD}

ENDPOINTS = [
    Endpoint("get", BASE, EVERYONE),
    Endpoint("get", BASE + "{draft}/", EVERYONE),
    Endpoint("get", BASE + "{approved}/pick-list.pdf", EVERYONE),
    Endpoint("get", BASE + "{completed}/certificate.pdf", EVERYONE),
    Endpoint("post", BASE, PREPARERS, {"unit": "{unit}", "crates": ["{free_crate}"]}),
    Endpoint(
        "post", BASE + "{draft}/items/", PREPARERS, {"version": 1, "crates": ["{free_crate}"]}
    ),
    Endpoint(
        "delete", BASE + "{draft}/items/", PREPARERS, {"version": 1, "items": ["{draft_item}"]}
    ),
    Endpoint("post", BASE + "{draft}/submit/", PREPARERS, SIGNED),
    Endpoint("post", BASE + "{draft}/cancel/", PREPARERS, SIGNED),
    Endpoint("post", BASE + "{submitted}/send-back/", frozenset({AP}), SIGNED),
    Endpoint("post", BASE + "{submitted}/approve/", frozenset({AP}), SIGNED),
    Endpoint("post", BASE + "{approved_done}/complete/", frozenset({SH}), SIGNED),
    Endpoint(
        "post",
        BASE + "{approved}/items/{approved_item}/destroy/",
        frozenset({SH}),
        lambda ids: {
            **SIGNED,
            "scanned_code": ids["approved_code"],
            "witness": WITNESS,
        },
    ),
    Endpoint(
        "post",
        BASE + "{approved}/items/{approved_item}/not-found/",
        frozenset({SH}),
        {"version": 1, "reason": "Not on the shelf"},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.compliance("11.10(g)", "A11-12.1")
def test_every_role_against_every_batch_endpoint(
    role: str, plant: Plant, api_client_for: Any
) -> None:
    caller = UserFactory(role_name=role, units=[] if role == SA else [plant.goa])

    def fresh(status: str, *, done: bool = False) -> tuple[DestructionBatch, BatchItem]:
        batch = batch_create(
            actor=plant.manager,
            unit_id=plant.goa.pk,
            selection=CrateSelection(crate_ids=[eligible_crate(plant).pk]),
        )
        now = timezone.now()
        fields: dict[str, Any] = {"status": status}
        if status in ("APPROVED", "COMPLETED"):
            fields |= {"approved_by": plant.approver, "approved_at": now}
        if status == "COMPLETED":
            fields |= {"completed_by": plant.storehead, "completed_at": now}
        DestructionBatch.objects.filter(pk=batch.pk).update(**fields)
        item = BatchItem.objects.get(batch=batch)
        if done or status == "COMPLETED":
            BatchItem.objects.filter(pk=item.pk).update(
                state="NOT_FOUND",
                reason_code="not_found",
                reason="Gone",
                resolved_at=now,
                resolved_by=plant.storehead,
            )
        return batch, item

    def ids() -> dict[str, Any]:
        draft, draft_item = fresh("DRAFT")
        approved, approved_item = fresh("APPROVED")
        return {
            "unit": plant.goa.pk,
            "free_crate": eligible_crate(plant).pk,
            "draft": draft.pk,
            "draft_item": draft_item.pk,
            "submitted": fresh("SUBMITTED")[0].pk,
            "approved": approved.pk,
            "approved_item": approved_item.pk,
            "approved_code": approved_item.crate.code,
            "approved_done": fresh("APPROVED", done=True)[0].pk,
            "completed": fresh("COMPLETED")[0].pk,
        }

    mismatches = permission_mismatches(api_client_for(caller), ENDPOINTS, role, ids)
    assert mismatches == [], f"{role}: {mismatches}"
