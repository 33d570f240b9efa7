"""Storage locations: list (flat, with parent ids and occupancy), nested tree, CRUD for those
allowed (deactivate, never delete) and bulk grid creation."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError
from strongroom.core.filters import IdFilter
from strongroom.core.pagination import StrongroomCursorPagination
from strongroom.storage import selectors, services
from strongroom.storage.models import Location
from strongroom.storage.serializers import (
    LocationActiveSerializer,
    LocationCreateSerializer,
    LocationGridResultSerializer,
    LocationGridSerializer,
    LocationNodeSerializer,
    LocationSerializer,
    LocationUpdateSerializer,
)


class LocationPagination(StrongroomCursorPagination):
    """In tree order (the full code sorts parents before their children)."""

    ordering = "full_code"


class LocationFilter(django_filters.FilterSet):
    # Plain numbers, not model choices: validating a choice would cost a query per filter.
    unit = IdFilter(field_name="unit_id")
    parent = IdFilter(field_name="parent_id")
    root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Location
        fields = ["unit", "parent", "root", "kind", "is_active"]


class LocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = LocationSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "storage.view_location",
        "retrieve": "storage.view_location",
        "tree": "storage.view_location",
        "create": "storage.add_location",
        "bulk": "storage.add_location",
        "update": "storage.change_location",
        "partial_update": "storage.change_location",
        "deactivate": "storage.change_location",
        "activate": "storage.change_location",
    }
    pagination_class = LocationPagination
    filterset_class = LocationFilter
    search_fields = ["full_code", "name"]
    ordering_fields = ["full_code"]

    def get_queryset(self) -> QuerySet[Location]:
        if getattr(self, "swagger_fake_view", False):
            return Location.objects.none()
        return selectors.location_list_for_user(user=request_user(self.request))

    def _fresh(self, location: Location) -> Location:
        fresh = selectors.location_get_for_user(
            user=request_user(self.request), location_id=location.pk
        )
        assert fresh is not None
        return fresh

    @extend_schema(
        request=LocationCreateSerializer, responses={201: LocationSerializer, **ERROR_RESPONSES}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = LocationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(
            actor=request_user(request), **serializer.validated_data
        )
        return Response(
            LocationSerializer(self._fresh(location)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=LocationUpdateSerializer, responses={200: LocationSerializer, **ERROR_RESPONSES}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        location = self.get_object()
        serializer = LocationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        reason = data.pop("reason", "")
        location = services.location_update(
            actor=request_user(request),
            location=location,
            version=version,
            data=data,
            reason=reason,
        )
        return Response(LocationSerializer(self._fresh(location)).data)

    @extend_schema(
        request=LocationUpdateSerializer, responses={200: LocationSerializer, **ERROR_RESPONSES}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def _set_active(self, request: Request, *, active: bool) -> Response:
        location = self.get_object()
        serializer = LocationActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_set_active(
            actor=request_user(request),
            location=location,
            active=active,
            **serializer.validated_data,
        )
        return Response(LocationSerializer(self._fresh(location)).data)

    @extend_schema(
        request=LocationActiveSerializer, responses={200: LocationSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, active=False)

    @extend_schema(
        request=LocationActiveSerializer, responses={200: LocationSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, active=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Only this unit's tree"),
            OpenApiParameter("include_inactive", OpenApiTypes.BOOL),
        ],
        responses={200: LocationNodeSerializer(many=True), **ERROR_RESPONSES},
        summary="The rooms → racks → shelves tree with occupancy, nested (not paginated)",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def tree(self, request: Request) -> Response:
        raw_unit = request.query_params.get("unit")
        try:
            unit_id = int(raw_unit) if raw_unit else None
        except ValueError as exc:
            raise ApplicationError(
                "unit must be a number.", code="validation_error", details={"unit": ["Number."]}
            ) from exc
        include_inactive = request.query_params.get("include_inactive") in ("1", "true", "True")
        return Response(
            selectors.location_tree_for_user(
                user=request_user(request), unit_id=unit_id, include_inactive=include_inactive
            )
        )

    @extend_schema(
        request=LocationGridSerializer,
        responses={201: LocationGridResultSerializer, **ERROR_RESPONSES},
        summary="Create a rooms x racks x shelves grid in one transaction",
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        serializer = LocationGridSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.location_grid_create(
            actor=request_user(request), **serializer.validated_data
        )
        ids = [c.pk for c in created]
        locations = selectors.location_list_for_user(user=request_user(request)).filter(pk__in=ids)
        body = {
            "created": len(created),
            "rooms": [c.code for c in created if c.kind == Location.Kind.ROOM],
            "locations": LocationSerializer(locations, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)
