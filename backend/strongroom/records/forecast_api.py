"""The retention forecast (JSON and CSV) and the eligible crates behind it: a records manager's
planning view, readable by whoever may view crates, scoped to the caller's units."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.models import Department, User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scope import not_found, require_unit
from strongroom.compliance.audit import audit_event_record
from strongroom.core.csv_export import CSVRenderer, csv_response
from strongroom.core.errors import ERROR_RESPONSES
from strongroom.core.pagination import StrongroomCursorPagination
from strongroom.records import forecast
from strongroom.records.models import Crate, CrateClaimKind
from strongroom.records.serializers import CrateSerializer

# --- Query parameters -------------------------------------------------------------------------


class _ScopeParams(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1)
    department = serializers.IntegerField(required=False, min_value=1)


class ForecastParams(_ScopeParams):
    period = serializers.ChoiceField(choices=forecast.PERIODS, default="month")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: declared here rather than as class attributes.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        fields["to"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        period = attrs["period"]
        default_start, default_end = forecast.forecast_default_range(
            period=period, today=timezone.localdate()
        )
        start = forecast.period_start(attrs.get("from", default_start), period=period)
        end = forecast.period_end(attrs.get("to", default_end), period=period)
        if "from" in attrs and "to" not in attrs and end < start:
            end = forecast.period_end(start, period=period)
        if end < start:
            raise serializers.ValidationError({"to": ["Must not be before 'from'."]})
        if forecast.forecast_range_too_long(start, end):
            raise serializers.ValidationError(
                {"to": [f"The forecast covers at most {forecast.MAX_YEARS} years."]}
            )
        return {**attrs, "from": start, "to": end}


class EligibleParams(_ScopeParams):
    on = serializers.DateField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"period_end": ["Must not be before period_start."]})
        return attrs


def _params(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _scope_check(user: User, params: dict[str, Any]) -> None:
    """A unit or department outside the caller's units does not exist for them: 404."""
    if params.get("unit") is not None:
        require_unit(user=user, unit_id=params["unit"])
    if params.get("department") is not None:
        unit_id = (
            Department.objects.filter(pk=params["department"])
            .values_list("unit_id", flat=True)
            .first()
        )
        if unit_id is None:
            raise not_found()
        require_unit(user=user, unit_id=unit_id)


SCOPE_PARAMETERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="Only this unit (one of yours)"),
    OpenApiParameter("department", OpenApiTypes.INT, description="Only this department"),
]
FORECAST_PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, enum=list(forecast.PERIODS)),
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day of the forecast (widened to its period's start; default: today's)",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description=(
            "Last day (widened to its period's end; default: 24 months of periods; at most "
            f"{forecast.MAX_YEARS} years)"
        ),
    ),
    *SCOPE_PARAMETERS,
]


# --- Responses --------------------------------------------------------------------------------


class ForecastCountsSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    department = serializers.IntegerField()
    department_code = serializers.CharField()
    crates = serializers.IntegerField()
    documents = serializers.IntegerField()


class ForecastRowSerializer(ForecastCountsSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class ForecastPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    crates = serializers.IntegerField()
    documents = serializers.IntegerField()


class ForecastSummarySerializer(serializers.Serializer):
    already_eligible_crates = serializers.IntegerField()
    already_eligible_documents = serializers.IntegerField()
    forecast_crates = serializers.IntegerField()
    forecast_documents = serializers.IntegerField()
    pending_event_crates = serializers.IntegerField(
        help_text="In storage, not on hold, waiting for a retention event (no date yet)"
    )
    on_hold_crates = serializers.IntegerField(help_text="In storage and on legal hold")
    retained_permanently_crates = serializers.IntegerField()


class ForecastSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=forecast.PERIODS)
    start = serializers.DateField(help_text="First day of the first period")
    end = serializers.DateField(help_text="Last day of the last period")
    today = serializers.DateField()
    periods = ForecastPeriodSerializer(many=True, help_text="Every period, with its totals")
    rows = ForecastRowSerializer(many=True, help_text="Per period, unit and department (non-zero)")
    already_eligible = ForecastCountsSerializer(
        many=True, help_text="Eligible before the first period, per unit and department"
    )
    summary = ForecastSummarySerializer()


class CrateHolderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CrateClaimKind.choices)
    id = serializers.IntegerField()


