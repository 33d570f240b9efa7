"""The status machine as the API serves it: each request's ``available_actions`` and the table of
``GET /api/v1/requests/transitions/`` (strongroom.requests.actions)."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.actions import request_available_actions
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.tests.conftest import Plant
from strongroom.requests.tests.factories import RequestFactory
from strongroom.requests.transitions import TRANSITIONS, refusal_facts, transition_refused_by

# The answers of the transition endpoint that say "not you, not now, not this request":
# permission, unit scope, type, status, requester rules. Anything else (a missing shelf, the
# crate's state, ...) comes after the caller was allowed to try.
AUTHORIZATION_CODES = {
    "permission_denied",
    "not_found",
    "invalid_transition",
    "not_requester",
    "separation_of_duties",
}
SIGNED = {"version": 1, "signature": {"password": TEST_PASSWORD}, "reason": "r"}


def _request_in(
    plant: Plant, status: str, kind: str, requester: Any, crate: Any = None
) -> Request | None:
    """A request of this type in this status, with the fields the database requires of it;
    None for a pair the database refuses (only a withdrawal is ever issued)."""
    if status == RequestStatus.ISSUED and kind != RequestType.WITHDRAWAL:
        return None
    now = timezone.now()
    return RequestFactory(
        crate=crate or plant.crate,
        requester=requester,
        status=status,
        type=kind,
        expected_return_on=(
            now.date() + dt.timedelta(days=7) if kind == RequestType.WITHDRAWAL else None
        ),
        target_location=plant.shelf2 if kind == RequestType.TRANSFER else None,
        issued_at=now if status == RequestStatus.ISSUED else None,
        witness=(
            plant.approver2
            if (kind, status) == (RequestType.DESTRUCTION, RequestStatus.COMPLETED)
            else None
        ),
    )


def _names(body: dict[str, Any]) -> list[str]:
    return [action["name"] for action in body["available_actions"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("caller", "is_requester"),
    [
        ("manager", True),
        ("manager", False),
        ("approver", True),
        ("approver", False),
        ("storehead", False),
        ("viewer", False),
    ],
)
def test_available_actions_are_exactly_what_the_transition_endpoint_lets_through(
    plant: Plant, caller: str, is_requester: bool
) -> None:
    """For every transition x status x type, for each role as the requester and as someone
    else: the transition is listed in the request's ``available_actions`` if and only if its
    POST is not refused for permission, status, type or requester reasons."""
    actor = getattr(plant, caller)
    client = plant.client(caller)
    requester = actor if is_requester else plant.unitadmin
    mismatches = []
    for status, kind in itertools.product(RequestStatus.values, RequestType.values):
        with transaction.atomic():
            request = _request_in(plant, status, kind, requester)
            if request is None:
                continue
            detail = client.get(f"/api/v1/requests/{request.pk}/")
            assert detail.status_code == 200
            available = set(_names(detail.json()))
            for name in TRANSITIONS:
                body = dict(SIGNED)
                if name == "destroy":
                    body["witness"] = {"username": "goa1-approver2", "password": TEST_PASSWORD}
                with transaction.atomic():
                    response = client.post(
                        f"/api/v1/requests/{request.pk}/{name.replace('_', '-')}/",
                        body,
                        format="json",
                    )
                    transaction.set_rollback(True)
                refused = (
                    response.status_code >= 400
                    and response.json()["error"]["code"] in AUTHORIZATION_CODES
                )
                if refused == (name in available):
                    mismatches.append((status, kind, name, response.status_code, response.json()))
            transaction.set_rollback(True)
    assert mismatches == []


@pytest.mark.django_db
def test_available_actions_name_what_the_caller_may_do_now_with_how_to_ask(
    plant: Plant,
) -> None:
    request = RequestFactory(crate=plant.crate, requester=plant.manager)
    url = f"/api/v1/requests/{request.pk}/"
    approver = plant.client("approver").get(url).json()
    assert _names(approver) == ["approve", "reject", "send_back"]
    assert approver["available_actions"][2] == {
        "name": "send_back",
        "path": "send-back",
        "label": "Send back",
        "meaning": "SENT_BACK",
        "meaning_label": "Sent back",
        "reason_required": True,
        "shelf": "none",
        "witness": False,
    }
    assert _names(plant.client("manager").get(url).json()) == ["cancel"]
    assert _names(plant.client("storehead").get(url).json()) == []
    # The list shows the same, for the same caller.
    (row,) = plant.client("approver").get("/api/v1/requests/").json()["results"]
    assert row["available_actions"] == approver["available_actions"]

    Request.objects.filter(pk=request.pk).update(status=RequestStatus.APPROVED)
    request.refresh_from_db()
    storehead = plant.client("storehead").get(url).json()
    assert _names(storehead) == ["allocate"]
    assert storehead["available_actions"][0]["shelf"] == "required"


class _Facts:
    """A request reduced to its :func:`refusal_facts`: reading anything else fails."""

    __slots__ = ("requester_id", "status", "type", "unit_id")

    def __init__(self, request: Request) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(request, name))


@pytest.mark.django_db
def test_the_refusal_rules_read_nothing_of_a_request_but_its_facts(plant: Plant) -> None:
    """The list works its rows' actions out once per refusal_facts: that is only right while
    the rules read nothing else of the request (a new rule must add what it reads there)."""
    for status, kind in itertools.product(RequestStatus.values, RequestType.values):
        with transaction.atomic():
            request = _request_in(plant, status, kind, plant.manager)
            if request is None:
                continue
            for actor in (plant.manager, plant.approver, plant.storehead, plant.mum_storehead):
                for transition in TRANSITIONS.values():
                    assert transition_refused_by(
                        transition,
                        actor=actor,
                        request=_Facts(request),  # type: ignore[arg-type]
                    ) == transition_refused_by(transition, actor=actor, request=request)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_each_row_of_a_page_lists_its_own_actions(plant: Plant) -> None:
    """Rows that differ in one fact only (status, type, requester) do not share an answer: each
    row's actions on the list are what the request alone gives."""
    requests = []
    for status, kind, requester in itertools.product(
        (RequestStatus.SUBMITTED, RequestStatus.APPROVED, RequestStatus.ISSUED),
        RequestType.values,
        (plant.approver, plant.manager, plant.storehead),
    ):
        crate = CrateFactory(
            unit=plant.goa, department=plant.crate.department, created_by=plant.manager
        )
        request = _request_in(plant, status, kind, requester, crate)
        if request is not None:
            requests.append(request)
    body = plant.client("approver").get("/api/v1/requests/", {"page_size": 100}).json()
    rows = {row["id"]: row for row in body["results"]}
    assert len(rows) == len(requests)
    assert len({tuple(_names(row)) for row in rows.values()}) > 2
    plant.approver.refresh_from_db()
    for request in requests:
        expected = request_available_actions(actor=plant.approver, request=request)
        assert rows[request.pk]["available_actions"] == expected, (request.status, request.type)
    facts = {refusal_facts(actor=plant.approver, request=request) for request in requests}
    assert len(facts) < len(requests)  # some rows did share an answer


