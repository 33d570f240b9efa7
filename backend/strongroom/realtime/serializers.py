from rest_framework import serializers

from strongroom.realtime.models import EventAction, EventTopic

MAX_PAGE_SIZE = 500


class EventQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The last event id the client has; omitted: no events, only the cursor.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class EventSerializer(serializers.Serializer):
    """The ``event`` message of the socket, as the HTTP replay returns it."""

    type = serializers.CharField()
    id = serializers.IntegerField()
    topic = serializers.ChoiceField(choices=EventTopic.choices)
    action = serializers.ChoiceField(choices=EventAction.choices)
    object_id = serializers.CharField()
    unit_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    data = serializers.DictField()  # type: ignore[assignment]
    at = serializers.DateTimeField()


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    last_event_id = serializers.IntegerField(
        help_text="Pass as `after` next time. While `next` is set: the last result's id. On the "
        "last page: a little below the newest id, because an event with a lower id can commit "
        "after a higher one — the events of the last few seconds come again; drop the ids you "
        "hold."
    )
    next = serializers.CharField(allow_null=True)
