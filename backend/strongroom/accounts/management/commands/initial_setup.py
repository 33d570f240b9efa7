"""Prepare a Strongroom database for use. Safe to run on every start: it only adds what is missing.

manage.py initial_setup [--admin-username NAME] [--demo]
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from strongroom.accounts import setup
from strongroom.core.errors import ApplicationError


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

        changes: list[str] = []
        self._step("Roles and permissions", setup.roles_sync(), changes)
        self._step("Document types", setup.document_types_sync(), changes)
        try:
            admin_changes, generated = setup.system_administrator_ensure(
                username=options["admin_username"], password=settings.STRONGROOM_ADMIN_PASSWORD
            )
        except ValidationError as exc:
            raise CommandError(
                f"STRONGROOM_ADMIN_PASSWORD is too weak: {' '.join(exc.messages)}"
            ) from exc
        self._step("System Administrator", admin_changes, changes)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"  Password for {options['admin_username']} (shown once; change it at first "
                    f"login): {generated}"
                )
            )
        self._step("Periodic tasks", setup.periodic_tasks_sync(), changes)
        try:
            key_changes, public_key = setup.audit_signing_key_ensure()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self._step("Audit signing key", key_changes, changes)
        self.stdout.write(
            f"  public key (publish it; inspectors verify checkpoints with it), "
            f"key id {public_key.key_id}:"
        )
        for line in public_key.pem.strip().splitlines():
            self.stdout.write(f"  {line}")
        if options["demo"]:
            self._demo(changes)

        if changes:
            self.stdout.write(self.style.SUCCESS(f"Done: {len(changes)} change(s)."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Nothing to change: everything was already set up.")
            )

    def _step(self, title: str, step_changes: list[str], changes: list[str]) -> None:
        self.stdout.write(f"{title}…")
        for change in step_changes:
            self.stdout.write(f"  {change}")
        if not step_changes:
            self.stdout.write("  already set up")
        changes.extend(step_changes)

    def _demo(self, changes: list[str]) -> None:
        from strongroom.demo import demo_seed

        password = settings.STRONGROOM_DEMO_PASSWORD
        generated = not password
        if generated:
            password = setup.generate_password()
        try:
            report = demo_seed(password=password)
        except ValidationError as exc:
            raise CommandError(
                f"STRONGROOM_DEMO_PASSWORD is too weak: {' '.join(exc.messages)}"
            ) from exc
        self._step("Demo data", report.changes, changes)
        if generated and not report.changes:
            self.stdout.write("  (demo users existed already; their passwords were not changed)")
            return
        self.stdout.write("Demo logins (one per role and unit):")
        for username, role in report.logins:
            self.stdout.write(f"  {username:<20} {role}")
        self.stdout.write(f"  password for all of them: {password}")
