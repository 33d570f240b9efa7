from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.serializers import SignatureManifestationSerializer
from strongroom.core.filters import MAX_ID
from strongroom.inventory.actions import audit_available_actions
from strongroom.inventory.models import AuditShelf, FindingResult, InventoryAudit
from strongroom.inventory.selectors import PENDING
from strongroom.inventory.services import ALLOWED_ACTIONS, ReconcileAction
from strongroom.requests.serializers import RequestSignatureSerializer

RESULT_CHOICES = [*FindingResult.choices, (PENDING, "Not scanned yet")]


class InventoryAuditActionSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="scan (POST …/{id}/scans/, …/{id}/shelves/{shelf}/done|reopen/), "
        "count_complete, close, cancel (POST …/{id}/<path>/), reconcile (POST "
        "…/{id}/findings/{finding}/reconcile/)."
    )
    path = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    meaning = serializers.ChoiceField(
        choices=SignatureMeaning.choices, allow_null=True, help_text="What the signature means."
    )
    meaning_label = serializers.CharField(allow_null=True)
    reason_required = serializers.BooleanField()


class InventoryAuditListSerializer(serializers.ModelSerializer):
    # Annotated by strongroom.inventory.selectors.audit_list_for_user.
    unit_code = serializers.CharField(read_only=True)
    scope_code = serializers.CharField(read_only=True)
    opened_by_name = serializers.CharField(read_only=True)
    shelf_count = serializers.IntegerField(read_only=True)
    shelves_done = serializers.IntegerField(read_only=True)
    expected_count = serializers.IntegerField(read_only=True)
    scan_count = serializers.IntegerField(read_only=True)
    open_findings = serializers.IntegerField(
        read_only=True, help_text="Discrepancies not reconciled yet (once counting completed)."
    )
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = InventoryAudit
        fields = [
            "id",
            "number",
            "unit",
            "unit_code",
            "scope",
            "scope_code",
            "status",
            "note",
            "opened_by",
            "opened_by_name",
            "opened_at",
            "started_at",
            "counted_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "version",
            "updated_at",
            "shelf_count",
            "shelves_done",
            "expected_count",
            "scan_count",
            "open_findings",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(InventoryAuditActionSerializer(many=True))
    def get_available_actions(self, audit: InventoryAudit) -> list[dict[str, Any]]:
        return audit_available_actions(actor=self.context["user"], audit=audit)


class InventoryShelfSerializer(serializers.ModelSerializer):
    shelf_id = serializers.IntegerField(source="shelf.pk")
    full_code = serializers.CharField(source="shelf.full_code")
    scanned_count = serializers.IntegerField()
    done_by_name = serializers.CharField(source="done_by.full_name", default=None, allow_null=True)

    class Meta:
        model = AuditShelf
        fields = [
            "shelf_id",
            "full_code",
            "expected_count",
            "scanned_count",
            "holds_shelf",
            "started_at",
            "done_at",
            "done_by_name",
        ]
        read_only_fields = fields


class InventoryResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    crate_id = serializers.IntegerField(allow_null=True)
    finding_id = serializers.IntegerField(
        allow_null=True, help_text="Set once counting completed: what …/findings/{id}/ acts on."
    )
    result = serializers.ChoiceField(choices=RESULT_CHOICES)
    expected_shelf = serializers.CharField(allow_null=True)
    found_shelf = serializers.CharField(allow_null=True)
    recorded_status = serializers.CharField(allow_blank=True)
    resolution = serializers.CharField(
        allow_blank=True, help_text="RELOCATED, MARKED_MISSING, EXPLAINED, or empty."
    )
    note = serializers.CharField(allow_blank=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by_name = serializers.CharField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ReconcileAction.CHOICES))
    )
    def get_allowed_actions(self, row: Any) -> list[str]:
        if row.resolution or row.finding_id is None:
            return []
        return list(ALLOWED_ACTIONS.get(row.result, ()))


class InventorySignatureSerializer(SignatureManifestationSerializer):
    object_type = serializers.CharField(
        help_text="inventory_audit (the audit) or inventory_finding (a finding)."
    )
    object_id = serializers.CharField()


class InventoryAuditDetailSerializer(InventoryAuditListSerializer):
    shelves = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    counted_by_name = serializers.CharField(
        source="counted_by.full_name", default=None, allow_null=True
    )
    closed_by_name = serializers.CharField(
        source="closed_by.full_name", default=None, allow_null=True
    )

    class Meta(InventoryAuditListSerializer.Meta):
        fields = [
            *InventoryAuditListSerializer.Meta.fields,
            "counted_by_name",
            "closed_by_name",
            "shelves",
            "results",
            "signatures",
        ]
        read_only_fields = fields

    @extend_schema_field(InventoryShelfSerializer(many=True))
    def get_shelves(self, audit: InventoryAudit) -> Any:
        return InventoryShelfSerializer(self.context["parts"]["shelves"], many=True).data

    @extend_schema_field(InventoryResultSerializer(many=True))
    def get_results(self, audit: InventoryAudit) -> Any:
        return InventoryResultSerializer(self.context["parts"]["results"], many=True).data

    @extend_schema_field(InventorySignatureSerializer(many=True))
    def get_signatures(self, audit: InventoryAudit) -> Any:
        return InventorySignatureSerializer(
            self.context["parts"]["signatures"], many=True, context=self.context
        ).data


class InventoryAuditOpenSerializer(serializers.Serializer):
    scope = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The room, rack or shelf to count."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InventoryScanInputSerializer(serializers.Serializer):
    shelf = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    code = serializers.CharField(max_length=200, trim_whitespace=True, allow_blank=True)
    client_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="A key the client makes for each scan (a UUID): a retried submission with "
        "the same key returns the scan already made. The Idempotency-Key header does the same.",
    )


class InventoryScanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shelf_id = serializers.IntegerField(source="audit_shelf.shelf_id")
    shelf_code = serializers.CharField(source="audit_shelf.shelf.full_code")
    code = serializers.CharField()
    crate_id = serializers.IntegerField(allow_null=True)
    scanned_by_name = serializers.CharField(source="scanned_by.full_name")
    scanned_at = serializers.DateTimeField()


class InventoryScanOutcomeSerializer(serializers.Serializer):
    scan = InventoryScanSerializer()
    created = serializers.BooleanField(
        help_text="False: this code on this shelf (or this client_key) was already recorded."
    )
    result = serializers.ChoiceField(choices=RESULT_CHOICES)
    audit_version = serializers.IntegerField()


class InventoryVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class InventoryShelfReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class InventorySignedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    signature = RequestSignatureSerializer()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InventoryReconcileSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The audit's version.")
    action = serializers.ChoiceField(choices=ReconcileAction.CHOICES)
    note = serializers.CharField(
        max_length=2000, allow_blank=True, help_text="The explanation (required)."
    )
    signature = RequestSignatureSerializer()


class CycleCountProposalSerializer(serializers.Serializer):
    room_id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    full_code = serializers.CharField()
    security_class = serializers.IntegerField()
    shelves = serializers.IntegerField()
    days_since_verified = serializers.IntegerField()
    interval_days = serializers.IntegerField()
    never_verified = serializers.BooleanField()
