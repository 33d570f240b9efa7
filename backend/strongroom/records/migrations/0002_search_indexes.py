"""GIN indexes for ``?search=`` on PostgreSQL (strongroom.records.search); nothing elsewhere.

They are expression indexes over exactly the SearchVector the queries built, so they are not
part of the models' state (SQLite has no GIN) and are added here by hand. The expressions are
frozen here as they were; ``0011_search_prefixes`` replaces these indexes.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import CharField, F, Func, Value


def _spaced(field):
    return Func(
        F(field), Value("-/_."), Value("    "), function="TRANSLATE", output_field=CharField()
    )


def _indexes(apps):
    yield apps.get_model("records", "Crate"), GinIndex(
        SearchVector(_spaced("code"), _spaced("description"), config="simple"),
        name="crate_search_gin",
    )
    yield apps.get_model("records", "Document"), GinIndex(
        SearchVector(_spaced("number"), _spaced("title"), config="simple"),
        name="document_search_gin",
    )


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
