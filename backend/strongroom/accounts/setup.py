"""The steps of ``manage.py initial_setup`` that accounts owns (strongroom.core.setup), as
services that say what they changed: roles, the first System Administrator, the periodic tasks and
the audit signing key (document types are records'; the demo data is devdata's).

Every function is idempotent: run twice, the second run changes nothing and returns no changes.
Each change is written to the audit trail (configuration and permission changes are audited).
"""

import json
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.audit_keys import AuditPublicKey, signing_key_ensure
from strongroom.core.errors import ApplicationError
from strongroom.core.periodic import PERIODIC_TASKS
from strongroom.core.setup import SetupOptions, StepResult, setup_step_register


def _permissions_by_name(names: Iterable[str]) -> list[Permission]:
    wanted = set(names)
    found = {
        f"{app_label}.{codename}": perm
        for perm, app_label, codename in (
            (p, p.content_type.app_label, p.codename)
            for p in Permission.objects.select_related("content_type")
        )
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise ApplicationError(
            f"Permissions missing from the database: {', '.join(missing)}. Run migrate first.",
            code="permissions_missing",
        )
    return [found[name] for name in sorted(wanted)]


@transaction.atomic
def roles_sync() -> list[str]:
    """Make each of the six groups hold exactly the matrix's permissions."""
    changes: list[str] = []
    for role in roles.ROLES:
        group, created = Group.objects.get_or_create(name=role)
        wanted = _permissions_by_name(roles.ROLE_PERMISSIONS[role])
        current = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        wanted_names = {f"{p.content_type.app_label}.{p.codename}" for p in wanted}
        if created or current != wanted_names:
            group.permissions.set(wanted)
            added, removed = sorted(wanted_names - current), sorted(current - wanted_names)
            audit_event_record(
                action="role.create" if created else "role.permissions_change",
                object_type="role",
                object_id=group.pk,
                changes={"permissions": [sorted(current), sorted(wanted_names)]},
                reason="initial_setup",
            )
            verb = "created" if created else "updated"
            changes.append(f"role {role}: {verb} (+{len(added)} / -{len(removed)} permissions)")
    return changes


def generate_password() -> str:
    """A random password that satisfies the policy (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


@transaction.atomic
def system_administrator_ensure(*, username: str, password: str = "") -> tuple[list[str], str]:
    """Create the first System Administrator unless the username exists.

    Returns the changes and, when a password had to be generated, that password (to be shown
    once). An existing account is left exactly as it is: its password is never reset here.
    """
    if User.objects.filter(username=username).exists():
        return [], ""
    generated = ""
    if not password:
        password = generated = generate_password()
    user = User(
        username=username,
        full_name="System Administrator",
        email="",
        role=Group.objects.get(name=roles.SYSTEM_ADMINISTRATOR),
        is_staff=True,
        must_change_password=bool(generated),
        password_changed_at=timezone.now(),
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_event_record(
        action="user.create",
        object_type="user",
        object_id=user.pk,
        changes={"username": [None, username], "role": [None, roles.SYSTEM_ADMINISTRATOR]},
        reason="initial_setup",
    )
    return [f"user {username}: created as System Administrator"], generated


@transaction.atomic
def periodic_tasks_sync() -> list[str]:
    """Register the periodic tasks. An existing entry keeps any schedule an admin has edited."""
    changes = []
    for spec in PERIODIC_TASKS:
        if PeriodicTask.objects.filter(name=spec.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec.minute,
            hour=spec.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        task = PeriodicTask.objects.create(
            name=spec.name,
            task=spec.task,
            crontab=crontab,
            description=spec.description,
            kwargs=json.dumps({}),
        )
        audit_event_record(
            action="schedule.create",
            object_type="periodic_task",
            object_id=task.pk,
            changes={"task": [None, spec.task], "crontab": [None, str(crontab)]},
            reason="initial_setup",
        )
        changes.append(f"periodic task {spec.name}: registered ({spec.minute} {spec.hour} * * *)")
    return changes


def audit_signing_key_ensure() -> tuple[list[str], AuditPublicKey]:
    """Create the audit checkpoints' Ed25519 key file (mode 0600) when no key is configured;
    return the changes and the public key to publish."""
    created, public = signing_key_ensure()
    if not created:
        return [], public
    audit_event_record(
        action="audit_key.create",
        object_type="audit_key",
        object_id=public.key_id[:64],
        changes={"key_id": [None, public.key_id]},
        reason="initial_setup",
    )
    return [f"audit signing key: created {settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE}"], public


def admin_password_from_settings() -> str:
    return settings.STRONGROOM_ADMIN_PASSWORD


def _roles_step(options: SetupOptions) -> StepResult:
    return StepResult(changes=roles_sync())


def _system_administrator_step(options: SetupOptions) -> StepResult:
    try:
        changes, generated = system_administrator_ensure(
            username=options.admin_username, password=admin_password_from_settings()
        )
    except ValidationError as exc:
        raise ApplicationError(
            f"STRONGROOM_ADMIN_PASSWORD is too weak: {' '.join(exc.messages)}",
            code="admin_password_too_weak",
        ) from exc
    result = StepResult(changes=changes)
    if generated:
        result.warnings.append(
            f"  Password for {options.admin_username} (shown once; change it at first "
            f"login): {generated}"
        )
    return result


def _periodic_tasks_step(options: SetupOptions) -> StepResult:
    return StepResult(changes=periodic_tasks_sync())


def _audit_signing_key_step(options: SetupOptions) -> StepResult:
    changes, public_key = audit_signing_key_ensure()
    return StepResult(
        changes=changes,
        notes=[
            f"  public key (publish it; inspectors verify checkpoints with it), "
            f"key id {public_key.key_id}:",
            *(f"  {line}" for line in public_key.pem.strip().splitlines()),
        ],
    )


def setup_steps_register() -> None:
    """From AccountsConfig.ready(); document types (order 20) are records'."""
    setup_step_register(order=10, title="Roles and permissions", run=_roles_step)
    setup_step_register(order=30, title="System Administrator", run=_system_administrator_step)
    setup_step_register(order=40, title="Periodic tasks", run=_periodic_tasks_step)
    setup_step_register(order=50, title="Audit signing key", run=_audit_signing_key_step)
