"""The dashboard and the four reports. Reports answer JSON (cursor-paginated) or, with
``?format=csv``, stream every matching row as a CSV file (cells neutralised against CSV
injection by :func:`strongroom.core.csv_export.csv_response`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.compliance.audit import audit_event_record
from strongroom.core.csv_export import CSVRenderer, csv_response
from strongroom.core.errors import ERROR_RESPONSES
from strongroom.core.filters import IdFilter
from strongroom.core.keyset import keyset_iterator
from strongroom.core.pagination import StrongroomCursorPagination
from strongroom.records.models import Crate
from strongroom.reports import selectors
from strongroom.reports.serializers import (
    DashboardSerializer,
    DestructionScheduleRowSerializer,
    InventoryRowSerializer,
    OverdueRowSerializer,
    RequestRowSerializer,
)
from strongroom.requests.models import Request as WorkflowRequest
from strongroom.requests.models import RequestStatus, RequestType

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="csv streams every matching row as a CSV file",
)


class DashboardView(APIView):
    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "records.view_crate"}

    @extend_schema(responses={200: DashboardSerializer, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        data = selectors.dashboard_for_user(user=request_user(request))
        return Response(DashboardSerializer(data).data)


# --- Filters ----------------------------------------------------------------------------------


class CrateReportFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    department = IdFilter(field_name="department_id")
    location = IdFilter(field_name="location_id")
    status = django_filters.MultipleChoiceFilter(choices=Crate.Status.choices)
    legal_hold = django_filters.BooleanFilter()

    class Meta:
        model = Crate
        fields = ["unit", "department", "location", "status", "legal_hold"]


class DestructionScheduleFilter(CrateReportFilter):
    until = django_filters.DateFilter(field_name="destroy_after", lookup_expr="lte")

    class Meta(CrateReportFilter.Meta):
        fields = [*CrateReportFilter.Meta.fields, "until"]


class RequestReportFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    type = django_filters.MultipleChoiceFilter(choices=RequestType.choices)
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    since = django_filters.DateFilter(field_name="submitted_at__date", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="submitted_at__date", lookup_expr="lte")

    class Meta:
        model = WorkflowRequest
        fields = ["unit", "type", "status", "since", "until"]


# --- Reports ----------------------------------------------------------------------------------


def _pagination(ordering: str | tuple[str, ...]) -> type[StrongroomCursorPagination]:
    return type("ReportPagination", (StrongroomCursorPagination,), {"ordering": ordering})


class ReportView(generics.ListAPIView):
    """A report: the JSON list, or the same rows as CSV."""

    permission_classes = ROLE_CHECKED
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    report_name = ""
    csv_fields: list[str] = []

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            model: type[Model] = self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
            return model._default_manager.none()
        return self.rows()

    @extend_schema(parameters=[FORMAT_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:  # type: ignore[override]
        if request.query_params.get("format") != "csv":
            return self.list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        ordering = getattr(self.paginator, "ordering", "-id")
        ordering = (ordering,) if isinstance(ordering, str) else tuple(ordering)
        audit_event_record(
            action="report.export",
            actor=request_user(request),
            object_type="report",
            object_id=self.report_name,
            changes={"filters": [None, dict(request.query_params.items())]},
        )
        serializer_class = self.get_serializer_class()
        fields = self.csv_fields or list(serializer_class.Meta.fields)  # type: ignore[attr-defined]
        # One serializer for every row: binding a ModelSerializer's fields (model introspection,
        # deep copies) costs more than representing a row, and would be paid per row.
        serializer = serializer_class(context=self.get_serializer_context())

        def rows() -> Iterator[list[Any]]:
            with snapshot():
                for item in keyset_iterator(queryset, ordering):
                    data = serializer.to_representation(item)
                    yield [data.get(field) for field in fields]

        today = timezone.localdate().isoformat()
        return csv_response(filename=f"{self.report_name}-{today}.csv", header=fields, rows=rows())


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction for a whole export, read-only and REPEATABLE READ on PostgreSQL: its
    chunks all read the database as it stood at the first, so a row whose ordering value
    changes meanwhile is neither listed twice nor left out. (Within a transaction already
    open, that one decides.) The export runs to its end in one thread (core.http_handler)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class InventoryReportView(ReportView):
    required_permissions = {"get": "records.view_crate"}
    serializer_class = InventoryRowSerializer
    filterset_class = CrateReportFilter
    pagination_class = _pagination("code")
    report_name = "inventory"

    def rows(self) -> QuerySet[Crate]:
        return selectors.inventory_for_user(user=request_user(self.request))


class DestructionScheduleReportView(ReportView):
    required_permissions = {"get": "records.view_crate"}
    serializer_class = DestructionScheduleRowSerializer
    filterset_class = DestructionScheduleFilter
    pagination_class = _pagination(("destroy_after", "id"))
    report_name = "destruction-schedule"

    def rows(self) -> QuerySet[Crate]:
        return selectors.destruction_schedule_for_user(user=request_user(self.request))


class OverdueReportView(ReportView):
    required_permissions = {"get": "workflow.view_request"}
    serializer_class = OverdueRowSerializer
    filterset_class = RequestReportFilter
    pagination_class = _pagination(("expected_return_on", "id"))
    report_name = "overdue"

    def rows(self) -> QuerySet[WorkflowRequest]:
        return selectors.overdue_for_user(user=request_user(self.request))


class ActivityReportView(ReportView):
    required_permissions = {"get": "workflow.view_request"}
    serializer_class = RequestRowSerializer
    filterset_class = RequestReportFilter
    pagination_class = _pagination("-id")
    report_name = "activity"

    def rows(self) -> QuerySet[WorkflowRequest]:
        return selectors.activity_for_user(user=request_user(self.request))
