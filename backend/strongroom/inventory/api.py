"""Inventory audits over HTTP (``/api/v1/inventory-audits/``): list, open, detail; the scans of
a shelf (``POST …/{id}/scans/``, idempotent; ``GET …/{id}/scans/?shelf=``); a shelf completed or
reopened; the count completed; a finding reconciled (signed); the audit closed or cancelled
(signed); the report as PDF and CSV."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from strongroom.accounts.models import User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scope import user_unit_ids
from strongroom.accounts.scoped_views import UnitScopedViewSetMixin, path_id
from strongroom.compliance.audit import audit_event_record
from strongroom.core.csv_export import csv_response
from strongroom.core.errors import ERROR_RESPONSES
from strongroom.inventory import selectors, services
from strongroom.inventory.documents import CSV_HEADER, audit_report_csv_rows, audit_report_pdf
from strongroom.inventory.models import AuditStatus, InventoryAudit
from strongroom.inventory.proposals import cycle_count_proposals
from strongroom.inventory.serializers import (
    CycleCountProposalSerializer,
    InventoryAuditDetailSerializer,
    InventoryAuditListSerializer,
    InventoryAuditOpenSerializer,
    InventoryReconcileSerializer,
    InventoryScanInputSerializer,
    InventoryScanOutcomeSerializer,
    InventoryScanSerializer,
    InventoryShelfReopenSerializer,
    InventorySignedSerializer,
    InventoryVersionSerializer,
)
from strongroom.records.api import PDF_RESPONSE, pdf_response

VIEW = "inventory.view_inventoryaudit"


class AuditFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AuditStatus.choices)

    class Meta:
        model = InventoryAudit
        fields = ["status", "unit"]


_DETAIL = {200: InventoryAuditDetailSerializer, **ERROR_RESPONSES}


class InventoryAuditViewSet(
    UnitScopedViewSetMixin[InventoryAudit],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "create": services.RUN,
        "scans": services.RUN,
        "scans_list": VIEW,
        "shelf_done": services.RUN,
        "shelf_reopen": services.RUN,
        "count_complete": services.RUN,
        "reconcile": services.RECONCILE,
        "close": services.RUN,
        "cancel": services.RUN,
        "report_pdf": VIEW,
        "report_csv": VIEW,
        "proposals": VIEW,
    }
    filterset_class = AuditFilter
    search_fields = ["number"]
    ordering_fields = ["id", "number", "opened_at"]
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = InventoryAuditListSerializer

    def get_queryset(self) -> QuerySet[InventoryAudit]:
        if getattr(self, "swagger_fake_view", False):
            return InventoryAudit.objects.none()
        return selectors.audit_list_for_user(user=self._caller())

    def scoped_exists(self, *, user: User, pk: int) -> bool:
        return selectors.audit_exists_for_user(user=user, audit_id=pk)

    def scoped_get(self, *, user: User, pk: int) -> InventoryAudit | None:
        return selectors.audit_get_for_user(user=user, audit_id=pk)

    def detail_response_data(self, obj: InventoryAudit) -> dict[str, Any]:
        context = {"user": self._caller(), "parts": selectors.audit_detail_parts(obj)}
        return InventoryAuditDetailSerializer(obj, context=context).data

    @extend_schema(
        responses={200: CycleCountProposalSerializer(many=True), **ERROR_RESPONSES},
        summary="Rooms of the caller's units due for a cycle count, most at risk first",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def proposals(self, request: HttpRequest) -> Response:
        unit_ids = user_unit_ids(self._caller())
        return Response(
            CycleCountProposalSerializer(cycle_count_proposals(unit_ids=unit_ids), many=True).data
        )

    @extend_schema(responses=_DETAIL)
    def retrieve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        return self._body(kwargs["pk"])

    @extend_schema(
        request=InventoryAuditOpenSerializer,
        responses={201: InventoryAuditDetailSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        """Open an audit of a room, rack or shelf: the crates recorded on its shelves now are
        what the count is compared with."""
        serializer = InventoryAuditOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audit = services.audit_open(
            actor=request_user(request),
            scope_id=serializer.validated_data["scope"],
            note=serializer.validated_data.get("note", ""),
        )
        return self._body(audit.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=InventoryScanInputSerializer,
        responses={
            201: InventoryScanOutcomeSerializer,
            200: InventoryScanOutcomeSerializer,
            **ERROR_RESPONSES,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Same as client_key.",
            )
        ],
        summary="Record a code read on a shelf of the audit",
    )
    def scans(self, request: HttpRequest, pk: Any = None) -> Response:
        """201 with the new scan; 200 with the scan already recorded when this code was read on
        this shelf before or the client_key was used (a retry). A shelf another open audit is
        counting: 409 ``shelf_in_other_audit``."""
        audit_id = self._in_scope(pk)
        serializer = InventoryScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.audit_scan(
            actor=request_user(request),
            audit_id=audit_id,
            shelf_id=data["shelf"],
            code=data["code"],
            client_key=data.get("client_key") or request.headers.get("Idempotency-Key", ""),
        )
        body = InventoryScanOutcomeSerializer(
            {
                "scan": outcome.scan,
                "created": outcome.created,
                "result": outcome.result,
                "audit_version": outcome.audit.version,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if outcome.created else 200)

    @extend_schema(
        parameters=[OpenApiParameter("shelf", OpenApiTypes.INT, required=False)],
        responses={200: InventoryScanSerializer(many=True), **ERROR_RESPONSES},
        summary="The scans of the audit (of one shelf), newest first",
    )
    def scans_list(self, request: HttpRequest, pk: Any = None) -> Response:
        audit = self._detail(pk)
        shelf = request.query_params.get("shelf")
        shelf_id = path_id(shelf) if shelf else None
        return Response(
            InventoryScanSerializer(selectors.audit_scans(audit, shelf_id=shelf_id), many=True).data
        )

    @extend_schema(request=None, responses=_DETAIL, summary="The shelf is counted")
    @action(detail=True, methods=["post"], url_path=r"shelves/(?P<shelf_id>[0-9]+)/done")
    def shelf_done(self, request: HttpRequest, pk: Any = None, shelf_id: Any = None) -> Response:
        audit_id = self._in_scope(pk)
        services.audit_shelf_done(
            actor=request_user(request), audit_id=audit_id, shelf_id=path_id(shelf_id)
        )
        return self._body(pk)

    @extend_schema(
        request=InventoryShelfReopenSerializer,
        responses=_DETAIL,
        summary="Count a completed shelf again",
    )
    @action(detail=True, methods=["post"], url_path=r"shelves/(?P<shelf_id>[0-9]+)/reopen")
    def shelf_reopen(self, request: HttpRequest, pk: Any = None, shelf_id: Any = None) -> Response:
        audit_id = self._in_scope(pk)
        serializer = InventoryShelfReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_shelf_reopen(
            actor=request_user(request),
            audit_id=audit_id,
            shelf_id=path_id(shelf_id),
            reason=serializer.validated_data["reason"],
        )
        return self._body(pk)

    @extend_schema(
        request=InventoryVersionSerializer, responses=_DETAIL, summary="Counting is complete"
    )
    @action(detail=True, methods=["post"], url_path="count-complete")
    def count_complete(self, request: HttpRequest, pk: Any = None) -> Response:
        """Every shelf must be completed (409 ``shelves_not_done`` lists the others); the
        results are frozen into findings to reconcile."""
        audit_id = self._in_scope(pk)
        serializer = InventoryVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_count_complete(
            actor=request_user(request),
            audit_id=audit_id,
            version=serializer.validated_data["version"],
        )
        return self._body(pk)

    @extend_schema(
        request=InventoryReconcileSerializer,
        responses=_DETAIL,
        summary="Reconcile one discrepancy (signed RECONCILED)",
    )
    @action(detail=True, methods=["post"], url_path=r"findings/(?P<finding_id>[0-9]+)/reconcile")
    def reconcile(self, request: HttpRequest, pk: Any = None, finding_id: Any = None) -> Response:
        """RELOCATE (misplaced or unexpected: the crate is recorded on the shelf it was found
        on), MARK_MISSING (missing: the crate becomes MISSING and its Unit Admins are told) or
        EXPLAIN; the note is required."""
        audit_id = self._in_scope(pk)
        serializer = InventoryReconcileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.finding_reconcile(
            http_request=request._request,
            actor=request_user(request),
            audit_id=audit_id,
            finding_id=path_id(finding_id),
            data=services.ReconcileInput(
                version=data["version"],
                action=data["action"],
                note=data["note"],
                password=data["signature"]["password"],
                username=data["signature"].get("username", ""),
                reauthentication=data["signature"].get("reauthentication", ""),
            ),
        )
        return self._body(pk)

    def _signed(self, request: HttpRequest, pk: Any, service: Any) -> Response:
        audit_id = self._in_scope(pk)
        serializer = InventorySignedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service(
            http_request=request._request,
            actor=request_user(request),
            audit_id=audit_id,
            version=data["version"],
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
            reason=data.get("reason", ""),
        )
        return self._body(pk)

    @extend_schema(
        request=InventorySignedSerializer, responses=_DETAIL, summary="Close the audit (signed)"
    )
    @action(detail=True, methods=["post"])
    def close(self, request: HttpRequest, pk: Any = None) -> Response:
        """Every discrepancy must be reconciled (409 ``findings_open``); each shelf of the
        audit gets ``last_verified_at``."""
        return self._signed(request, pk, services.audit_close)

    @extend_schema(
        request=InventorySignedSerializer, responses=_DETAIL, summary="Cancel the audit (signed)"
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._signed(request, pk, services.audit_cancel)

    @extend_schema(
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="The audit report (PDF): results, reconciliations, shelves, signatures",
        operation_id="inventory_audits_report_pdf",
    )
    def report_pdf(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        audit = self._detail(pk)
        return pdf_response(audit_report_pdf(audit), f"{audit.number}-report.pdf")

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file"),
            **ERROR_RESPONSES,
        },
        summary="The audit report (CSV): one row per expected crate and scanned code",
        operation_id="inventory_audits_report_csv",
    )
    def report_csv(self, request: HttpRequest, pk: Any = None) -> StreamingHttpResponse:
        audit = self._detail(pk)
        audit_event_record(
            action="report.export",
            actor=request_user(request),
            object_type="report",
            object_id="inventory-audit",
            unit=audit.unit,
            changes={"audit": [None, audit.number]},
        )
        return csv_response(
            filename=f"{audit.number}-report.csv",
            header=CSV_HEADER,
            rows=audit_report_csv_rows(audit),
        )
