"""Audit-trail reviews over HTTP (``/api/v1/audit-reviews/``): list, open (unit and month),
detail with flags and signature, refresh the flags, decide a flag, sign the period, and the
coverage report (JSON, ``?format=csv``, ``coverage.pdf``).

Reading needs ``compliance.view_audit_trail`` (a review shows audit events); every write needs
``review.review_audit_trail``. Outside the caller's units a review is a 404."""

from collections.abc import Iterator
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from strongroom.accounts.models import User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scoped_views import UnitScopedViewSetMixin, path_id
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.signing import SignatureCheckCache, signature_check_detail
from strongroom.core.csv_export import CSVRenderer, csv_response
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError
from strongroom.core.filters import MAX_ID, IdFilter
from strongroom.records.api import PDF_RESPONSE, pdf_response
from strongroom.review import selectors, services
from strongroom.review.documents import coverage_pdf
from strongroom.review.models import AuditReview, ReviewStatus
from strongroom.review.realtime import READ_PERMISSION
from strongroom.review.serializers import (
    CoverageRowSerializer,
    FlagDecideSerializer,
    ReviewDetailSerializer,
    ReviewListSerializer,
    ReviewOpenSerializer,
    ReviewRefreshSerializer,
    ReviewSignSerializer,
)

VIEW = READ_PERMISSION  # reading a review; its live events go to the same users
MAX_MONTHS = 36

COVERAGE_PARAMETERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="One unit only"),
    OpenApiParameter(
        "months", OpenApiTypes.INT, description=f"Months to look back (1-{MAX_MONTHS})"
    ),
]
CSV_FIELDS = [
    "unit_code",
    "unit_name",
    "period",
    "status",
    "due_on",
    "review",
    "flag_count",
    "finding_count",
    "open_count",
    "opened_by_name",
    "signed_by_name",
    "signed_at",
    "signature_meaning",
    "signature_status",
]


class ReviewFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = AuditReview
        fields = ["unit", "status"]


