"""The operations of a migration that changes the meanings a signature may carry (its choices and
the check constraint ``signature_meaning_valid``), given that migration's own, frozen list.

SQLite rebuilds the table to change a check constraint, which drops the append-only triggers:
they are taken off before and put back after, as in 0005 and 0006. No row is touched. (A module
whose name starts with "_" is not a migration to Django's loader.)
"""

from django.db import migrations, models
from django.db.migrations.operations.base import Operation

from strongroom.compliance import immutability


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


def meaning_operations(meanings: list[tuple[str, str]]) -> list[Operation]:
    return [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name="signature",
            name="signature_meaning_valid",
        ),
        migrations.AlterField(
            model_name="signature",
            name="meaning",
            field=models.CharField(choices=meanings, max_length=15),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=models.Q(("meaning__in", [value for value, _ in meanings])),
                name="signature_meaning_valid",
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
