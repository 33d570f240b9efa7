from django.db import migrations

from strongroom.compliance import immutability


def install(apps, schema_editor):
    immutability.truncate_guard_install(schema_editor.connection)


def uninstall(apps, schema_editor):
    immutability.truncate_guard_uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_append_only_triggers")]

    operations = [migrations.RunPython(install, uninstall)]
