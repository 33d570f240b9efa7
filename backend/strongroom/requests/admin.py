from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.requests.models import (
    IdempotencyKey,
    OpenRequestTally,
    OpenRequestTallyDelta,
    OpenRequestTallyNow,
    Request,
    SendBack,
    SubmittedTally,
    SubmittedTallyDelta,
    SubmittedTallyNow,
)


class SendBackInline(admin.TabularInline):
    model = SendBack
    extra = 0
    can_delete = False
    readonly_fields = [
        "sent_by",
        "reason",
        "sent_at",
        "from_status",
        "response",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    """Requests move only through their signed transitions (the API), never by admin edits."""

    list_display = ["number", "type", "status", "unit", "crate", "requester", "submitted_at"]
    list_filter = ["type", "status", "unit", "is_overdue"]
    search_fields = ["number", "crate__code", "purpose"]
    inlines = [SendBackInline]


@admin.register(SendBack)
class SendBackAdmin(ReadOnlyAdmin):
    list_display = ["request", "sent_by", "sent_at", "resolved_at"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "request", "created_at"]


# The tallies (strongroom.requests.tallies): counts the database keeps; read only.
for _model, _fields in (
    (OpenRequestTally, ["unit", "type", "status", "expected_return_on", "requests"]),
    (OpenRequestTallyDelta, ["id", "unit", "type", "status", "requests"]),
    (OpenRequestTallyNow, ["unit", "type", "status", "expected_return_on", "requests"]),
    (SubmittedTally, ["unit", "type", "time_zone", "submitted_on", "requests"]),
    (SubmittedTallyDelta, ["id", "unit", "type", "submitted_on", "requests"]),
    (SubmittedTallyNow, ["unit", "type", "time_zone", "submitted_on", "requests"]),
):
    admin.site.register(
        _model, type(f"{_model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": _fields})
    )
