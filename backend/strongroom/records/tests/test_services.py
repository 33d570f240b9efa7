"""Pending crates with their documents, the CSV import and the retention date."""

import datetime as dt
import io
from typing import Any

import pytest

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import DepartmentFactory, UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.core.errors import ApplicationError
from strongroom.records.codes import normalise
from strongroom.records.models import Crate
from strongroom.records.services import crates, csv_import
from strongroom.records.services.documents import document_retention_default
from strongroom.records.tests.factories import DocumentFactory, DocumentTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(roles_synced: None, units: Any) -> dict[str, Any]:
    goa = units[0]
    DocumentTypeFactory(code="BMR", name="Batch Record")
    DocumentTypeFactory(code="SOP", name="SOP")
    return {
        "unit": goa,
        "qa": DepartmentFactory(unit=goa, code="QA"),
        "qc": DepartmentFactory(unit=goa, code="QC", name="Quality Control"),
        "actor": UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[goa]),
    }


def _row(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Record {number}",
        "doc_type": "BMR",
        "prepared_on": "2024-01-10",
        "retention_until": "2031-12-31",
        **extra,
    }


def _create(setup: dict[str, Any], documents: list[dict[str, Any]]) -> Crate:
    return crates.crate_create_pending(
        actor=setup["actor"],
        unit=setup["unit"],
        department=setup["qa"],
        description="2024 batch records",
        documents=documents,
    )


@pytest.mark.compliance("11.10(e)")
def test_crate_create_pending_numbers_the_crate_and_files_documents(setup: dict[str, Any]) -> None:
    crate = _create(
        setup,
        [
            _row("BMR-1"),
            _row("BMR-2", retention_until=dt.date(2035, 6, 30), department="qc"),
        ],
    )
    assert crate.status == Crate.Status.PENDING
    assert normalise(crate.code) == crate.code
    assert crate.code.startswith("GOA1-QA-")
    assert crate.destroy_after == dt.date(2035, 6, 30)
    assert crate.retain_permanently is False
    docs = {d.number: d for d in crate.documents.all()}
    assert docs["BMR-2"].department == setup["qc"]
    assert docs["BMR-1"].department == setup["qa"]
    event = AuditEvent.objects.get(action="crate.create")
    assert event.object_id == str(crate.pk)
    assert event.changes["documents"] == [None, ["BMR-1", "BMR-2"]]


def test_one_permanent_document_keeps_the_crate_permanently(setup: dict[str, Any]) -> None:
    crate = _create(
        setup,
        [_row("BMR-1"), _row("SOP-1", doc_type="sop", retention_until="permanent")],
    )
    assert crate.retain_permanently is True
    assert crate.destroy_after is None
    crate2 = _create(setup, [_row("SOP-2", retention_until=None, retain_permanently=True)])
    assert crate2.retain_permanently is True


@pytest.mark.compliance("A11-5", "A11-6")
def test_invalid_rows_are_reported_per_index_and_field(setup: dict[str, Any]) -> None:
    DocumentFactory(crate__unit=setup["unit"], number="TAKEN-1")
    with pytest.raises(ApplicationError) as excinfo:
        _create(
            setup,
            [
                _row("OK-1"),
                _row("TAKEN-1"),
                _row("OK-1"),
                _row("X-1", doc_type="NOPE"),
                _row("X-2", retention_until="2020-01-01"),
                _row("X-3", prepared_on="31/12/2020"),
                _row("X-4", department="ZZ"),
                _row("", title=""),
                _row("X-5", retention_until=""),
            ],
        )
    error = excinfo.value
    assert error.code == "invalid_documents"
    rows = error.details["new_documents"]
    # One item per row sent, in order; a good row has no messages.
    assert len(rows) == 9
    assert rows[0] == {}
    assert all(rows[i] for i in range(1, 9))
    assert (
        error.message
        == "Document rows 2, 3, 4, 5, 6, 7, 8, 9 are not valid: see the marked fields."
    )
    assert "already exists" in rows[1]["number"][0]
    assert rows[2]["number"] == ["Repeats row 1."]  # counted from 1, as people do
    assert "doc_type" in rows[3]
    assert "retention_until" in rows[4]
    assert "prepared_on" in rows[5]
    assert "department" in rows[6]
    assert set(rows[7]) == {"number", "title"}
    # The seeded Batch Record of this fixture has no default retention: the row must give one.
    assert rows[8] == {
        "retention_until": [
            "Required: Batch Record has no default retention (give a date or retain permanently)."
        ]
    }
    assert Crate.objects.count() == 1  # the one holding TAKEN-1


