"""Service tokens managed by System Administrators: list, create (the secret is in that answer
only) and revoke."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from strongroom.accounts.models import ServiceToken, Unit
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.service_tokens import SCOPES, service_token_create, service_token_revoke
from strongroom.core.errors import ERROR_RESPONSES


class ServiceTokenSerializer(serializers.ModelSerializer):
    unit_codes = serializers.SerializerMethodField()
    created_by_name = serializers.CharField(source="created_by.full_name", read_only=True)

    class Meta:
        model = ServiceToken
        fields = [
            "id",
            "name",
            "units",
            "unit_codes",
            "scopes",
            "prefix",
            "created_by",
            "created_by_name",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_unit_codes(self, obj: ServiceToken) -> list[str]:
        return sorted(unit.code for unit in obj.units.all())


class ServiceTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(SCOPES)), min_length=1
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class ServiceTokenCreatedSerializer(ServiceTokenSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown this once: store it now.")

    class Meta(ServiceTokenSerializer.Meta):
        fields = [*ServiceTokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class ServiceTokenRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ServiceTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Service tokens for integrations (System Administrators)."""

    serializer_class = ServiceTokenSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "accounts.view_servicetoken",
        "retrieve": "accounts.view_servicetoken",
        "create": "accounts.add_servicetoken",
        "revoke": "accounts.change_servicetoken",
    }
    queryset = ServiceToken.objects.select_related("created_by").prefetch_related("units")
    filter_backends: list[Any] = []

    @extend_schema(
        request=ServiceTokenCreateSerializer,
        responses={201: ServiceTokenCreatedSerializer, **ERROR_RESPONSES},
        summary="Create a token (its secret is in this answer only)",
    )
    def create(self, request: Request) -> Response:
        serializer = ServiceTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, secret = service_token_create(
            actor=request_user(request),
            name=data["name"],
            units=list(data["units"]),
            scopes=list(data["scopes"]),
            expires_at=data.get("expires_at"),
        )
        body = ServiceTokenSerializer(token).data
        return Response({**body, "secret": secret}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ServiceTokenRevokeSerializer,
        responses={200: ServiceTokenSerializer, **ERROR_RESPONSES},
        summary="Revoke a token (reason required)",
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        token = self.get_object()
        serializer = ServiceTokenRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revoked = service_token_revoke(
            actor=request_user(request), token=token, reason=serializer.validated_data["reason"]
        )
        return Response(ServiceTokenSerializer(revoked).data)
