"""Opening a review computes its flags from the unit's events of the month; each flag is
decided with a comment; the period is signed REVIEWED once every flag is decided; every step is
audited, locked to the review's unit and permission, and final once signed."""

from typing import Any

import pytest
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.review.models import AuditReview, ReviewFlag
from strongroom.review.selectors import review_today
from strongroom.review.tests.conftest import (
    BASE,
    Month,
    decide,
    last_month,
    open_review,
    sign,
)

pytestmark = pytest.mark.django_db


def _rules(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["actor_username"]) for f in body["flags"]]


@pytest.mark.compliance("A11-9", "11.10(e)")
def test_opening_flags_the_units_events_of_the_month(month: Month) -> None:
    body = open_review(month)
    assert body["status"] == "OPEN"
    assert body["period"] == month.period
    assert body["can_review"] is True
    assert sorted(_rules(body)) == [
        ("CONFIGURATION_CHANGE", "goa1-unitadmin"),
        ("OUTSIDE_HOURS", "goa1-manager"),
    ]
    outside = next(f for f in body["flags"] if f["rule"] == "OUTSIDE_HOURS")
    assert outside["event_ids"] == [month.night_edit.pk]
    assert outside["events"][0]["action"] == "crate.update"
    assert outside["state"] == "OPEN"
    flagged = {i for f in body["flags"] for i in f["event_ids"]}
    assert month.other_unit.pk not in flagged  # MUM1's event is not GOA1's
    opened = AuditEvent.objects.get(action="audit_review.open", object_id=str(body["id"]))
    assert opened.actor == month.plant.approver
    assert opened.unit == month.plant.goa
    assert opened.changes == {
        "period": [None, month.period],
        "status": [None, "OPEN"],
        "flags": [None, 2],
    }


