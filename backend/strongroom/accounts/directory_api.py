"""The directory group mappings, kept by System Administrators: list, create, change, delete
(each change audited; it applies to each member at their next sign-in or signature)."""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from strongroom.accounts import directory
from strongroom.accounts.models import DIRECTORY_SOURCES, AuthSource, DirectoryGroupMapping, Unit
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.core.errors import ERROR_RESPONSES


class DirectoryGroupMappingSerializer(serializers.ModelSerializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=DIRECTORY_SOURCES, default=AuthSource.LDAP.value
    )
    group = serializers.CharField(
        max_length=500, help_text="The group's distinguished name (LDAP / Active Directory)."
    )
    role = serializers.SlugRelatedField(slug_field="name", queryset=Group.objects.all())
    units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Unit.objects.all(), required=False
    )
    unit_codes = serializers.SerializerMethodField()

    class Meta:
        model = DirectoryGroupMapping
        fields = [
            "id",
            "source",
            "group",
            "role",
            "units",
            "unit_codes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []  # the service checks uniqueness (case-insensitive)

    def get_unit_codes(self, mapping: DirectoryGroupMapping) -> list[str]:
        return sorted(unit.code for unit in mapping.units.all())


@extend_schema_view(
    list=extend_schema(summary="Directory groups and the role and units each grants"),
    create=extend_schema(responses={201: DirectoryGroupMappingSerializer, **ERROR_RESPONSES}),
    update=extend_schema(responses={200: DirectoryGroupMappingSerializer, **ERROR_RESPONSES}),
    partial_update=extend_schema(
        responses={200: DirectoryGroupMappingSerializer, **ERROR_RESPONSES}
    ),
    destroy=extend_schema(responses={204: None, **ERROR_RESPONSES}),
)
class DirectoryGroupMappingViewSet(viewsets.ModelViewSet):
    """Directory group → role and units (System Administrators)."""

    serializer_class = DirectoryGroupMappingSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "accounts.view_directorygroupmapping",
        "retrieve": "accounts.view_directorygroupmapping",
        "create": "accounts.add_directorygroupmapping",
        "update": "accounts.change_directorygroupmapping",
        "partial_update": "accounts.change_directorygroupmapping",
        "destroy": "accounts.delete_directorygroupmapping",
    }
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[DirectoryGroupMapping]:
        return DirectoryGroupMapping.objects.select_related("role").prefetch_related("units")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DirectoryGroupMappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mapping = directory.directory_group_mapping_create(
            actor=request_user(request),
            source=data["source"],
            group=data["group"],
            role=data["role"],
            units=list(data.get("units", [])),
        )
        return Response(
            DirectoryGroupMappingSerializer(mapping).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        mapping = self.get_object()
        serializer = DirectoryGroupMappingSerializer(mapping, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mapping = directory.directory_group_mapping_update(
            actor=request_user(request),
            mapping=mapping,
            group=data.get("group"),
            role=data.get("role"),
            units=list(data["units"]) if "units" in data else None,
        )
        return Response(DirectoryGroupMappingSerializer(mapping).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        directory.directory_group_mapping_delete(
            actor=request_user(request), mapping=self.get_object()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
