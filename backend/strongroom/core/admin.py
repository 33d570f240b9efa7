"""Admin helpers shared by the apps, and the admin of core's own models."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from strongroom.core.models import Sequence


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
