from rest_framework import serializers

from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_is_valid


class SignatureSerializer(serializers.ModelSerializer):
    """The signature's manifestation (Part 11 §11.50): printed name, UTC time, meaning."""

    meaning_display = serializers.CharField(source="get_meaning_display")
    request_number = serializers.CharField(source="request.number", default=None, allow_null=True)
    crate_code = serializers.SerializerMethodField()
    valid = serializers.SerializerMethodField()
    manifestation = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = [
            "id",
            "signer",
            "printed_name",
            "meaning",
            "meaning_display",
            "signed_at",
            "reason",
            "request",
            "request_number",
            "crate",
            "crate_code",
            "record_digest",
            "valid",
            "manifestation",
        ]

    def get_crate_code(self, signature: Signature) -> str | None:
        crate = signature.crate or (signature.request.crate if signature.request else None)
        return crate.code if crate else None

    def get_valid(self, signature: Signature) -> bool:
        return signature_is_valid(signature)

    def get_manifestation(self, signature: Signature) -> str:
        when = signature.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{signature.printed_name} — {signature.get_meaning_display()} — {when}"


class AuditEventSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", default=None, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "unit",
            "unit_code",
            "changes",
            "reason",
            "ip_address",
            "user_agent",
            "request_id",
            "prev_hash",
            "hash",
        ]


class ChainReportSerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_broken_id = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField(allow_blank=True)
