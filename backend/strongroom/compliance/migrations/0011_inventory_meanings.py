"""The meanings of an inventory audit's signatures: RECONCILED (a discrepancy reconciled) and
AUDIT_CLOSED. No row is touched. SQLite rebuilds the table to change a check constraint, which drops its append-only
triggers: they are taken off and put back around it, as in 0005 and 0006."""

from django.db import migrations, models

from strongroom.compliance import immutability

MEANINGS = [
    ("SUBMITTED", "Submitted"),
    ("APPROVED", "Approved"),
    ("REJECTED", "Rejected"),
    ("SENT_BACK", "Sent back"),
    ("RESUBMITTED", "Resubmitted"),
    ("CANCELLED", "Cancelled"),
    ("ALLOCATED", "Allocated"),
    ("ISSUED", "Issued"),
    ("RECEIVED", "Received"),
    ("TRANSFERRED", "Transferred"),
    ("DESTROYED", "Destroyed"),
    ("WITNESSED", "Witnessed"),
    ("HOLD_PLACED", "Legal hold placed"),
    ("HOLD_RELEASED", "Legal hold released"),
    ("BATCH_APPROVED", "Destruction batch approved"),
    ("BATCH_COMPLETED", "Destruction batch completed"),
    ("RULE_APPROVED", "Retention rule approved"),
    ("REVIEWED", "Audit trail reviewed"),
    ("RECONCILED", "Inventory discrepancy reconciled"),
    ("AUDIT_CLOSED", "Inventory audit closed"),
]


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0010_review_meanings"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name="signature",
            name="signature_meaning_valid",
        ),
        migrations.AlterField(
            model_name="signature",
            name="meaning",
            field=models.CharField(choices=MEANINGS, max_length=15),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=models.Q(("meaning__in", [value for value, _ in MEANINGS])),
                name="signature_meaning_valid",
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
