"""The nightly verification and the hourly checkpoint, run for real against a trail that was
really tampered with (the append-only triggers switched off, as the table's owner could)."""

from typing import Any

import pytest

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance import tasks
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import AuditCheckpoint
from strongroom.compliance.tests.hostile import execute
from strongroom.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.mark.compliance("A11-13")
def test_an_intact_chain_alerts_nobody_and_is_checkpointed(roles_synced: None) -> None:
    UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    audit_event_record(action="unit.create")
    assert tasks.verify_audit_chain() is True
    assert not Notification.objects.exists()
    assert AuditCheckpoint.objects.count() == 1
    audit_event_record(action="unit.update")
    assert tasks.checkpoint_audit_chain() is True
    assert AuditCheckpoint.objects.count() == 2


@pytest.mark.compliance("A11-7.1", "A11-13")
def test_a_broken_chain_alerts_system_administrators(roles_synced: None) -> None:
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    UserFactory(role_name=roles.UNIT_ADMIN)
    events = [audit_event_record(action="test.event", object_id=i) for i in range(3)]
    execute("UPDATE compliance_auditevent SET reason = 'edited' WHERE id = %s", [events[1].id])
    assert tasks.verify_audit_chain() is False
    assert tasks.verify_audit_chain() is False  # the same problem alerts once a day
    alert = Notification.objects.get()
    assert alert.recipient == admin
    assert alert.kind == NotificationKind.AUDIT_CHAIN_BROKEN
    assert f"event {events[1].id}" in alert.title
    assert "content does not match its hash" in alert.body
    assert not AuditCheckpoint.objects.exists()  # a broken chain is never signed


@pytest.mark.compliance("A11-7.1", "A11-13")
def test_deleted_newest_events_alert_from_the_nightly_and_the_hourly_task(
    roles_synced: None,
) -> None:
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    events = [audit_event_record(action="test.event", object_id=i) for i in range(4)]
    assert tasks.checkpoint_audit_chain() is True
    execute("DELETE FROM compliance_auditevent WHERE id >= %s", [events[2].id])
    # The hourly task refuses to sign the truncated head and runs the verification, which alerts.
    assert tasks.checkpoint_audit_chain() is False
    alert = Notification.objects.get(recipient=admin)
    assert "checkpoint 1" in alert.title
    assert "newest events were deleted" in alert.body
    assert AuditCheckpoint.objects.count() == 1
    Notification.objects.all().delete()
    assert tasks.verify_audit_chain() is False
    assert Notification.objects.get(recipient=admin).kind == NotificationKind.AUDIT_CHAIN_BROKEN


@pytest.mark.compliance("A11-13")
def test_a_missing_signing_key_alerts(roles_synced: None, settings: Any, tmp_path: Any) -> None:
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = tmp_path / "absent.pem"
    assert tasks.verify_audit_chain() is False
    alert = Notification.objects.get(recipient=admin)
    assert alert.title == "Audit chain could not be verified"
    assert "initial_setup" in alert.body
