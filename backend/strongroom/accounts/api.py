"""Auth and people endpoints. Views parse, call one service or selector, and serialize."""

from typing import Any

import django_filters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from strongroom.accounts import selectors, services, two_factor
from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.serializers import (
    DepartmentSerializer,
    LoginSerializer,
    LogoutSerializer,
    MeSerializer,
    OneTimePasswordSerializer,
    PasswordChangeSerializer,
    ReasonSerializer,
    RecoveryCodesSerializer,
    RoleSerializer,
    RotatingRefreshSerializer,
    SecondFactorSerializer,
    SessionSerializer,
    SigningSessionSerializer,
    TwoFactorChallengeSerializer,
    TwoFactorCodeSerializer,
    TwoFactorDisableSerializer,
    TwoFactorEnrolmentConfirmSerializer,
    TwoFactorEnrolmentResultSerializer,
    TwoFactorEnrolmentSerializer,
    TwoFactorEnrolmentStartSerializer,
    UnitSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from strongroom.accounts.throttles import LoginAddressThrottle, LoginUsernameThrottle
from strongroom.accounts.tokens import SESSION_CLAIM
from strongroom.compliance.signing_session import signing_session_expires_at, signing_session_id
from strongroom.core.errors import ERROR_RESPONSES
from strongroom.core.filters import IdsFilter


class LoginView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    # Per account across addresses, and a per-address ceiling sized for a site behind one NAT
    # address (throttles.py); django-axes locks an account per username and address.
    throttle_classes = [LoginUsernameThrottle, LoginAddressThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: SessionSerializer, 202: TwoFactorChallengeSerializer, **ERROR_RESPONSES},
        summary="Sign in: access and refresh tokens and the user, or (202) the second step due",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = two_factor.session_login(request=request._request, **serializer.validated_data)
        if isinstance(result, two_factor.TwoFactorChallenge):
            return _challenge_response(result)
        return _session_response(result)


def _challenge_response(challenge: two_factor.TwoFactorChallenge) -> Response:
    body = {
        "two_factor": challenge.purpose,
        "challenge": challenge.challenge,
        "expires_at": challenge.expires_at,
    }
    return Response(TwoFactorChallengeSerializer(body).data, status=status.HTTP_202_ACCEPTED)


def _session_response(refresh: Any) -> Response:
    user = User.objects.get(pk=refresh["user_id"])
    return Response(SessionSerializer(SessionSerializer.for_refresh(refresh, user)).data)


class LoginSecondFactorView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=SecondFactorSerializer,
        responses={200: SessionSerializer, **ERROR_RESPONSES},
        summary="Sign in, second step: a code from the authenticator or a recovery code",
    )
    def post(self, request: Request) -> Response:
        serializer = SecondFactorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh = two_factor.session_login_second_factor(
            request=request._request, **serializer.validated_data
        )
        return _session_response(refresh)


def _enrolling_user(request: Request, challenge: str | None) -> User:
    """The user enrolling: the one a sign-in's enrolment challenge names, else the signed-in
    user."""
    if challenge:
        return two_factor.challenge_user(challenge=challenge, purpose="enrol")
    if request.user and request.user.is_authenticated:
        return request_user(request)
    raise NotAuthenticated()


