"""The list endpoints' filter backend (strongroom.core.filters.FilterBackend): no filter form is
built for a request that names no filter, and the answer is the same as with one."""

from typing import Any
from unittest import mock

import pytest
from django_filters.filterset import BaseFilterSet

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create

pytestmark = pytest.mark.django_db


def test_no_filter_form_for_a_request_that_names_no_filter(
    roles_synced: None, units: Any, api_client_for: Any
) -> None:
    goa, mum = units
    CrateFactory(
        unit=goa, status=Crate.Status.IN_STORAGE, location=shelf_create(unit=goa, code="S1")
    )
    CrateFactory(unit=mum, status=Crate.Status.PENDING)
    client = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    built = mock.patch.object(
        BaseFilterSet, "__init__", autospec=True, side_effect=BaseFilterSet.__init__
    )

    with built as init:
        everything = client.get("/api/v1/crates/")
    assert init.call_count == 0
    assert everything.status_code == 200
    assert len(everything.json()["results"]) == 2

    with built as init:
        filtered = client.get("/api/v1/crates/", {"status": "PENDING"})
    assert init.call_count == 1
    assert [c["unit"] for c in filtered.json()["results"]] == [mum.pk]
    invalid = client.get("/api/v1/crates/", {"unit": "not-a-number"})
    assert invalid.status_code == 400
    assert "unit" in invalid.json()["error"]["details"]
