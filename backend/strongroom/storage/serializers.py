from typing import Any

from rest_framework import serializers

from strongroom.accounts.models import Unit
from strongroom.storage.models import Location


class LocationSerializer(serializers.ModelSerializer):
    """A location with its occupancy: crates stored on it (or beneath it) against the capacity
    of its active shelves."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    occupancy = serializers.IntegerField(read_only=True)
    total_capacity = serializers.IntegerField(read_only=True)
    free = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = [
            "id",
            "unit",
            "unit_code",
            "parent",
            "kind",
            "code",
            "full_code",
            "name",
            "capacity",
            "security_class",
            "is_active",
            "last_verified_at",
            "version",
            "occupancy",
            "total_capacity",
            "free",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "full_code",
            "is_active",
            "last_verified_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_free(self, location: Location) -> int:
        total = getattr(location, "total_capacity", 0) or 0
        return max(total - (getattr(location, "occupancy", 0) or 0), 0)


class LocationCreateSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Location.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=Location.Kind.choices)
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    security_class = serializers.IntegerField(min_value=0, max_value=32767, default=0)


class LocationUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    security_class = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class LocationActiveSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class LocationGridSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    rooms = serializers.IntegerField(min_value=1, max_value=99)
    racks_per_room = serializers.IntegerField(min_value=1, max_value=99)
    shelves_per_rack = serializers.IntegerField(min_value=1, max_value=99)
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    first_room = serializers.IntegerField(min_value=1, max_value=99, default=1)
    security_class = serializers.IntegerField(min_value=0, max_value=32767, default=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["first_room"] + attrs["rooms"] - 1 > 99:
            raise serializers.ValidationError({"rooms": ["Room codes end at R99."]})
        return attrs


class LocationGridResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    rooms = serializers.ListField(child=serializers.CharField())
    locations = LocationSerializer(many=True)


class LocationNodeSerializer(serializers.Serializer):
    """One node of the tree (``children`` nests the same shape)."""

    id = serializers.IntegerField()
    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=Location.Kind.choices)
    code = serializers.CharField()
    full_code = serializers.CharField()
    name = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    security_class = serializers.IntegerField()
    is_active = serializers.BooleanField()
    last_verified_at = serializers.DateTimeField(
        allow_null=True, help_text="Shelves: when a closed inventory audit last counted it."
    )
    version = serializers.IntegerField()
    occupancy = serializers.IntegerField()
    total_capacity = serializers.IntegerField()
    children = serializers.ListField(child=serializers.DictField())
