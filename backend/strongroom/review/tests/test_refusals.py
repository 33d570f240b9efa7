"""A refused self-approval (separation of duties) is audited after the refused change rolled
back — ``request.refused`` / ``batch.refused`` — and the review's rule flags it."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission

from strongroom.accounts.models import User
from strongroom.compliance.models import AuditEvent
from strongroom.disposition.tests.conftest import eligible_crate, signed
from strongroom.requests.tests.conftest import Plant, act, plant, withdrawal  # noqa: F401
from strongroom.review.rules import ReviewSettings, RuleContext, refused_self_approvals

pytestmark = [pytest.mark.django_db, pytest.mark.compliance("11.10(g)", "A11-9")]


def _both(user: User, *codenames: str) -> None:
    role = Group.objects.create(name="Both (test only)")
    role.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.role = role
    user.save()


def _flagged(event: AuditEvent) -> list[str]:
    context = RuleContext(settings=ReviewSettings.from_settings())
    return [d.key for d in refused_self_approvals([event], context)]


def test_a_refused_self_approval_of_a_request_is_audited(plant: Plant) -> None:  # noqa: F811
    _both(plant.manager, "add_request", "approve_request", "view_request")
    body = withdrawal(plant)
    response = act(plant.client("manager"), body, "approve")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "separation_of_duties"
    event = AuditEvent.objects.get(action="request.refused")
    assert event.actor == plant.manager
    assert event.unit == plant.goa
    assert event.object_id == str(body["id"])
    assert event.changes == {"transition": [None, "approve"]}
    assert event.reason == "separation_of_duties"
    assert _flagged(event) == [f"SELF_APPROVAL_REFUSED:{event.pk}"]
    # A refusal for another reason is not one.
    assert act(plant.client("approver"), body, "receive").status_code in (403, 409)
    assert AuditEvent.objects.filter(action="request.refused").count() == 1


def test_a_refused_self_approval_of_a_batch_is_audited(plant: Plant) -> None:  # noqa: F811
    _both(
        plant.manager,
        "prepare_batch",
        "approve_batch",
        "view_destructionbatch",
        "view_crate",
    )
    client: Any = plant.client("manager")
    crate = eligible_crate(plant)
    created = client.post(
        "/api/v1/destruction-batches/",
        {"unit": plant.goa.pk, "crates": [crate.pk]},
        format="json",
    )
    assert created.status_code == 201, created.content
    batch = created.json()
    submitted = client.post(
        f"/api/v1/destruction-batches/{batch['id']}/submit/", signed(batch), format="json"
    )
    assert submitted.status_code == 200, submitted.content
    approve = client.post(
        f"/api/v1/destruction-batches/{batch['id']}/approve/",
        signed(submitted.json()),
        format="json",
    )
    assert approve.status_code == 403
    assert approve.json()["error"]["code"] == "separation_of_duties"
    event = AuditEvent.objects.get(action="batch.refused")
    assert event.unit == plant.goa
    assert event.object_type == "destruction_batch"
    assert event.changes == {"transition": [None, "approve"]}
    assert _flagged(event) == [f"SELF_APPROVAL_REFUSED:{event.pk}"]
