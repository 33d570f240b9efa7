"""The request timeline as people read it: one entry per action, its signatures, send-back and
changed fields folded in, in plain words, at a query cost that does not grow with the history."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strongroom.compliance.models import AuditEvent
from strongroom.requests.models import SendBack
from strongroom.requests.tests.conftest import Plant, act, withdrawal
from strongroom.requests.timeline import _changes_in_words, _groups, _Names

pytestmark = pytest.mark.django_db


def _edit(plant: Plant, body: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = plant.client("manager").patch(
        f"/api/v1/requests/{body['id']}/", {"version": body["version"], **fields}, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _words(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@pytest.mark.compliance("11.10(e)", "11.50")
def test_each_action_is_one_entry_with_its_signature_reason_and_changes(plant: Plant) -> None:
    first, second = plant.crate.documents.order_by("number")
    body = withdrawal(plant, documents=[first.pk], expected_return_on=str(_day(7)))
    body = act(plant.client("approver"), body, "send-back", reason="Which batch?").json()
    body = _edit(
        plant,
        body,
        purpose="Deviation DEV-42, batch B-7",
        expected_return_on=str(_day(9)),
        documents=[first.pk, second.pk],
    )
    body = act(plant.client("manager"), body, "resubmit", reason="Batch added").json()
    body = act(plant.client("approver"), body, "approve").json()
    timeline = body["timeline"]

    assert [e["label"] for e in timeline] == [
        "Submitted for approval",
        "Sent back for correction",
        "Corrected and resubmitted",
        "Approved",
    ]
    assert [(e["actor"]["full_name"], e["actor"]["username"]) for e in timeline] == [
        ("Meera Manager", "goa1-manager"),
        ("Arun Approver", "goa1-approver"),
        ("Meera Manager", "goa1-manager"),
        ("Arun Approver", "goa1-approver"),
    ]
    signatures = [
        [(s["meaning_label"], s["signer_name"], s["signer_username"]) for s in e["signatures"]]
        for e in timeline
    ]
    assert signatures == [
        [("Submitted", "Meera Manager", "goa1-manager")],
        [("Sent back", "Arun Approver", "goa1-approver")],
        [("Resubmitted", "Meera Manager", "goa1-manager")],
        [("Approved", "Arun Approver", "goa1-approver")],
    ]
    created, sent_back, corrected, approved = timeline
    send_back = SendBack.objects.get()
    assert (sent_back["reason"], sent_back["reason_label"]) == ("Which batch?", "What to correct")
    assert sent_back["send_back"]["id"] == send_back.pk
    assert (corrected["reason"], corrected["reason_label"]) == ("Batch added", "Response")
    assert corrected["send_back"]["reason"] == "Which batch?"  # what the correction answers
    assert corrected["changes"] == [
        {
            "field": "purpose",
            "label": "Purpose",
            "old": "Deviation investigation",
            "new": "Deviation DEV-42, batch B-7",
        },
        {
            "field": "expected_return_on",
            "label": "Return by",
            "old": _words(_day(7)),
            "new": _words(_day(9)),
        },
        {
            "field": "documents",
            "label": "Documents",
            "old": first.number,
            "new": f"{first.number}, {second.number}",
        },
    ]
    assert created["changes"] == approved["changes"] == []
    # The signature of the first version no longer signs the record, and the audited correction
    # explains why: superseded by the version the correction made, said in words.
    submitted = created["signatures"][0]
    assert (submitted["valid"], submitted["status"]) == (False, "superseded")
    version = corrected["events"][0]["changes"]["version"][1]
    assert submitted["status_label"] == f"Superseded by version {version}"
    assert submitted["superseded_by_version"] == version
    # The edit's bookkeeping (version, digests) stays in the raw events, not in the changes.
    assert {"version", "content_digest"} <= set(corrected["events"][0]["changes"])
    assert approved["signatures"][0]["status_label"] == "Valid"
    # The raw events a click away: every event of the request in exactly one entry.
    assert [[r["action"] for r in e["events"]] for e in timeline] == [
        ["signature.sign", "request.create"],
        ["signature.sign", "request.send_back"],
        ["request.update", "signature.sign", "request.resubmit"],
        ["signature.sign", "request.approve"],
    ]
    recorded = AuditEvent.objects.filter(object_type="request", object_id=str(body["id"]))
    assert sorted(r["id"] for e in timeline for r in e["events"]) == sorted(
        recorded.values_list("id", flat=True)
    )
    assert corrected["events"][0]["changes"]["purpose"] == [
        "Deviation investigation",
        "Deviation DEV-42, batch B-7",
    ]


def test_a_send_back_no_event_records_keeps_an_entry_of_its_own(plant: Plant) -> None:
    body = withdrawal(plant)
    SendBack.objects.create(
        request_id=body["id"],
        sent_by=plant.approver,
        reason="Imported from the paper log",
        sent_at=timezone.now(),
        from_status="SUBMITTED",
    )
    timeline = plant.client("manager").get(f"/api/v1/requests/{body['id']}/").json()["timeline"]
    assert [(e["action"], e["label"], e["reason"]) for e in timeline] == [
        ("request.create", "Submitted for approval", ""),
        ("send_back", "Sent back for correction", "Imported from the paper log"),
    ]
    assert timeline[1]["actor"] == {"full_name": "Arun Approver", "username": "goa1-approver"}


def _event(pk: int, action: str, actor_id: int, call: str, signature: int | None = None) -> Any:
    changes = {"signature": [None, signature]} if signature is not None else {}
    return AuditEvent(
        id=pk, action=action, actor_id=actor_id, request_id=call, changes=changes, at=timezone.now()
    )


def test_signatures_fold_into_the_action_their_call_wrote() -> None:
    events = [
        _event(1, "signature.sign", 7, "call-a", signature=11),  # signed, no action followed
        _event(2, "signature.failed", 8, "call-b"),  # a wrong password: no action
        _event(3, "signature.sign", 8, "call-c", signature=12),  # the executor
        _event(4, "signature.sign", 9, "call-c", signature=13),  # the witness, same call
        _event(5, "request.destroy", 8, "call-c"),
    ]
    groups, unfolded = _groups(events)
    assert [(g.event.pk, g.signature_ids, [e.pk for e in g.events]) for g in groups] == [
        (5, [12, 13], [3, 4, 5])
    ]
    assert [e.pk for e in unfolded] == [1]  # its signature keeps an entry of its own


def test_corrections_fold_into_the_next_resubmission_only() -> None:
    events = [
        _event(1, "request.update", 7, "call-a"),
        _event(2, "request.cancel", 7, "call-b"),  # corrected, then cancelled instead
        _event(3, "request.update", 7, "call-c"),
        _event(4, "request.update", 7, "call-d"),
        _event(5, "request.resubmit", 7, "call-e"),
    ]
    groups, _ = _groups(events)
    assert [(g.event.action, [e.pk for e in g.updates]) for g in groups] == [
        ("request.update", [1]),
        ("request.cancel", []),
        ("request.resubmit", [3, 4]),
    ]


def test_fields_without_a_label_still_read_as_words() -> None:
    names = _Names(documents={12: "BMR-0012"}, locations={3: "GOA1/R01/K01/S2"})
    changes = {
        "documents.12.retention_until": ["2030-01-31", "2031-01-31"],
        "target_location": [None, 3],
        "documents": [[12, 99], []],
        "retain_permanently": [False, True],
    }
    assert _changes_in_words(changes, names) == [
        {"field": "documents", "label": "Documents", "old": "BMR-0012, document #99", "new": "—"},
        {"field": "target_location", "label": "Target shelf", "old": "—", "new": "GOA1/R01/K01/S2"},
        {
            "field": "retain_permanently",
            "label": "Retained permanently",
            "old": "No",
            "new": "Yes",
        },
        {
            "field": "documents.12.retention_until",
            "label": "Documents / 12 / Retain until",
            "old": "31 Jan 2030",
            "new": "31 Jan 2031",
        },
    ]


def _detail_queries(plant: Plant, request_id: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = plant.client("approver").get(f"/api/v1/requests/{request_id}/")
    assert response.status_code == 200
    return len(queries)


def _correction_round(plant: Plant, body: dict[str, Any], documents: list[int]) -> dict[str, Any]:
    body = act(plant.client("approver"), body, "send-back", reason="Again").json()
    body = _edit(plant, body, documents=documents, purpose=f"Round {len(body['timeline'])}")
    return dict(act(plant.client("manager"), body, "resubmit", reason="Done").json())


def test_the_detail_query_count_does_not_grow_with_the_timeline(plant: Plant) -> None:
    first, second = plant.crate.documents.order_by("number")
    body = _correction_round(plant, withdrawal(plant, documents=[first.pk]), [second.pk])
    short = _detail_queries(plant, body["id"])
    for documents in ([first.pk], [first.pk, second.pk], [second.pk]):
        body = _correction_round(plant, body, documents)
    body = act(plant.client("approver"), body, "approve").json()
    assert len(body["timeline"]) == 10
    assert _detail_queries(plant, body["id"]) == short
