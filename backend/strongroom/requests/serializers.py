from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.serializers import (
    SIGNATURE_STATUS_CHOICES,
    SignatureInputSerializer,
    SignatureSerializer,
    signature_check_cache,
)
from strongroom.core.filters import MAX_ID
from strongroom.core.serializers import FastRepresentationMixin
from strongroom.requests.actions import request_available_actions
from strongroom.requests.models import Request, RequestStatus, RequestType, SendBack

SHELF_CHOICES = [
    ("none", "No shelf"),
    ("required", "A shelf must be chosen"),
    ("optional", "A shelf may be chosen (default: the last one)"),
]
REQUESTER_RULE_CHOICES = [
    ("any", "Anyone with the permission"),
    ("only", "Only the requester"),
    ("never", "Anyone with the permission but the requester"),
]


class AvailableActionSerializer(serializers.Serializer):
    """A transition as a client asks for it (strongroom.requests.actions)."""

    name = serializers.CharField(help_text="The transition (approve, send_back, ...).")
    path = serializers.CharField(
        help_text="Its URL segment: POST /api/v1/requests/{id}/<path>/ (send-back, ...)."
    )
    label = serializers.CharField(help_text="The action in words, for its button.")  # type: ignore[assignment]
    meaning = serializers.ChoiceField(
        choices=SignatureMeaning.choices, help_text="The meaning of the signature it records."
    )
    meaning_label = serializers.CharField(help_text="The meaning in words.")
    reason_required = serializers.BooleanField()
    shelf = serializers.ChoiceField(
        choices=SHELF_CHOICES, help_text="Whether the call takes a shelf."
    )
    witness = serializers.BooleanField(
        help_text="A witness signs in the same call (witness.username, witness.password)."
    )


class TransitionNotificationSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The notification kind created.")
    audience = serializers.CharField(
        help_text='"requester", or the permission (app_label.codename) whose holders in the '
        "request's unit are notified."
    )


class TransitionTableEntrySerializer(AvailableActionSerializer):
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestStatus.choices),
        help_text="The statuses it starts from.",
    )
    target = serializers.ChoiceField(choices=RequestStatus.choices, help_text="The new status.")
    types = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestType.choices),
        help_text="The request types it applies to.",
    )
    permission = serializers.CharField(help_text="The permission it needs (app_label.codename).")
    requester = serializers.ChoiceField(
        choices=REQUESTER_RULE_CHOICES, help_text="Who among the permitted may perform it."
    )
    event = serializers.CharField(
        allow_null=True,
        help_text="The request event notified after commit (the dedupe key's event), if any.",
    )
    notifies = TransitionNotificationSerializer(
        many=True, help_text="The notifications that event creates, and for whom."
    )


class RequestListSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    # Annotated by strongroom.requests.selectors.request_list_for_user.
    unit_code = serializers.CharField(read_only=True)
    crate_code = serializers.CharField(read_only=True)
    requester_name = serializers.CharField(read_only=True)
    target_location_code = serializers.CharField(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField(
        help_text="The transitions the caller may perform on this request now, in the order "
        "of GET /api/v1/requests/transitions/."
    )

    class Meta:
        model = Request
        fields = [
            "id",
            "number",
            "type",
            "status",
            "version",
            "unit",
            "unit_code",
            "crate",
            "crate_code",
            "requester",
            "requester_name",
            "purpose",
            "expected_return_on",
            "target_location",
            "target_location_code",
            "issued_at",
            "returned_at",
            "is_overdue",
            "overdue",
            "submitted_at",
            "decided_at",
            "completed_at",
            "created_at",
            "updated_at",
            "available_actions",
        ]

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, request: Request) -> list[dict[str, Any]]:
        """What the caller (``context["user"]``) may do now; one answer with the endpoints.
        Worked out once per distinct request facts of the page (``memo``: this serializer serves
        one response, for one caller)."""
        memo = self.__dict__.setdefault("_available_actions_memo", {})
        return request_available_actions(actor=self.context["user"], request=request, memo=memo)

    def get_overdue(self, request: Request) -> bool:
        from django.utils import timezone

        return bool(
            request.status == "ISSUED"
            and request.expected_return_on
            and request.expected_return_on < timezone.localdate()
        )


class SendBackSerializer(serializers.ModelSerializer):
    sent_by_name = serializers.CharField(source="sent_by.full_name")

    class Meta:
        model = SendBack
        fields = [
            "id",
            "sent_by",
            "sent_by_name",
            "reason",
            "sent_at",
            "from_status",
            "response",
            "resolved_at",
        ]


class TimelinePersonSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    username = serializers.CharField(allow_blank=True)


