from django.contrib import admin

from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.storage.models import Location


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["full_code", "kind", "name", "capacity", "security_class", "is_active"]
    list_filter = ["unit", "kind", "is_active"]
    search_fields = ["full_code", "name"]
    readonly_fields = ["full_code", "version"]
    raw_id_fields = ["parent"]
