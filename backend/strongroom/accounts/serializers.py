import re
from typing import Any, Literal

from django.contrib.auth.models import Group
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.passwords import password_change_required, password_expires_at
from strongroom.accounts.permissions import request_user
from strongroom.accounts.scope import require_unit_choice
from strongroom.accounts.selectors import (
    signing_method,
    signing_password_is_set,
    two_factor_enabled,
    two_factor_required,
)
from strongroom.accounts.services import session_refresh


def _upper_code(value: str, *, pattern: str, rule: str) -> str:
    """Codes are stored upper-case (the database checks it); a code typed in lower case is
    accepted as its upper-case form, and anything else is a field error, not a 500."""
    code = value.strip().upper()  # the database's CHECK constraints (accounts/models.py)
    if not re.fullmatch(pattern, code):
        raise serializers.ValidationError(rule)
    return code


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "address", "is_active"]
        # validate_code checks the format and uniqueness of the stored (upper-case) form.
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}

    def validate_code(self, value: str) -> str:
        code = _upper_code(value, pattern=r"[A-Z0-9]{2,10}", rule="2 to 10 letters or digits.")
        others = Unit.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A unit with this code already exists.")
        return code


class DepartmentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "unit", "unit_code", "code", "name", "is_active"]
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}

    def validate_code(self, value: str) -> str:
        return _upper_code(value, pattern=r"[A-Z0-9]{1,10}", rule="1 to 10 letters or digits.")

    def validate_unit(self, unit: Unit) -> Unit:
        """Another unit is refused before the uniqueness check, which would tell whether that
        unit has a department of the code."""
        if "request" in self.context:
            require_unit_choice(
                user=request_user(self.context["request"]), unit_ids=[unit.pk], field="unit"
            )
        return unit


class RoleSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "name", "permissions"]

    def get_permissions(self, group: Group) -> list[str]:
        return sorted(roles.ROLE_PERMISSIONS.get(group.name, frozenset()))


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class UserSerializer(serializers.ModelSerializer):
    """A user as administrators see them. ``username`` is written once; flags such as
    ``is_superuser`` and ``is_staff`` are never writable here."""

    role = serializers.SlugRelatedField(slug_field="name", queryset=Group.objects.all())
    units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Unit.objects.all(), required=False
    )
    unit_codes = serializers.SerializerMethodField()
    locked_out = serializers.SerializerMethodField()
    two_factor_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "units",
            "unit_codes",
            "is_active",
            "must_change_password",
            "password_changed_at",
            "last_login",
            "date_joined",
            "deactivated_at",
            "locked_out",
            "two_factor_enabled",
            "auth_source",
        ]
        read_only_fields = [
            "auth_source",
            "is_active",
            "must_change_password",
            "password_changed_at",
            "last_login",
            "date_joined",
            "deactivated_at",
        ]
        extra_kwargs = {"full_name": {"required": True, "allow_blank": False}}

    def get_unit_codes(self, user: User) -> list[str]:
        return sorted(unit.code for unit in user.units.all())

    def get_locked_out(self, user: User) -> bool:
        locked: set[str] = self.context.get("locked_usernames", set())
        return user.username in locked

    def get_two_factor_enabled(self, user: User) -> bool:
        enrolled: set[Any] | None = self.context.get("two_factor_user_ids")
        return two_factor_enabled(user) if enrolled is None else user.pk in enrolled


class UserUpdateSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        read_only_fields = [*UserSerializer.Meta.read_only_fields, "username"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=False)


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.name", default=None, allow_null=True)
    units = UnitRefSerializer(many=True)
    permissions = serializers.SerializerMethodField()
    all_units = serializers.SerializerMethodField()
    must_change_password = serializers.SerializerMethodField()
    password_expires_at = serializers.SerializerMethodField()
    two_factor_enabled = serializers.SerializerMethodField()
    two_factor_required = serializers.SerializerMethodField()
    signing_method = serializers.SerializerMethodField(
        help_text="How this user signs: password; reauthenticate (a fresh login at the identity "
        "provider, auth/oidc/start/ with purpose sign); signing_password (set in Strongroom)."
    )
    signing_password_set = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "units",
            "all_units",
            "permissions",
            "must_change_password",
            "password_expires_at",
            "two_factor_enabled",
            "two_factor_required",
            "auth_source",
            "signing_method",
            "signing_password_set",
        ]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.get_all_permissions())

    def get_all_units(self, user: User) -> bool:
        return user.has_perm("accounts.access_all_units")

    def get_two_factor_enabled(self, user: User) -> bool:
        return two_factor_enabled(user)

    def get_two_factor_required(self, user: User) -> bool:
        return two_factor_required(user)

    def get_signing_method(
        self, user: User
    ) -> Literal["password", "reauthenticate", "signing_password"]:
        return signing_method(user)  # type: ignore[return-value]

    def get_signing_password_set(self, user: User) -> bool:
        return signing_password_is_set(user)

    def get_must_change_password(self, user: User) -> bool:
        return password_change_required(user)

    def get_password_expires_at(self, user: User) -> str | None:
        expires = password_expires_at(user)
        return expires.isoformat() if expires else None


