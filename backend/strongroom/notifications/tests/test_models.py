import pytest

from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.testing import assert_update_rejected, assert_violates
from strongroom.notifications.models import Notification, NotificationKind
from strongroom.notifications.services import notification_create_many

pytestmark = pytest.mark.django_db


def test_one_notification_per_recipient_and_key(roles_synced: None) -> None:
    alice, bob = UserFactory(), UserFactory()
    created = notification_create_many(
        recipients=[alice, bob], kind=NotificationKind.RETENTION_DUE, title="t", dedupe_key="k"
    )
    assert len(created) == 2
    again = notification_create_many(
        recipients=[alice, bob], kind=NotificationKind.RETENTION_DUE, title="t", dedupe_key="k"
    )
    assert again == []
    assert Notification.objects.count() == 2
    with assert_violates(Notification, "notification_unique_per_key"):
        Notification.objects.create(
            recipient=alice, kind="RETENTION_DUE", title="x", dedupe_key="k"
        )
    assert_update_rejected(created[0], "notification_kind_valid", kind="SPAM")
