"""Verify the audit trail: the hash chain and its signed checkpoints (docs/AUDIT_TRAIL.md).

manage.py verify_audit_chain                          # chain + checkpoints; signs the head
manage.py verify_audit_chain --no-checkpoint          # the same, writing nothing
manage.py verify_audit_chain --checkpoints FILE       # also against an exported file
manage.py verify_audit_chain --export-checkpoints FILE
manage.py verify_audit_chain --checkpoints FILE --public-key PEM [--public-key PEM2]
                                                      # offline: the file alone, no database
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from strongroom.compliance.audit_keys import AuditPublicKey, public_key_parse
from strongroom.compliance.checkpoints import (
    audit_verify,
    checkpoint_export_lines,
    checkpoint_file_verify_offline,
)
from strongroom.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain and check its signed checkpoints; exit non-zero "
        "naming the first broken event or checkpoint. Export the checkpoints for an inspector, "
        "or check an exported file offline with the public key alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="An exported checkpoint file to check the database against (repeatable); "
            "with --public-key, check the file alone, without the database.",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="PEMFILE",
            help="Offline mode: the accepted public key(s), PEM (repeatable, for rotated keys).",
        )
        parser.add_argument(
            "--export-checkpoints",
            metavar="FILE",
            help="Write every checkpoint and the public keys to FILE (JSON lines) and exit.",
        )
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="Do not sign the verified head as a new checkpoint (read-only, e.g. a restore).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["export_checkpoints"]:
                self._export(Path(options["export_checkpoints"]))
            elif options["public_key"]:
                self._offline(options["checkpoints"], options["public_key"])
            else:
                self._verify(options["checkpoints"], write=not options["no_checkpoint"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _verify(self, files: list[str], *, write: bool) -> None:
        report = audit_verify(checkpoint_files=[Path(f) for f in files], write_checkpoint=write)
        if report.first_broken_id is not None:
            raise CommandError(
                f"Audit chain BROKEN at event {report.first_broken_id}: {report.problem} "
                f"({report.checked} event(s) before it are intact)."
            )
        if report.first_bad_checkpoint_id is not None:
            raise CommandError(
                f"Audit chain BROKEN at checkpoint {report.first_bad_checkpoint_id}: "
                f"{report.checkpoint_problem} ({report.checked} event(s) chain intact, "
                f"{report.checkpoints_checked} checkpoint(s) before it good)."
            )
        latest = f"; latest checkpoint {report.checkpoint_id}" if report.checkpoint_id else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} event(s), "
                f"{report.checkpoints_checked} checkpoint(s) verified{latest}."
            )
        )

    def _export(self, path: Path) -> None:
        count = -1  # the header line is not a checkpoint
        try:
            with path.open("w", encoding="utf-8") as handle:
                for line in checkpoint_export_lines():
                    handle.write(line + "\n")
                    count += 1
        except OSError as exc:
            raise CommandError(f"Cannot write {path} ({exc.strerror}).") from exc
        self.stdout.write(self.style.SUCCESS(f"Exported {count} checkpoint(s) to {path}."))

    def _offline(self, files: list[str], key_files: list[str]) -> None:
        if len(files) != 1:
            raise CommandError("--public-key checks one --checkpoints FILE, without the database.")
        keys: list[AuditPublicKey] = []
        for key_file in key_files:
            try:
                keys.append(public_key_parse(Path(key_file).read_bytes()))
            except OSError as exc:
                raise CommandError(f"Cannot read {key_file} ({exc.strerror}).") from exc
        good, bad_id, problem = checkpoint_file_verify_offline(Path(files[0]), keys)
        fingerprints = ", ".join(k.key_id for k in keys)
        if bad_id is not None:
            raise CommandError(
                f"Checkpoint file BROKEN at checkpoint {bad_id}: {problem} "
                f"({good} checkpoint(s) before it good; key {fingerprints})."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint file intact: {good} checkpoint(s) signed by key {fingerprints}."
            )
        )
