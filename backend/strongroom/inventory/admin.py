from django.contrib import admin

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.inventory.models import AuditFinding, AuditScan, InventoryAudit


@admin.register(InventoryAudit)
class InventoryAuditAdmin(ReadOnlyAdmin):
    """Audits move only through their services (the API), never by admin edits."""

    list_display = ["number", "status", "unit", "scope", "opened_by", "opened_at"]
    list_filter = ["status", "unit"]
    search_fields = ["number"]


@admin.register(AuditScan)
class AuditScanAdmin(ReadOnlyAdmin):
    list_display = ["audit", "code", "audit_shelf", "scanned_by", "scanned_at"]
    search_fields = ["code"]


@admin.register(AuditFinding)
class AuditFindingAdmin(ReadOnlyAdmin):
    list_display = ["audit", "code", "result", "resolution", "resolved_by", "resolved_at"]
    list_filter = ["result", "resolution"]
    search_fields = ["code"]
