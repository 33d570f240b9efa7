from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.serializers import SignatureManifestationSerializer
from strongroom.core.filters import MAX_ID
from strongroom.requests.serializers import RequestSignatureSerializer
from strongroom.review.models import AuditReview, FlagRule, FlagState, ReviewFlag, ReviewStatus
from strongroom.review.selectors import COVERAGE_STATUS_CHOICES, MAX_EVENTS_SHOWN


class ReviewListSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField()
    period = serializers.CharField(help_text="The month reviewed, YYYY-MM.")
    opened_by_name = serializers.CharField()
    signed_by_name = serializers.CharField(allow_null=True)
    flag_count = serializers.IntegerField()
    open_count = serializers.IntegerField(help_text="Flags neither acknowledged nor findings.")
    finding_count = serializers.IntegerField()

    class Meta:
        model = AuditReview
        fields = [
            "id",
            "unit",
            "unit_code",
            "period",
            "period_start",
            "period_end",
            "status",
            "opened_by_name",
            "opened_at",
            "flags_computed_at",
            "signed_by_name",
            "signed_at",
            "flag_count",
            "open_count",
            "finding_count",
            "version",
        ]
        read_only_fields = fields


class FlagEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor_username = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    reason = serializers.CharField()
    ip_address = serializers.CharField(allow_null=True)


class ReviewFlagSerializer(serializers.ModelSerializer):
    rule_display = serializers.CharField(source="get_rule_display")
    state_display = serializers.CharField(source="get_state_display")
    decided_by_name = serializers.CharField(
        source="decided_by.full_name", default=None, allow_null=True
    )
    event_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every audit event flagged, by id."
    )
    event_count = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField(
        help_text=f"The first {MAX_EVENTS_SHOWN} events flagged (all of them: event_ids)."
    )

    class Meta:
        model = ReviewFlag
        fields = [
            "id",
            "rule",
            "rule_display",
            "summary",
            "actor_username",
            "occurred_at",
            "event_ids",
            "event_count",
            "events",
            "state",
            "state_display",
            "comment",
            "decided_by_name",
            "decided_at",
            "version",
        ]
        read_only_fields = fields

    def get_event_count(self, flag: ReviewFlag) -> int:
        return len(flag.event_ids)

    @extend_schema_field(FlagEventSerializer(many=True))
    def get_events(self, flag: ReviewFlag) -> Any:
        events = self.context.get("events", {})
        shown = [events[i] for i in flag.event_ids[:MAX_EVENTS_SHOWN] if i in events]
        return FlagEventSerializer(shown, many=True).data


class ReviewSignatureSerializer(SignatureManifestationSerializer):
    """The review's signature: its manifestation and validity."""


class ReviewDetailSerializer(ReviewListSerializer):
    unit_name = serializers.CharField(source="unit.name")
    flags = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    can_review = serializers.SerializerMethodField(
        help_text="Whether the caller may decide flags, refresh and sign (permission and status)."
    )

    class Meta(ReviewListSerializer.Meta):
        fields = [
            *ReviewListSerializer.Meta.fields,
            "unit_name",
            "can_review",
            "flags",
            "signatures",
        ]
        read_only_fields = fields

    def get_can_review(self, review: AuditReview) -> bool:
        user = self.context["user"]
        return bool(
            review.status == ReviewStatus.OPEN and user.has_perm("review.review_audit_trail")
        )

    @extend_schema_field(ReviewFlagSerializer(many=True))
    def get_flags(self, review: AuditReview) -> Any:
        return ReviewFlagSerializer(
            self.context["parts"]["flags"], many=True, context=self.context
        ).data

    @extend_schema_field(ReviewSignatureSerializer(many=True))
    def get_signatures(self, review: AuditReview) -> Any:
        return ReviewSignatureSerializer(
            self.context["parts"]["signatures"], many=True, context=self.context
        ).data


class ReviewOpenSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    period = serializers.CharField(max_length=7, help_text="The month to review, YYYY-MM.")


class ReviewRefreshSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class FlagDecideSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The flag's version.")
    decision = serializers.ChoiceField(
        choices=[(FlagState.ACKNOWLEDGED, "Acknowledge"), (FlagState.FINDING, "Raise a finding")]
    )
    comment = serializers.CharField(max_length=4000, allow_blank=True)


class ReviewSignSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    signature = RequestSignatureSerializer()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CoverageRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=COVERAGE_STATUS_CHOICES)
    review = serializers.IntegerField(source="review_id", allow_null=True)
    flag_count = serializers.IntegerField()
    finding_count = serializers.IntegerField()
    open_count = serializers.IntegerField()
    opened_by_name = serializers.CharField()
    signed_by_name = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signature = ReviewSignatureSerializer(allow_null=True)


FLAG_RULE_CHOICES = FlagRule.choices
