"""Serializers of the retention schedule, event dates and the integration's body."""

from rest_framework import serializers

from strongroom.accounts.models import Department, Unit
from strongroom.records.models import DocumentEvent, DocumentType, RetentionEvent, RetentionRule
from strongroom.records.serializers import HoldSignatureSerializer


class RetentionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionEvent
        fields = ["id", "code", "name", "description", "is_active"]


class RetentionRuleSerializer(serializers.ModelSerializer):
    """A rule version. ``revision`` is its version in the schedule (the code's 1, 2, …);
    ``version`` is the row's optimistic lock, sent back with every change."""

    doc_type_code = serializers.CharField(source="doc_type.code", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True, allow_null=True)
    department_code = serializers.CharField(
        source="department.code", read_only=True, allow_null=True
    )
    event_code = serializers.CharField(source="event.code", read_only=True, allow_null=True)
    drafted_by_name = serializers.CharField(
        source="drafted_by.full_name", read_only=True, allow_null=True
    )
    approved_by_name = serializers.CharField(
        source="approved_by.full_name", read_only=True, allow_null=True
    )

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "code",
            "revision",
            "title",
            "doc_type",
            "doc_type_code",
            "unit",
            "unit_code",
            "department",
            "department_code",
            "trigger",
            "event",
            "event_code",
            "period_years",
            "period_months",
            "action",
            "citation",
            "status",
            "drafted_by",
            "drafted_by_name",
            "drafted_at",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "effective_from",
            "superseded_at",
            "version",
        ]
        read_only_fields = fields


class RetentionRuleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    doc_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(is_active=True), required=False
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.select_related("unit"), required=False, allow_null=True
    )
    trigger = serializers.ChoiceField(choices=RetentionRule.Trigger.choices, required=False)
    event = serializers.PrimaryKeyRelatedField(
        queryset=RetentionEvent.objects.filter(is_active=True), required=False, allow_null=True
    )
    period_years = serializers.IntegerField(min_value=0, max_value=200, required=False)
    period_months = serializers.IntegerField(min_value=0, max_value=11, required=False)
    action = serializers.ChoiceField(choices=RetentionRule.Action.choices, required=False)
    citation = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RetentionRuleCreateSerializer(RetentionRuleWriteSerializer):
    code = serializers.CharField(max_length=30)


class RetentionRuleEditSerializer(RetentionRuleWriteSerializer):
    version = serializers.IntegerField(min_value=1)


class RetentionRuleApproveSerializer(serializers.Serializer):
    signature = HoldSignatureSerializer()
    reason = serializers.CharField(allow_blank=True, max_length=2000, required=False, default="")
    version = serializers.IntegerField(min_value=1)


class RetentionRuleDiscardSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    version = serializers.IntegerField(min_value=1)


class RecomputeResultSerializer(serializers.Serializer):
    documents = serializers.IntegerField()
    eligibility_changed = serializers.IntegerField()
    crates = serializers.IntegerField()
    crates_left_eligibility = serializers.ListField(child=serializers.IntegerField())


class RetentionRuleApprovedSerializer(serializers.Serializer):
    rule = RetentionRuleSerializer()
    recomputed = RecomputeResultSerializer()


class DocumentEventSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)
    unit_code = serializers.CharField(source="document.unit.code", read_only=True)
    event_code = serializers.CharField(source="event.code", read_only=True)
    recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DocumentEvent
        fields = [
            "id",
            "document",
            "document_number",
            "unit_code",
            "event",
            "event_code",
            "date",
            "source",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
            "version",
        ]
        read_only_fields = fields

    def get_recorded_by_name(self, obj: DocumentEvent) -> str:
        if obj.recorded_by is not None:
            return obj.recorded_by.full_name or obj.recorded_by.username
        return f"service token {obj.recorded_by_token.name}" if obj.recorded_by_token else ""


class DocumentEventCreateSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1)
    event = serializers.CharField(max_length=30, help_text="The event's code")
    date = serializers.DateField()


class DocumentEventUpdateSerializer(serializers.Serializer):
    date = serializers.DateField()
    version = serializers.IntegerField(min_value=1)


class EventsImportSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False)


class EventsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    crates_left_eligibility = serializers.IntegerField()


class IntegrationEventRowSerializer(serializers.Serializer):
    document_number = serializers.CharField(max_length=60)
    unit = serializers.CharField(max_length=10, help_text="The unit's code")
    event = serializers.CharField(max_length=30, help_text="The event's code, e.g. BATCH_EXPIRY")
    date = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")


class IntegrationEventsSerializer(serializers.Serializer):
    events = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=1000)
