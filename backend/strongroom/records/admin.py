from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.core.admin import ReadOnlyAdmin
from strongroom.records.models import (
    Attachment,
    Crate,
    CrateClaim,
    CrateRetentionChange,
    CrateTally,
    CrateTallyDelta,
    CrateTallyNow,
    Document,
    DocumentEvent,
    DocumentRetentionChange,
    DocumentType,
    RetentionEvent,
    RetentionRule,
    RoomCapacityTally,
    RoomCapacityTallyDelta,
    RoomCapacityTallyNow,
    RoomTally,
    RoomTallyDelta,
    RoomTallyNow,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "default_retention_years", "is_active"]


@admin.register(RetentionEvent)
class RetentionEventAdmin(AuditedAdmin):
    """The named events retention rules run from; a records manager's list to extend."""

    list_display = ["code", "name", "is_active"]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("number", "title", "doc_type", "retention_until", "retain_permanently", "status")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Crate)
class CrateAdmin(admin.ModelAdmin):
    """Crates change through requests (signed and audited), so the admin only shows them."""

    list_display = [
        "code",
        "unit",
        "department",
        "status",
        "location",
        "destroy_after",
        "legal_hold",
    ]
    list_filter = ["unit", "status", "legal_hold"]
    search_fields = ["code", "description"]
    inlines = [DocumentInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in Crate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = ["number", "title", "doc_type", "crate", "retention_until", "status"]
    list_filter = ["unit", "doc_type", "status"]
    search_fields = ["number", "title", "crate__code"]
    raw_id_fields = ["crate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "document", "size", "sha256", "uploaded_at"]
    readonly_fields = [
        "document",
        "file",
        "original_name",
        "extension",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CrateClaim)
class CrateClaimAdmin(ReadOnlyAdmin):
    """Claims are taken and released by the requests and batches that hold the crates."""

    list_display = ["crate", "holder_kind", "holder_id", "claimed_at"]
    list_filter = ["holder_kind"]
    search_fields = ["crate__code"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(ReadOnlyAdmin):
    list_display = ["code", "revision", "title", "doc_type", "unit", "status", "effective_from"]
    list_filter = ["status", "doc_type"]
    search_fields = ["code", "title"]


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ["document", "event", "date", "source", "recorded_at"]
    list_filter = ["event", "source"]


@admin.register(DocumentRetentionChange)
class DocumentRetentionChangeAdmin(ReadOnlyAdmin):
    """The retention history: written by the schedule's recomputation, append-only."""

    list_display = [
        "document",
        "at",
        "cause",
        "rule",
        "old_retention_until",
        "new_retention_until",
        "old_retain_permanently",
        "new_retain_permanently",
        "by",
    ]
    list_filter = ["cause"]
    search_fields = ["document__number"]


@admin.register(CrateRetentionChange)
class CrateRetentionChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "crate",
        "at",
        "cause",
        "rule",
        "old_destroy_after",
        "new_destroy_after",
        "old_retain_permanently",
        "new_retain_permanently",
        "by",
    ]
    list_filter = ["cause"]
    search_fields = ["crate__code"]


# The tallies (strongroom.records.tallies): counts the database keeps; read only.
for _model, _fields in (
    (CrateTally, ["unit", "department", "status", "legal_hold", "destroy_after", "crates"]),
    (CrateTallyDelta, ["id", "unit", "status", "destroy_after", "crates", "documents"]),
    (CrateTallyNow, ["unit", "department", "status", "legal_hold", "destroy_after", "crates"]),
    (RoomTally, ["room", "crates"]),
    (RoomTallyDelta, ["id", "room", "crates"]),
    (RoomTallyNow, ["room", "crates"]),
    (RoomCapacityTally, ["room", "capacity"]),
    (RoomCapacityTallyDelta, ["id", "room", "capacity"]),
    (RoomCapacityTallyNow, ["room", "capacity"]),
):
    admin.site.register(
        _model, type(f"{_model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": _fields})
    )
