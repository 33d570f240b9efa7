import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from strongroom.accounts.tests.factories import UnitFactory
from strongroom.realtime.models import Event
from strongroom.realtime.tasks import prune_outbox

pytestmark = pytest.mark.django_db


@override_settings(STRONGROOM_EVENT_REPLAY_DAYS=7)
def test_prune_drops_only_events_older_than_the_window() -> None:
    unit = UnitFactory()
    old = Event.objects.create(unit=unit, topic="crate", action="updated", object_id="1")
    recent = Event.objects.create(unit=unit, topic="crate", action="updated", object_id="2")
    Event.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=8))
    assert prune_outbox() == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]