class TwoFactorEnrolmentView(APIView):
    """Enrol an authenticator: signed in (voluntarily), or at sign-in with the enrolment
    challenge (the role requires it)."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=TwoFactorEnrolmentStartSerializer,
        responses={200: TwoFactorEnrolmentSerializer, **ERROR_RESPONSES},
        summary="Start enrolling an authenticator: a new secret, its otpauth URI and QR code",
    )
    def post(self, request: Request) -> Response:
        serializer = TwoFactorEnrolmentStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _enrolling_user(request, serializer.validated_data.get("challenge"))
        enrolment = two_factor.two_factor_enrolment_start(user=user)
        return Response(TwoFactorEnrolmentSerializer(enrolment).data)


class TwoFactorEnrolmentConfirmView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=TwoFactorEnrolmentConfirmSerializer,
        responses={200: TwoFactorEnrolmentResultSerializer, **ERROR_RESPONSES},
        summary="Confirm the authenticator with a code: ten recovery codes (and, at sign-in, "
        "the session)",
    )
    def post(self, request: Request) -> Response:
        serializer = TwoFactorEnrolmentConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = serializer.validated_data.get("challenge")
        code = serializer.validated_data["code"]
        if challenge:
            refresh, codes = two_factor.session_login_enrol(
                request=request._request, challenge=challenge, code=code
            )
            user = User.objects.get(pk=refresh["user_id"])
            body = {**SessionSerializer.for_refresh(refresh, user), "recovery_codes": codes}
        else:
            codes = two_factor.two_factor_enrolment_confirm(
                request=request._request, user=_enrolling_user(request, None), code=code
            )
            body = {"recovery_codes": codes}
        return Response(TwoFactorEnrolmentResultSerializer(body).data)


class RecoveryCodesView(APIView):
    @extend_schema(
        request=TwoFactorCodeSerializer,
        responses={200: RecoveryCodesSerializer, **ERROR_RESPONSES},
        summary="Ten new recovery codes for a current code; the old ones stop working",
    )
    def post(self, request: Request) -> Response:
        serializer = TwoFactorCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = two_factor.two_factor_recovery_codes_regenerate(
            request=request._request, user=request_user(request), **serializer.validated_data
        )
        return Response(RecoveryCodesSerializer({"recovery_codes": codes}).data)


class TwoFactorDisableView(APIView):
    @extend_schema(
        request=TwoFactorDisableSerializer,
        responses={204: None, **ERROR_RESPONSES},
        summary="Turn two-factor sign-in off (password and code again; not when the role "
        "requires it)",
    )
    def post(self, request: Request) -> Response:
        serializer = TwoFactorDisableSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        two_factor.two_factor_disable(
            request=request._request, user=request_user(request), **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RefreshView(TokenRefreshView):
    serializer_class = RotatingRefreshSerializer
    throttle_classes = [LoginAddressThrottle]


class LogoutView(APIView):
    allow_pending_password_change = True

    @extend_schema(request=LogoutSerializer, responses={204: None, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        LogoutSerializer(data=request.data).is_valid(raise_exception=True)
        token: Any = request.auth
        services.session_logout(user=request_user(request), session_id=token.get(SESSION_CLAIM, ""))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    allow_pending_password_change = True

    @extend_schema(responses={200: MeSerializer, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request_user(request)).data)


class SigningSessionView(APIView):
    @extend_schema(
        responses={200: SigningSessionSerializer, **ERROR_RESPONSES},
        summary="Whether your next signature takes your user ID (first of a session or after "
        "the idle time)",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        session_id = signing_session_id(http_request=request, signer=user)
        expires = signing_session_expires_at(session_id=session_id)
        body = {
            "username_required": expires is None,
            "expires_at": expires,
            "idle_minutes": settings.STRONGROOM_SIGNING_SESSION_IDLE_MINUTES,
        }
        return Response(SigningSessionSerializer(body).data)


class PasswordChangeView(APIView):
    allow_pending_password_change = True

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={200: SessionSerializer, **ERROR_RESPONSES},
        summary="Change your password: every session ends and a new one starts",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh = services.password_change(
            request=request._request,
            user=request_user(request),
            **serializer.validated_data,
        )
        user = User.objects.get(pk=request_user(request).pk)
        return Response(SessionSerializer(SessionSerializer.for_refresh(refresh, user)).data)


class UserFilter(django_filters.FilterSet):
    units = IdsFilter(queryset=Unit.objects.all())

    class Meta:
        model = User
        fields = ["is_active", "role__name", "units"]


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Users are deactivated, never deleted; usernames are never renamed or reused."""

    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "accounts.view_user",
        "retrieve": "accounts.view_user",
        "create": "accounts.add_user",
        "update": "accounts.change_user",
        "partial_update": "accounts.change_user",
        "deactivate": "accounts.change_user",
        "activate": "accounts.change_user",
        "reset_password": "accounts.change_user",
        "unlock": "accounts.change_user",
        "reset_two_factor": "accounts.change_user",
    }
    filterset_class = UserFilter
    search_fields = ["username", "full_name", "email"]
    ordering_fields = ["username", "full_name", "last_login"]

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.user_list_for_manager(actor=request_user(self.request))

    def get_serializer_class(self) -> type:
        return (
            UserUpdateSerializer if self.action in ("update", "partial_update") else UserSerializer
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
        context["locked_usernames"] = set(
            AccessAttempt.objects.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
            ).values_list("username", flat=True)
        )
        context["two_factor_user_ids"] = selectors.two_factor_user_ids()
        return context

    @extend_schema(responses={201: OneTimePasswordSerializer, **ERROR_RESPONSES})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = UserSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user, password = services.user_create(
            actor=request_user(request),
            username=data["username"],
            full_name=data["full_name"],
            email=data.get("email", ""),
            role=data["role"],
            units=list(data.get("units", [])),
        )
        body = {"user": user, "one_time_password": password}
        return Response(
            OneTimePasswordSerializer(body, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        user = self.get_object()
        serializer = UserUpdateSerializer(user, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.user_update(
            actor=request_user(request),
            user=user,
            full_name=data.get("full_name"),
            email=data.get("email"),
            role=data.get("role"),
            units=list(data["units"]) if "units" in data else None,
            reason=str(request.data.get("reason", ""))[:1000],
        )
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)

    def _reason(self, request: Request) -> str:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return str(serializer.validated_data["reason"])

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        user = services.user_set_active(
            actor=request_user(request),
            user=self.get_object(),
            active=False,
            reason=self._reason(request),
        )
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        user = services.user_set_active(
            actor=request_user(request),
            user=self.get_object(),
            active=True,
            reason=self._reason(request),
        )
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)

    @extend_schema(
        request=ReasonSerializer, responses={200: OneTimePasswordSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        password = services.user_password_reset(
            actor=request_user(request),
            user=user,
            reason=self._reason(request),
        )
        user.refresh_from_db()
        body = {"user": user, "one_time_password": password}
        return Response(OneTimePasswordSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: UserSerializer, **ERROR_RESPONSES},
        summary="Reset a user's two-factor sign-in (System Administrators): their sessions end",
    )
    @action(detail=True, methods=["post"], url_path="reset-two-factor")
    def reset_two_factor(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        services.user_two_factor_reset(
            actor=request_user(request), user=user, reason=self._reason(request)
        )
        user.refresh_from_db()
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        services.user_unlock(actor=request_user(request), user=user, reason=self._reason(request))
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)


class UnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UnitSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "accounts.view_unit",
        "retrieve": "accounts.view_unit",
        "create": "accounts.add_unit",
        "update": "accounts.change_unit",
        "partial_update": "accounts.change_unit",
    }
    search_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self) -> QuerySet[Unit]:
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        return selectors.unit_list_for_user(user=request_user(self.request))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.unit_save(
            actor=request_user(self.request),
            unit=None,
            data=dict(serializer.validated_data),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.unit_save(
            actor=request_user(self.request),
            unit=serializer.instance,
            data=dict(serializer.validated_data),
        )


class DepartmentViewSet(UnitViewSet):
    serializer_class = DepartmentSerializer  # type: ignore[assignment]
    required_permissions = {
        "list": "accounts.view_department",
        "retrieve": "accounts.view_department",
        "create": "accounts.add_department",
        "update": "accounts.change_department",
        "partial_update": "accounts.change_department",
    }
    filterset_fields = ["unit", "is_active"]
    ordering = ["unit__code", "code"]

    def get_queryset(self) -> QuerySet[Department]:  # type: ignore[override]
        if getattr(self, "swagger_fake_view", False):
            return Department.objects.none()
        return selectors.department_list_for_user(user=request_user(self.request))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.department_save(
            actor=request_user(self.request),
            department=None,
            data=dict(serializer.validated_data),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.department_save(
            actor=request_user(self.request),
            department=serializer.instance,
            data=dict(serializer.validated_data),
        )


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoleSerializer
    pagination_class = None
    queryset = Group.objects.order_by("name")
