from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.models import AuditEvent
from strongroom.compliance.serializers import SignatureInputSerializer
from strongroom.core.filters import MAX_ID
from strongroom.core.serializers import FastRepresentationMixin
from strongroom.records.models import (
    Attachment,
    Crate,
    Document,
    DocumentRetentionChange,
    DocumentType,
)


class CrateSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    """A crate as lists show it."""

    # Annotated by strongroom.records.selectors (crate_list_for_user, crate_get_for_user).
    unit_code = serializers.CharField(read_only=True)
    department_code = serializers.CharField(read_only=True)
    location_code = serializers.CharField(read_only=True, allow_null=True)
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Crate
        fields = [
            "id",
            "code",
            "unit",
            "unit_code",
            "department",
            "department_code",
            "description",
            "status",
            "location",
            "location_code",
            "destroy_after",
            "retain_permanently",
            "legal_hold",
            "document_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DocumentInCrateSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    # Annotated by strongroom.records.selectors (document_list_for_user, crate_get_for_user).
    doc_type_code = serializers.CharField(read_only=True)
    doc_type_name = serializers.CharField(read_only=True)
    department_code = serializers.CharField(read_only=True)
    attachment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "title",
            "doc_type",
            "doc_type_code",
            "doc_type_name",
            "department",
            "department_code",
            "prepared_on",
            "retention_until",
            "retain_permanently",
            "retention_basis",
            "retention_rule",
            "status",
            "attachment_count",
        ]
        read_only_fields = fields


class HistoryEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "changes",
            "reason",
        ]
        read_only_fields = fields


class CrateDetailSerializer(CrateSerializer):
    """A crate with its documents, where it stands, its legal hold and its history."""

    last_location_code = serializers.CharField(
        source="last_location.full_code", default=None, allow_null=True
    )
    legal_hold_by_name = serializers.SerializerMethodField()
    documents = DocumentInCrateSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta(CrateSerializer.Meta):
        fields = [
            *CrateSerializer.Meta.fields,
            "year",
            "serial",
            "last_location",
            "last_location_code",
            "legal_hold_reason",
            "legal_hold_by",
            "legal_hold_by_name",
            "legal_hold_at",
            "destroyed_at",
            "created_by",
            "documents",
            "history",
        ]
        read_only_fields = fields

    def get_legal_hold_by_name(self, crate: Crate) -> str | None:
        user = crate.legal_hold_by
        return (user.full_name or user.username) if user else None

    @extend_schema_field(HistoryEventSerializer(many=True))
    def get_history(self, crate: Crate) -> list[dict[str, Any]]:
        events = self.context.get("history", [])
        return HistoryEventSerializer(events, many=True).data  # type: ignore[return-value]

    def to_representation(self, instance: Crate) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["document_count"] = len(data["documents"])
        return data


class DocumentSerializer(DocumentInCrateSerializer):
    # Annotated by strongroom.records.selectors.document_list_for_user.
    crate_code = serializers.CharField(read_only=True)
    crate_status = serializers.CharField(read_only=True)
    location_code = serializers.CharField(read_only=True, allow_null=True)
    unit_code = serializers.CharField(read_only=True)

    class Meta(DocumentInCrateSerializer.Meta):
        fields = [
            *DocumentInCrateSerializer.Meta.fields,
            "crate",
            "crate_code",
            "crate_status",
            "location_code",
            "unit",
            "unit_code",
            "created_at",
        ]
        read_only_fields = fields


class DocumentRetentionChangeSerializer(serializers.ModelSerializer):
    """One change the retention schedule made to the document's retention (the history)."""

    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_revision = serializers.IntegerField(source="rule.revision", read_only=True)
    event_code = serializers.CharField(
        source="document_event.event.code", read_only=True, allow_null=True, default=None
    )
    event_date = serializers.DateField(
        source="document_event.date", read_only=True, allow_null=True, default=None
    )
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = DocumentRetentionChange
        fields = [
            "id",
            "at",
            "cause",
            "old_retention_until",
            "old_retain_permanently",
            "old_basis",
            "new_retention_until",
            "new_retain_permanently",
            "new_basis",
            "rule",
            "rule_code",
            "rule_revision",
            "event_code",
            "event_date",
            "by_name",
        ]
        read_only_fields = fields

    def get_by_name(self, change: DocumentRetentionChange) -> str | None:
        return (change.by.full_name or change.by.username) if change.by else None


class DocumentDetailSerializer(DocumentSerializer):
    """A document with its retention history (oldest first): why its retention changed, when."""

    retention_history = DocumentRetentionChangeSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "retention_history"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "document",
            "original_name",
            "extension",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_uploaded_by_name(self, attachment: Attachment) -> str:
        user = attachment.uploaded_by
        return user.full_name or user.username

    def get_download_url(self, attachment: Attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)


class HoldSignatureSerializer(SignatureInputSerializer):
    pass


class HoldSerializer(serializers.Serializer):
    """A signed legal-hold action: the signer's password, a reason and the version read."""

    signature = HoldSignatureSerializer()
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    version = serializers.IntegerField(min_value=1)


class LabelsRequestSerializer(serializers.Serializer):
    crates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    layout = serializers.ChoiceField(choices=["sheet", "single"], default="sheet")


class GoverningRuleSerializer(serializers.Serializer):
    """The approved retention rule a document of this type filed in the asked department gets."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    revision = serializers.IntegerField()
    trigger = serializers.CharField()
    event_name = serializers.CharField(source="event.name", default=None, allow_null=True)
    period_years = serializers.IntegerField()
    period_months = serializers.IntegerField()
    action = serializers.CharField()
    permanent = serializers.BooleanField(source="is_permanent")


class DocumentTypeSerializer(serializers.ModelSerializer):
    retention_rule = serializers.SerializerMethodField(
        help_text="With ?department=: the approved retention rule that governs a document of "
        "this type filed in that department (it takes precedence over "
        "default_retention_years), or null. Without the parameter: always null."
    )

    class Meta:
        model = DocumentType
        fields = ["id", "code", "name", "default_retention_years", "is_active", "retention_rule"]

    @extend_schema_field(GoverningRuleSerializer(allow_null=True))
    def get_retention_rule(self, doc_type: DocumentType) -> dict[str, Any] | None:
        rule = self.context.get("governing_rules", {}).get(doc_type.pk)
        return None if rule is None else GoverningRuleSerializer(rule).data
