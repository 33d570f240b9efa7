from django.contrib import admin
from django.http import HttpRequest

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.disposition.models import BatchItem, DestructionBatch


class BatchItemInline(admin.TabularInline):
    model = BatchItem
    extra = 0
    can_delete = False
    readonly_fields = [
        "crate",
        "state",
        "reason_code",
        "reason",
        "scanned_code",
        "destroyed_at",
        "destroyed_by",
        "witness",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DestructionBatch)
class DestructionBatchAdmin(ReadOnlyAdmin):
    """Batches move only through their signed transitions (the API), never by admin edits."""

    list_display = ["number", "status", "unit", "prepared_by", "approved_by", "created_at"]
    list_filter = ["status", "unit"]
    search_fields = ["number"]
    inlines = [BatchItemInline]


@admin.register(BatchItem)
class BatchItemAdmin(ReadOnlyAdmin):
    list_display = ["batch", "crate", "state", "reason_code", "destroyed_at"]
    list_filter = ["state"]
