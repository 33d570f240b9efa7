"""The retention schedule (rules drafted, edited into versions, approved with a signature,
discarded), the named events, documents' event dates (one by one and by CSV) and the
integration endpoint a LIMS or ERP calls with a service token."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.models import ServiceToken
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scope import require_unit, scope_to_units, user_unit_ids
from strongroom.accounts.service_tokens import (
    SCOPE_DOCUMENT_EVENTS_WRITE,
    HasServiceScope,
    ServiceTokenAuthentication,
    service_token_unit_ids,
)
from strongroom.accounts.throttles import ServiceTokenThrottle
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError
from strongroom.core.pagination import StrongroomCursorPagination
from strongroom.records.models import Document, DocumentEvent, RetentionEvent, RetentionRule
from strongroom.records.retention_serializers import (
    DocumentEventCreateSerializer,
    DocumentEventSerializer,
    DocumentEventUpdateSerializer,
    EventsImportSerializer,
    EventsResultSerializer,
    IntegrationEventRowSerializer,
    RetentionEventSerializer,
    RetentionRuleApprovedSerializer,
    RetentionRuleApproveSerializer,
    RetentionRuleCreateSerializer,
    RetentionRuleDiscardSerializer,
    RetentionRuleEditSerializer,
    RetentionRuleSerializer,
)
from strongroom.records.services.events import (
    EventsResult,
    document_event_update,
    document_events_parse_csv,
    document_events_record,
)
from strongroom.records.services.retention import (
    RULE_FIELDS,
    retention_rule_approve,
    retention_rule_discard,
    retention_rule_draft,
    retention_rule_edit,
)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _events_result(result: EventsResult, *, created: bool) -> Response:
    return Response(
        EventsResultSerializer(result).data,
        status=status.HTTP_201_CREATED if created and result.created else status.HTTP_200_OK,
    )


class RetentionEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The named events a rule can run from (System Administrators add them in the admin)."""

    serializer_class = RetentionEventSerializer
    queryset = RetentionEvent.objects.all()
    pagination_class = None
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_retentionevent",
        "retrieve": "records.view_retentionevent",
    }
    filter_backends: list[Any] = []


class RetentionRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Rules of every unit (no unit) and of the caller's units; each version is a row."""

    serializer_class = RetentionRuleSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_retentionrule",
        "retrieve": "records.view_retentionrule",
        "create": "records.add_retentionrule",
        "partial_update": "records.change_retentionrule",
        "discard": "records.change_retentionrule",
        "approve": "records.approve_retention_rule",
    }
    http_method_names = ["get", "post", "patch"]
    filterset_fields = ["code", "status", "doc_type", "trigger"]

    def get_queryset(self) -> QuerySet[RetentionRule]:
        rules = RetentionRule.objects.select_related(
            "doc_type", "unit", "department", "event", "drafted_by", "approved_by"
        )
        if getattr(self, "swagger_fake_view", False):
            return rules.none()
        unit_ids = user_unit_ids(request_user(self.request))
        if unit_ids is None:
            return rules
        return rules.filter(Q(unit__isnull=True) | Q(unit__in=unit_ids))

    def _rule(self) -> RetentionRule:
        rule = self.get_queryset().filter(pk=_int(self.kwargs.get("pk"))).first()
        if rule is None:
            raise Http404
        return rule

    @extend_schema(
        request=RetentionRuleCreateSerializer,
        responses={201: RetentionRuleSerializer, **ERROR_RESPONSES},
        summary="Draft a new rule (version 1)",
    )
    def create(self, request: Request) -> Response:
        serializer = RetentionRuleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rule = retention_rule_draft(actor=request_user(request), code=data.pop("code"), data=data)
        return Response(RetentionRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RetentionRuleEditSerializer,
        responses={200: RetentionRuleSerializer, 201: RetentionRuleSerializer, **ERROR_RESPONSES},
        summary="Edit a draft; on an approved rule, draft its next version (201)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        rule = self._rule()
        serializer = RetentionRuleEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        edited = retention_rule_edit(
            actor=request_user(request),
            rule=rule,
            version=version,
            data={k: v for k, v in data.items() if k in RULE_FIELDS},
        )
        return Response(
            RetentionRuleSerializer(edited).data,
            status=status.HTTP_201_CREATED if edited.pk != rule.pk else status.HTTP_200_OK,
        )

    @extend_schema(
        request=RetentionRuleApproveSerializer,
        responses={200: RetentionRuleApprovedSerializer, **ERROR_RESPONSES},
        summary="Approve a draft (signed RULE_APPROVED; not by its drafter): supersedes the "
        "approved version and recomputes the governed documents",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        rule = self._rule()
        serializer = RetentionRuleApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        approved, result = retention_rule_approve(
            http_request=request._request,
            actor=request_user(request),
            rule=rule,
            version=data["version"],
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
            reason=data.get("reason", ""),
        )
        return Response(
            RetentionRuleApprovedSerializer(
                {"rule": self.get_queryset().get(pk=approved.pk), "recomputed": result}
            ).data
        )

    @extend_schema(
        request=RetentionRuleDiscardSerializer,
        responses={200: RetentionRuleSerializer, **ERROR_RESPONSES},
        summary="Discard a draft (reason required)",
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        rule = self._rule()
        serializer = RetentionRuleDiscardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        discarded = retention_rule_discard(
            actor=request_user(request),
            rule=rule,
            version=serializer.validated_data["version"],
            reason=serializer.validated_data["reason"],
        )
        return Response(RetentionRuleSerializer(discarded).data)


class DocumentEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Documents' event dates in the caller's units."""

    serializer_class = DocumentEventSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_documentevent",
        "retrieve": "records.view_documentevent",
        "create": "records.add_documentevent",
        "partial_update": "records.change_documentevent",
        "import_csv": "records.add_documentevent",
    }
    http_method_names = ["get", "post", "patch"]
    filterset_fields = ["document", "event"]
    pagination_class = StrongroomCursorPagination

    def get_queryset(self) -> QuerySet[DocumentEvent]:
        events = DocumentEvent.objects.select_related(
            "document__unit", "event", "recorded_by", "recorded_by_token"
        )
        if getattr(self, "swagger_fake_view", False):
            return events.none()
        return scope_to_units(events, user=request_user(self.request), field="document__unit")

    @extend_schema(
        request=DocumentEventCreateSerializer,
        responses={201: EventsResultSerializer, 200: EventsResultSerializer, **ERROR_RESPONSES},
        summary="Record a document's event date (the same date again changes nothing: 200)",
    )
    def create(self, request: Request) -> Response:
        serializer = DocumentEventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request_user(request)
        document = Document.objects.select_related("unit").filter(pk=data["document"]).first()
        if document is None:
            raise Http404
        require_unit(user=user, unit_id=document.unit_id)
        result = document_events_record(
            rows=[
                {
                    "unit": document.unit.code,
                    "document_number": document.number,
                    "event": data["event"],
                    "date": data["date"],
                }
            ],
            source=DocumentEvent.Source.MANUAL,
            actor=user,
            unit_ids=frozenset({document.unit_id}),
        )
        return _events_result(result, created=True)

    @extend_schema(
        request=DocumentEventUpdateSerializer,
        responses={200: EventsResultSerializer, **ERROR_RESPONSES},
        summary="Change a recorded date (audited; retention recomputed)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        recorded = self.get_queryset().filter(pk=_int(pk)).first()
        if recorded is None:
            raise Http404
        serializer = DocumentEventUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = document_event_update(
            actor=request_user(request),
            recorded=recorded,
            version=serializer.validated_data["version"],
            date=serializer.validated_data["date"],
        )
        return _events_result(result, created=False)

    @extend_schema(
        request={"multipart/form-data": EventsImportSerializer},
        responses={200: EventsResultSerializer, 201: EventsResultSerializer, **ERROR_RESPONSES},
        summary="Import event dates from CSV (unit,document_number,event,date): all or nothing, "
        "errors by line number",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError(
                "Send the CSV as the multipart field 'file'.",
                code="file_required",
                details={"file": ["Required."]},
            )
        user = request_user(request)
        rows, lines = document_events_parse_csv(file=upload)
        result = document_events_record(
            rows=rows,
            source=DocumentEvent.Source.CSV,
            actor=user,
            unit_ids=user_unit_ids(user),
            errors_by=lines,
        )
        return _events_result(result, created=True)


class IntegrationDocumentEventsView(APIView):
    """Event dates from a LIMS or ERP, authenticated by a service token (``Authorization:
    Bearer srv_…``) with the scope ``document_events:write``, within the token's units."""

    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [HasServiceScope]
    required_scope = SCOPE_DOCUMENT_EVENTS_WRITE
    throttle_classes = [ServiceTokenThrottle]

    @extend_schema(
        request=inline_serializer(
            "IntegrationDocumentEvents",
            {"events": IntegrationEventRowSerializer(many=True)},
        ),
        responses={200: EventsResultSerializer, 201: EventsResultSerializer, **ERROR_RESPONSES},
        summary="Record event dates (service token; up to 1000 rows; all or nothing; rows "
        "already recorded with the same date change nothing)",
        parameters=[
            OpenApiParameter(
                "Authorization", str, OpenApiParameter.HEADER, description="Bearer srv_…"
            )
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        assert isinstance(token, ServiceToken)
        rows = request.data.get("events") if isinstance(request.data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ApplicationError(
                'Send {"events": [{document_number, unit, event, date}, …]}.',
                code="invalid_events",
                details={"events": ["A list of rows."]},
            )
        result = document_events_record(
            rows=rows,
            unit_required=True,
            source=DocumentEvent.Source.INTEGRATION,
            token=token,
            unit_ids=service_token_unit_ids(token),
        )
        return _events_result(result, created=True)
