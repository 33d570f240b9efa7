"""GET /api/v1/events/?after=ID: the socket's replay over HTTP, with the same scope."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts.models import Unit, User
from strongroom.realtime.models import Event
from strongroom.realtime.tasks import prune_outbox
from strongroom.realtime.tests.conftest import access_token, make_crate, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = access_token(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def age_events(seconds: float) -> None:
    Event.objects.update(at=timezone.now() - dt.timedelta(seconds=seconds))


def test_without_after_gives_the_cursor_only(units: dict[str, Unit]) -> None:
    goa = units["GOA1"]
    make_crate(goa)
    age_events(60)  # settled: nothing can still commit below the newest id
    response = api_for(make_user(goa)).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body == {"results": [], "last_event_id": Event.objects.latest("id").id, "next": None}


def test_the_cursor_stays_behind_events_that_may_still_be_followed_by_lower_ids(
    units: dict[str, Unit],
) -> None:
    """A lower id can commit after a higher one was returned: the last page's cursor stays a few
    seconds behind, so the next call brings such an event (and repeats the recent ones)."""
    goa = units["GOA1"]
    user = make_user(goa)
    make_crate(goa)
    age_events(60)
    start = api_for(user).get(URL).json()["last_event_id"]
    late, seen = make_crate(goa), make_crate(goa)
    late_ids = list(Event.objects.filter(object_id=str(late.pk)).values_list("id", flat=True))
    # The client read while `late`'s transaction was still open: it got `seen` only.
    hidden = list(Event.objects.filter(id__in=late_ids).values())
    Event.objects.filter(id__in=late_ids).delete()
    first = api_for(user).get(URL, {"after": start}).json()
    assert [e["object_id"] for e in first["results"]] == [str(seen.pk)]
    assert start <= first["last_event_id"] < first["results"][0]["id"]
    Event.objects.bulk_create(Event(**row) for row in hidden)  # `late` commits

    again = api_for(user).get(URL, {"after": first["last_event_id"]}).json()
    assert [e["object_id"] for e in again["results"]] == [str(late.pk), str(seen.pk)]
    # Once settled, the cursor reaches the newest id and nothing comes twice.
    age_events(60)
    settled = api_for(user).get(URL, {"after": again["last_event_id"]}).json()
    assert settled["last_event_id"] == Event.objects.latest("id").id
    assert api_for(user).get(URL, {"after": settled["last_event_id"]}).json()["results"] == []


def test_replay_is_scoped_and_paged_by_id(units: dict[str, Unit]) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    mum_user = make_user(mum)
    start = api_for(mum_user).get(URL).json()["last_event_id"]
    goa_crate = make_crate(goa)
    mum_crates = [make_crate(mum) for _ in range(3)]

    api = api_for(mum_user)
    page = api.get(URL, {"after": start, "limit": 2}).json()
    assert [e["object_id"] for e in page["results"]] == [str(c.pk) for c in mum_crates[:2]]
    assert page["next"] is not None
    assert page["last_event_id"] == page["results"][-1]["id"]
    rest = api.get(page["next"]).json()
    assert [e["object_id"] for e in rest["results"]] == [str(mum_crates[2].pk)]
    assert rest["next"] is None
    every_id = {e["object_id"] for e in page["results"] + rest["results"]}
    assert str(goa_crate.pk) not in every_id  # a GOA1 event never reaches a MUM1 user
    assert set(page["results"][0]) == {
        "type",
        "id",
        "topic",
        "action",
        "object_id",
        "unit_id",
        "version",
        "data",
        "at",
    }


def test_after_older_than_the_window_is_410_resync(units: dict[str, Unit]) -> None:
    goa = units["GOA1"]
    user = make_user(goa)
    start = api_for(user).get(URL).json()["last_event_id"]
    old = make_crate(goa)
    make_crate(goa)
    Event.objects.filter(object_id=str(old.pk)).update(at=timezone.now() - dt.timedelta(days=30))
    assert prune_outbox() >= 1
    response = api_for(user).get(URL, {"after": start})
    assert response.status_code == 410
    error = response.json()["error"]
    assert error["code"] == "resync_required"
    assert start < error["details"]["last_event_id"] <= Event.objects.latest("id").id


def test_after_ahead_of_the_outbox_is_410_resync(units: dict[str, Unit]) -> None:
    response = api_for(make_user(units["GOA1"])).get(URL, {"after": 10**9})
    assert response.status_code == 410


def test_bad_input_and_anonymous_use_the_error_envelope(units: dict[str, Unit]) -> None:
    response = api_for(make_user(units["GOA1"])).get(URL, {"after": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    response = APIClient().get(URL, {"after": 0})
    assert response.status_code == 401
    assert "error" in response.json()


def test_a_review_is_replayed_only_to_its_units_readers_of_the_audit_trail(
    units: dict[str, Unit],
) -> None:
    from strongroom.accounts import roles
    from strongroom.review.models import AuditReview

    goa = units["GOA1"]
    approver = make_user(goa, role=roles.APPROVER)
    store_head = make_user(goa, role=roles.STORE_HEAD)
    start = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    now = timezone.now()
    review = AuditReview.objects.create(
        unit=goa,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        opened_by=approver,
        opened_at=now,
        flags_computed_at=now,
    )
    crate = make_crate(goa)

    def seen(user: User) -> list[tuple[str, str]]:
        body = api_for(user).get(URL, {"after": start}).json()
        return [(e["topic"], e["object_id"]) for e in body["results"]]

    assert seen(approver) == [("review", str(review.pk)), ("crate", str(crate.pk))]
    assert seen(store_head) == [("crate", str(crate.pk))]
