from django.contrib import admin

from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.notifications.models import Notification


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
