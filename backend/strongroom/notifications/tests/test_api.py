from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.accounts.tests.factories import UserFactory
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many

pytestmark = pytest.mark.django_db


def test_each_user_sees_and_marks_only_their_own(roles_synced: None, api_client_for: Any) -> None:
    alice, bob = UserFactory(), UserFactory()
    for i in range(3):
        notification_create_many(
            recipients=[alice, bob],
            kind=NotificationKind.REQUEST_APPROVED,
            title=f"REQ-{i} approved",
            dedupe_key=f"k{i}",
        )
    client = api_client_for(alice)
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert len(listed) == 3
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}
    bobs = api_client_for(bob).get("/api/v1/notifications/").json()["results"]
    # Marking Bob's ids as Alice changes nothing of Bob's.
    response = client.post(
        "/api/v1/notifications/mark-read/", {"ids": [n["id"] for n in bobs]}, format="json"
    )
    assert response.json() == {"marked": 0, "unread": 3}
    first = listed[0]["id"]
    assert client.post(
        "/api/v1/notifications/mark-read/", {"ids": [first]}, format="json"
    ).json() == {"marked": 1, "unread": 2}
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }
    assert api_client_for(bob).get("/api/v1/notifications/unread-count/").json() == {"unread": 3}
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []


def test_list_query_count_is_constant(roles_synced: None, api_client_for: Any) -> None:
    alice = UserFactory()
    for i in range(60):
        notification_create_many(
            recipients=[alice],
            kind=NotificationKind.REQUEST_APPROVED,
            title=f"t{i}",
            dedupe_key=f"k{i}",
        )
    client = api_client_for(alice)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/notifications/?page_size={size}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4, counts
