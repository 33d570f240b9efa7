from rest_framework import serializers

from strongroom.core.filters import MAX_ID
from strongroom.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", default=None, allow_null=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "unit",
            "unit_code",
            "object_type",
            "object_id",
            "link",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Notifications to mark read; all unread ones when omitted.",
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    marked = serializers.IntegerField(required=False)
