"""GIN indexes for ``?search=`` on PostgreSQL (strongroom.records.search); nothing elsewhere.

They are expression indexes over exactly the SearchVector the queries build, so they are not
part of the models' state (SQLite has no GIN) and are added here by hand.
"""

from django.db import migrations


def _indexes(apps):
    from strongroom.records.search import search_indexes

    for model, index in search_indexes():
        yield apps.get_model("records", model.__name__), index


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
