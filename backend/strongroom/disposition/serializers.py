from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.serializers import (
    SignatureManifestationSerializer,
)
from strongroom.core.filters import MAX_ID
from strongroom.disposition.actions import batch_available_actions
from strongroom.disposition.models import BatchItem, BatchStatus, DestructionBatch, ItemState
from strongroom.requests.serializers import RequestSignatureSerializer, WitnessInputSerializer


class BatchActionSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="submit, send_back, approve, cancel, complete (POST …/{id}/<path>/), "
        "edit_items (POST/DELETE …/{id}/items/), destroy_item, mark_not_found (POST "
        "…/{id}/items/{item_id}/destroy|not-found/)."
    )
    path = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    meaning = serializers.ChoiceField(
        choices=SignatureMeaning.choices, allow_null=True, help_text="What the signature means."
    )
    meaning_label = serializers.CharField(allow_null=True)
    reason_required = serializers.BooleanField()
    witness = serializers.BooleanField(help_text="A witness co-signs in the same call.")
    scan = serializers.BooleanField(help_text="The crate's scanned label is sent.")


class BatchListSerializer(serializers.ModelSerializer):
    # Annotated by strongroom.disposition.selectors.batch_list_for_user.
    unit_code = serializers.CharField(read_only=True)
    prepared_by_name = serializers.CharField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    pending_count = serializers.IntegerField(read_only=True)
    destroyed_count = serializers.IntegerField(read_only=True)
    not_found_count = serializers.IntegerField(read_only=True)
    dropped_count = serializers.IntegerField(read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = DestructionBatch
        fields = [
            "id",
            "number",
            "unit",
            "unit_code",
            "status",
            "note",
            "prepared_by",
            "prepared_by_name",
            "approved_by",
            "submitted_at",
            "approved_at",
            "started_at",
            "completed_at",
            "cancelled_at",
            "cancel_reason",
            "send_back_reason",
            "version",
            "created_at",
            "updated_at",
            "item_count",
            "pending_count",
            "destroyed_count",
            "not_found_count",
            "dropped_count",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(BatchActionSerializer(many=True))
    def get_available_actions(self, batch: DestructionBatch) -> list[dict[str, Any]]:
        return batch_available_actions(actor=self.context["user"], batch=batch)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class BatchItemSerializer(serializers.ModelSerializer):
    crate_code = serializers.CharField(source="crate.code")
    crate_status = serializers.CharField(source="crate.status")
    department_code = serializers.CharField(source="crate.department.code")
    destroy_after = serializers.DateField(source="crate.destroy_after", allow_null=True)
    room_code = serializers.CharField(allow_null=True, help_text="Where it stands or stood.")
    rack_code = serializers.CharField(allow_null=True)
    shelf_code = serializers.CharField(allow_null=True)
    document_count = serializers.IntegerField()
    state_display = serializers.CharField(source="get_state_display")
    destroyed_by = PersonSerializer(allow_null=True)
    witness = PersonSerializer(allow_null=True)
    resolved_by = PersonSerializer(allow_null=True)

    class Meta:
        model = BatchItem
        fields = [
            "id",
            "crate",
            "crate_code",
            "crate_status",
            "department_code",
            "destroy_after",
            "room_code",
            "rack_code",
            "shelf_code",
            "document_count",
            "state",
            "state_display",
            "reason_code",
            "reason",
            "scanned_code",
            "destroyed_at",
            "destroyed_by",
            "witness",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields


class BatchSignatureSerializer(SignatureManifestationSerializer):
    """A signature of the batch or of one of its crates: its manifestation and validity."""

    object_type = serializers.ChoiceField(
        choices=[("destruction_batch", "The batch"), ("batch_item", "A crate of the batch")]
    )
    object_id = serializers.CharField()


class BatchDetailSerializer(BatchListSerializer):
    items = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    approved_by_name = serializers.CharField(
        source="approved_by.full_name", default=None, allow_null=True
    )
    completed_by_name = serializers.CharField(
        source="completed_by.full_name", default=None, allow_null=True
    )

    class Meta(BatchListSerializer.Meta):
        fields = [
            *BatchListSerializer.Meta.fields,
            "approved_by_name",
            "completed_by_name",
            "items",
            "signatures",
        ]
        read_only_fields = fields

    @extend_schema_field(BatchItemSerializer(many=True))
    def get_items(self, batch: DestructionBatch) -> Any:
        return BatchItemSerializer(self.context["parts"]["items"], many=True).data

    @extend_schema_field(BatchSignatureSerializer(many=True))
    def get_signatures(self, batch: DestructionBatch) -> Any:
        return BatchSignatureSerializer(
            self.context["parts"]["signatures"], many=True, context=self.context
        ).data


class BatchCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    crates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="The crates, by id; none: every eligible crate of the unit matching the filter "
        "(department, destroy_after_before), up to 500.",
    )
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    destroy_after_before = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BatchItemsAddSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    crates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    destroy_after_before = serializers.DateField(required=False, allow_null=True)


class BatchItemsRemoveSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False
    )


class BatchTransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    signature = RequestSignatureSerializer()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BatchItemDestroySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    scanned_code = serializers.CharField(max_length=60)
    signature = RequestSignatureSerializer()
    witness = WitnessInputSerializer()


class BatchItemNotFoundSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)


BATCH_STATUS_CHOICES = BatchStatus.choices
ITEM_STATE_CHOICES = ItemState.choices
