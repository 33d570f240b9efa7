"""Queue every enabled periodic task now, through the broker (the worker runs and logs them).

`make dev` runs it at start so that the schedule's work shows at once instead of at its next
hour; administrators can use it after an outage. Each task is idempotent, so an extra run is
harmless.
"""

from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand
from django_celery_beat.models import PeriodicTask


class Command(BaseCommand):
    help = "Queue every enabled periodic task once, now."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in PeriodicTask.objects.filter(enabled=True).order_by("name"):
            if task.task.startswith("celery."):
                continue
            current_app.send_task(task.task, queue=task.queue or None)
            self.stdout.write(f"queued {task.name} ({task.task})")
