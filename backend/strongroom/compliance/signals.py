"""Sign-ins to and sign-outs from the admin site, audited. Changes made in the admin are audited
by the admin classes themselves, with old and new values
(``compliance.admin_audit.AuditedAdmin``); every other registered admin class changes nothing
(``core.tests.test_admin_audit``)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from strongroom.compliance.audit import audit_event_record


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