@pytest.mark.compliance("A11-9", "11.10(e)", "11.50", "11.70")
def test_work_through_the_flags_and_sign_the_period(month: Month) -> None:
    body = open_review(month)
    first, second = body["flags"]

    blank = decide(month, body, first, "ACKNOWLEDGED", "   ")
    assert blank.status_code == 400
    assert blank.json()["error"]["code"] == "comment_required"
    assert "comment" in blank.json()["error"]["details"]

    done = decide(month, body, first, "ACKNOWLEDGED", "Night shift maintenance, planned.")
    assert done.status_code == 200, done.content
    acknowledged = next(f for f in done.json()["flags"] if f["id"] == first["id"])
    assert acknowledged["state"] == "ACKNOWLEDGED"
    assert acknowledged["decided_by_name"] == month.plant.approver.full_name
    twice = decide(month, body, acknowledged, "FINDING", "Changed my mind")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "flag_decided"

    early = sign(month, done.json())
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "flags_open"
    assert not Signature.objects.filter(object_type="audit_review").exists()

    found = decide(month, done.json(), second, "FINDING", "Capacity raised without a change.")
    assert found.status_code == 200
    wrong = sign(month, found.json(), password="wrong-password")
    assert wrong.status_code == 403
    assert AuditReview.objects.get(pk=body["id"]).status == "OPEN"

    signed = sign(month, found.json())
    assert signed.status_code == 200, signed.content
    result = signed.json()
    assert result["status"] == "SIGNED"
    assert result["signed_by_name"] == month.plant.approver.full_name
    assert result["can_review"] is False
    assert result["finding_count"] == 1
    [signature] = result["signatures"]
    assert signature["meaning"] == "REVIEWED"
    assert signature["meaning_display"] == "Audit trail reviewed"
    assert signature["printed_name"] == month.plant.approver.full_name
    assert signature["status"] == "valid"

    actions = list(
        AuditEvent.objects.filter(object_type="audit_review", object_id=str(body["id"]))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "audit_review.open",
        "audit_review.flag_acknowledge",
        "audit_review.flag_finding",
        "signature.failed",
        "signature.sign",
        "audit_review.sign",
    ]
    finding = AuditEvent.objects.get(action="audit_review.flag_finding")
    assert finding.changes["state"] == ["OPEN", "FINDING"]
    assert finding.changes["comment"] == [None, "Capacity raised without a change."]

    # Final: nothing more changes.
    again = month.client("approver").post(
        f"{BASE}{body['id']}/refresh/", {"version": result["version"]}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "review_signed"


@pytest.mark.compliance("11.70", "A11-9")
def test_the_signature_signs_the_decisions(month: Month) -> None:
    body = open_review(month)
    for flag in body["flags"]:
        body = decide(month, body, flag, "ACKNOWLEDGED", "Expected.").json()
    assert sign(month, body).status_code == 200
    ReviewFlag.objects.filter(review_id=body["id"]).update(comment="Rewritten afterwards")
    after = month.client("approver").get(f"{BASE}{body['id']}/").json()
    assert after["signatures"][0]["status"] == "record_changed"


@pytest.mark.compliance("A11-9")
def test_refresh_adds_new_flags_only(month: Month) -> None:
    body = open_review(month)
    first = body["flags"][0]
    body = decide(month, body, first, "ACKNOWLEDGED", "Known.").json()
    # The manager is deactivated after the review opened: their actions of the month are flagged.
    User.objects.filter(pk=month.plant.manager.pk).update(
        is_active=False, deactivated_at=timezone.now()
    )
    refreshed = month.client("approver").post(
        f"{BASE}{body['id']}/refresh/", {"version": body["version"]}, format="json"
    )
    assert refreshed.status_code == 200, refreshed.content
    result = refreshed.json()
    assert sorted(_rules(result)) == [
        ("CONFIGURATION_CHANGE", "goa1-unitadmin"),
        ("DEACTIVATED_ACTOR", "goa1-manager"),
        ("OUTSIDE_HOURS", "goa1-manager"),
    ]
    kept = next(f for f in result["flags"] if f["id"] == first["id"])
    assert kept["state"] == "ACKNOWLEDGED"  # decisions stay
    again = month.client("approver").post(
        f"{BASE}{body['id']}/refresh/", {"version": result["version"]}, format="json"
    )
    assert len(again.json()["flags"]) == 3  # no duplicate
    refresh_events = AuditEvent.objects.filter(action="audit_review.refresh").order_by("id")
    assert [e.changes["flags_added"][1] for e in refresh_events] == [
        [f"DEACTIVATED_ACTOR:{month.plant.manager.pk}"],
        [],
    ]


def test_stale_flag_version_is_refused(month: Month) -> None:
    body = open_review(month)
    flag = {**body["flags"][0], "version": body["flags"][0]["version"] + 1}
    response = decide(month, body, flag, "ACKNOWLEDGED", "ok")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"


@pytest.mark.parametrize(
    ("period", "code"),
    [("2026-13", "invalid_period"), ("26-01", "invalid_period"), ("now", "period_not_ended")],
)
def test_the_period_is_an_ended_month(month: Month, period: str, code: str) -> None:
    if period == "now":
        period = review_today().strftime("%Y-%m")
    response = month.client("approver").post(
        BASE, {"unit": month.plant.goa.pk, "period": period}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert "period" in response.json()["error"]["details"]


def test_one_review_per_unit_and_month(month: Month) -> None:
    open_review(month)
    again = month.client("unitadmin").post(
        BASE, {"unit": month.plant.goa.pk, "period": month.period}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "review_exists"


@pytest.mark.compliance("11.10(g)", "11.10(d)")
def test_roles_and_units(month: Month) -> None:
    body = open_review(month, client="unitadmin")  # Unit Admins review too
    flag = body["flags"][0]
    # Viewers read reviews but do not review; Store Heads do not read the audit trail.
    assert month.client("viewer").get(f"{BASE}{body['id']}/").status_code == 200
    viewer_open = month.client("viewer").post(
        BASE, {"unit": month.plant.goa.pk, "period": "2020-01"}, format="json"
    )
    assert viewer_open.status_code == 403
    assert month.client("storehead").get(BASE).status_code == 403
    # Another unit's reviewer: the review does not exist for them, nor may they open GOA1's.
    mum = month.client("mum_approver")
    assert mum.get(f"{BASE}{body['id']}/").status_code == 404
    assert mum.get(BASE).json()["results"] == []
    decided = mum.post(
        f"{BASE}{body['id']}/flags/{flag['id']}/decide/",
        {"version": flag["version"], "decision": "ACKNOWLEDGED", "comment": "x"},
        format="json",
    )
    assert decided.status_code == 404
    assert mum.post(f"{BASE}{body['id']}/sign/", {"version": 1}, format="json").status_code == 404
    other = mum.post(BASE, {"unit": month.plant.goa.pk, "period": "2020-01"}, format="json")
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "unit_not_allowed"
    assert ReviewFlag.objects.get(pk=flag["id"]).state == "OPEN"


def test_list_filters_by_unit_and_status(month: Month) -> None:
    body = open_review(month)
    listed = month.client("approver").get(BASE, {"status": "OPEN"}).json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]
    assert listed[0]["open_count"] == 2
    assert month.client("approver").get(BASE, {"status": "SIGNED"}).json()["results"] == []
    start, _ = last_month()
    assert listed[0]["period_start"] == start.isoformat()


def test_reviews_broadcast_on_their_unit_topic(month: Month) -> None:
    from strongroom.realtime.models import Event

    body = open_review(month)
    first, second = body["flags"]
    decide(month, body, first, "ACKNOWLEDGED", "Planned maintenance.")
    # One test transaction: the opening and the decision coalesce into the review's one event.
    event = Event.objects.get(topic="review", object_id=str(body["id"]))
    assert event.unit_id == month.plant.goa.pk
    assert (event.version, event.data) == (2, {"period": month.period, "status": "OPEN"})

    done = decide(month, body, second, "FINDING", "Capacity raised without a change.")
    assert sign(month, done.json()).status_code == 200
    event.refresh_from_db()
    assert (event.version, event.data["status"]) == (4, "SIGNED")
