import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.compliance.audit import verify_chain
from strongroom.compliance.models import AuditEvent
from strongroom.core.periodic import PERIODIC_TASKS
from strongroom.records.models import Crate
from strongroom.requests.models import Request, RequestStatus

pytestmark = pytest.mark.django_db
DEMO_PASSWORD = "demo-password-for-tests-1"


def run(*args: str) -> str:
    out = StringIO()
    call_command("initial_setup", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    return {
        "groups": {
            g.name: sorted(g.permissions.values_list("content_type__app_label", "codename"))
            for g in Group.objects.all()
        },
        "users": sorted(
            User.objects.values_list("username", "role__name", "password", "is_staff", "is_active")
        ),
        "tasks": sorted(PeriodicTask.objects.values_list("name", "task", "crontab_id")),
        "crates": Crate.objects.count(),
        "requests": Request.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.compliance("11.10(g)")
def test_each_group_has_exactly_the_matrix_permissions() -> None:
    run()
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(roles.ROLES)
    for role, wanted in roles.ROLE_PERMISSIONS.items():
        held = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(wanted), role


@pytest.mark.compliance("11.10(g)")
def test_matrix_key_capabilities() -> None:
    matrix = roles.ROLE_PERMISSIONS
    holders = {
        perm: {role for role, perms in matrix.items() if perm in perms}
        for perm in (
            "workflow.approve_request",
            "workflow.fulfil_request",
            "workflow.witness_destruction",
            "records.place_legal_hold",
            "compliance.verify_audit_chain",
            "accounts.access_all_units",
            "records.print_label",
            "compliance.view_audit_trail",
            "review.review_audit_trail",
            "workflow.add_request",
        )
    }
    assert holders["workflow.approve_request"] == {roles.APPROVER}
    assert holders["workflow.fulfil_request"] == {roles.STORE_HEAD}
    assert holders["workflow.witness_destruction"] == {roles.UNIT_ADMIN, roles.APPROVER}
    assert holders["records.place_legal_hold"] == {roles.SYSTEM_ADMINISTRATOR, roles.UNIT_ADMIN}
    assert holders["compliance.verify_audit_chain"] == {roles.SYSTEM_ADMINISTRATOR}
    assert holders["accounts.access_all_units"] == {roles.SYSTEM_ADMINISTRATOR}
    assert holders["workflow.add_request"] == {roles.DOCUMENT_MANAGER}
    assert holders["records.print_label"] == {
        roles.SYSTEM_ADMINISTRATOR,
        roles.UNIT_ADMIN,
        roles.DOCUMENT_MANAGER,
        roles.STORE_HEAD,
    }
    assert holders["compliance.view_audit_trail"] == {
        roles.SYSTEM_ADMINISTRATOR,
        roles.UNIT_ADMIN,
        roles.APPROVER,
        roles.VIEWER,
    }
    assert holders["review.review_audit_trail"] == {roles.UNIT_ADMIN, roles.APPROVER}


@pytest.mark.compliance("11.10(g)")
def test_a_drifted_group_is_put_back() -> None:
    run()
    viewer = Group.objects.get(name=roles.VIEWER)
    approve = Group.objects.get(name=roles.APPROVER).permissions.get(codename="approve_request")
    viewer.permissions.add(approve)
    out = run()
    assert "role Viewer: updated (+0 / -1 permissions)" in out
    assert not viewer.permissions.filter(codename="approve_request").exists()


@pytest.mark.compliance("11.10(g)", "11.300(b)")
def test_first_administrator_gets_a_generated_password_shown_once() -> None:
    out = run("--admin-username", "root-admin")
    admin = User.objects.get(username="root-admin")
    assert admin.role is not None
    assert admin.role.name == roles.SYSTEM_ADMINISTRATOR
    assert admin.must_change_password
    assert not admin.is_superuser
    password = out.split("change it at first login): ")[1].split()[0]
    assert admin.check_password(password)
    assert admin.has_perm("accounts.access_all_units")
    assert not admin.has_perm("workflow.approve_request")
    again = run("--admin-username", "root-admin")
    assert password not in again
    assert "Nothing to change" in again


@override_settings(STRONGROOM_ADMIN_PASSWORD="short")
def test_a_weak_admin_password_is_refused() -> None:
    with pytest.raises(CommandError, match="too weak"):
        run()


@override_settings(STRONGROOM_DEMO_PASSWORD=DEMO_PASSWORD)
def test_running_twice_changes_nothing_and_says_so() -> None:
    run("--demo")
    first = snapshot()
    second_out = run("--demo")
    assert snapshot() == first
    assert "Nothing to change: everything was already set up." in second_out
    assert verify_chain().intact


def test_periodic_tasks_are_registered_and_importable() -> None:
    from config.celery import app

    run()
    app.loader.import_default_modules()
    registered = set(PeriodicTask.objects.values_list("task", flat=True))
    assert registered == {spec.task for spec in PERIODIC_TASKS}
    assert registered <= set(app.tasks.keys())


@override_settings(STRONGROOM_DEMO_PASSWORD=DEMO_PASSWORD)
def test_demo_creates_every_role_per_unit_and_records_in_every_status() -> None:
    out = run("--demo")
    expected = {"sysadmin"} | {
        f"{unit}-{suffix}"
        for unit in ("goa1", "mum1")
        for suffix in (
            "unitadmin",
            "manager",
            "approver",
            "approver2",
            "storehead",
            "storehead2",
            "viewer",
        )
    }
    assert expected <= set(User.objects.values_list("username", flat=True))
    for username in expected:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
        assert username in out
    goa_viewer = User.objects.get(username="goa1-viewer")
    assert list(goa_viewer.units.values_list("code", flat=True)) == ["GOA1"]
    # The rules without a unit govern every unit: one approver of every unit approves them.
    qa = User.objects.get(username="qa-approver")
    assert (qa.role.name if qa.role else None, qa.check_password(DEMO_PASSWORD)) == (
        "Approver",
        True,
    )
    assert sorted(qa.units.values_list("code", flat=True)) == ["GOA1", "MUM1"]
    assert "qa-approver" in out
    assert set(Crate.objects.values_list("status", flat=True)) == set(Crate.Status.values)
    assert set(Request.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    # The starter schedule governs the batch records filed without a date: some wait for their
    # batch's expiry (never eligible), some are dated by it and eligible.
    from strongroom.records.disposal import crates_eligible
    from strongroom.records.models import Document

    scheduled = Document.objects.filter(retention_rule__code="BMR-EXP+1Y")
    assert scheduled.filter(retention_basis="PENDING_EVENT").exists()
    expired = scheduled.filter(retention_basis="RULE", retention_until__lt=dt.date.today())
    assert crates_eligible(on=dt.date.today()).filter(documents__in=expired).exists()
    # Last month has audit events for the audit-trail review of each unit to flag.
    this_month = timezone.localdate().replace(day=1)
    earlier = AuditEvent.objects.filter(at__date__lt=this_month)
    assert earlier.filter(action="auth.login_failed").count() == 10
    assert set(earlier.filter(action="crate.update").values_list("unit__code", flat=True)) == {
        "GOA1",
        "MUM1",
    }


def test_the_starter_schedule_is_approved_by_the_setup_without_a_signature() -> None:
    from strongroom.compliance.models import AuditEvent, Signature
    from strongroom.records.models import RetentionRule

    run()
    approved = RetentionRule.objects.filter(status="APPROVED")
    assert set(approved.values_list("code", flat=True)) == {
        "BMR-EXP+1Y",
        "VAL-PERM",
        "SOP-SUP+5Y",
        "LOG-PREP+7Y",
        "RPT-PREP+7Y",
    }
    assert all(rule.citation and rule.approved_by is None for rule in approved)
    assert not Signature.objects.filter(meaning="RULE_APPROVED").exists()
    events = AuditEvent.objects.filter(action="retention_rule.approve")
    assert events.count() == approved.count()
    assert all(e.actor is None and "initial_setup" in e.reason for e in events)


@override_settings(STRONGROOM_ALLOW_DEMO_DATA=False)
def test_demo_is_refused_with_production_settings() -> None:
    with pytest.raises(CommandError, match="refused"):
        run("--demo")
    assert not User.objects.exists()
