"""A CSV export reads one snapshot: the rows it lists are those of the moment it began, however
the rows change while it is being read chunk by chunk."""

import csv
import datetime as dt
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create


@pytest.mark.django_db(transaction=True)
def test_rows_moved_during_an_export_are_listed_once_as_they_were(
    api_client_for: Callable[..., Any], units: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the writer behind the reader")
    monkeypatch.setattr("strongroom.core.keyset.FIRST", 1)
    monkeypatch.setattr("strongroom.core.keyset.CHUNK", 1)
    goa = units[0]
    shelf = shelf_create(unit=goa, capacity=10)
    day = dt.date(2031, 1, 1)
    crates = [
        CrateFactory(
            unit=goa,
            status=Crate.Status.IN_STORAGE,
            location=shelf,
            destroy_after=day + dt.timedelta(days=k),
        )
        for k in range(5)
    ]
    client = api_client_for(UserFactory(role_name=roles.VIEWER, units=[goa]))
    response = client.get("/api/v1/reports/destruction-schedule/", {"format": "csv"})
    pieces = iter(response.streaming_content)
    read = [next(pieces), next(pieces), next(pieces)]  # the header and the first two crates

    seen_by_mover: list[dt.date | None] = []

    def move() -> None:  # another session: the first crate to the end, the last to the start
        Crate.objects.filter(pk=crates[0].pk).update(destroy_after=day + dt.timedelta(days=30))
        Crate.objects.filter(pk=crates[4].pk).update(destroy_after=day - dt.timedelta(days=30))
        seen_by_mover.append(Crate.objects.get(pk=crates[4].pk).destroy_after)
        connection.close()

    mover = threading.Thread(target=move)
    mover.start()
    mover.join()
    assert seen_by_mover == [day - dt.timedelta(days=30)]  # committed

    read.extend(pieces)
    text = b"".join(p if isinstance(p, bytes) else p.encode() for p in read).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    codes = [row[header.index("code")] for row in rows]
    assert codes == [c.code for c in crates]  # as they stood when the export began
