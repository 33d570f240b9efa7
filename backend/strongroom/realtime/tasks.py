import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from strongroom.realtime.models import Event, ReplayWindow

logger = logging.getLogger(__name__)


@shared_task
def prune_outbox() -> int:
    """Drop events older than the replay window; clients further behind get a resync.

    Deletes by id (everything up to the newest expired event) and remembers that id, so the
    replay can tell "pruned" from "never existed" (see :class:`ReplayWindow`)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.STRONGROOM_EVENT_REPLAY_DAYS)
    with transaction.atomic():
        through = Event.objects.filter(at__lt=cutoff).aggregate(through=Max("id"))["through"]
        if through is None:
            deleted = 0
        else:
            deleted, _ = Event.objects.filter(id__lte=through).delete()
            window, _ = ReplayWindow.objects.select_for_update().get_or_create(pk=1)
            if through > window.pruned_through:
                window.pruned_through = through
                window.save(update_fields=["pruned_through"])
    logger.info("prune_outbox: removed %d event(s) older than %s", deleted, cutoff.isoformat())
    return deleted
