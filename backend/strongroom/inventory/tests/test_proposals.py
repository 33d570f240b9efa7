"""Beat proposes cycle counts by risk: a room whose shelves were last verified (or created,
never verified) longer ago than its security class's interval, to the unit's Store Heads."""

import datetime as dt

import pytest
from django.utils import timezone

from strongroom.inventory.proposals import cycle_count_proposals, interval_days
from strongroom.inventory.tasks import propose_cycle_counts
from strongroom.inventory.tests.conftest import Room, location, open_audit
from strongroom.notifications.models import Notification
from strongroom.storage.models import Location

pytestmark = pytest.mark.django_db


def _age(room_location: Location, days: int, *, verified: bool = False) -> None:
    moment = timezone.now() - dt.timedelta(days=days)
    shelves = Location.objects.filter(full_code__startswith=f"{room_location.full_code}/")
    shelves.update(created_at=moment, **({"last_verified_at": moment} if verified else {}))


def test_rooms_are_proposed_by_security_class_and_days_since_verified(room: Room) -> None:
    site = room.plant
    vault = location(site, None, Location.Kind.ROOM, "V01", security_class=3)
    rack = location(site, vault, Location.Kind.RACK, "K01")
    location(site, rack, Location.Kind.SHELF, "S1", capacity=2)
    _age(vault, 31, verified=True)  # class 3: every 30 days → due
    _age(room.room, 60)  # class 2: every 90 days → not yet
    proposals = cycle_count_proposals(unit_ids=frozenset({site.goa.pk}))
    assert [p.full_code for p in proposals] == ["GOA1/V01"]
    assert proposals[0].interval_days == interval_days(3) == 30
    assert proposals[0].never_verified is False

    _age(room.room, 100)  # never verified and older than 90 days → due, after the vault
    proposals = cycle_count_proposals(unit_ids=frozenset({site.goa.pk}))
    assert [p.full_code for p in proposals] == ["GOA1/V01", "GOA1/R09"]
    assert proposals[1].never_verified is True

    # A room being counted by an open audit is not proposed again.
    open_audit(room)
    assert [p.full_code for p in cycle_count_proposals(unit_ids=None)] == ["GOA1/V01"]


def test_the_beat_task_tells_the_store_heads_once_a_day(room: Room) -> None:
    _age(room.room, 100)
    assert propose_cycle_counts() == 2  # the two GOA1 Store Heads
    notes = Notification.objects.filter(kind="CYCLE_COUNT_DUE")
    assert {n.recipient.username for n in notes} == {"goa1-storehead", "goa1-storehead2"}
    note = notes.first()
    assert note is not None
    assert "GOA1/R09 (security class 2, 2 shelves): never verified" in note.body
    assert note.link == "/inventory-audits"
    assert propose_cycle_counts() == 0  # idempotent for the day
