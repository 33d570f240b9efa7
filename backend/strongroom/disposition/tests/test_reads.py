"""The batch list's query count, the live stream, and the claims of requests open before the
claims existed."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strongroom.core.testing import list_request_queries
from strongroom.disposition.services import CrateSelection, batch_create
from strongroom.disposition.tests.conftest import BASE, Yard, act, create_batch, eligible_crate
from strongroom.realtime.models import Event
from strongroom.records.models import CrateClaim
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


def test_list_query_count_is_constant_in_page_size(yard: Yard) -> None:
    plant = yard.plant
    for _ in range(51):
        batch_create(
            actor=plant.manager,
            unit_id=plant.goa.pk,
            selection=CrateSelection(crate_ids=[eligible_crate(plant).pk]),
        )
    client = yard.client("approver")
    counts = {}
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[1] == counts[50], counts
    assert counts[50] == list_request_queries(), counts


def test_every_change_of_a_batch_reaches_its_unit_on_the_live_stream(yard: Yard) -> None:
    def last_event() -> Event:
        event = Event.objects.filter(topic="batch").order_by("id").last()
        assert event is not None
        return event

    body = create_batch(yard)
    event = last_event()
    assert (event.object_id, event.unit_id, event.data["status"], event.version) == (
        str(body["id"]),
        yard.plant.goa.pk,
        "DRAFT",
        body["version"],
    )
    body = act(yard.client("manager"), body, "submit").json()
    event = last_event()
    assert (event.data["status"], event.version) == ("SUBMITTED", body["version"])


def test_the_backfill_claims_every_open_request_once(yard: Yard) -> None:
    from importlib import import_module

    backfill = import_module("strongroom.requests.migrations.0003_crate_claim_backfill")
    plant = yard.plant
    open_request = RequestFactory(crate=CrateFactory(unit=plant.goa), status="APPROVED")
    RequestFactory(crate=CrateFactory(unit=plant.goa), status="COMPLETED")
    backfill.claims_backfill(apps, None)
    backfill.claims_backfill(apps, None)  # again: nothing twice
    assert list(CrateClaim.objects.values_list("holder_kind", "holder_id", "crate_id")) == [
        ("REQUEST", open_request.pk, open_request.crate_id)
    ]
