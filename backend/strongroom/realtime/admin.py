from django.contrib import admin

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.realtime.models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "topic", "action", "object_id", "unit", "user"]
    list_filter = ["topic", "action"]
