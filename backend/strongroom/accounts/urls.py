from django.urls import include, path
from rest_framework.routers import SimpleRouter

from strongroom.accounts import api
from strongroom.accounts.directory_api import DirectoryGroupMappingViewSet
from strongroom.accounts.oidc_api import (
    AuthOptionsView,
    OidcCallbackView,
    OidcStartView,
    SigningPasswordView,
)
from strongroom.accounts.service_tokens_api import ServiceTokenViewSet

router = SimpleRouter()
router.register("users", api.UserViewSet, basename="user")
router.register("units", api.UnitViewSet, basename="unit")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("roles", api.RoleViewSet, basename="role")
router.register("service-tokens", ServiceTokenViewSet, basename="service-token")
router.register(
    "directory-group-mappings", DirectoryGroupMappingViewSet, basename="directory-group-mapping"
)

urlpatterns = [
    path("auth/login/", api.LoginView.as_view(), name="auth-login"),
    path("auth/options/", AuthOptionsView.as_view(), name="auth-options"),
    path("auth/oidc/start/", OidcStartView.as_view(), name="auth-oidc-start"),
    path("auth/oidc/callback/", OidcCallbackView.as_view(), name="auth-oidc-callback"),
    path("auth/signing-password/", SigningPasswordView.as_view(), name="auth-signing-password"),
    path("auth/login/two-factor/", api.LoginSecondFactorView.as_view(), name="auth-login-2fa"),
    path(
        "auth/two-factor/enrolment/",
        api.TwoFactorEnrolmentView.as_view(),
        name="auth-2fa-enrolment",
    ),
    path(
        "auth/two-factor/enrolment/confirm/",
        api.TwoFactorEnrolmentConfirmView.as_view(),
        name="auth-2fa-enrolment-confirm",
    ),
    path(
        "auth/two-factor/recovery-codes/",
        api.RecoveryCodesView.as_view(),
        name="auth-2fa-recovery-codes",
    ),
    path("auth/two-factor/disable/", api.TwoFactorDisableView.as_view(), name="auth-2fa-disable"),
    path("auth/refresh/", api.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout/", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", api.MeView.as_view(), name="auth-me"),
    path("auth/signing-session/", api.SigningSessionView.as_view(), name="auth-signing-session"),
    path("auth/change-password/", api.PasswordChangeView.as_view(), name="auth-change-password"),
    path("", include(router.urls)),
]