def test_no_documents_is_refused(setup: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError) as excinfo:
        _create(setup, [])
    assert excinfo.value.code == "invalid_documents"
    assert excinfo.value.details == {
        "new_documents": {"non_field_errors": ["At least one document."]}
    }


def test_a_row_without_retention_gets_its_types_default_from_the_preparation_date(
    setup: dict[str, Any],
) -> None:
    DocumentTypeFactory(code="LOG", name="Logbook", default_retention_years=7)
    crate = _create(
        setup,
        [
            _row("LOG-1", doc_type="LOG", prepared_on="2024-01-10", retention_until=""),
            _row("LOG-2", doc_type="LOG", prepared_on="2024-02-29", retention_until=None),
            _row("LOG-3", doc_type="LOG", retention_until="2026-05-01"),  # given: kept
            _row("LOG-4", doc_type="LOG", retention_until="permanent"),
        ],
    )
    docs = {d.number: d for d in crate.documents.all()}
    assert docs["LOG-1"].retention_until == dt.date(2031, 1, 10)
    assert docs["LOG-2"].retention_until == dt.date(2031, 2, 28)
    assert docs["LOG-3"].retention_until == dt.date(2026, 5, 1)
    assert (docs["LOG-4"].retention_until, docs["LOG-4"].retain_permanently) == (None, True)
    assert [docs[n].retain_permanently for n in ("LOG-1", "LOG-2", "LOG-3")] == [False] * 3
    event = AuditEvent.objects.get(action="crate.create")
    assert event.changes["retain_permanently"] == [None, True]


def test_the_default_sets_the_crates_destroy_after(setup: dict[str, Any]) -> None:
    DocumentTypeFactory(code="LOG", name="Logbook", default_retention_years=7)
    crate = _create(
        setup,
        [
            _row("LOG-1", doc_type="LOG", prepared_on="2026-03-01", retention_until=""),
            _row("BMR-1", retention_until="2030-12-31"),
        ],
    )
    assert crate.destroy_after == dt.date(2033, 3, 1)
    assert crate.retain_permanently is False


def test_document_retention_default_is_none_without_a_default() -> None:
    from strongroom.records.models import DocumentType

    without = DocumentType(code="VAL", name="Validation", default_retention_years=None)
    with_years = DocumentType(code="BMR", name="Batch Record", default_retention_years=10)
    day = dt.date(2026, 12, 31)
    assert document_retention_default(doc_type=without, prepared_on=day) is None
    assert document_retention_default(doc_type=with_years, prepared_on=day) == dt.date(2036, 12, 31)


def test_department_of_another_unit_is_refused(setup: dict[str, Any], units: Any) -> None:
    other = DepartmentFactory(unit=units[1], code="QA")
    with pytest.raises(ApplicationError) as excinfo:
        crates.crate_create_pending(
            actor=setup["actor"],
            unit=setup["unit"],
            department=other,
            description="",
            documents=[_row("A-1")],
        )
    assert excinfo.value.code == "invalid_department"


@pytest.mark.compliance("11.10(g)")
def test_a_unit_outside_the_actors_units_is_refused(setup: dict[str, Any], units: Any) -> None:
    mum_qa = DepartmentFactory(unit=units[1], code="QA")
    with pytest.raises(ApplicationError) as excinfo:
        crates.crate_create_pending(
            actor=setup["actor"],
            unit=units[1],
            department=mum_qa,
            description="",
            documents=[_row("A-1")],
        )
    assert excinfo.value.code == "unit_not_allowed"
    assert excinfo.value.status_code == 400
    assert "department" in excinfo.value.details


def test_destroy_after_recompute_follows_active_documents(setup: dict[str, Any]) -> None:
    crate = _create(setup, [_row("A-1"), _row("A-2", retention_until="2040-01-01")])
    crate.documents.filter(number="A-2").update(status="DESTROYED")
    crates.crate_destroy_after_recompute(crate)
    crate.refresh_from_db()
    assert crate.destroy_after == dt.date(2031, 12, 31)
    crate.documents.filter(number="A-1").update(retention_until=None, retain_permanently=True)
    crates.crate_destroy_after_recompute(crate)
    crate.refresh_from_db()
    assert (crate.destroy_after, crate.retain_permanently) == (None, True)


