from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.notifications.models import EmailFlush, Notification


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at", "email_sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "title"]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "unit",
        "object_type",
        "object_id",
        "link",
        "dedupe_key",
        "created_at",
        "email_sent_at",
        "email_attempts",
        "email_due_at",
    ]


@admin.register(EmailFlush)
class EmailFlushAdmin(admin.ModelAdmin):
    """Whether a flush of the pending e-mails is queued: shown, kept by the notification
    services alone."""

    list_display = ["due_at"]
    readonly_fields = ["due_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
