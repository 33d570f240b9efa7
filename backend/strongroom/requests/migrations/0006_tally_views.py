"""The tally views with a key hash for id instead of row_number(), so that a reader's condition
on a unit or a day reaches the tally tables' indexes (strongroom.core.tally.Tally.view_sql)."""

from importlib import import_module

from django.db import migrations

from strongroom.core.tally import tally_view_operations

frozen = import_module("strongroom.requests.migrations.0004_tallies")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_overdue_indexes")]

    operations = tally_view_operations(frozen.OPEN_REQUEST_TALLY, frozen.SUBMITTED_TALLY)
