"""The retention history and the signatures that sign retention: a change the schedule makes (a
rule approved, an event date recorded) is traced per document and per crate and leaves the
signatures of every scheme valid; a change made outside it is still caught by the schemes that
sign retention (1-3), and scheme 4 signs what was asked, not the schedule's retention."""

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strongroom.accounts.models import User
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import binding_digest, content_digest, signable_for
from strongroom.compliance.models import Signature
from strongroom.compliance.signing import signature_check, signature_record
from strongroom.records.models import (
    Crate,
    CrateRetentionChange,
    Document,
    DocumentRetentionChange,
    RetentionRule,
)
from strongroom.records.services.events import document_events_record
from strongroom.records.services.retention import (
    crate_retention_refresh,
    retention_recompute,
    retention_rule_edit,
)
from strongroom.records.tests.retention_fixtures import Site, site_create
from strongroom.requests.models import Request, RequestType
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(roles_synced: None) -> Site:
    return site_create()


def _signed(record: Any, signer: User, *, scheme: int, meaning: str = "APPROVED") -> Signature:
    """A signature of an earlier scheme, as it was made then: that scheme's content of the
    record as it is now, bound, with its ``signature.sign`` audit event."""
    entry = signable_for(record)
    signed_at = timezone.now()
    content = content_digest(record, scheme=scheme)
    if scheme == 1:  # content only, as migration 0005 left the rows made before it
        signature = Signature.objects.create(
            signer=signer,
            printed_name=signer.full_name or signer.username,
            meaning=meaning,
            signed_at=signed_at,
            object_type=entry.object_type,
            object_id=str(record.pk),
            unit=record.unit,
            scheme=1,
            record_digest=content,
            **({entry.link: record} if entry.link else {}),
        )
        audit_event_record(
            action="signature.sign",
            actor=signer,
            object_type=entry.object_type,
            object_id=record.pk,
            unit=record.unit,
            changes={"meaning": [None, meaning], "signature": [None, signature.pk]},
        )
        return signature
    signature = Signature.objects.create(
        signer=signer,
        printed_name=signer.full_name or signer.username,
        meaning=meaning,
        signed_at=signed_at,
        object_type=entry.object_type,
        object_id=str(record.pk),
        unit=record.unit,
        scheme=scheme,
        content_digest=content,
        record_digest=binding_digest(
            signer_id=signer.pk,
            meaning=meaning,
            signed_at=signed_at,
            object_type=entry.object_type,
            object_id=str(record.pk),
            content_digest=content,
            scheme=scheme,
        ),
        **({entry.link: record} if entry.link else {}),
    )
    audit_event_record(
        action="signature.sign",
        actor=signer,
        object_type=entry.object_type,
        object_id=record.pk,
        unit=record.unit,
        changes={
            "meaning": [None, meaning],
            "signature": [None, signature.pk],
            "digest": [None, signature.record_digest],
            "scheme": [None, scheme],
        },
    )
    return signature


def _statuses(signatures: dict[str, Signature]) -> dict[str, str]:
    return {name: signature_check(Signature.objects.get(pk=s.pk)) for name, s in signatures.items()}


