from rest_framework import serializers

from strongroom.records.models import Crate
from strongroom.requests.models import Request


class InventoryRowSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    department_code = serializers.CharField(source="department.code")
    location_code = serializers.CharField(
        source="location.full_code", default=None, allow_null=True
    )

    class Meta:
        model = Crate
        fields = [
            "id",
            "code",
            "unit_code",
            "department_code",
            "description",
            "status",
            "location_code",
            "destroy_after",
            "retain_permanently",
            "legal_hold",
            "created_at",
        ]
        read_only_fields = fields


class DestructionScheduleRowSerializer(InventoryRowSerializer):
    days_left = serializers.SerializerMethodField()

    class Meta(InventoryRowSerializer.Meta):
        fields = [*InventoryRowSerializer.Meta.fields, "legal_hold_reason", "days_left"]
        read_only_fields = fields

    def get_days_left(self, crate: Crate) -> int | None:
        today = self.context["today"]
        return (crate.destroy_after - today).days if crate.destroy_after else None


class RequestRowSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    crate_code = serializers.CharField(source="crate.code")
    requester_username = serializers.CharField(source="requester.username")
    requester_name = serializers.CharField(source="requester.full_name")

    class Meta:
        model = Request
        fields = [
            "id",
            "number",
            "type",
            "status",
            "unit_code",
            "crate_code",
            "requester_username",
            "requester_name",
            "submitted_at",
            "decided_at",
            "completed_at",
            "expected_return_on",
            "issued_at",
            "is_overdue",
        ]
        read_only_fields = fields


class OverdueRowSerializer(RequestRowSerializer):
    days_overdue = serializers.SerializerMethodField()

    class Meta(RequestRowSerializer.Meta):
        fields = [*RequestRowSerializer.Meta.fields, "days_overdue"]
        read_only_fields = fields

    def get_days_overdue(self, request: Request) -> int:
        today = self.context["today"]
        return (today - request.expected_return_on).days if request.expected_return_on else 0


class DashboardKpisSerializer(serializers.Serializer):
    crates_in_storage = serializers.IntegerField()
    crates_issued = serializers.IntegerField()
    crates_pending = serializers.IntegerField()
    crates_on_hold = serializers.IntegerField()
    due_for_destruction = serializers.IntegerField(help_text="Within 30 days, not on hold")
    overdue = serializers.IntegerField()
    pending_approvals = serializers.IntegerField()
    awaiting_fulfilment = serializers.IntegerField()


class WeeklySeriesSerializer(serializers.Serializer):
    type = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())


class RequestsPerWeekSerializer(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.DateField(), help_text="Mondays")
    series = WeeklySeriesSerializer(many=True)


class RoomOccupancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit_code = serializers.CharField()
    full_code = serializers.CharField()
    name = serializers.CharField()
    occupancy = serializers.IntegerField()
    capacity = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    kpis = DashboardKpisSerializer()
    requests_per_week = RequestsPerWeekSerializer()
    rooms_total = serializers.IntegerField(help_text="Active rooms in the caller's units.")
    occupancy_by_room = RoomOccupancySerializer(
        many=True, help_text="The fullest rooms (share of places used), at most ten."
    )
