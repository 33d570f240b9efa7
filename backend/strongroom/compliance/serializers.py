from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.models import AuditEvent, Signature, SignatureMeaning
from strongroom.compliance.signing import (
    STATUS_CHOICES,
    STATUSES,
    SUPERSEDED,
    VALID,
    SignatureCheckCache,
    signature_check_detail,
)

SIGNATURE_STATUS_CHOICES = STATUS_CHOICES


class SignatureInputSerializer(serializers.Serializer):
    """The signer's identification components, in every signed request (21 CFR 11.200(a)):
    the password (a signing password for users of the identity provider where it cannot
    re-authenticate), the user ID for the first signature of a session, or a re-authentication
    ticket for users of the identity provider (auth/oidc/start/ with purpose ``sign``)."""

    password = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=4096)
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="The signer's user ID: required for the first signature of a session "
        "(GET auth/signing-session/ says when).",
    )
    reauthentication = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Users of the identity provider (auth/me/ signing_method reauthenticate): "
        "the ticket auth/oidc/callback/ gave for exactly this request; password then empty.",
    )


def signature_check_cache(context: dict[str, object]) -> SignatureCheckCache:
    """One cache per response: a request's signatures read its content and events once."""
    cache = context.get("signature_checks")
    if not isinstance(cache, SignatureCheckCache):
        cache = SignatureCheckCache()
        context["signature_checks"] = cache
    return cache


class SignatureManifestationSerializer(serializers.Serializer):
    # A signature of a record's page (a batch, an inventory audit, a review): its manifestation
    # (Part 11 §11.50) and its validity now. No docstring: drf-spectacular would give it to
    # every subclass's component.
    id = serializers.IntegerField()
    printed_name = serializers.CharField()
    signer = serializers.IntegerField(source="signer_id")
    meaning = serializers.ChoiceField(choices=SignatureMeaning.choices)
    meaning_display = serializers.CharField(source="get_meaning_display")
    signed_at = serializers.DateTimeField()
    reason = serializers.CharField()
    status = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=SIGNATURE_STATUS_CHOICES))
    def get_status(self, signature: Signature) -> str:
        return signature_check_detail(signature, cache=signature_check_cache(self.context))[0]


class SignatureSerializer(serializers.ModelSerializer):
    """The signature's manifestation (Part 11 §11.50): printed name, UTC time, meaning; its
    validity and, in ``scheme``, how its digest was made (1: content only, legacy; 2 and 3:
    bound to signer, meaning, time, record and content; see ``compliance.canonical``)."""

    meaning_display = serializers.CharField(source="get_meaning_display")
    request_number = serializers.CharField(source="request.number", default=None, allow_null=True)
    crate_code = serializers.SerializerMethodField()
    valid = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    superseded_by_version = serializers.SerializerMethodField()
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
            "object_type",
            "object_id",
            "unit",
            "scheme",
            "content_digest",
            "record_digest",
            "valid",
            "status",
            "status_display",
            "superseded_by_version",
            "manifestation",
        ]

    def get_crate_code(self, signature: Signature) -> str | None:
        crate = signature.crate or (signature.request.crate if signature.request else None)
        return crate.code if crate else None

    def _status(self, signature: Signature) -> str:
        return signature_check_detail(signature, cache=signature_check_cache(self.context))[0]

    def get_valid(self, signature: Signature) -> bool:
        return self._status(signature) == VALID

    @extend_schema_field(serializers.ChoiceField(choices=SIGNATURE_STATUS_CHOICES))
    def get_status(self, signature: Signature) -> str:
        """valid; superseded (an audited edit replaced the content signed: see
        ``superseded_by_version``); record_changed (the record's content is no longer what was
        signed, and no audited edit explains it);
        not_bound (the signature was copied, re-pointed or altered: its digest, link or audit
        event do not agree); no_audit_event (no ``signature.sign`` event records it)."""
        return self._status(signature)

    def get_status_display(self, signature: Signature) -> str:
        status, version = signature_check_detail(
            signature, cache=signature_check_cache(self.context)
        )
        if status == SUPERSEDED:
            return f"Superseded by version {version}"
        return STATUSES[status]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by_version(self, signature: Signature) -> int | None:
        """For a superseded signature, the version of the record whose audited edit replaced
        the content it signed; otherwise null."""
        return signature_check_detail(signature, cache=signature_check_cache(self.context))[1]

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
