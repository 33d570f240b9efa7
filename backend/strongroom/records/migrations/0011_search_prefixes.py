"""``?search=`` reads prefix lexemes (strongroom.records.search): the function that makes them
and GIN indexes over it replace ``0002``'s indexes, which GIN could only scan for a prefix by
reading every entry that starts with it. PostgreSQL only; frozen here as created.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations
from django.db.models import CharField, F, Func, Value

FUNCTION = "strongroom_search_prefixes"

CREATE_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}(words pg_catalog.tsvector) RETURNS pg_catalog.tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(
    pg_catalog.array_to_tsvector(pg_catalog.array_agg(DISTINCT pg_catalog.left(t.lexeme, n))),
    ''::pg_catalog.tsvector)
  FROM pg_catalog.unnest(words) AS t(lexeme, positions, weights),
       pg_catalog.generate_series(1, LEAST(pg_catalog.length(t.lexeme), 32)) AS n
$$
"""


def _spaced(field):
    return Func(
        F(field), Value("-/_."), Value("    "), function="TRANSLATE", output_field=CharField()
    )


def _vector(first, second, prefixes):
    vector = SearchVector(_spaced(first), _spaced(second), config="simple")
    if prefixes:
        return Func(vector, function=FUNCTION, output_field=SearchVectorField())
    return vector


def _indexes(apps, prefixes):
    crate, document = apps.get_model("records", "Crate"), apps.get_model("records", "Document")
    kind = "prefix" if prefixes else "search"
    yield crate, GinIndex(_vector("code", "description", prefixes), name=f"crate_{kind}_gin")
    yield document, GinIndex(_vector("number", "title", prefixes), name=f"document_{kind}_gin")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for model, index in _indexes(apps, prefixes=True):
        schema_editor.add_index(model, index)
    for model, index in _indexes(apps, prefixes=False):
        schema_editor.remove_index(model, index)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps, prefixes=False):
        schema_editor.add_index(model, index)
    for model, index in _indexes(apps, prefixes=True):
        schema_editor.remove_index(model, index)
    schema_editor.execute(f"DROP FUNCTION {FUNCTION}(pg_catalog.tsvector)")


class Migration(migrations.Migration):
    dependencies = [("records", "0010_tallies")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