@pytest.mark.django_db
def test_available_actions_change_with_the_transition_the_caller_just_signed(
    plant: Plant,
) -> None:
    request = RequestFactory(crate=plant.crate, requester=plant.manager)
    response = plant.client("approver").post(
        f"/api/v1/requests/{request.pk}/approve/", SIGNED, format="json"
    )
    assert response.status_code == 200, response.json()
    assert _names(response.json()) == ["send_back"]  # approved: only sending back is left


@pytest.mark.django_db
def test_outside_the_callers_units_a_request_and_its_actions_are_not_found(plant: Plant) -> None:
    request = RequestFactory(crate=plant.crate, requester=plant.manager, status="APPROVED")
    client = plant.client("mum_storehead")
    assert client.get(f"/api/v1/requests/{request.pk}/").status_code == 404
    response = client.post(f"/api/v1/requests/{request.pk}/allocate/", SIGNED, format="json")
    assert response.status_code == 404
    assert client.get("/api/v1/requests/").json()["results"] == []


@pytest.mark.django_db
def test_the_transition_table_is_the_status_machine_of_transitions_py(plant: Plant) -> None:
    response = plant.client("viewer").get("/api/v1/requests/transitions/")
    assert response.status_code == 200
    table = {row["name"]: row for row in response.json()}
    assert list(table) == ["submit", *TRANSITIONS]
    for name, transition in TRANSITIONS.items():
        row = table[name]
        assert row["sources"] == list(transition.sources)
        assert row["target"] == transition.target
        assert row["types"] == list(transition.types)
        assert row["permission"] == transition.permission
        assert row["meaning"] == transition.meaning
        assert row["event"] == transition.event
    assert table["approve"]["requester"] == "never"
    assert table["cancel"]["requester"] == "only"
    assert table["issue"]["requester"] == "any"
    assert table["destroy"]["witness"] is True
    assert table["destroy"]["types"] == ["DESTRUCTION"]
    assert table["receive"]["shelf"] == "optional"
    assert table["send_back"] == {
        "name": "send_back",
        "path": "send-back",
        "label": "Send back",
        "meaning": "SENT_BACK",
        "meaning_label": "Sent back",
        "reason_required": True,
        "shelf": "none",
        "witness": False,
        "sources": ["SUBMITTED", "APPROVED"],
        "target": "SENT_BACK",
        "types": ["STORAGE", "WITHDRAWAL", "TRANSFER", "DESTRUCTION"],
        "permission": "workflow.approve_request",
        "requester": "never",
        "event": "sent_back",
        "notifies": [{"kind": "REQUEST_SENT_BACK", "audience": "requester"}],
    }
    # Filing is the transition from no status, notified to the unit's approvers.
    assert table["submit"]["sources"] == []
    assert table["submit"]["target"] == "SUBMITTED"
    assert table["submit"]["notifies"] == [
        {"kind": "REQUEST_SUBMITTED", "audience": "workflow.approve_request"}
    ]