def _held_crate(site: Site) -> Crate:
    return site.crate(
        legal_hold=True,
        legal_hold_reason="Inquiry",
        legal_hold_by=site.drafter,
        legal_hold_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


@pytest.mark.compliance("11.70", "11.10(e)")
def test_the_schedules_changes_are_traced_and_leave_every_signature_valid(site: Site) -> None:
    held = _held_crate(site)
    lengthened = site.document(held, site.log, retention_until=dt.date(2012, 1, 1))
    kept = site.document(held, site.log, retention_until=dt.date(2040, 1, 1))
    crate_retention_refresh(crate_ids=[held.pk])
    other = site.crate()
    shortened = site.document(other, site.log, retention_until=dt.date(2040, 1, 1))
    destroyed = site.document(other, site.log, status=Document.Status.DESTROYED)
    crate_retention_refresh(crate_ids=[other.pk])
    held.refresh_from_db()
    storage = RequestFactory(crate=held, type=RequestType.STORAGE)
    destruction = RequestFactory(crate=other, type=RequestType.DESTRUCTION, purpose="Expired")
    approver = site.approver
    before = {
        "storage_3": _signed(storage, approver, scheme=3),
        "storage_4": signature_record(signer=approver, meaning="APPROVED", record=storage),
        "destruction_2": _signed(destruction, approver, scheme=2),
        "destruction_3": _signed(destruction, approver, scheme=3),
        "hold_1": _signed(held, approver, scheme=1, meaning="HOLD_PLACED"),
        "hold_3": _signed(held, approver, scheme=3, meaning="HOLD_PLACED"),
        "hold_4": signature_record(signer=approver, meaning="HOLD_PLACED", record=held),
    }
    assert _statuses(before) == dict.fromkeys(before, "valid")

    rule, _result = site.approve(site.rule("LOG-7Y", site.log, period_years=7))

    for document in (lengthened, kept, shortened, destroyed, held):
        document.refresh_from_db()
    assert (lengthened.retention_until, kept.retention_until) == (
        dt.date(2017, 1, 1),  # on hold: lengthened, never shortened
        dt.date(2040, 1, 1),
    )
    assert shortened.retention_until == dt.date(2017, 1, 1)
    assert destroyed.retention_until == dt.date(2040, 1, 1)  # a destroyed document is left alone
    # Every signature made before the approval still verifies: schemes 1-3 read the retention
    # of their signing time back from the history, scheme 4 does not sign it.
    assert _statuses(before) == dict.fromkeys(before, "valid")

    changes = {
        c.document_id: c for c in DocumentRetentionChange.objects.select_related("rule", "by")
    }
    assert set(changes) == {lengthened.pk, kept.pk, shortened.pk}  # kept: MANUAL -> RULE
    change = changes[lengthened.pk]
    assert (change.old_retention_until, change.old_retain_permanently, change.old_basis) == (
        dt.date(2012, 1, 1),
        False,
        "MANUAL",
    )
    assert (change.new_retention_until, change.new_retain_permanently, change.new_basis) == (
        dt.date(2017, 1, 1),
        False,
        "RULE",
    )
    assert (change.cause, change.rule, change.by, change.document_event) == (
        "RULE_APPROVED",
        rule,
        approver,
        None,
    )
    assert changes[shortened.pk].old_retention_until == dt.date(2040, 1, 1)
    crate_change = CrateRetentionChange.objects.get(crate=other)
    assert (crate_change.old_destroy_after, crate_change.new_destroy_after) == (
        dt.date(2040, 1, 1),
        dt.date(2017, 1, 1),
    )
    assert (crate_change.cause, crate_change.rule, crate_change.by) == (
        "RULE_APPROVED",
        rule,
        approver,
    )
    assert not CrateRetentionChange.objects.filter(crate=held).exists()  # still 2040

    # Signatures made after the change: scheme 4 (new) and an earlier scheme both verify, and
    # so does every signature through a second change (the value before the first change after
    # each signing time).
    after = {
        "storage_3_between": _signed(storage, approver, scheme=3),
        "storage_4_between": signature_record(signer=approver, meaning="APPROVED", record=storage),
        "hold_3_between": _signed(held, approver, scheme=3, meaning="HOLD_PLACED"),
    }
    approved = RetentionRule.objects.get(pk=rule.pk)
    site.approve(
        retention_rule_edit(
            actor=site.drafter, rule=approved, version=approved.version, data={"period_years": 35}
        )
    )
    lengthened.refresh_from_db()
    held.refresh_from_db()
    assert lengthened.retention_until == dt.date(2045, 1, 1)
    assert held.destroy_after == dt.date(2045, 1, 1)
    assert DocumentRetentionChange.objects.filter(document=lengthened).count() == 2
    everything = before | after
    assert _statuses(everything) == dict.fromkeys(everything, "valid")

    # A change made outside the schedule is not excused by the history: the schemes that sign
    # retention (1-3: the hold's scheme 1 covers the crate's and its documents') show it.
    Document.objects.filter(pk=lengthened.pk).update(retention_until=dt.date(2050, 1, 1))
    Crate.objects.filter(pk=held.pk).update(destroy_after=dt.date(2050, 1, 1))
    statuses = _statuses(everything)
    assert {k: v for k, v in statuses.items() if not k.split("_")[1].startswith("4")} == {
        "storage_3": "record_changed",
        "destruction_2": "valid",  # another crate
        "destruction_3": "valid",
        "hold_1": "record_changed",
        "hold_3": "record_changed",
        "storage_3_between": "record_changed",
        "hold_3_between": "record_changed",
    }
    # Scheme 4 does not sign retention (the history and the audit trail trace the schedule's
    # changes); it still shows a change of what it signs.
    assert {statuses[k] for k in ("storage_4", "hold_4", "storage_4_between")} == {"valid"}
    Document.objects.filter(pk=kept.pk).update(title="Renamed outside any edit")
    assert _statuses({k: everything[k] for k in ("storage_4", "hold_4")}) == {
        "storage_4": "record_changed",
        "hold_4": "record_changed",
    }


@pytest.mark.compliance("11.10(e)")
def test_the_retention_history_is_append_only(site: Site) -> None:
    crate = site.crate()
    document = site.document(crate, site.log)
    site.approve(site.rule("LOG-7Y", site.log, period_years=7))
    change = DocumentRetentionChange.objects.get(document=document)
    crate_change = CrateRetentionChange.objects.get(crate=crate)
    for model, pk in (
        (DocumentRetentionChange, change.pk),
        (CrateRetentionChange, crate_change.pk),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).update(new_retain_permanently=True)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).delete()
    assert DocumentRetentionChange.objects.get(pk=change.pk).new_retain_permanently is False


