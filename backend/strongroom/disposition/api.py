"""Destruction batches over HTTP (``/api/v1/destruction-batches/``): list, create, detail, the
crates of a draft, the signed transitions ``POST …/{id}/<action>/``, the crate actions
``POST …/{id}/items/{item_id}/destroy|not-found/`` and the pick-list and certificate PDFs."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from strongroom.accounts.models import User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scoped_views import UnitScopedViewSetMixin, path_id
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError
from strongroom.disposition import selectors, services
from strongroom.disposition.documents import batch_certificate_pdf, batch_pick_list_pdf
from strongroom.disposition.models import BatchStatus, DestructionBatch
from strongroom.disposition.serializers import (
    BatchCreateSerializer,
    BatchDetailSerializer,
    BatchItemDestroySerializer,
    BatchItemNotFoundSerializer,
    BatchItemsAddSerializer,
    BatchItemsRemoveSerializer,
    BatchListSerializer,
    BatchTransitionSerializer,
)
from strongroom.records.api import PDF_RESPONSE, pdf_response

VIEW = "disposition.view_destructionbatch"


class BatchFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BatchStatus.choices)

    class Meta:
        model = DestructionBatch
        fields = ["status", "unit"]


_TRANSITION_SCHEMA = extend_schema(
    request=BatchTransitionSerializer, responses={200: BatchDetailSerializer, **ERROR_RESPONSES}
)


class DestructionBatchViewSet(
    UnitScopedViewSetMixin[DestructionBatch],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "create": "disposition.prepare_batch",
        "items": "disposition.prepare_batch",
        "submit": services.TRANSITIONS["submit"].permission,
        "send_back": services.TRANSITIONS["send_back"].permission,
        "approve": services.TRANSITIONS["approve"].permission,
        "cancel": services.TRANSITIONS["cancel"].permission,
        "complete": services.TRANSITIONS["complete"].permission,
        "item_destroy": services.ITEM_PERMISSION,
        "item_not_found": services.ITEM_PERMISSION,
        "pick_list": VIEW,
        "certificate": VIEW,
    }
    filterset_class = BatchFilter
    search_fields = ["number"]
    ordering_fields = ["id", "number", "created_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    serializer_class = BatchListSerializer

    def get_queryset(self) -> QuerySet[DestructionBatch]:
        if getattr(self, "swagger_fake_view", False):
            return DestructionBatch.objects.none()
        return selectors.batch_list_for_user(user=self._caller())

    def scoped_exists(self, *, user: User, pk: int) -> bool:
        return selectors.batch_exists_for_user(user=user, batch_id=pk)

    def scoped_get(self, *, user: User, pk: int) -> DestructionBatch | None:
        return selectors.batch_get_for_user(user=user, batch_id=pk)

    def detail_response_data(self, obj: DestructionBatch) -> dict[str, Any]:
        context = {"user": self._caller(), "parts": selectors.batch_detail_parts(obj)}
        return BatchDetailSerializer(obj, context=context).data

    @extend_schema(responses={200: BatchDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        return self._body(kwargs["pk"])

    @extend_schema(
        request=BatchCreateSerializer, responses={201: BatchDetailSerializer, **ERROR_RESPONSES}
    )
    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        """A DRAFT batch of eligible crates, listed by id or chosen by the filter. A crate that
        cannot be destroyed now, or that an open request or batch holds, is refused (409
        ``crates_not_eligible``, ``details.crates``: crate id → messages)."""
        serializer = BatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = services.batch_create(
            actor=request_user(request),
            unit_id=data["unit"],
            note=data.get("note", ""),
            selection=services.CrateSelection(
                crate_ids=data.get("crates") or [],
                department_id=data.get("department"),
                destroy_after_before=data.get("destroy_after_before"),
            ),
        )
        return self._body(batch.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"],
        request=BatchItemsAddSerializer,
        responses={200: BatchDetailSerializer, **ERROR_RESPONSES},
        summary="Add eligible crates to a draft batch",
    )
    @extend_schema(
        methods=["DELETE"],
        request=BatchItemsRemoveSerializer,
        responses={200: BatchDetailSerializer, **ERROR_RESPONSES},
        summary="Take crates out of a draft batch",
    )
    @action(detail=True, methods=["post", "delete"])
    def items(self, request: HttpRequest, pk: Any = None) -> Response:
        self._in_scope(pk)
        actor = request_user(request)
        if request.method == "DELETE":
            remove = BatchItemsRemoveSerializer(data=request.data)
            remove.is_valid(raise_exception=True)
            services.batch_items_remove(
                actor=actor,
                batch_id=path_id(pk),
                version=remove.validated_data["version"],
                item_ids=remove.validated_data["items"],
            )
            return self._body(pk)
        add = BatchItemsAddSerializer(data=request.data)
        add.is_valid(raise_exception=True)
        data = add.validated_data
        services.batch_items_add(
            actor=actor,
            batch_id=path_id(pk),
            version=data["version"],
            selection=services.CrateSelection(
                crate_ids=data.get("crates") or [],
                department_id=data.get("department"),
                destroy_after_before=data.get("destroy_after_before"),
            ),
        )
        return self._body(pk)

    def _transition(self, request: HttpRequest, pk: Any, name: str) -> Response:
        self._in_scope(pk)
        serializer = BatchTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.batch_transition(
            http_request=request._request,
            actor=request_user(request),
            batch_id=path_id(pk),
            name=name,
            version=data["version"],
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
            reason=data.get("reason", ""),
        )
        return self._body(pk)

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def submit(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "submit")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "send_back")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def approve(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "approve")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def cancel(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "cancel")

    @_TRANSITION_SCHEMA
    @action(detail=True, methods=["post"])
    def complete(self, request: HttpRequest, pk: Any = None) -> Response:
        return self._transition(request, pk, "complete")

    @extend_schema(
        request=BatchItemDestroySerializer,
        responses={200: BatchDetailSerializer, **ERROR_RESPONSES},
        summary="Destroy one crate of the batch (scanned label, signed, witnessed)",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]+)/destroy")
    def item_destroy(self, request: HttpRequest, pk: Any = None, item_id: Any = None) -> Response:
        """The scanned label must be the crate's code. A crate no longer eligible (hold, open
        request, retention changed) is dropped from the batch instead, with the reason: the
        response shows the item DROPPED and nothing is signed."""
        self._in_scope(pk)
        serializer = BatchItemDestroySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.batch_item_destroy(
            http_request=request._request,
            actor=request_user(request),
            batch_id=path_id(pk),
            item_id=path_id(item_id),
            data=services.DestroyInput(
                version=data["version"],
                scanned_code=data["scanned_code"],
                password=data["signature"]["password"],
                username=data["signature"].get("username", ""),
                reauthentication=data["signature"].get("reauthentication", ""),
                witness_username=data["witness"]["username"],
                witness_password=data["witness"]["password"],
            ),
        )
        return self._body(pk)

    @extend_schema(
        request=BatchItemNotFoundSerializer,
        responses={200: BatchDetailSerializer, **ERROR_RESPONSES},
        summary="Mark one crate of the batch as not found",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]+)/not-found")
    def item_not_found(self, request: HttpRequest, pk: Any = None, item_id: Any = None) -> Response:
        self._in_scope(pk)
        serializer = BatchItemNotFoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.batch_item_not_found(
            actor=request_user(request),
            batch_id=path_id(pk),
            item_id=path_id(item_id),
            version=serializer.validated_data["version"],
            reason=serializer.validated_data["reason"],
        )
        return self._body(pk)

    @extend_schema(
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="The batch's pick-list (PDF, by room, rack, shelf and crate code)",
        operation_id="destruction_batches_pick_list_pdf",
    )
    def pick_list(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        batch = self._detail(pk)
        return pdf_response(batch_pick_list_pdf(batch), f"{batch.number}-pick-list.pdf")

    @extend_schema(
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="The destruction certificate (PDF) of a completed batch",
        operation_id="destruction_batches_certificate_pdf",
    )
    def certificate(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        batch = self._detail(pk)
        if batch.status != BatchStatus.COMPLETED:
            raise ApplicationError(
                "Certificates exist for completed batches only.",
                code="no_certificate",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        return pdf_response(batch_certificate_pdf(batch), f"{batch.number}-certificate.pdf")
