import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.realtime.models import Event

STRONGROOM_APPS = {
    "core",
    "accounts",
    "storage",
    "records",
    "workflow",
    "disposition",
    "compliance",
    "notifications",
    "realtime",
}


def test_the_admin_registers_every_model() -> None:
    models = [m for m in apps.get_models() if m._meta.app_label in STRONGROOM_APPS]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", [AuditEvent, Signature, Event])
@pytest.mark.compliance("11.10(c)", "11.10(e)")
def test_append_only_records_are_read_only_in_the_admin(model: type) -> None:
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


@pytest.mark.django_db
@pytest.mark.compliance("11.10(c)", "11.10(e)", "A11-9")
def test_a_system_administrator_can_view_but_not_edit_audit_events(roles_synced: None) -> None:
    from strongroom.accounts import roles

    admin_user = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR, is_staff=True)
    event = audit_event_record(action="unit.create", object_type="unit", object_id=1)
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/compliance/auditevent/{event.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "tampered"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.action == "unit.create"
    assert client.post(f"/admin/compliance/auditevent/{event.pk}/delete/").status_code == 403


@pytest.mark.django_db
@pytest.mark.compliance("11.10(e)", "11.300(d)", "A11-9", "A11-12.4")
def test_admin_sign_in_and_changes_are_audited_with_old_and_new_values(roles_synced: None) -> None:
    from strongroom.accounts import roles
    from strongroom.accounts.models import Unit
    from strongroom.accounts.tests.factories import TEST_PASSWORD

    admin_user = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR, is_staff=True)
    unit = Unit.objects.create(code="GOA1", name="Goa")
    client = Client()
    failed = client.post("/admin/login/", {"username": admin_user.username, "password": "nope"})
    assert failed.status_code == 200  # the form again
    client.post("/admin/login/", {"username": admin_user.username, "password": TEST_PASSWORD})
    assert AuditEvent.objects.filter(action="auth.login_failed", reason="admin").exists()
    assert AuditEvent.objects.filter(action="auth.login", actor=admin_user).exists()

    response = client.post(
        f"/admin/accounts/unit/{unit.pk}/change/",
        {"code": "GOA1", "name": "Goa Plant", "address": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.get(action="unit.update")
    assert event.changes == {"name": ["Goa", "Goa Plant"]}
    assert event.actor == admin_user
