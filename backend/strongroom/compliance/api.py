import json
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.compliance import selectors
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.audit_keys import accepted_public_keys, signing_public_key
from strongroom.compliance.checkpoints import audit_verify
from strongroom.compliance.filters import AuditEventFilter
from strongroom.compliance.models import AuditEvent
from strongroom.compliance.serializers import (
    AuditEventSerializer,
    AuditPublicKeySerializer,
    ChainReportSerializer,
    SignatureSerializer,
)
from strongroom.core.csv_export import CSVRenderer, csv_response
from strongroom.core.errors import ERROR_RESPONSES

AUDIT_CSV_HEADER = [
    "id",
    "at_utc",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "unit",
    "changes",
    "reason",
    "ip_address",
    "user_agent",
    "request_id",
    "prev_hash",
    "hash",
]


class SignatureView(APIView):
    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "compliance.view_signature"}

    @extend_schema(responses={200: SignatureSerializer, **ERROR_RESPONSES})
    def get(self, request: Request, pk: int) -> Response:
        signature = selectors.signature_get_for_user(user=request_user(request), signature_id=pk)
        if signature is None:
            raise Http404
        return Response(SignatureSerializer(signature).data)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The audit trail: read and export (``?format=csv``), never write."""

    serializer_class = AuditEventSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "compliance.view_audit_trail",
        "retrieve": "compliance.view_audit_trail",
        "verify": "compliance.verify_audit_chain",
        "public_keys": "compliance.verify_audit_chain",
    }
    renderer_classes = [JSONRenderer, CSVRenderer]
    filterset_class = AuditEventFilter
    search_fields = ["actor_username", "action", "object_id", "reason"]
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return selectors.audit_event_list_for_user(user=request_user(self.request))

    def get_renderers(self) -> list[BaseRenderer]:
        # Only the list exports CSV; an event (``/audit-events/1/?format=csv``) is JSON, or
        # the CSV renderer would answer it with the Python repr of the event as text/csv.
        if self.action != "list":
            return [JSONRenderer()]
        return super().get_renderers()

    @extend_schema(parameters=[OpenApiParameter("format", exclude=True)])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description=(
                    "csv streams every matching event as a CSV file, oldest first (chain order: "
                    "each row's prev_hash is the hash of the row before it when unfiltered); "
                    "changes is canonical JSON"
                ),
            ),
        ],
        responses={200: AuditEventSerializer(many=True), **ERROR_RESPONSES},
    )
    def list(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Response | StreamingHttpResponse:
        if request.query_params.get("format") != "csv":
            return super().list(request, *args, **kwargs)
        # Oldest first, unlike the screen: chain order, so each row's prev_hash is the hash of
        # the row above it, which is how an inspector verifies the trail. The file name says it.
        events = self.filter_queryset(self.get_queryset()).order_by("id")
        audit_event_record(
            action="audit.export",
            actor=request_user(request),
            changes={"filters": [None, dict(request.query_params.items())]},
        )
        rows = (
            [
                e.id,
                e.at.isoformat(),
                e.actor_username,
                e.action,
                e.object_type,
                e.object_id,
                e.unit.code if e.unit else "",
                json.dumps(e.changes, sort_keys=True, ensure_ascii=False),
                e.reason,
                e.ip_address or "",
                e.user_agent,
                e.request_id,
                e.prev_hash,
                e.hash,
            ]
            for e in events.iterator(chunk_size=2000)
        )
        return csv_response(
            filename="audit-trail-oldest-first.csv", header=AUDIT_CSV_HEADER, rows=rows
        )

    @extend_schema(request=None, responses={200: ChainReportSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"])
    def verify(self, request: Request) -> Response:
        """Recompute the chain, check every signed checkpoint, and sign the verified head."""
        report = audit_verify(write_checkpoint=True)
        changes: dict[str, Any] = {
            "intact": [None, report.intact],
            "checked": [None, report.checked],
            "checkpoints_checked": [None, report.checkpoints_checked],
        }
        if not report.intact:
            changes["problem"] = [None, report.problem]
        audit_event_record(action="audit.verify", actor=request_user(request), changes=changes)
        return Response(ChainReportSerializer(asdict(report)).data)

    @extend_schema(responses={200: AuditPublicKeySerializer(many=True), **ERROR_RESPONSES})
    @action(
        detail=False,
        methods=["get"],
        url_path="public-keys",
        pagination_class=None,
        filter_backends=[],
    )
    def public_keys(self, request: Request) -> Response:
        """The public keys that checkpoints verify with: give one to an inspector, who checks an
        exported checkpoint file with it alone (docs/AUDIT_TRAIL.md)."""
        keys = accepted_public_keys()
        signing = signing_public_key().key_id
        rows = [
            {"key_id": k.key_id, "pem": k.pem, "signing": k.key_id == signing}
            for k in keys.values()
        ]
        return Response(AuditPublicKeySerializer(rows, many=True).data)
