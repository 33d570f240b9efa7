"""Requests over HTTP: list, detail with timeline, create (idempotent), edit, and the signed
transitions ``POST /api/v1/requests/{id}/<action>/``."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from strongroom.accounts.models import Unit, User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scope import require_unit_choice, user_scope_remember
from strongroom.core.errors import ApplicationError
from strongroom.core.filters import MAX_ID
from strongroom.records.api import PDF_RESPONSE, pdf_response
from strongroom.requests import selectors, services
from strongroom.requests.actions import transition_table
from strongroom.requests.models import Request, RequestStatus
from strongroom.requests.serializers import (
    RequestCreateSerializer,
    RequestDetailSerializer,
    RequestEditSerializer,
    RequestListSerializer,
    TransitionSerializer,
    TransitionTableEntrySerializer,
)
from strongroom.requests.transitions import TRANSITIONS, TransitionInput, request_transition


class RequestFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    mine = django_filters.BooleanFilter(method="filter_mine")
    waiting_for_me = django_filters.BooleanFilter(method="filter_waiting")
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = Request
        fields = ["type", "status", "unit", "crate"]

    def filter_overdue(
        self, queryset: QuerySet[Request], name: str, value: bool
    ) -> QuerySet[Request]:
        q = selectors.overdue_q()
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_mine(self, queryset: QuerySet[Request], name: str, value: bool) -> QuerySet[Request]:
        user = self.request.user
        return queryset.filter(requester=user) if value else queryset.exclude(requester=user)

    def filter_waiting(
        self, queryset: QuerySet[Request], name: str, value: bool
    ) -> QuerySet[Request]:
        q = selectors.waiting_for_q(self.request.user)
        return queryset.filter(q) if value else queryset.exclude(q)


# "destroy" is DRF's name for DELETE; the destruction action's method has another name.
_ACTION_NAMES = {"destroy": "destroy_crate"}
_TRANSITION_SCHEMA = extend_schema(
    request=TransitionSerializer, responses={200: RequestDetailSerializer}
)


class RequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "workflow.view_request",
        "retrieve": "workflow.view_request",
        "create": "workflow.add_request",
        "partial_update": "workflow.add_request",
        "documents_csv": "workflow.add_request",
        "certificate": "workflow.view_request",
        "transitions": "workflow.view_request",
        **{_ACTION_NAMES.get(name, name): t.permission for name, t in TRANSITIONS.items()},
    }
    filterset_class = RequestFilter
    search_fields = ["number", "crate__code", "purpose"]
    ordering_fields = ["id", "submitted_at", "number"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Request]:
        if getattr(self, "swagger_fake_view", False):
            return Request.objects.none()
        return selectors.request_list_for_user(user=self._caller())

    def _caller(self) -> User:
        """The caller, whose ``available_actions`` each request shows: their units are read
        once, not once per row."""
        user = request_user(self.request)
        user_scope_remember(user)
        return user

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self._caller()}

    def _body(self, found: Request) -> Any:
        """The request's detail as the caller sees it."""
        return RequestDetailSerializer(found, context={"user": self._caller()}).data

    def get_serializer_class(self) -> type:
        return RequestDetailSerializer if self.action != "list" else RequestListSerializer

    def _detail(self, pk: Any) -> Request:
        try:
            request_id = int(pk)
        except (TypeError, ValueError) as exc:  # the router lets any path segment through
            raise Http404 from exc
        found = selectors.request_get_for_user(
            user=request_user(self.request), request_id=request_id
        )
        if found is None:
            raise Http404
        return found

    def retrieve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        return Response(self._body(self._detail(kwargs["pk"])))

    @extend_schema(
        request=RequestCreateSerializer,
        responses={201: RequestDetailSerializer, 200: RequestDetailSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Repeat-safe submission: the same key returns "
                "the request the first call created.",
            )
        ],
    )
    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created_request, created = services.request_create(
            http_request=request._request,
            actor=request_user(request),
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
            data=services.RequestInput(
                type=data["type"],
                purpose=data["purpose"],
                crate_id=data.get("crate"),
                expected_return_on=data.get("expected_return_on"),
                document_ids=data.get("documents", []),
                target_location_id=data.get("target_location"),
                department_id=data.get("department"),
                description=data.get("description", ""),
                documents=[dict(d) for d in data.get("new_documents", [])],
            ),
        )
        body = self._body(self._detail(created_request.pk))
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=RequestEditSerializer, responses={200: RequestDetailSerializer})
    def partial_update(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        self._detail(kwargs["pk"])  # 404 outside the caller's units
        serializer = RequestEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        edited = services.request_edit(
            actor=request_user(request),
            request_id=int(kwargs["pk"]),
            version=data["version"],
            purpose=data.get("purpose"),
            expected_return_on=data.get("expected_return_on"),
            document_ids=data.get("documents"),
            target_location_id=data.get("target_location"),
            document_rows=(
                [dict(row) for row in data["new_documents"]] if "new_documents" in data else None
            ),
        )
        return Response(self._body(self._detail(edited.pk)))

    def _transition(self, request: HttpRequest, pk: Any, name: str) -> Response:
        try:
            request_id = int(pk)
        except (TypeError, ValueError) as exc:  # the router lets any path segment through
            raise Http404 from exc
        if not 0 < request_id <= MAX_ID:
            raise Http404
        # The service reads the request once, under lock, and answers 404 outside the caller's
        # units (accounts/scope.py).
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        witness = data.get("witness") or {}
        request_transition(
            http_request=request._request,
            actor=request_user(request),
            request_id=request_id,
            name=name,
            data=TransitionInput(
                version=data["version"],
                password=data["signature"]["password"],
                username=data["signature"].get("username", ""),
                reauthentication=data["signature"].get("reauthentication", ""),
                reason=data.get("reason", ""),
                shelf_id=data.get("shelf"),
                witness_username=witness.get("username", ""),
                witness_password=witness.get("password", ""),
            ),
        )
        return Response(self._body(self._detail(pk)))

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def approve(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "approve")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def reject(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "reject")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "send_back")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def resubmit(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "resubmit")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def cancel(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "cancel")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def allocate(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "allocate")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def issue(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "issue")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def receive(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "receive")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def transfer(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "transfer")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"], url_path="destroy")
    def destroy_crate(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "destroy")

    @extend_schema(
        responses={200: TransitionTableEntrySerializer(many=True)},
        summary="The request status machine: every transition, who may perform it, how it is "
        "asked for",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def transitions(self, request: HttpRequest) -> Response:
        """Every signed transition of a request (POST /api/v1/requests/{id}/<path>/): the
        statuses it starts from, the status it leads to, the request types it applies to, the
        permission it needs and the requester rule, with the words and dialog fields of
        ``available_actions``. Each request's ``available_actions`` applies this table to the
        caller."""
        return Response(TransitionTableEntrySerializer(transition_table(), many=True).data)

    @extend_schema(
        responses={(200, "application/pdf"): PDF_RESPONSE},
        summary="The destruction certificate (PDF) of a completed destruction",
        operation_id="requests_certificate_pdf",
    )
    def certificate(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        from strongroom.requests.certificate import destruction_certificate_pdf

        found = self._detail(pk)
        if found.type != "DESTRUCTION" or found.status != RequestStatus.COMPLETED:
            raise ApplicationError(
                "Certificates exist for completed destructions only.",
                code="no_certificate",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        return pdf_response(destruction_certificate_pdf(found), f"{found.number}-certificate.pdf")

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "unit": {"type": "integer"},
                },
            }
        },
        responses={200: {"type": "object"}},
    )
    @action(
        detail=False, methods=["post"], url_path="documents-csv", parser_classes=[MultiPartParser]
    )
    def documents_csv(self, request: HttpRequest) -> Response:
        """Parse a CSV of documents for a storage request; nothing is saved."""
        from strongroom.records.services.csv_import import documents_parse_csv

        try:
            unit_id = int(request.data.get("unit") or 0)
        except (TypeError, ValueError):  # not a number: no such unit
            unit_id = 0
        unit = Unit.objects.filter(pk=unit_id).first() if 0 < unit_id <= MAX_ID else None
        upload = request.FILES.get("file")
        if unit is None or upload is None:
            raise ApplicationError(
                "Send the CSV as 'file' and the unit id as 'unit'.", code="csv_required"
            )
        require_unit_choice(user=request_user(request), unit_ids=[unit.pk], field="unit")
        return Response({"documents": documents_parse_csv(file=upload, unit=unit)})