class SigningSessionSerializer(serializers.Serializer):
    """Whether the next signature of this session takes the user ID (21 CFR 11.200(a)(1))."""

    username_required = serializers.BooleanField(
        help_text="The next signature must carry the user ID as well as the password."
    )
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the continuous signing period ends without another signature (null: "
        "the user ID is required now).",
    )
    idle_minutes = serializers.IntegerField(
        help_text="Minutes without a signature after which the user ID is asked for again."
    )


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class SessionSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = MeSerializer()

    @staticmethod
    def for_refresh(refresh: RefreshToken, user: User) -> dict[str, Any]:
        return {"access": str(refresh.access_token), "refresh": str(refresh), "user": user}


class TwoFactorChallengeSerializer(serializers.Serializer):
    """The password was right and a second step is due: a code (``verify``) or the enrolment of
    an authenticator (``enrol``, the user's role requires two-factor). The challenge is good for
    that step only, for a few minutes; it is not a token."""

    two_factor = serializers.ChoiceField(choices=["verify", "enrol"])
    challenge = serializers.CharField()
    expires_at = serializers.DateTimeField()


class SecondFactorSerializer(serializers.Serializer):
    challenge = serializers.CharField(max_length=1000)
    code = serializers.CharField(
        max_length=64, help_text="A 6-digit code from the authenticator, or a recovery code."
    )


class TwoFactorEnrolmentStartSerializer(serializers.Serializer):
    challenge = serializers.CharField(
        max_length=1000,
        required=False,
        help_text="The enrolment challenge of a sign-in; omitted when signed in.",
    )


class TwoFactorEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, to type into an authenticator by hand.")
    otpauth_uri = serializers.CharField()
    qr_svg_data_uri = serializers.CharField(help_text="The otpauth URI as a QR code (SVG).")


class TwoFactorEnrolmentConfirmSerializer(TwoFactorEnrolmentStartSerializer):
    code = serializers.CharField(max_length=64, help_text="A 6-digit code from the authenticator.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown this once; each works once."
    )


class TwoFactorEnrolmentResultSerializer(RecoveryCodesSerializer):
    """With a sign-in's enrolment challenge, the session too."""

    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)
    user = MeSerializer(required=False)


class TwoFactorCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="A 6-digit code from the authenticator.")


class TwoFactorDisableSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    code = serializers.CharField(
        max_length=64, help_text="A 6-digit code from the authenticator, or a recovery code."
    )


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class OneTimePasswordSerializer(serializers.Serializer):
    user = UserSerializer()
    one_time_password = serializers.CharField(
        help_text="Shown this once; the user must change it at the next sign-in."
    )


class RotatingRefreshSerializer(TokenRefreshSerializer):
    """A refresh token for a new access token and a new refresh token (the one sent stops
    working). Refused (401) with ``session_ended`` once the session was signed out, revoked or
    has lasted its maximum lifetime, and with ``token_not_valid`` for an expired or malformed
    token."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = session_refresh(raw_refresh=attrs["refresh"])
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class AuthOptionsSerializer(serializers.Serializer):
    """How people sign in on this site (public: the sign-in page reads it)."""

    oidc_enabled = serializers.BooleanField()
    oidc_provider_name = serializers.CharField()
    local_passwords = serializers.ChoiceField(
        choices=["on", "break-glass"],
        help_text="break-glass: only the listed local accounts may sign in with a password.",
    )


class OidcStartSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=["login", "sign"])
    next = serializers.RegexField(
        r"^(/(?![/\\])[^\s]*)?$",
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="login: where to go after (a path of this site).",
    )
    method = serializers.ChoiceField(
        choices=["POST", "PUT", "PATCH", "DELETE"],
        required=False,
        help_text="sign: the method of the signed request that will carry the ticket.",
    )
    path = serializers.RegexField(
        r"^/api/v1/[A-Za-z0-9/_.-]*$",
        max_length=500,
        required=False,
        help_text="sign: the exact path of that request, e.g. /api/v1/requests/12/approve/.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["purpose"] == "sign":
            missing = {f: ["Required to sign."] for f in ("method", "path") if not attrs.get(f)}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class OidcStartedSerializer(serializers.Serializer):
    authorization_url = serializers.URLField()
    state = serializers.CharField()


class OidcCallbackSerializer(serializers.Serializer):
    state = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=2000)


class OidcSessionSerializer(SessionSerializer):
    next = serializers.CharField(help_text="Where the sign-in started (a path of this site).")


class ReauthenticationSerializer(serializers.Serializer):
    reauthentication = serializers.CharField(
        help_text="Send it as signature.reauthentication with the signed request it was for."
    )
    expires_at = serializers.DateTimeField()


class SigningPasswordSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    current_password = serializers.CharField(
        max_length=256,
        trim_whitespace=False,
        required=False,
        allow_blank=True,
        help_text="Required to change a signing password already set.",
    )
