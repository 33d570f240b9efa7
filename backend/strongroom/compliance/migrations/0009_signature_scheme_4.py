"""Digest scheme 4 (request and crate content without the retention the schedule governs): the
scheme check allows 4 and new signatures default to it. Existing rows keep their scheme and
verify as before (their retention read back from the retention history); no row is touched.
SQLite rebuilds the table to change a check constraint, which drops its append-only triggers:
they are taken off and put back around it, as in 0005, 0006 and 0008."""

from django.db import migrations, models

from strongroom.compliance import immutability


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0008_batch_meanings"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name="signature",
            name="signature_scheme_known",
        ),
        migrations.AlterField(
            model_name="signature",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                default=4,
                help_text="Digest scheme: 1 = content only (legacy), 2 = bound, 3 = bound, "
                "storage requests' content with their documents, 4 = bound, without the "
                "retention the schedule governs.",
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=models.Q(("scheme__in", [1, 2, 3, 4])), name="signature_scheme_known"
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
