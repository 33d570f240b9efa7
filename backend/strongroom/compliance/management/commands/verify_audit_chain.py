from typing import Any

from django.core.management.base import BaseCommand, CommandError

from strongroom.compliance.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit non-zero naming the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit chain BROKEN at event {report.first_broken_id}: {report.problem} "
                f"({report.checked} event(s) before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} event(s)."))
