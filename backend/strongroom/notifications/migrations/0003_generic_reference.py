"""Notifications know no domain model: the foreign keys to workflow.Request and records.Crate become
a generic reference (object_type, object_id) and the path of the object's page (link), copied
from the rows' request ids. Reversible: the request and its crate come back from the reference."""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Cast, Concat


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    request_id = Cast("request_id", output_field=models.CharField())
    Notification.objects.using(schema_editor.connection.alias).filter(
        request__isnull=False
    ).update(
        object_type="request",
        object_id=request_id,
        link=Concat(Value("/requests/"), request_id, output_field=models.CharField()),
    )


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Request = apps.get_model("workflow", "Request")
    db = schema_editor.connection.alias
    for notification in Notification.objects.using(db).filter(object_type="request"):
        request = Request.objects.using(db).filter(pk=int(notification.object_id)).first()
        if request is not None:
            notification.request_id = request.pk
            notification.crate_id = request.crate_id
            notification.save(update_fields=["request", "crate"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_crate_destroyed_kind"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="object_type",
            field=models.CharField(
                blank=True,
                help_text="What it is about, e.g. request (blank: nothing).",
                max_length=50,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="object_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="notification",
            name="link",
            field=models.CharField(
                blank=True,
                help_text="Path of its page in the app, e.g. /requests/42.",
                max_length=200,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="notification", name="request"),
        migrations.RemoveField(model_name="notification", name="crate"),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
        ),
    ]
