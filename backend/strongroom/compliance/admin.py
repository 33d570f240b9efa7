from django.contrib import admin

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor_username", "action", "object_type", "object_id", "unit"]
    list_filter = ["action", "unit"]
    search_fields = ["actor_username", "object_id", "action", "request_id"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["id", "signed_at", "printed_name", "meaning", "request", "crate"]
    list_filter = ["meaning"]
    search_fields = ["printed_name", "request__number", "crate__code"]
