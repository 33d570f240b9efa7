"""The retention history (DocumentRetentionChange, CrateRetentionChange): append-only, with the
triggers of the audit trail (compliance.immutability lists the two tables; installing again
is idempotent for the tables that already have them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from strongroom.compliance import immutability

TABLES = ("records_documentretentionchange", "records_crateretentionchange")


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


def triggers_off(apps, schema_editor):
    """Only these tables' triggers (the tables are dropped next)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_truncate()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_crate_claim"),
        ("compliance", "0003_truncate_guard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CrateRetentionChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_destroy_after", models.DateField(blank=True, null=True)),
                ("old_retain_permanently", models.BooleanField()),
                ("new_destroy_after", models.DateField(blank=True, null=True)),
                ("new_retain_permanently", models.BooleanField()),
                (
                    "cause",
                    models.CharField(
                        choices=[
                            ("RULE_APPROVED", "Retention rule approved"),
                            ("EVENT_DATE", "Event date recorded"),
                        ],
                        max_length=13,
                    ),
                ),
                ("at", models.DateTimeField()),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "crate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="retention_changes",
                        to="records.crate",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        help_text="The rule version approved (cause RULE_APPROVED).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="records.retentionrule",
                    ),
                ),
            ],
            options={
                "ordering": ["crate", "at", "id"],
                "indexes": [
                    models.Index(fields=["crate", "at"], name="crate_retention_change_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cause__in", ["RULE_APPROVED", "EVENT_DATE"])),
                        name="crate_retention_change_cause_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DocumentRetentionChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_retention_until", models.DateField(blank=True, null=True)),
                ("old_retain_permanently", models.BooleanField()),
                (
                    "old_basis",
                    models.CharField(
                        choices=[
                            ("MANUAL", "Typed by hand"),
                            ("RULE", "Retention rule"),
                            ("PENDING_EVENT", "Pending event"),
                        ],
                        max_length=13,
                    ),
                ),
                ("new_retention_until", models.DateField(blank=True, null=True)),
                ("new_retain_permanently", models.BooleanField()),
                (
                    "new_basis",
                    models.CharField(
                        choices=[
                            ("MANUAL", "Typed by hand"),
                            ("RULE", "Retention rule"),
                            ("PENDING_EVENT", "Pending event"),
                        ],
                        max_length=13,
                    ),
                ),
                (
                    "cause",
                    models.CharField(
                        choices=[
                            ("RULE_APPROVED", "Retention rule approved"),
                            ("EVENT_DATE", "Event date recorded"),
                        ],
                        max_length=13,
                    ),
                ),
                ("at", models.DateTimeField()),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Who approved the rule or recorded the date (empty: the setup or a service token, which the audit event names).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="retention_changes",
                        to="records.document",
                    ),
                ),
                (
                    "document_event",
                    models.ForeignKey(
                        blank=True,
                        help_text="The event date whose recording caused the change (cause EVENT_DATE).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="records.documentevent",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        help_text="The rule version that gave the new retention.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="records.retentionrule",
                    ),
                ),
            ],
            options={
                "ordering": ["document", "at", "id"],
                "indexes": [
                    models.Index(fields=["document", "at"], name="document_retention_change_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cause__in", ["RULE_APPROVED", "EVENT_DATE"])),
                        name="document_retention_change_cause_valid",
                    )
                ],
            },
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
