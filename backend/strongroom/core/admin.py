"""Admin helpers shared by the apps, and the admin of core's own models."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from strongroom.core.models import PendingTask, Sequence


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records (audit events, signatures, outbox events): view, never edit."""

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


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit event, with old and new values, for every add, change and delete made
    in the admin (Part 11 §11.10(e): the admin is no back door around the audit trail)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from strongroom.compliance.audit import audit_event_record

        changes = {
            name: [form.initial.get(name) if change else None, form.cleaned_data.get(name)]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)
        audit_event_record(
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            actor=request.user if request.user.is_authenticated else None,
            object_type=obj._meta.model_name,
            object_id=obj.pk,
            unit=getattr(obj, "unit", None) if hasattr(obj, "unit_id") else None,
            changes={k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
            reason="admin",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from strongroom.compliance.audit import audit_event_record

        audit_event_record(
            action=f"{obj._meta.model_name}.delete",
            actor=request.user if request.user.is_authenticated else None,
            object_type=obj._meta.model_name,
            object_id=obj.pk,
            changes={"object": [str(obj), None]},
            reason="admin",
        )
        super().delete_model(request, obj)


def _plain(value: Any) -> Any:
    if hasattr(value, "all") and callable(value.all):  # a queryset of related objects
        return sorted(str(item) for item in value.all())
    if hasattr(value, "pk"):
        return str(value)
    return value
