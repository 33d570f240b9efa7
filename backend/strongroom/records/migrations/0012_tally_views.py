"""The tally views with a key hash for id instead of row_number(), so that a reader's condition
on a room or a unit reaches the tally tables' indexes (strongroom.core.tally.Tally.view_sql)."""

from importlib import import_module

from django.db import migrations

from strongroom.core.tally import tally_view_operations

frozen = import_module("strongroom.records.migrations.0010_tallies")


class Migration(migrations.Migration):
    dependencies = [("records", "0011_search_prefixes")]

    operations = tally_view_operations(
        frozen.CRATE_TALLY, frozen.ROOM_TALLY, frozen.ROOM_CAPACITY_TALLY
    )