class TimelineSignatureSerializer(serializers.Serializer):
    """A signature folded into its action: manifestation (printed name, meaning, UTC time) and
    validity as in SignatureSerializer."""

    id = serializers.IntegerField()
    meaning = serializers.CharField()
    meaning_label = serializers.CharField()
    signer_name = serializers.CharField()
    signer_username = serializers.CharField()
    signed_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    valid = serializers.BooleanField()
    status = serializers.ChoiceField(choices=SIGNATURE_STATUS_CHOICES)
    status_label = serializers.CharField(help_text="The status in words, never abbreviated.")
    superseded_by_version = serializers.IntegerField(
        allow_null=True,
        help_text="The request version that replaced the signed one (status superseded).",
    )


class TimelineChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's name in the audit event.")
    label = serializers.CharField()  # type: ignore[assignment]
    old = serializers.CharField(help_text="The old value in words.")
    new = serializers.CharField(help_text="The new value in words.")


class TimelineSendBackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    sent_at = serializers.DateTimeField()
    sent_by = TimelinePersonSerializer()
    from_status = serializers.CharField()


class TimelineAuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor_username = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.DictField()


class TimelineEntrySerializer(serializers.Serializer):
    """One action on the request (strongroom.requests.timeline)."""

    key = serializers.CharField(help_text="Unique in the timeline.")
    action = serializers.CharField(
        help_text="The audit action (request.approve, ...); signature, send_back or "
        "send_back_resolved for a row no audit event of this request records."
    )
    label = serializers.CharField(help_text="The action in plain words.")  # type: ignore[assignment]
    at = serializers.DateTimeField()
    actor = TimelinePersonSerializer()
    reason = serializers.CharField(allow_blank=True)
    reason_label = serializers.CharField()
    changes = TimelineChangeSerializer(many=True)
    signatures = TimelineSignatureSerializer(many=True)
    send_back = TimelineSendBackSerializer(allow_null=True)
    events = TimelineAuditEventSerializer(many=True)


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class RequestDetailSerializer(RequestListSerializer):
    documents = serializers.SerializerMethodField()
    crate_status = serializers.CharField(source="crate.status")
    crate_location_code = serializers.CharField(
        source="crate.location.full_code", default=None, allow_null=True
    )
    witness_name = serializers.CharField(source="witness.full_name", default=None, allow_null=True)
    signatures = SignatureSerializer(many=True)
    send_backs = SendBackSerializer(many=True)
    timeline = serializers.SerializerMethodField()

    class Meta(RequestListSerializer.Meta):
        fields = [
            *RequestListSerializer.Meta.fields,
            "documents",
            "crate_status",
            "crate_location_code",
            "witness",
            "witness_name",
            "signatures",
            "send_backs",
            "timeline",
        ]

    @extend_schema_field(DocumentRefSerializer(many=True))
    def get_documents(self, request: Request) -> list[dict[str, Any]]:
        return [{"id": d.pk, "number": d.number, "title": d.title} for d in request.documents.all()]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, request: Request) -> list[dict[str, Any]]:
        from strongroom.requests.selectors import request_timeline

        timeline = request_timeline(request=request, checks=signature_check_cache(self.context))
        return TimelineEntrySerializer(timeline, many=True).data  # type: ignore[return-value]


class RequestSignatureSerializer(SignatureInputSerializer):
    pass


class DocumentInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=300)
    doc_type = serializers.CharField(max_length=20)
    department = serializers.CharField(max_length=10, required=False)
    prepared_on = serializers.DateField()
    retention_until = serializers.DateField(required=False, allow_null=True)
    retain_permanently = serializers.BooleanField(required=False, default=False)


class DocumentEditInputSerializer(DocumentInputSerializer):
    id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The document of the crate this row corrects; none for a new document.",
    )


class RequestCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(RequestType.choices)
    purpose = serializers.CharField(max_length=2000, allow_blank=True)
    crate = serializers.IntegerField(required=False, allow_null=True)
    expected_return_on = serializers.DateField(required=False, allow_null=True)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    target_location = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    new_documents = DocumentInputSerializer(many=True, required=False)
    signature = RequestSignatureSerializer()


class RequestEditSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    purpose = serializers.CharField(max_length=2000, required=False)
    expected_return_on = serializers.DateField(required=False)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    target_location = serializers.IntegerField(required=False)
    new_documents = DocumentEditInputSerializer(
        many=True,
        required=False,
        help_text="A storage request: every document row of its pending crate, as on creation; "
        "a row with an id corrects that document, a row without adds one, a document not "
        "listed is removed (at least one remains). Errors come back per row in "
        "details.new_documents, a list aligned with these rows ({} for a valid row).",
    )


class WitnessInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    signature = RequestSignatureSerializer()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    shelf = serializers.IntegerField(required=False, allow_null=True)
    witness = WitnessInputSerializer(required=False)