def _int_param(request: HttpRequest, name: str, *, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApplicationError(
            f"{name} must be a whole number from {low} to {high}.",
            code="invalid_parameter",
            details={name: [f"A whole number from {low} to {high}."]},
        )
    return value


class AuditReviewViewSet(
    UnitScopedViewSetMixin[AuditReview],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "coverage": VIEW,
        "coverage_pdf": VIEW,
        "create": services.PERMISSION,
        "refresh": services.PERMISSION,
        "flag_decide": services.PERMISSION,
        "sign": services.PERMISSION,
    }
    filterset_class = ReviewFilter
    ordering_fields = ["id", "period_start"]
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ReviewListSerializer

    def get_queryset(self) -> QuerySet[AuditReview]:
        if getattr(self, "swagger_fake_view", False):
            return AuditReview.objects.none()
        return selectors.review_list_for_user(user=self._caller()).order_by(
            "-period_start", "unit__code"
        )

    def scoped_exists(self, *, user: User, pk: int) -> bool:
        return selectors.review_exists_for_user(user=user, review_id=pk)

    def scoped_get(self, *, user: User, pk: int) -> AuditReview | None:
        return selectors.review_get_for_user(user=user, review_id=pk)

    def detail_response_data(self, obj: AuditReview) -> dict[str, Any]:
        flags = selectors.review_flags(obj)
        context = {
            "user": self._caller(),
            "parts": {"flags": flags, "signatures": selectors.review_signatures(obj)},
            "events": selectors.flag_events(flags),
        }
        return ReviewDetailSerializer(obj, context=context).data

    @extend_schema(responses={200: ReviewDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        return self._body(kwargs["pk"])

    @extend_schema(
        request=ReviewOpenSerializer, responses={201: ReviewDetailSerializer, **ERROR_RESPONSES}
    )
    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        """Open the review of a unit's month (ended) and compute its flags."""
        serializer = ReviewOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_open(
            actor=request_user(request),
            unit_id=serializer.validated_data["unit"],
            period=serializer.validated_data["period"],
        )
        return self._body(review.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReviewRefreshSerializer,
        responses={200: ReviewDetailSerializer, **ERROR_RESPONSES},
        summary="Compute the flags again, adding the new ones",
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request: HttpRequest, pk: Any = None) -> Response:
        review_id = self._in_scope(pk)
        serializer = ReviewRefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_refresh(
            actor=request_user(request),
            review_id=review_id,
            version=serializer.validated_data["version"],
        )
        return self._body(pk)

    @extend_schema(
        request=FlagDecideSerializer,
        responses={200: ReviewDetailSerializer, **ERROR_RESPONSES},
        summary="Acknowledge a flag with a comment, or raise it as a finding",
    )
    @action(detail=True, methods=["post"], url_path=r"flags/(?P<flag_id>[0-9]+)/decide")
    def flag_decide(self, request: HttpRequest, pk: Any = None, flag_id: Any = None) -> Response:
        review_id = self._in_scope(pk)
        serializer = FlagDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.review_flag_decide(
            actor=request_user(request),
            review_id=review_id,
            flag_id=path_id(flag_id),
            decision=data["decision"],
            comment=data["comment"],
            version=data["version"],
        )
        return self._body(pk)

    @extend_schema(
        request=ReviewSignSerializer,
        responses={200: ReviewDetailSerializer, **ERROR_RESPONSES},
        summary="Sign the period as reviewed (REVIEWED) once every flag is decided",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: HttpRequest, pk: Any = None) -> Response:
        review_id = self._in_scope(pk)
        serializer = ReviewSignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.review_sign(
            http_request=request._request,
            actor=request_user(request),
            review_id=review_id,
            version=data["version"],
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
            reason=data.get("reason", ""),
        )
        return self._body(pk)

    def _coverage(self, request: HttpRequest) -> list[selectors.CoverageRow]:
        return selectors.coverage_rows(
            user=self._caller(),
            unit_id=_int_param(request, "unit", low=1, high=MAX_ID),
            months=_int_param(request, "months", low=1, high=MAX_MONTHS),
        )

    def _export_audit(self, request: HttpRequest, kind: str) -> None:
        audit_event_record(
            action="report.export",
            actor=request_user(request),
            object_type="report",
            object_id=f"audit-review-coverage.{kind}",
            changes={"filters": [None, dict(request.query_params.items())]},
        )

    @extend_schema(
        parameters=[
            *COVERAGE_PARAMETERS,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="csv: the rows as a CSV file",
            ),
        ],
        responses={200: CoverageRowSerializer(many=True), **ERROR_RESPONSES},
        summary="Which months of which units were reviewed, by whom, and what is overdue",
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def coverage(self, request: HttpRequest) -> Response | StreamingHttpResponse:
        rows = self._coverage(request)
        if request.query_params.get("format") != "csv":
            context = {"signature_checks": SignatureCheckCache()}
            return Response(CoverageRowSerializer(rows, many=True, context=context).data)
        self._export_audit(request, "csv")
        checks = SignatureCheckCache()

        def lines() -> Iterator[list[Any]]:
            for row in rows:
                signature = row.signature
                values = {
                    **CoverageRowSerializer(row).data,
                    "review": row.review_id,
                    "signature_meaning": signature.get_meaning_display() if signature else "",
                    "signature_status": signature_check_detail(signature, cache=checks)[0]
                    if signature
                    else "",
                }
                yield [values.get(name) for name in CSV_FIELDS]

        today = timezone.localdate().isoformat()
        return csv_response(
            filename=f"audit-review-coverage-{today}.csv", header=CSV_FIELDS, rows=lines()
        )

    @extend_schema(
        parameters=COVERAGE_PARAMETERS,
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="The coverage report (PDF), with the review signatures",
        operation_id="audit_reviews_coverage_pdf",
    )
    def coverage_pdf(self, request: HttpRequest) -> HttpResponse:
        rows = self._coverage(request)
        self._export_audit(request, "pdf")
        today = timezone.localdate().isoformat()
        return pdf_response(coverage_pdf(rows), f"audit-review-coverage-{today}.pdf")
