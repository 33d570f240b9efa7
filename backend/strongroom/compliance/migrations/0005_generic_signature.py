"""Signatures keyed by object type and id (like audit events), with a unit and a digest scheme.

Existing rows are carried over: object type, id and unit from their request or crate, and
``scheme`` 1 (their ``record_digest`` is the content-only digest of that time, still verified
that way). The table is append-only, so its triggers are taken off for the carry-over and put back
in the same transaction (this migration runs as the owner of the tables).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Cast

from strongroom.compliance import immutability


def triggers_off(apps, schema_editor):
    immutability.uninstall(schema_editor.connection)


def triggers_on(apps, schema_editor):
    immutability.install(schema_editor.connection)


def carry_over(apps, schema_editor):
    Signature = apps.get_model("compliance", "Signature")
    Request = apps.get_model("workflow", "Request")
    Crate = apps.get_model("records", "Crate")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:  # no pending FK checks: the table is altered again in this transaction
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Signature.objects.filter(request__isnull=False).update(
        object_type="request",
        object_id=Cast("request_id", models.CharField(max_length=64)),
        unit_id=Subquery(Request.objects.filter(pk=OuterRef("request_id")).values("unit_id")[:1]),
        scheme=1,
    )
    Signature.objects.filter(request__isnull=True, crate__isnull=False).update(
        object_type="crate",
        object_id=Cast("crate_id", models.CharField(max_length=64)),
        unit_id=Subquery(Crate.objects.filter(pk=OuterRef("crate_id")).values("unit_id")[:1]),
        scheme=1,
    )
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("compliance", "0004_audit_checkpoint"),
        ("records", "0001_initial"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.AddField(
            model_name="signature",
            name="object_type",
            field=models.CharField(default="", max_length=60),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="object_id",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to="accounts.unit",
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="Digest scheme: 1 = content only (legacy), 2 = bound."
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="content_digest",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signature",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                default=2, help_text="Digest scheme: 1 = content only (legacy), 2 = bound."
            ),
        ),
        migrations.RemoveConstraint(model_name="signature", name="signature_signs_one_record"),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=~Q(object_type="")
                & ~Q(object_id="")
                & ~Q(request__isnull=False, crate__isnull=False),
                name="signature_signs_one_record",
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=Q(content_digest="") | Q(content_digest__regex="^[0-9a-f]{64}$"),
                name="signature_content_digest_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=Q(scheme__in=[1, 2]), name="signature_scheme_known"
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                fields=["object_type", "object_id", "signed_at"], name="signature_object_idx"
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
