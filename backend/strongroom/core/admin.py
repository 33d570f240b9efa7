"""Admin helpers shared by the apps, and the admin of core's own models.

Every admin class registered in this project either audits what it changes through
:class:`strongroom.compliance.admin_audit.AuditedAdmin` (old and new values, field by field, in
the transaction of the change) or cannot change anything (:class:`ReadOnlyAdmin` and the like).
Django's own admin log (LogEntry) keeps field names only and is not part of the audit trail.
"""

from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpRequest
from rest_framework_simplejwt.token_blacklist import admin as blacklist_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from strongroom.core.models import PendingTask, Sequence


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records (audit events, signatures, outbox events): view, never edit."""

    actions: Any = []

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    """Counters behind crate codes and request numbers: editing one would reissue numbers."""

    list_display = ["key", "value"]
    search_fields = ["key"]


@admin.register(PendingTask)
class PendingTaskAdmin(ReadOnlyAdmin):
    """Tasks waiting for the broker (strongroom.core.task_queue): sent by send_pending_tasks."""

    list_display = ["id", "task", "args", "created_at"]
    list_filter = ["task"]


# --- Admins of models Strongroom does not own ---------------------------------------------------
# Their packages register plain ModelAdmins; each is replaced by one that changes nothing
# (everything that has its own, audited, path through the application) here, or by one that
# audits its changes (the Celery Beat schedule: strongroom.compliance.admin_audit).


def admin_replace(model: type[models.Model], model_admin: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


class GroupAdmin(ReadOnlyAdmin, auth_admin.GroupAdmin):
    """The six roles (groups) hold exactly the permissions declared in accounts/roles.py, which
    ``initial_setup`` enforces (and audits): an edit here would be a second, unvalidated
    permission matrix, undone at the next deployment. Shown, never edited."""


class AccessAttemptAdmin(ReadOnlyAdmin, axes_admin.AccessAttemptAdmin):
    """Lockouts are lifted through the application (``user_unlock``: audited, with a reason),
    not by deleting attempts here."""


class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    """Sign-in history: a security record, never edited or deleted."""


class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    """Failed sign-ins: a security record, never edited or deleted."""


class BlacklistedTokenAdmin(ReadOnlyAdmin, blacklist_admin.BlacklistedTokenAdmin):
    """Sessions are ended through the application (sign-out, deactivation, password change),
    which audits it; deleting a row here would revive a revoked session."""


admin_replace(Group, GroupAdmin)
admin_replace(BlacklistedToken, BlacklistedTokenAdmin)
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # axes registers them unless AXES_ENABLE_ADMIN is off
        admin_replace(_model, _model_admin)
