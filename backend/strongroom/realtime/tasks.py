import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from strongroom.realtime.models import Event

logger = logging.getLogger(__name__)


@shared_task
def prune_outbox() -> int:
    """Drop events older than the replay window; clients further behind get a resync."""
    cutoff = timezone.now() - dt.timedelta(days=settings.STRONGROOM_EVENT_REPLAY_DAYS)
    deleted, _ = Event.objects.filter(at__lt=cutoff).delete()
    logger.info("prune_outbox: removed %d event(s) older than %s", deleted, cutoff.isoformat())
    return deleted
