"""Signature meaning RULE_APPROVED (a retention rule approved). SQLite rebuilds the table to
change a check constraint, which drops its append-only triggers: they are taken off and put
back around it, as in 0005 and 0006."""

from django.db import migrations, models

from strongroom.compliance import immutability


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0006_signature_scheme_3"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name='signature',
            name='signature_meaning_valid',
        ),
        migrations.AlterField(
            model_name='signature',
            name='meaning',
            field=models.CharField(choices=[('SUBMITTED', 'Submitted'), ('APPROVED', 'Approved'), ('REJECTED', 'Rejected'), ('SENT_BACK', 'Sent back'), ('RESUBMITTED', 'Resubmitted'), ('CANCELLED', 'Cancelled'), ('ALLOCATED', 'Allocated'), ('ISSUED', 'Issued'), ('RECEIVED', 'Received'), ('TRANSFERRED', 'Transferred'), ('DESTROYED', 'Destroyed'), ('WITNESSED', 'Witnessed'), ('HOLD_PLACED', 'Legal hold placed'), ('HOLD_RELEASED', 'Legal hold released'), ('RULE_APPROVED', 'Retention rule approved')], max_length=15),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=models.Q(('meaning__in', ['SUBMITTED', 'APPROVED', 'REJECTED', 'SENT_BACK', 'RESUBMITTED', 'CANCELLED', 'ALLOCATED', 'ISSUED', 'RECEIVED', 'TRANSFERRED', 'DESTROYED', 'WITNESSED', 'HOLD_PLACED', 'HOLD_RELEASED', 'RULE_APPROVED'])), name='signature_meaning_valid'),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
