"""Retention rules and event dates on the live stream (PRODUCT.md §8): every version written is
an event of its unit, a rule without a unit one for everyone, published only once the change
commits; an event date is an event of its document's unit."""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from strongroom.accounts import roles
from strongroom.realtime import services
from strongroom.realtime.models import Event
from strongroom.records.models import DocumentEvent
from strongroom.records.services.events import document_event_update, document_events_record
from strongroom.records.tests.retention_fixtures import Site, site_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(roles_synced: None) -> Site:
    return site_create()


def test_every_role_reads_the_schedule_which_is_why_a_rule_of_every_unit_goes_to_everyone() -> None:
    """A rule without a unit is broadcast to every signed-in user (``Event.everyone``): right
    only while every role may read the schedule (the API lists such rules to every caller). A
    role without it would have to be kept off that audience first."""
    assert [
        role
        for role, permissions in roles.ROLE_PERMISSIONS.items()
        if "records.view_retentionrule" not in permissions
    ] == []


def _events(topic: str, object_id: int) -> list[Event]:
    return list(Event.objects.filter(topic=topic, object_id=str(object_id)).order_by("id"))


def test_each_version_of_a_rule_is_an_event_of_its_unit_or_of_everyone(site: Site) -> None:
    everywhere = site.rule("BMR-ALL", site.bmr)
    in_goa = site.rule("LOG-GOA", site.log, department=site.goa_qc)
    [drafted] = _events("rule", everywhere.pk)
    assert (drafted.action, drafted.everyone, drafted.unit_id, drafted.version) == (
        "created",
        True,
        None,
        1,
    )
    assert drafted.data == {
        "code": "BMR-ALL",
        "revision": 1,
        "status": "DRAFT",
        "doc_type_id": site.bmr.pk,
    }
    assert services.event_groups(drafted) == ["everyone"]
    [goa_event] = _events("rule", in_goa.pk)
    assert (goa_event.everyone, goa_event.unit_id) == (False, site.goa.pk)
    assert services.event_groups(goa_event) == [f"unit.{site.goa.pk}", "units.all"]

    approved, _ = site.approve(everywhere)
    # The approval is one transaction: one event for the version, with its final state.
    [created] = _events("rule", everywhere.pk)
    assert (created.data["status"], created.version) == ("APPROVED", approved.version)


def test_approving_the_next_version_tells_of_both_versions(site: Site) -> None:
    first, _ = site.approve(site.rule("BMR-ALL", site.bmr))
    from strongroom.records.services.retention import retention_rule_edit

    draft = retention_rule_edit(
        actor=site.drafter, rule=first, version=first.version, data={"period_years": 10}
    )
    [drafted] = _events("rule", draft.pk)
    assert (drafted.action, drafted.data["revision"], drafted.data["status"]) == (
        "created",
        2,
        "DRAFT",
    )
    approved, _ = site.approve(draft)
    first.refresh_from_db()
    # One test transaction: each version's events coalesce into one row with its last state.
    [now_approved] = _events("rule", approved.pk)
    [superseded] = _events("rule", first.pk)
    assert (now_approved.data["status"], now_approved.version) == ("APPROVED", approved.version)
    assert (superseded.data["status"], superseded.version) == ("SUPERSEDED", first.version)
    assert (now_approved.everyone, superseded.everyone) == (True, True)


def test_an_event_date_recorded_then_changed_is_an_event_of_its_documents_unit(
    site: Site,
) -> None:
    document = site.document(site.crate(site.mum), site.bmr, number="B-1")
    document_events_record(
        rows=[
            {
                "unit": "MUM1",
                "document_number": "B-1",
                "event": "BATCH_EXPIRY",
                "date": "2027-03-31",
            }
        ],
        source="CSV",
        actor=site.drafter,
    )
    recorded = DocumentEvent.objects.get(document=document)
    [created] = _events("event_date", recorded.pk)
    assert (created.action, created.unit_id, created.everyone, created.version) == (
        "created",
        site.mum.pk,
        False,
        1,
    )
    assert created.data == {
        "document_id": document.pk,
        "event_id": site.expiry.pk,
        "date": "2027-03-31",
    }

    document_event_update(
        actor=site.drafter, recorded=recorded, version=1, date=dt.date(2027, 6, 30)
    )
    [changed] = _events("event_date", recorded.pk)  # coalesced: one test transaction
    assert (changed.unit_id, changed.version, changed.data["date"]) == (
        site.mum.pk,
        2,
        "2027-06-30",
    )


@pytest.mark.django_db(transaction=True)
def test_a_rule_approval_is_published_after_its_commit_only(
    roles_synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_create()
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(services, "layer_group_send_many", sent.extend)
    draft = site.rule("BMR-ALL", site.bmr)
    sent.clear()
    with transaction.atomic():
        approved, _ = site.approve(draft)
        assert sent == []  # not before the change commits
    [(group, message)] = [(g, m) for g, m in sent if '"topic":"rule"' in m["text"]]
    assert group == "everyone"
    assert message["unit_ids"] is None
    assert f'"object_id":"{approved.pk}"' in message["text"]
    assert '"status":"APPROVED"' in message["text"]

    # An approval rolled back with the transaction around it publishes nothing.
    second = site.rule("LOG-GOA", site.log, unit=site.goa)
    sent.clear()

    def approve_then_roll_back() -> None:
        with transaction.atomic():
            site.approve(second)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        approve_then_roll_back()
    assert [m for _, m in sent if '"topic":"rule"' in m["text"]] == []
    assert not Event.objects.filter(topic="rule", object_id=str(second.pk), action="updated")
