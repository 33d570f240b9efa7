from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from strongroom.accounts.middleware import ADMIN_CHANGE_FIRST_MESSAGE
from strongroom.accounts.models import (
    Department,
    DirectoryGroupMapping,
    FederatedIdentity,
    OidcAttempt,
    OidcSession,
    PasswordHistory,
    RecoveryCode,
    ServiceToken,
    SigningPassword,
    TwoFactorDevice,
    Unit,
    User,
)
from strongroom.accounts.passwords import password_change_required
from strongroom.accounts.two_factor import two_factor_admin_check
from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.core.errors import ApplicationError


class StrongroomAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in refuses a user whose password must be changed (forced or expired),
    as the API refuses them everything but the change (AdminPasswordPolicyMiddleware ends a
    session that was already open), and takes the second factor as the API does: a code from
    the authenticator (or a recovery code) of a user who has one; a user whose role requires one
    and who has none enrols in the application first."""

    code = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=64,
        strip=True,
        help_text="If you sign in with two-factor: the code from your authenticator app, or a "
        "recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if isinstance(user, User) and password_change_required(user):
            raise ValidationError(ADMIN_CHANGE_FIRST_MESSAGE, code="password_change_required")
        if isinstance(user, User) and self.request is not None:
            try:
                two_factor_admin_check(
                    request=self.request, user=user, code=self.data.get("code", "") or ""
                )
            except ApplicationError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc


admin.site.login_form = StrongroomAdminAuthenticationForm
admin.site.login_template = "accounts/admin_login.html"


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are deactivated, never deleted


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "unit", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StrongroomUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class StrongroomUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "email", "role")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StrongroomUserChangeForm
    add_form = StrongroomUserCreationForm
    list_display = ["username", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "units"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    filter_horizontal = ["units"]
    readonly_fields = [
        "username",
        "last_login",
        "date_joined",
        "password_changed_at",
        "deactivated_at",
    ]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("full_name", "email")}),
        ("Access", {"fields": ("role", "units", "is_active", "is_staff")}),
        (
            "Password and dates",
            {
                "fields": (
                    "must_change_password",
                    "password_changed_at",
                    "last_login",
                    "date_joined",
                    "deactivated_at",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "role", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The username is typed once, at creation, and never renamed.
        return self.readonly_fields if obj else [f for f in self.readonly_fields if f != "username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People are managed through the application (API and screens), where the rules live:
        # no role above your own, unit scope, one-time passwords, session revocation, audit.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # users are deactivated, never deleted


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "password", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deleted entry would let that old password be reused


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    """Created and revoked through the API (the secret is shown once, audited): shown here."""

    list_display = ["name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["sha256"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in ServiceToken._meta.fields if f.name != "sha256"] + ["units"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DirectoryGroupMapping)
class DirectoryGroupMappingAdmin(admin.ModelAdmin):
    """Kept through the API (Administration → Directory groups, audited): shown here."""

    list_display = ["source", "group", "role", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in DirectoryGroupMapping._meta.fields] + ["units"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ShownOnly(admin.ModelAdmin):
    """Kept through the API only: shown here, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(_ShownOnly):
    """Whether a user has an authenticator and since when; never its secret (enrolment,
    turning off and a System Administrator's reset go through the API, audited)."""

    list_display = ["user", "confirmed_at", "created_at"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = ["user", "confirmed_at", "created_at"]


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(_ShownOnly):
    """Which recovery codes a user has used; never the code's hash."""

    list_display = ["user", "used_at"]
    fields = ["user", "used_at"]
    readonly_fields = ["user", "used_at"]


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(_ShownOnly):
    """Which provider account (issuer and subject) each OpenID Connect user is bound to."""

    list_display = ["user", "issuer", "subject", "created_at"]
    fields = ["user", "issuer", "subject", "created_at"]
    readonly_fields = ["user", "issuer", "subject", "created_at"]
    search_fields = ["user__username", "subject"]


@admin.register(OidcAttempt)
class OidcAttemptAdmin(_ShownOnly):
    """Trips to the identity provider; never their state, nonce, verifier or ticket."""

    list_display = ["purpose", "user", "method", "path", "created_at", "completed_at"]
    fields = readonly_fields = (
        "purpose",
        "user",
        "method",
        "path",
        "created_at",
        "expires_at",
        "completed_at",
        "ticket_used_at",
    )


@admin.register(OidcSession)
class OidcSessionAdmin(_ShownOnly):
    """Sessions of provider users; never the provider's refresh token."""

    list_display = ["user", "session_id", "provider_expires_at", "created_at"]
    fields = readonly_fields = ("user", "session_id", "provider_expires_at", "created_at")


@admin.register(SigningPassword)
class SigningPasswordAdmin(_ShownOnly):
    """Who has a signing password and since when; never its hash."""

    list_display = ["user", "changed_at"]
    fields = readonly_fields = ("user", "changed_at")