def _csv(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_csv_import_with_bom_and_semicolons(setup: dict[str, Any]) -> None:
    text = (
        "\ufeffnumber;title;doc_type;department;prepared_on;retention_until\r\n"
        "BMR-100;Batch 100;BMR;QC;2024-02-01;2032-01-31\r\n"
        "\r\n"
        "SOP-7;Cleaning SOP, v2;SOP;;2023-05-05;permanent\r\n"
    )
    rows = csv_import.documents_parse_csv(file=_csv(text), unit=setup["unit"])
    assert [r["number"] for r in rows] == ["BMR-100", "SOP-7"]
    assert rows[1]["title"] == "Cleaning SOP, v2"
    assert rows[1]["retention_until"] == "permanent"
    crate = _create(setup, rows)
    assert crate.retain_permanently is True
    assert crate.documents.get(number="BMR-100").department == setup["qc"]


def test_csv_import_with_commas_without_bom(setup: dict[str, Any]) -> None:
    text = (
        "number,title,doc_type,department,prepared_on,retention_until\n"
        'BMR-1,"Batch; one",BMR,QA,2024-02-01,2032-01-31\n'
    )
    rows = csv_import.documents_parse_csv(file=_csv(text), unit=setup["unit"])
    assert rows[0]["title"] == "Batch; one"


@pytest.mark.compliance("A11-5")
def test_csv_import_reports_errors_by_line(setup: dict[str, Any]) -> None:
    text = (
        "number,title,doc_type,department,prepared_on,retention_until\n"
        "BMR-1,Good,BMR,QA,2024-02-01,2032-01-31\n"
        "BMR-2,Bad date,BMR,QA,01.02.2024,2032-01-31\n"
        "BMR-1,Repeat,BMR,QA,2024-02-01,2032-01-31\n"
    )
    with pytest.raises(ApplicationError) as excinfo:
        csv_import.documents_parse_csv(file=_csv(text), unit=setup["unit"])
    assert excinfo.value.code == "invalid_documents"
    assert set(excinfo.value.details["documents"]) == {3, 4}
    assert "prepared_on" in excinfo.value.details["documents"][3]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"number,title\nX,Y\n",
        b"number,title,doc_type,prepared_on,retention_until\n",
        "number,title,doc_type,prepared_on,retention_until\nÄ,B,BMR,2020-01-01,2030-01-01\n".encode(
            "latin-1"
        ),
    ],
)
@pytest.mark.compliance("A11-5")
def test_csv_import_refuses_unusable_files(setup: dict[str, Any], content: bytes) -> None:
    with pytest.raises(ApplicationError) as excinfo:
        csv_import.documents_parse_csv(file=io.BytesIO(content), unit=setup["unit"])
    assert excinfo.value.code == "invalid_csv"


def test_csv_import_caps_the_row_count(setup: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(csv_import, "MAX_DOCUMENTS", 3)
    lines = ["number,title,doc_type,prepared_on,retention_until"] + [
        f"N-{i},T,BMR,2020-01-01,2030-01-01" for i in range(4)
    ]
    with pytest.raises(ApplicationError) as excinfo:
        csv_import.documents_parse_csv(file=_csv("\n".join(lines)), unit=setup["unit"])
    assert excinfo.value.code == "invalid_csv"


def test_the_crate_counts_its_documents_at_filing_and_after_a_correction(
    setup: dict[str, Any],
) -> None:
    """``document_count`` (summed by the retention forecast) follows the rows: set at filing,
    and after a correction that removes one row and adds two."""
    crate = _create(setup, [_row("BMR-1"), _row("BMR-2"), _row("BMR-3")])
    crate.refresh_from_db()
    assert crate.document_count == 3
    kept = crate.documents.get(number="BMR-1")
    crates.crate_documents_correct(
        actor=setup["actor"],
        crate=crate,
        documents=[{"id": kept.pk, **_row("BMR-1")}, _row("BMR-4"), _row("BMR-5"), _row("BMR-6")],
    )
    crate.refresh_from_db()
    assert crate.document_count == crate.documents.count() == 4
