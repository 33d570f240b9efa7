"""Two people acting on one request at once, and the list's query count."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.testing import list_request_queries
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, withdrawal


@pytest.mark.django_db(transaction=True)
@pytest.mark.compliance("11.10(f)")
def test_two_approvers_at_once_one_wins_the_other_gets_409(plant: Plant) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    body = withdrawal(plant)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def approve(client_name: str) -> None:
        try:
            barrier.wait()
            results.append(act(plant.client(client_name), body, "approve").status_code)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=approve, args=(n,)) for n in ("approver", "approver2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(results) == [200, 409]
    request = Request.objects.get(pk=body["id"])
    assert request.status == "APPROVED"
    assert request.version == 2
    assert Signature.objects.filter(request=request, meaning="APPROVED").count() == 1
    approvals = AuditEvent.objects.filter(action="request.approve", object_id=str(request.pk))
    assert approvals.count() == 1


@pytest.mark.django_db
def test_list_query_count_is_constant_in_page_size(plant: Plant) -> None:
    from strongroom.records.tests.factories import CrateFactory
    from strongroom.requests.tests.factories import RequestFactory

    for _ in range(60):
        RequestFactory(
            crate=CrateFactory(unit=plant.goa, created_by=plant.manager), requester=plant.manager
        )
    client = plant.client("approver")
    counts = {}
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/requests/?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[1] == counts[50], counts
    assert counts[50] == list_request_queries(), counts
