"""Admin changes to models Strongroom does not own (the Celery Beat schedule, for example) reach
the audit trail through Django's admin log. Strongroom's own admins audit with old and new
values themselves (``core.admin.AuditedAdmin``)."""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from strongroom.compliance.audit import audit_event_record

_OWN_APPS = {
    "core",
    "accounts",
    "storage",
    "records",
    "workflow",
    "compliance",
    "notifications",
    "realtime",
}
_VERBS = {ADDITION: "create", CHANGE: "update", DELETION: "delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit-admin-log-entries")
def audit_admin_log_entry(sender: type, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    content_type: Any = instance.content_type
    if not created or content_type is None or content_type.app_label in _OWN_APPS:
        return
    user: Any = instance.user
    audit_event_record(
        action=f"{content_type.model}.{_VERBS.get(instance.action_flag, 'change')}",
        actor=user,
        object_type=content_type.model,
        object_id=instance.object_id or "",
        changes={"admin": [None, instance.get_change_message() or instance.object_repr]},
        reason="admin",
    )


# Sign-ins to the admin site go through Django's own views; the API's are audited by its
# services (strongroom.accounts.services), so only non-API requests are handled here.
def _is_admin_request(request: Any) -> bool:
    return request is not None and getattr(request, "path", "").startswith("/admin/")


@receiver(user_logged_in, dispatch_uid="audit-admin-login")
def audit_admin_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if _is_admin_request(request):
        audit_event_record(
            action="auth.login", actor=user, object_type="user", object_id=user.pk, reason="admin"
        )


@receiver(user_logged_out, dispatch_uid="audit-admin-logout")
def audit_admin_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if _is_admin_request(request) and user is not None:
        audit_event_record(
            action="auth.logout", actor=user, object_type="user", object_id=user.pk, reason="admin"
        )


@receiver(user_login_failed, dispatch_uid="audit-admin-login-failed")
def audit_admin_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    if _is_admin_request(request):
        audit_event_record(
            action="auth.login_failed",
            changes={"username": [None, str(credentials.get("username", ""))[:150]]},
            reason="admin",
        )
