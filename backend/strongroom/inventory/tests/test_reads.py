"""The audit list's query count: constant in the page size (one query for the page, its counts
included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.core.testing import list_request_queries
from strongroom.inventory.services import audit_open
from strongroom.inventory.tests.conftest import BASE, Room

pytestmark = pytest.mark.django_db


def test_list_query_count_is_constant_in_page_size(room: Room) -> None:
    for _ in range(51):
        audit_open(actor=room.plant.storehead, scope_id=room.a1.pk)
    client = room.client("storehead")
    counts = {}
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        assert response.json()["results"][0]["expected_count"] == 2
        counts[size] = len(queries)
    assert counts[1] == counts[50], counts
    assert counts[50] == list_request_queries(), counts
