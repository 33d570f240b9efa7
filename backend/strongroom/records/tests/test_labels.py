"""Crate labels (PDF with QR codes): the generator, and the two endpoints."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reportlab.lib.pagesizes import A4

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.records.labels import SINGLE_SIZE, crate_labels_pdf
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create
from strongroom.records.tests.pdf_inspect import pdf_media_boxes, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def crates(roles_synced: None, units: Any) -> list[Crate]:
    shelf = shelf_create(unit=units[0])
    stored = CrateFactory(
        unit=units[0], status=Crate.Status.IN_STORAGE, location=shelf, description="QA 2024"
    )
    return [stored, *(CrateFactory(unit=units[0]) for _ in range(15))]


def test_single_layout_is_one_label_sized_page_per_crate(crates: list[Crate]) -> None:
    data = crate_labels_pdf(crates[:3], layout="single")
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 3
    width, height = SINGLE_SIZE
    assert all(box[2:] == pytest.approx((width, height), abs=0.01) for box in pdf_media_boxes(data))
    text = pdf_text(data)
    for crate in crates[:3]:
        assert crate.code in text
    assert "QA 2024" in text
    assert crates[0].location.full_code in text


def test_sheet_layout_puts_fourteen_labels_on_an_a4_page(crates: list[Crate]) -> None:
    data = crate_labels_pdf(crates, layout="sheet")
    assert pdf_pages(data) == 2  # 16 labels: 14 + 2
    assert all(box[2:] == pytest.approx(A4, abs=0.01) for box in pdf_media_boxes(data))
    text = pdf_text(data)
    assert all(crate.code in text for crate in crates)


def test_the_qr_code_encodes_the_crate_code(crates: list[Crate], monkeypatch: Any) -> None:
    import segno

    from strongroom.records import labels

    encoded: list[str] = []
    real_make = segno.make

    def spy(content: str, **kwargs: Any) -> Any:
        encoded.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(labels.segno, "make", spy)
    crate_labels_pdf(crates[:2], layout="single")
    assert encoded == [crates[0].code, crates[1].code]


def test_unknown_layout_is_refused(crates: list[Crate]) -> None:
    with pytest.raises(ValueError, match="layout"):
        crate_labels_pdf(crates, layout="poster")


@pytest.fixture
def client(api_client_for: Callable[..., Any], units: Any) -> Any:
    return api_client_for(UserFactory(role_name=roles.STORE_HEAD, units=[units[0]]))


def test_label_endpoint(client: Any, crates: list[Crate]) -> None:
    crate = crates[0]
    response = client.get(f"/api/v1/crates/{crate.pk}/label.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert crate.code in pdf_text(response.content)
    accept_pdf = client.get(f"/api/v1/crates/{crate.pk}/label.pdf", HTTP_ACCEPT="application/pdf")
    assert accept_pdf.status_code == 200
    missing = client.get("/api/v1/crates/999999/label.pdf")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_bulk_labels_endpoint(client: Any, crates: list[Crate]) -> None:
    ids = [c.pk for c in crates]
    response = client.post("/api/v1/crates/labels/", {"crates": ids, "layout": "sheet"})
    assert response.status_code == 200
    assert pdf_pages(response.content) == 2
    single = client.post("/api/v1/crates/labels/", {"crates": ids[:4], "layout": "single"})
    assert pdf_pages(single.content) == 4


def test_bulk_labels_cost_the_same_queries_for_4_crates_as_for_16(
    client: Any, crates: list[Crate]
) -> None:
    ids = [c.pk for c in crates]
    counts = []
    for chosen in (ids[:4], ids):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/crates/labels/", {"crates": chosen})
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_bulk_labels_refuses_unknown_or_foreign_crates(
    client: Any, crates: list[Crate], units: Any
) -> None:
    foreign = CrateFactory(unit=units[1])
    response = client.post("/api/v1/crates/labels/", {"crates": [crates[0].pk, foreign.pk]})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "crates_not_found"
    assert str(foreign.pk) in response.json()["error"]["details"]["crates"][0]
    empty = client.post("/api/v1/crates/labels/", {"crates": []})
    assert empty.status_code == 400
    bad_layout = client.post("/api/v1/crates/labels/", {"crates": [crates[0].pk], "layout": "x"})
    assert bad_layout.status_code == 400


def test_viewers_and_approvers_may_not_print(
    api_client_for: Callable[..., Any], crates: list[Crate], units: Any
) -> None:
    for role in (roles.VIEWER, roles.APPROVER):
        other = api_client_for(UserFactory(role_name=role, units=[units[0]]))
        assert other.get(f"/api/v1/crates/{crates[0].pk}/label.pdf").status_code == 403
