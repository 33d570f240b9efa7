"""0003_generic_reference: the foreign key to workflow.Request becomes a generic reference and a
link, and existing notifications keep pointing at their request (both ways)."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from strongroom.accounts.tests.factories import UserFactory
from strongroom.notifications.models import Notification
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.tests.factories import RequestFactory

BEFORE = [("notifications", "0002_crate_destroyed_kind")]
AFTER = [("notifications", "0003_generic_reference")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_request_link_and_back(roles_synced: None, units: Any) -> None:
    request = RequestFactory(crate=CrateFactory(unit=units[0]), purpose="Audit")
    user = UserFactory()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "Notification")
        common = {"recipient_id": user.pk, "kind": "REQUEST_APPROVED", "title": "t"}
        about = old.objects.create(
            **common, dedupe_key="a", request_id=request.pk, crate_id=request.crate_id
        )
        plain = old.objects.create(**common, dedupe_key="b")

        MigrationExecutor(connection).migrate(AFTER)
        rows = {
            pk: (object_type, object_id, link)
            for pk, object_type, object_id, link in Notification.objects.values_list(
                "pk", "object_type", "object_id", "link"
            )
        }
        assert rows == {
            about.pk: ("request", str(request.pk), f"/requests/{request.pk}"),
            plain.pk: ("", "", ""),
        }

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "Notification")
        back = {n.pk: (n.request_id, n.crate_id) for n in old.objects.all()}
        assert back == {about.pk: (request.pk, request.crate_id), plain.pk: (None, None)}
    finally:
        MigrationExecutor(connection).migrate(leaves)