class EligibleCrateSerializer(CrateSerializer):
    # Annotated by strongroom.records.forecast.crate_list_eligible_for_user (the same query).
    claimed_by = serializers.SerializerMethodField(
        help_text="The open request or destruction batch that holds the crate (a batch cannot "
        "take it until that one closes), or null"
    )

    class Meta(CrateSerializer.Meta):
        fields = [
            "id",
            "code",
            "unit",
            "unit_code",
            "department",
            "department_code",
            "location_code",
            "destroy_after",
            "document_count",
            "claimed_by",
        ]
        read_only_fields = fields

    @extend_schema_field(CrateHolderSerializer(allow_null=True))
    def get_claimed_by(self, crate: Crate) -> dict[str, Any] | None:
        kind = getattr(crate, "claim_kind", None)
        if kind is None:
            return None
        return {"kind": kind, "id": crate.claim_holder_id}  # type: ignore[attr-defined]


# --- Views ------------------------------------------------------------------------------------

CSV_HEADER = ["row", "period", "period_start", "period_end", "unit", "department", "crates",
              "documents"]  # fmt: skip


def _forecast(request: Request) -> dict[str, Any]:
    user = request_user(request)
    params = _params(ForecastParams, request)
    _scope_check(user, params)
    data = forecast.retention_forecast(
        scope=forecast.ForecastScope(
            user=user, unit_id=params.get("unit"), department_id=params.get("department")
        ),
        period=params["period"],
        start=params["from"],
        end=params["to"],
    )
    return {**data, "today": timezone.localdate()}


def forecast_csv_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """The forecast's rows as CSV lines: eligible before the range, each period, unit
    and department, then the crates that are not forecast (totals)."""
    before = data["start"] - dt.timedelta(days=1)
    for row in data["already_eligible"]:
        yield ["already_eligible", "", "", before, row["unit_code"], row["department_code"],
               row["crates"], row["documents"]]  # fmt: skip
    labels = {p["start"]: p["label"] for p in data["periods"]}
    for row in data["rows"]:
        label = labels[row["period_start"]]
        yield ["period", label, row["period_start"], row["period_end"], row["unit_code"],
               row["department_code"], row["crates"], row["documents"]]  # fmt: skip
    summary = data["summary"]
    for name in ("pending_event", "on_hold", "retained_permanently"):
        yield [name, "", "", "", "", "", summary[f"{name}_crates"], ""]


class RetentionForecastView(APIView):
    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "records.view_crate"}

    @extend_schema(
        parameters=FORECAST_PARAMETERS,
        responses={200: ForecastSerializer, **ERROR_RESPONSES},
        summary="Crates becoming eligible for destruction per month or quarter",
    )
    def get(self, request: Request) -> Response:
        return Response(ForecastSerializer(_forecast(request)).data)


class RetentionForecastCSVView(APIView):
    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "records.view_crate"}
    renderer_classes = [CSVRenderer, JSONRenderer]

    @extend_schema(
        parameters=FORECAST_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file"),
            **ERROR_RESPONSES,
        },
        summary="The retention forecast as a CSV file",
        operation_id="retention_forecast_csv",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        data = _forecast(request)
        audit_event_record(
            action="report.export",
            actor=request_user(request),
            object_type="report",
            object_id="retention-forecast",
            changes={"filters": [None, dict(request.query_params.items())]},
        )
        rows = forecast_csv_rows(data)
        filename = f"retention-forecast-{data['start']}-{data['end']}.csv"
        return csv_response(filename=filename, header=CSV_HEADER, rows=rows)


class EligibleCratePagination(StrongroomCursorPagination):
    ordering = ("destroy_after", "id")  # type: ignore[assignment]  # DRF takes a tuple too


class EligibleCrateListView(generics.ListAPIView):
    """Crates that may be destroyed on a day (default today), soonest retention date first."""

    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "records.view_crate"}
    serializer_class = EligibleCrateSerializer
    pagination_class = EligibleCratePagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Crate]:
        if getattr(self, "swagger_fake_view", False):
            return Crate.objects.none()
        user = request_user(self.request)
        params = _params(EligibleParams, self.request)
        _scope_check(user, params)
        return forecast.crate_list_eligible_for_user(
            user=user,
            on=params.get("on") or timezone.localdate(),
            search=params.get("search") or None,
            unit_id=params.get("unit"),
            department_id=params.get("department"),
            destroy_after_from=params.get("period_start"),
            destroy_after_to=params.get("period_end"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="Eligible on this day (today)"),
            OpenApiParameter(
                "period_start", OpenApiTypes.DATE, description="Retention date on or after"
            ),
            OpenApiParameter(
                "period_end", OpenApiTypes.DATE, description="Retention date on or before"
            ),
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Words or fragments of crate codes"
            ),
            *SCOPE_PARAMETERS,
        ],
        summary="Crates eligible for destruction (the list behind a forecast figure)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)
