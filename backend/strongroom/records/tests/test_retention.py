"""The retention schedule's services: month arithmetic in SQL, which rule governs, what an
approval recomputes (holds never shortened), event dates, and a crate's retention from its
documents."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import F

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.errors import ApplicationError
from strongroom.records import disposal
from strongroom.records.models import Crate, Document, DocumentEvent, RetentionRule
from strongroom.records.services.crates import crate_create_pending
from strongroom.records.services.events import document_events_record
from strongroom.records.services.retention import (
    AddMonths,
    add_months,
    crate_retention_refresh,
)
from strongroom.records.tests.retention_fixtures import Site, site_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(roles_synced: None) -> Site:
    return site_create()


@pytest.fixture
def left() -> Iterator[list[tuple[list[int], str]]]:
    heard: list[tuple[list[int], str]] = []
    disposal.ineligibility_listen("test", lambda ids, code, reason: heard.append((ids, code)))
    yield heard
    disposal._LISTENERS.pop("test", None)


def _retention(document: Document) -> tuple[Any, ...]:
    document.refresh_from_db()
    return (document.retention_until, document.retain_permanently, document.retention_basis)


def test_months_are_added_alike_in_python_and_in_sql(site: Site) -> None:
    crate = site.crate()
    cases = [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2020, 5, 15), 18, dt.date(2021, 11, 15)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    ]
    for prepared_on, months, expected in cases:
        document = site.document(crate, site.log, prepared_on=prepared_on)
        in_sql = (
            Document.objects.filter(pk=document.pk)
            .annotate(shifted=AddMonths(F("prepared_on"), months))
            .values_list("shifted", flat=True)
            .get()
        )
        assert add_months(prepared_on, months) == expected
        assert in_sql == expected, (prepared_on, months)


def test_approval_recomputes_prepared_event_and_permanent_rules(
    site: Site, left: list[tuple[list[int], str]]
) -> None:
    log_crate, bmr_crate, pending_crate, val_crate = (site.crate() for _ in range(4))
    log = site.document(log_crate, site.log)  # typed by hand: 2040
    expired = site.document(bmr_crate, site.bmr)
    DocumentEvent.objects.create(
        document=expired, event=site.expiry, date=dt.date(2015, 6, 30), recorded_by=site.drafter
    )
    waiting = site.document(pending_crate, site.bmr)
    validation = site.document(val_crate, site.val)
    crate_retention_refresh(crate_ids=[log_crate.pk, bmr_crate.pk, pending_crate.pk])

    site.approve(site.rule("LOG-7Y", site.log, period_years=7))
    _, result = site.approve(
        site.rule("BMR-EXP+1Y", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    )
    site.approve(site.rule("VAL-PERM", site.val, trigger="PERMANENT", action="PERMANENT"))

    assert _retention(log) == (dt.date(2017, 1, 1), False, "RULE")  # the schedule governs
    assert _retention(expired) == (dt.date(2016, 6, 30), False, "RULE")
    assert _retention(waiting) == (None, False, "PENDING_EVENT")
    assert _retention(validation) == (None, True, "RULE")
    assert (result.documents, result.eligibility_changed, result.crates) == (2, 1, 2)
    for crate in (log_crate, bmr_crate, pending_crate, val_crate):
        crate.refresh_from_db()
    assert (log_crate.destroy_after, bmr_crate.destroy_after) == (
        dt.date(2017, 1, 1),
        dt.date(2016, 6, 30),
    )
    assert (pending_crate.destroy_after, pending_crate.retain_permanently) == (None, False)
    assert (val_crate.destroy_after, val_crate.retain_permanently) == (None, True)
    eligible = set(disposal.crates_eligible(on=dt.date.today()).values_list("pk", flat=True))
    assert eligible == {log_crate.pk, bmr_crate.pk}  # pending and permanent never
    assert left == []  # none was eligible before


def test_the_most_specific_approved_rule_governs(site: Site) -> None:
    goa_qa, goa_qc, mum_qa = site.crate(), site.crate(department=site.goa_qc), site.crate(site.mum)
    docs = {
        "goa_qa": site.document(goa_qa, site.log),
        "goa_qc": site.document(goa_qc, site.log),
        "mum_qa": site.document(mum_qa, site.log),
    }
    site.approve(site.rule("LOG-ANY", site.log, period_years=1))
    site.approve(site.rule("LOG-GOA-QA", site.log, period_years=3, department=site.goa_qa))
    site.approve(site.rule("LOG-GOA", site.log, period_years=2, unit=site.goa))

    dates = {name: _retention(d)[0].year for name, d in docs.items()}
    assert dates == {"goa_qa": 2013, "goa_qc": 2012, "mum_qa": 2011}
    assert Document.objects.get(pk=docs["goa_qa"].pk).retention_rule.code == "LOG-GOA-QA"

    twin = site.rule("LOG-GOA-BIS", site.log, period_years=9, unit=site.goa)
    with pytest.raises(ApplicationError) as refused:
        site.approve(twin)
    assert refused.value.code == "rule_scope_taken"
    assert _retention(docs["goa_qc"])[0] == dt.date(2012, 1, 1)


def test_a_document_on_hold_is_never_shortened(site: Site, left: list[Any]) -> None:
    held = site.crate(
        legal_hold=True,
        legal_hold_reason="Inquiry",
        legal_hold_by=site.drafter,
        legal_hold_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    free = site.crate()
    kept = site.document(held, site.log, retention_until=dt.date(2040, 1, 1))
    lengthened = site.document(held, site.log, retention_until=dt.date(2012, 1, 1))
    permanent = site.document(held, site.log, retention_until=None, retain_permanently=True)
    shortened = site.document(free, site.log, retention_until=dt.date(2040, 1, 1))

    site.approve(site.rule("LOG-7Y", site.log, period_years=7))

    assert _retention(kept)[:2] == (dt.date(2040, 1, 1), False)
    assert _retention(lengthened)[:2] == (dt.date(2017, 1, 1), False)
    assert _retention(permanent)[:2] == (None, True)
    assert _retention(shortened)[:2] == (dt.date(2017, 1, 1), False)


def test_crates_that_left_eligibility_are_counted_audited_and_told(
    site: Site, left: list[tuple[list[int], str]]
) -> None:
    crate = site.crate(destroy_after=dt.date(2020, 1, 1))
    site.document(crate, site.log, retention_until=dt.date(2020, 1, 1))
    assert disposal.crates_eligible(on=dt.date.today()).filter(pk=crate.pk).exists()

    _rule, result = site.approve(site.rule("LOG-30Y", site.log, period_years=30))

    crate.refresh_from_db()
    assert crate.destroy_after == dt.date(2040, 1, 1)
    assert result.crates_left_eligibility == [crate.pk]
    assert left == [([crate.pk], "retention_rule_changed")]
    event = AuditEvent.objects.get(action="retention_rule.approve")
    assert event.changes["documents_recomputed"] == [None, 1]
    assert event.changes["documents_eligibility_changed"] == [None, 1]
    assert event.changes["crates_left_eligibility"] == [None, [crate.pk]]
    assert event.changes["signature"][1] == Signature.objects.get(meaning="RULE_APPROVED").pk
    assert event.actor == site.approver


def test_a_recorded_event_date_dates_a_pending_document_and_its_crate(
    site: Site, left: list[Any]
) -> None:
    site.approve(
        site.rule("BMR-EXP+1Y", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    )
    crate = crate_create_pending(
        actor=site.drafter,
        unit=site.goa,
        department=site.goa_qa,
        description="Batches",
        documents=[
            {"number": "B-1", "title": "Batch 1", "doc_type": "BMR", "prepared_on": "2019-01-01"},
            {"number": "B-2", "title": "Batch 2", "doc_type": "BMR", "prepared_on": "2019-01-01"},
            {"number": "L-1", "title": "Log", "doc_type": "LOG", "prepared_on": "2019-01-01"},
            {
                "number": "L-2",
                "title": "Log",
                "doc_type": "LOG",
                "prepared_on": "2019-01-01",
                "retention_until": "2021-01-01",
            },
        ],
    )
    b1 = Document.objects.get(number="B-1")
    assert _retention(b1) == (None, False, "PENDING_EVENT")
    assert _retention(Document.objects.get(number="L-1")) == (dt.date(2026, 1, 1), False, "MANUAL")
    assert _retention(Document.objects.get(number="L-2"))[2] == "MANUAL"
    assert (crate.destroy_after, crate.retain_permanently) == (None, False)
    Crate.objects.filter(pk=crate.pk).update(
        status=Crate.Status.IN_STORAGE, location=site.crate().location
    )
    assert not disposal.crates_eligible(on=dt.date(2100, 1, 1)).filter(pk=crate.pk).exists()

    rows = [
        {"unit": "GOA1", "document_number": n, "event": "BATCH_EXPIRY", "date": "2020-03-31"}
        for n in ("B-1", "B-2")
    ]
    result = document_events_record(rows=rows, source="MANUAL", actor=site.drafter)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert _retention(b1) == (dt.date(2021, 3, 31), False, "RULE")
    crate.refresh_from_db()
    assert crate.destroy_after == dt.date(2026, 1, 1)  # the latest of its documents

    again = document_events_record(rows=rows, source="MANUAL", actor=site.drafter)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[0]["date"] = "2030-01-31"
    changed = document_events_record(rows=rows, source="CSV", actor=site.drafter)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    update = AuditEvent.objects.filter(action="document_event.update").get()
    assert update.changes["date"] == ["2020-03-31", "2030-01-31"]
    assert update.changes["retention"][1][0] == "2031-01-31"
    crate.refresh_from_db()
    assert crate.destroy_after == dt.date(2031, 1, 31)
    assert AuditEvent.objects.filter(action="document_event.create").count() == 2


def test_event_rows_are_all_or_nothing_with_each_rows_errors(site: Site) -> None:
    crate = site.crate()
    document = site.document(crate, site.bmr)
    site.document(site.crate(site.mum), site.bmr, number="SAME")
    site.document(crate, site.bmr, number="SAME")
    rows = [
        {
            "unit": "GOA1",
            "document_number": document.number,
            "event": "BATCH_EXPIRY",
            "date": "2020-01-01",
        },
        {"unit": "", "document_number": "SAME", "event": "BATCH_EXPIRY", "date": "2020-01-01"},
        {"unit": "GOA1", "document_number": "NOPE", "event": "NOT_AN_EVENT", "date": "31/01/2020"},
    ]
    with pytest.raises(ApplicationError) as refused:
        document_events_record(rows=rows, source="MANUAL", actor=site.drafter)
    assert refused.value.code == "invalid_events"
    errors = refused.value.details["events"]
    assert errors[0] == {}
    assert list(errors[1]) == ["unit"]  # in two units: which one
    assert set(errors[2]) == {"document_number", "event", "date"}
    assert not DocumentEvent.objects.exists()
    outside = [dict(rows[0], unit="")]
    with pytest.raises(ApplicationError) as scoped:
        document_events_record(
            rows=outside, source="MANUAL", actor=site.drafter, unit_ids=frozenset({site.mum.pk})
        )
    assert "document_number" in scoped.value.details["events"][0]


def test_a_crates_retention_follows_its_documents(site: Site) -> None:
    crate = site.crate()
    first = site.document(crate, site.log, retention_until=dt.date(2030, 1, 1))
    second = site.document(crate, site.log, retention_until=dt.date(2035, 1, 1))
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db()
    assert (crate.destroy_after, crate.retain_permanently) == (dt.date(2035, 1, 1), False)

    rule = site.rule("BMR-EVT", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    Document.objects.filter(pk=first.pk).update(
        retention_until=None, retention_basis="PENDING_EVENT", retention_rule=rule
    )
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db()
    assert (crate.destroy_after, crate.retain_permanently) == (None, False)  # pending

    Document.objects.filter(pk=second.pk).update(retention_until=None, retain_permanently=True)
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db()
    assert (crate.destroy_after, crate.retain_permanently) == (None, True)  # permanent wins


def test_rules_are_checked_and_a_scope_is_fixed_across_versions(site: Site) -> None:
    with pytest.raises(ApplicationError) as refused:
        site.rule("BAD", site.bmr, trigger="EVENT", period_years=0, citation="")
    assert set(refused.value.details) >= {"event", "citation"}
    assert not RetentionRule.objects.exists()
