"""Sign-in options, OpenID Connect sign-in and re-authentication, and signing passwords."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts import oidc
from strongroom.accounts.models import User
from strongroom.accounts.permissions import request_user
from strongroom.accounts.serializers import (
    AuthOptionsSerializer,
    OidcCallbackSerializer,
    OidcSessionSerializer,
    OidcStartedSerializer,
    OidcStartSerializer,
    ReauthenticationSerializer,
    SessionSerializer,
    SigningPasswordSerializer,
)
from strongroom.accounts.throttles import LoginAddressThrottle
from strongroom.accounts.tokens import StrongroomJWTAuthentication
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError, ErrorSerializer

# The identity provider's own failures, on the endpoints that call it.
PROVIDER_RESPONSES = {
    502: OpenApiResponse(ErrorSerializer, description="The identity provider answered wrongly"),
    503: OpenApiResponse(ErrorSerializer, description="The identity provider cannot be reached"),
}


class AuthOptionsView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    # Every sign-in page asks; a plant behind one NAT address would pass the anonymous ceiling
    # (60 a minute) at a shift change. Three settings and no query: nginx's per-address API
    # limit is enough.
    throttle_classes: list[type] = []

    @extend_schema(
        responses={200: AuthOptionsSerializer}, summary="How people sign in on this site"
    )
    def get(self, request: Request) -> Response:
        body = {
            "oidc_enabled": oidc.oidc_enabled(),
            "oidc_provider_name": settings.STRONGROOM_OIDC_PROVIDER_NAME,
            "local_passwords": settings.STRONGROOM_LOCAL_PASSWORDS,
        }
        return Response(AuthOptionsSerializer(body).data)


def _caller(request: Request) -> Any:
    """The signed-in user when a valid bearer token came with the request, else None (sign-in
    needs none; re-authentication needs the signer's)."""
    result = StrongroomJWTAuthentication().authenticate(request)
    return result[0] if result is not None else None


class OidcStartView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=OidcStartSerializer,
        responses={200: OidcStartedSerializer, **ERROR_RESPONSES, **PROVIDER_RESPONSES},
        summary="Start a trip to the identity provider: sign-in, or re-authentication to sign "
        "(with the bearer token; the method and path of the signed request it is for)",
    )
    def post(self, request: Request) -> Response:
        serializer = OidcStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = _caller(request) if data["purpose"] == "sign" else None
        if data["purpose"] == "sign" and user is None:
            raise ApplicationError(
                "Sign in first.", code="not_authenticated", status_code=status.HTTP_401_UNAUTHORIZED
            )
        started = oidc.oidc_attempt_start(
            purpose=data["purpose"],
            next_path=data.get("next", ""),
            user=user,
            method=data.get("method", ""),
            path=data.get("path", ""),
        )
        body = {"authorization_url": started.authorization_url, "state": started.state}
        return Response(OidcStartedSerializer(body).data)


class OidcCallbackView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=OidcCallbackSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="OidcCallbackResult",
                serializers=[OidcSessionSerializer, ReauthenticationSerializer],
                resource_type_field_name=None,
            ),
            **ERROR_RESPONSES,
            **PROVIDER_RESPONSES,
        },
        summary="Back from the identity provider with a code: the session (sign-in), or a "
        "signing ticket (re-authentication; with the signer's bearer token)",
    )
    def post(self, request: Request) -> Response:
        serializer = OidcCallbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = oidc.oidc_callback(
            request=request._request,
            state=serializer.validated_data["state"],
            code=serializer.validated_data["code"],
            caller=_caller(request),
        )
        if isinstance(result, oidc.Ticket):
            body: dict[str, Any] = {
                "reauthentication": result.reauthentication,
                "expires_at": result.expires_at,
            }
            return Response(ReauthenticationSerializer(body).data)
        user = User.objects.get(pk=result.refresh["user_id"])
        body = {**SessionSerializer.for_refresh(result.refresh, user), "next": result.next_path}
        return Response(OidcSessionSerializer(body).data)


class SigningPasswordView(APIView):
    @extend_schema(
        request=SigningPasswordSerializer,
        responses={204: None, **ERROR_RESPONSES},
        summary="Set or change your signing password (users of the identity provider)",
    )
    def post(self, request: Request) -> Response:
        serializer = SigningPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        oidc.signing_password_set(
            request=request._request,
            user=request_user(request),
            password=serializer.validated_data["password"],
            current_password=serializer.validated_data.get("current_password", ""),
            session=request.auth,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
