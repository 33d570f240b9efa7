"""Signature meaning RULE_APPROVED (a retention rule approved). SQLite rebuilds the table to
change a check constraint, which drops its append-only triggers: they are taken off and put
back around it, as in 0005 and 0006."""

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
    ("RULE_APPROVED", "Retention rule approved"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0006_signature_scheme_3"),
    ]

    operations = meaning_operations(MEANINGS)
