from celery import shared_task

from strongroom.core.tally import tally_compact
from strongroom.core.task_queue import RESEND_AFTER_SECONDS, pending_tasks_send


@shared_task
def send_pending_tasks(older_than_seconds: float = RESEND_AFTER_SECONDS) -> int:
    """Tasks whose queueing failed after their transaction committed (a broker outage)."""
    return pending_tasks_send(older_than_seconds=older_than_seconds)


@shared_task
def compact_tallies() -> int:
    """Fold the tallies' deltas into their counts (strongroom.core.tally)."""
    return tally_compact()
