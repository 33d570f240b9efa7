"""Prepare a Strongroom database for use. Safe to run on every start: it only adds what is missing.

manage.py initial_setup [--admin-username NAME] [--demo]

The steps are the apps' own (strongroom.core.setup): roles, document types, the first System
Administrator, periodic tasks, the audit signing key and, with ``--demo``, the demo data.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from strongroom.core.errors import ApplicationError
from strongroom.core.setup import SetupOptions, setup_steps


class Command(BaseCommand):
    help = (
        "Create the six roles with their permissions, the document types, the first System "
        "Administrator, the periodic tasks and the audit signing key; with --demo, demo units, "
        "users and records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--admin-username",
            default=settings.STRONGROOM_ADMIN_USERNAME,
            help="Username of the first System Administrator (default: %(default)s).",
        )
        parser.add_argument(
            "--demo", action="store_true", help="Also create demo data (refused in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"] and not settings.STRONGROOM_ALLOW_DEMO_DATA:
            raise CommandError("--demo is refused with production settings.")
        setup_options = SetupOptions(admin_username=options["admin_username"], demo=options["demo"])

        changes: list[str] = []
        for step in setup_steps(demo=options["demo"]):
            try:
                result = step.run(setup_options)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"{step.title}…")
            for change in result.changes:
                self.stdout.write(f"  {change}")
            if not result.changes:
                self.stdout.write("  already set up")
            for line in result.warnings:
                self.stdout.write(self.style.WARNING(line))
            for line in result.notes:
                self.stdout.write(line)
            changes.extend(result.changes)

        if changes:
            self.stdout.write(self.style.SUCCESS(f"Done: {len(changes)} change(s)."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Nothing to change: everything was already set up.")
            )
