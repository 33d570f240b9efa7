import pytest
from django.db import IntegrityError, transaction

from strongroom.accounts.tests.factories import UnitFactory
from strongroom.core.testing import assert_update_rejected
from strongroom.realtime.models import Event

pytestmark = pytest.mark.django_db


def test_event_rules() -> None:
    event = Event.objects.create(unit=UnitFactory(), topic="crate", action="created", object_id="1")
    assert_update_rejected(event, "event_topic_valid", topic="weather")
    assert_update_rejected(event, "event_action_valid", action="exploded")
    with pytest.raises(IntegrityError, match="event_has_audience"), transaction.atomic():
        Event.objects.create(topic="crate", action="created", object_id="2")


def test_an_event_for_everyone_has_no_unit_and_no_user() -> None:
    unit = UnitFactory()
    Event.objects.create(everyone=True, topic="rule", action="created", object_id="1")
    for audience in ({"unit": unit}, {"also_unit": unit}):
        with pytest.raises(IntegrityError, match="event_has_audience"), transaction.atomic():
            Event.objects.create(
                everyone=True, topic="rule", action="created", object_id="2", **audience
            )


def test_event_ids_increase() -> None:
    unit = UnitFactory()
    ids = [
        Event.objects.create(unit=unit, topic="crate", action="updated", object_id="1").id
        for _ in range(3)
    ]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
