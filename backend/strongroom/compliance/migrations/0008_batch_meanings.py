"""The meanings of a destruction batch's signatures: BATCH_APPROVED and BATCH_COMPLETED. No row is
touched. SQLite rebuilds the table to change a check constraint, which drops its append-only
triggers: they are taken off and put back around it, as in 0005 and 0006."""

from django.db import migrations

from strongroom.compliance.migrations._meanings import meaning_operations

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
]


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0007_meaning_rule_approved"),
    ]

    operations = meaning_operations(MEANINGS)
