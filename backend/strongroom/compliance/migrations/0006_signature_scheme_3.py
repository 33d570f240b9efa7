"""Digest scheme 3 (a storage request's content covers its crate's documents): the scheme
check allows 3 and new signatures default to it. Existing rows keep their scheme and verify as
before; no row is touched. SQLite rebuilds the table to change a check constraint, which drops
its append-only triggers: they are taken off and put back around it, as in 0005."""

from django.db import migrations, models

from strongroom.compliance import immutability


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0005_generic_signature"),
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
                default=3,
                help_text="Digest scheme: 1 = content only (legacy), 2 = bound, 3 = bound, "
                "storage requests' content with their documents.",
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=models.Q(("scheme__in", [1, 2, 3])), name="signature_scheme_known"
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