@pytest.mark.compliance("11.70", "11.10(e)")
def test_an_event_date_is_traced_and_leaves_a_storage_signature_valid(site: Site) -> None:
    site.approve(
        site.rule("BMR-EXP+1Y", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    )
    crate = site.crate()
    waiting = site.document(
        crate,
        site.bmr,
        retention_until=None,
        retention_basis="PENDING_EVENT",
        retention_rule=RetentionRule.objects.get(code="BMR-EXP+1Y"),
    )
    crate_retention_refresh(crate_ids=[crate.pk])
    crate.refresh_from_db()
    storage: Request = RequestFactory(crate=crate, type=RequestType.STORAGE)
    signatures = {
        "storage_3": _signed(storage, site.approver, scheme=3),
        "hold_3": _signed(crate, site.approver, scheme=3, meaning="HOLD_PLACED"),
    }

    document_events_record(
        rows=[{"document_number": waiting.number, "event": "BATCH_EXPIRY", "date": "2030-06-30"}],
        source="MANUAL",
        actor=site.drafter,
    )

    waiting.refresh_from_db()
    assert (waiting.retention_until, waiting.retention_basis) == (dt.date(2031, 6, 30), "RULE")
    assert _statuses(signatures) == dict.fromkeys(signatures, "valid")
    change = DocumentRetentionChange.objects.select_related("document_event").get(document=waiting)
    assert (change.old_retention_until, change.old_basis, change.new_basis, change.cause) == (
        None,
        "PENDING_EVENT",
        "RULE",
        "EVENT_DATE",
    )
    assert change.document_event is not None
    assert change.document_event.date == dt.date(2030, 6, 30)
    assert change.by == site.drafter
    crate_change = CrateRetentionChange.objects.get(crate=crate)
    assert (crate_change.old_destroy_after, crate_change.new_destroy_after, crate_change.rule) == (
        None,
        dt.date(2031, 6, 30),
        None,
    )


def test_the_recomputation_costs_the_same_queries_for_one_document_or_many(site: Site) -> None:
    """Set-based: the history is written with bulk INSERTs, not a statement per document."""
    counts = []
    for code, crates, per_crate in (("LOG-A", 1, 1), ("LOG-B", 4, 5)):
        doc_type = site.log if code == "LOG-A" else site.val
        for _ in range(crates):
            crate = site.crate()
            for _ in range(per_crate):
                site.document(crate, doc_type)
        rule = site.rule(code, doc_type, period_years=3)
        RetentionRule.objects.filter(pk=rule.pk).update(
            status=RetentionRule.Status.APPROVED,
            approved_at=timezone.now(),
            effective_from=timezone.localdate(),
        )
        rule.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            result = retention_recompute(rule=rule)
        assert result.documents == crates * per_crate
        counts.append(len(queries))
    assert DocumentRetentionChange.objects.count() == 21
    assert CrateRetentionChange.objects.count() == 5
    assert counts[0] == counts[1]


def test_the_document_detail_lists_its_retention_history(site: Site, api_client_for: Any) -> None:
    crate = site.crate()
    document = site.document(crate, site.log, retention_until=dt.date(2040, 1, 1))
    rule, _result = site.approve(site.rule("LOG-7Y", site.log, period_years=7))

    client = api_client_for(site.drafter)
    body = client.get(f"/api/v1/documents/{document.pk}/").json()

    assert body["retention_until"] == "2017-01-01"
    assert [
        {k: row[k] for k in ("cause", "old_retention_until", "new_retention_until", "old_basis")}
        for row in body["retention_history"]
    ] == [
        {
            "cause": "RULE_APPROVED",
            "old_retention_until": "2040-01-01",
            "new_retention_until": "2017-01-01",
            "old_basis": "MANUAL",
        }
    ]
    row = body["retention_history"][0]
    assert (row["rule"], row["rule_code"], row["rule_revision"]) == (rule.pk, "LOG-7Y", 1)
    assert (row["event_code"], row["by_name"]) == (None, site.approver.full_name)
    # The list stays as it was (no history per row).
    listed = client.get("/api/v1/documents/", {"search": document.number}).json()
    assert "retention_history" not in listed["results"][0]
