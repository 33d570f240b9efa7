"""Crates and documents over the API: list, search, filters, detail with history, the scanner
lookup and legal holds."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import AuditEvent, Signature, SignatureMeaning
from strongroom.core.testing import list_request_queries
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db
CRATES = "/api/v1/crates/"
DOCUMENTS = "/api/v1/documents/"


@pytest.fixture
def goa(units: Any) -> Any:
    return units[0]


@pytest.fixture
def mum(units: Any) -> Any:
    return units[1]


@pytest.fixture
def viewer_client(api_client_for: Callable[..., Any], goa: Any) -> Any:
    return api_client_for(UserFactory(role_name=roles.VIEWER, units=[goa]))


@pytest.fixture
def admin(roles_synced: None, goa: Any) -> Any:
    return UserFactory(role_name=roles.UNIT_ADMIN, units=[goa])


@pytest.fixture
def admin_client(api_client_for: Callable[..., Any], admin: Any) -> Any:
    return api_client_for(admin)


def _stored(unit: Any, **kwargs: Any) -> Crate:
    shelf = kwargs.pop("shelf", None) or shelf_create(
        unit=unit, code=f"S{Crate.objects.count() + 1}"
    )
    return CrateFactory(unit=unit, status=Crate.Status.IN_STORAGE, location=shelf, **kwargs)


# --- list, filters, search -------------------------------------------------------------------


def test_list_shows_location_code_and_document_count(viewer_client: Any, goa: Any) -> None:
    crate = _stored(goa, description="Granulation records")
    DocumentFactory.create_batch(3, crate=crate)
    response = viewer_client.get(CRATES)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == crate.code
    assert row["location_code"] == crate.location.full_code
    assert row["document_count"] == 3
    assert row["unit_code"] == "GOA1"


@pytest.mark.parametrize("page_size", [1, 50])
def test_crate_list_query_count_is_constant(viewer_client: Any, goa: Any, page_size: int) -> None:
    for _ in range(6):
        DocumentFactory(crate=_stored(goa))
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get(CRATES, {"page_size": page_size, "search": "BMR"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 6)
    assert len(queries) == list_request_queries(), [q["sql"] for q in queries]


@pytest.mark.parametrize("page_size", [1, 50])
def test_document_list_query_count_is_constant(
    viewer_client: Any, goa: Any, page_size: int
) -> None:
    for _ in range(6):
        DocumentFactory(crate=_stored(goa))
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get(DOCUMENTS, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 6)
    assert len(queries) == list_request_queries(), [q["sql"] for q in queries]


def test_filters(viewer_client: Any, goa: Any) -> None:
    qc = DepartmentFactory(unit=goa, code="QC", name="QC")
    stored = _stored(goa, destroy_after=dt.date(2030, 1, 1))
    pending = CrateFactory(unit=goa, department=qc, destroy_after=dt.date(2040, 1, 1))
    held = _stored(goa)
    Crate.objects.filter(pk=held.pk).update(
        legal_hold=True,
        legal_hold_reason="Litigation",
        legal_hold_by=pending.created_by,
        legal_hold_at=pending.created_at,
    )

    def codes(**params: Any) -> set[str]:
        response = viewer_client.get(CRATES, params)
        assert response.status_code == 200, response.json()
        return {r["code"] for r in response.json()["results"]}

    assert codes(status="PENDING") == {pending.code}
    assert codes(department=qc.pk) == {pending.code}
    assert codes(location=stored.location_id) == {stored.code}
    assert codes(legal_hold="true") == {held.code}
    assert codes(destroy_after_from="2035-01-01") == {pending.code}
    assert codes(destroy_after_to="2035-01-01") == {stored.code}
    assert codes(unit=goa.pk) == {stored.code, pending.code, held.code}


def test_search_over_codes_descriptions_numbers_and_titles(viewer_client: Any, goa: Any) -> None:
    granulation = _stored(goa, description="Granulation line records")
    DocumentFactory(crate=granulation, number="BMR-2024-0042", title="Batch record paracetamol")
    validation = _stored(goa, description="Equipment files")
    DocumentFactory(crate=validation, number="VAL-0007", title="Autoclave qualification report")

    def found(term: str) -> set[str]:
        response = viewer_client.get(CRATES, {"search": term})
        assert response.status_code == 200
        return {r["code"] for r in response.json()["results"]}

    assert found("granulation") == {granulation.code}
    assert found("autoclave") == {validation.code}
    assert found("Autoclave Qual") == {validation.code}  # every word, as a prefix
    assert found("BMR-2024-0042") == {granulation.code}
    assert found("0042") == {granulation.code}  # a fragment of a number
    assert found(validation.code) == {validation.code}
    assert found(validation.code[5:14]) >= {validation.code}  # a fragment of a code
    assert found("nothing-like-this") == set()
    assert found("   ") == {granulation.code, validation.code}
    assert found("%_'\"\\") == set()  # special characters are data, never syntax

    documents = viewer_client.get(DOCUMENTS, {"search": "paracetamol"}).json()["results"]
    assert [d["number"] for d in documents] == ["BMR-2024-0042"]
    by_crate = viewer_client.get(DOCUMENTS, {"search": validation.code}).json()["results"]
    assert [d["number"] for d in by_crate] == ["VAL-0007"]


def test_document_filters(viewer_client: Any, goa: Any) -> None:
    crate = _stored(goa)
    DocumentFactory(crate=crate, number="A-1")
    DocumentFactory(crate=_stored(goa), number="B-1")
    rows = viewer_client.get(DOCUMENTS, {"crate": crate.pk}).json()["results"]
    assert [r["number"] for r in rows] == ["A-1"]
    rows = viewer_client.get(DOCUMENTS, {"doc_type": "BMR", "status": "ACTIVE"}).json()["results"]
    assert len(rows) == 2


# --- detail, history, scoping ---------------------------------------------------------------


def test_detail_has_documents_location_and_history_newest_first(
    viewer_client: Any, goa: Any
) -> None:
    crate = _stored(goa)
    DocumentFactory(crate=crate, number="D-2")
    DocumentFactory(crate=crate, number="D-1")
    request = RequestFactory(crate=crate)
    first = audit_event_record(action="crate.create", object_type="crate", object_id=crate.pk)
    second = audit_event_record(
        action="request.approve", object_type="request", object_id=request.pk
    )
    audit_event_record(action="crate.create", object_type="crate", object_id=crate.pk + 1000)
    response = viewer_client.get(f"{CRATES}{crate.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [d["number"] for d in body["documents"]] == ["D-1", "D-2"]
    assert body["location_code"] == crate.location.full_code
    assert [e["id"] for e in body["history"]] == [second.id, first.id]


@pytest.mark.compliance("11.10(g)", "A11-12.1")
def test_other_units_crates_and_documents_are_not_found(
    api_client_for: Callable[..., Any], goa: Any, mum: Any
) -> None:
    crate = _stored(goa)
    document = DocumentFactory(crate=crate)
    outsider = api_client_for(UserFactory(role_name=roles.UNIT_ADMIN, units=[mum]))
    assert outsider.get(f"{CRATES}{crate.pk}/").status_code == 404
    assert outsider.get(CRATES).json()["results"] == []
    assert outsider.get(f"{DOCUMENTS}{document.pk}/").status_code == 404
    assert outsider.get(DOCUMENTS).json()["results"] == []
    assert outsider.get(f"{CRATES}lookup/", {"code": crate.code}).status_code == 404
    body = {"signature": {"password": TEST_PASSWORD}, "reason": "x", "version": 1}
    assert outsider.post(f"{CRATES}{crate.pk}/hold/", body).status_code == 404
    assert outsider.get(f"{CRATES}{crate.pk}/label.pdf").status_code == 404
    sysadmin = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    assert sysadmin.get(f"{CRATES}{crate.pk}/").status_code == 200


def test_unknown_or_malformed_ids_are_not_found(viewer_client: Any) -> None:
    assert viewer_client.get(f"{CRATES}999999/").status_code == 404
    assert viewer_client.get(f"{CRATES}abc/").status_code == 404


# --- scanner lookup ---------------------------------------------------------------------------


@pytest.mark.compliance("11.10(h)")
def test_lookup_accepts_the_code_with_or_without_separators(viewer_client: Any, goa: Any) -> None:
    crate = _stored(goa)
    for typed in (crate.code, crate.code.lower(), crate.code.replace("-", ""), f" {crate.code} "):
        response = viewer_client.get(f"{CRATES}lookup/", {"code": typed})
        assert response.status_code == 200, (typed, response.json())
        assert response.json()["id"] == crate.pk


def test_lookup_without_separators_finds_a_transferred_crate(
    viewer_client: Any, goa: Any, mum: Any
) -> None:
    crate = _stored(mum)  # MUM1-QA-…, then moved to GOA1
    Crate.objects.filter(pk=crate.pk).update(unit=goa, location=shelf_create(unit=goa, code="S9"))
    response = viewer_client.get(f"{CRATES}lookup/", {"code": crate.code.replace("-", "")})
    assert response.status_code == 200, response.json()
    assert response.json()["code"].startswith("MUM1-")


@pytest.mark.compliance("11.10(h)", "A11-6")
def test_lookup_rejects_a_bad_check_digit(viewer_client: Any, goa: Any) -> None:
    crate = _stored(goa)
    body, check = crate.code.rsplit("-", 1)
    wrong = f"{body}-{(int(check) + 1) % 10}"
    response = viewer_client.get(f"{CRATES}lookup/", {"code": wrong})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_crate_code"
    assert "check digit" in response.json()["error"]["message"]
    garbage = viewer_client.get(f"{CRATES}lookup/", {"code": "hello"})
    assert garbage.json()["error"]["code"] == "invalid_crate_code"
    missing = viewer_client.get(f"{CRATES}lookup/")
    assert missing.status_code == 400


def test_lookup_of_a_valid_unknown_code_is_not_found(viewer_client: Any) -> None:
    from strongroom.records.codes import format_code

    code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=999999)
    assert viewer_client.get(f"{CRATES}lookup/", {"code": code}).status_code == 404


# --- legal hold -------------------------------------------------------------------------------


def _hold_body(version: int = 1, password: str = TEST_PASSWORD, reason: str = "Litigation") -> dict:
    return {"signature": {"password": password}, "reason": reason, "version": version}


def test_a_hold_cut_by_a_lost_database_connection_is_503_and_leaves_nothing(
    admin_client: Any, goa: Any
) -> None:
    crate = _stored(goa)
    with mock.patch(
        "strongroom.compliance.signing.audit_event_record",  # the signed change writes it
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = admin_client.post(f"{CRATES}{crate.pk}/hold/", _hold_body())
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "service_unavailable"
    crate.refresh_from_db()
    assert (crate.legal_hold, crate.version) == (False, 1)
    assert not Signature.objects.filter(crate=crate).exists()


@pytest.mark.compliance("11.10(c)", "11.10(e)", "A11-9", "A11-12.4")
def test_hold_and_release_are_signed_versioned_and_audited(
    admin_client: Any, admin: Any, goa: Any
) -> None:
    crate = _stored(goa)
    response = admin_client.post(f"{CRATES}{crate.pk}/hold/", _hold_body())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["legal_hold"] is True
    assert body["legal_hold_reason"] == "Litigation"
    assert body["legal_hold_by_name"] == admin.full_name
    assert body["version"] == 2
    signature = Signature.objects.get(crate=crate)
    assert signature.meaning == SignatureMeaning.HOLD_PLACED
    assert signature.signer == admin
    event = AuditEvent.objects.get(action="crate.hold_place")
    assert event.changes["legal_hold"] == [False, True]
    assert event.changes["version"] == [1, 2]
    assert event.reason == "Litigation"

    again = admin_client.post(f"{CRATES}{crate.pk}/hold/", _hold_body(version=2))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "crate_on_hold"

    released = admin_client.post(
        f"{CRATES}{crate.pk}/release-hold/", _hold_body(version=2, reason="Case closed")
    )
    assert released.status_code == 200, released.json()
    assert released.json()["legal_hold"] is False
    assert released.json()["version"] == 3
    assert Signature.objects.filter(crate=crate, meaning="HOLD_RELEASED").count() == 1
    not_held = admin_client.post(f"{CRATES}{crate.pk}/release-hold/", _hold_body(version=3))
    assert not_held.status_code == 409
    assert not_held.json()["error"]["code"] == "crate_not_on_hold"


@pytest.mark.compliance("11.200(a)")
def test_hold_with_a_wrong_password_changes_nothing_and_is_audited(
    admin_client: Any, goa: Any
) -> None:
    crate = _stored(goa)
    response = admin_client.post(f"{CRATES}{crate.pk}/hold/", _hold_body(password="wrong-one"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"
    crate.refresh_from_db()
    assert (crate.legal_hold, crate.version) == (False, 1)
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="signature.failed", object_id=str(crate.pk)).exists()
    assert not AuditEvent.objects.filter(action="crate.hold_place").exists()


@pytest.mark.compliance("11.10(f)")
def test_hold_on_a_stale_version_is_a_conflict(admin_client: Any, goa: Any) -> None:
    crate = _stored(goa)
    Crate.objects.filter(pk=crate.pk).update(version=5)
    response = admin_client.post(f"{CRATES}{crate.pk}/hold/", _hold_body(version=4))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"signature": {"password": TEST_PASSWORD}, "reason": "  ", "version": 1},
            "reason_required",
        ),
        ({"signature": {"password": ""}, "reason": "r", "version": 1}, "signature_required"),
        ({"reason": "r", "version": 1}, "validation_error"),
        ({"signature": {"password": TEST_PASSWORD}, "reason": "r"}, "validation_error"),
    ],
)
@pytest.mark.compliance("11.200(a)", "A11-6")
def test_hold_validates_its_body(admin_client: Any, goa: Any, body: dict, code: str) -> None:
    crate = _stored(goa)
    response = admin_client.post(f"{CRATES}{crate.pk}/hold/", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    crate.refresh_from_db()
    assert crate.legal_hold is False


# --- PostgreSQL full text search uses its GIN indexes ------------------------------------------


@pytest.mark.postgres
def test_search_queries_match_the_gin_indexes(on_postgresql: bool, goa: Any) -> None:
    """Each word is an exact lookup of an indexed prefix: no partial match (``:*``), which GIN
    can only serve by reading every entry that starts with it."""
    if not on_postgresql:
        pytest.skip("GIN indexes exist on PostgreSQL only")
    from strongroom.records.models import Document
    from strongroom.records.search import crate_search, document_search

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_gin' "
            "AND tablename IN ('records_crate', 'records_document') ORDER BY indexname"
        )
        assert [row[0] for row in cursor.fetchall()] == ["crate_prefix_gin", "document_prefix_gin"]
    plans = []
    for queryset in (
        document_search(Document.objects.all(), "autoclave qual"),
        crate_search(Crate.objects.all(), "granulation"),
    ):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert "document_prefix_gin" in plans[0], plans[0]
    assert "crate_prefix_gin" in plans[1], plans[1]
    assert "'qual'" in plans[0], plans[0]
    # The matches first, their rows by primary key: never a walk of the whole table backwards.
    assert '"records_document"."id" = ANY(ARRAY(' in str(
        document_search(Document.objects.all(), "lot 7").query
    )
    assert ":*" not in plans[0], plans[0]
