from django.contrib import admin

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.realtime.models import Event, ReplayWindow


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "topic", "action", "object_id", "unit", "also_unit", "user"]
    list_filter = ["topic", "action"]


@admin.register(ReplayWindow)
class ReplayWindowAdmin(ReadOnlyAdmin):
    list_display = ["pruned_through"]
