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
    intact = serializers.BooleanField(help_text="The chain and every checkpoint verify.")
    checked = serializers.IntegerField(help_text="Events before the first broken one (all).")
    first_broken_id = serializers.IntegerField(
        allow_null=True, help_text="The first event whose hash or link does not fit."
    )
    problem = serializers.CharField(
        allow_blank=True, help_text="What is wrong, with the event or with a checkpoint."
    )
    events = serializers.IntegerField(help_text="Events in the trail.")
    checkpoints_checked = serializers.IntegerField(
        help_text="Signed checkpoints that verified before the first bad one (all)."
    )
    first_bad_checkpoint_id = serializers.IntegerField(
        allow_null=True,
        help_text="The first checkpoint that is forged, missing, out of order or no longer "
        "matches the events it signed (deleted, emptied or rewritten history).",
    )
    checkpoint_problem = serializers.CharField(allow_blank=True)
    checkpoint_id = serializers.IntegerField(
        allow_null=True, help_text="The checkpoint this verification signed (or the latest)."
    )
    key_id = serializers.CharField(
        allow_blank=True, help_text="Fingerprint (SHA-256, hex) of the signing public key."
    )


class AuditPublicKeySerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text="SHA-256 of the raw 32-byte public key, hex.")
    pem = serializers.CharField(help_text="The Ed25519 public key, PEM (SubjectPublicKeyInfo).")
    signing = serializers.BooleanField(help_text="The key new checkpoints are signed with.")
