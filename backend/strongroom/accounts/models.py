"""Organisation and people: units, departments, users and their password history.

A user has exactly one **role** (one of the six groups that ``initial_setup`` seeds) and a set of
**units** in which that role applies. Permissions come from the role's group only
(:class:`strongroom.accounts.backends.RoleBackend`); there are no per-user grants, so the
permission matrix in :mod:`strongroom.accounts.roles` is the whole truth.
"""

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper


class Unit(models.Model):
    """A site or plant, e.g. ``GOA1``."""

    code = models.CharField(
        max_length=10, unique=True, help_text="Short upper-case code, e.g. GOA1."
    )
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code=Upper("code")) & Q(code__regex=r"^[A-Z0-9]{2,10}$"),
                name="unit_code_upper_alnum",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Department(models.Model):
    """A department of a unit (QA, QC, PROD…); its code is unique within the unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="department_code_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]{1,10}$"), name="department_code_upper_alnum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}/{self.code}"


class AuthSource(models.TextChoices):
    """Who vouches for a user's password: Strongroom itself, or a directory."""

    LOCAL = "local", "Local password"
    LDAP = "ldap", "LDAP / Active Directory"
    OIDC = "oidc", "OpenID Connect"


# The directories a group mapping can name.
DIRECTORY_SOURCES = [
    (AuthSource.LDAP.value, AuthSource.LDAP.label),
    (AuthSource.OIDC.value, AuthSource.OIDC.label),
]


class User(AbstractUser):
    """A person who signs in. Never deleted (deactivated), never renamed, username never reused.

    ``groups`` and ``user_permissions`` of Django's default user are removed on purpose: the role
    is the only source of permissions.
    """

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    groups = None  # type: ignore[assignment]
    user_permissions = None  # type: ignore[assignment]

    full_name = models.CharField(max_length=200, help_text="Printed name on signatures.")
    role = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="users")
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    auth_source = models.CharField(
        max_length=10,
        choices=AuthSource.choices,
        default=AuthSource.LOCAL,
        help_text="local: signs in with a Strongroom password; ldap: with the directory's "
        "password only (the local one is unusable), role and units from its groups; oidc: "
        "through the OpenID Connect provider, role and units from its groups claim.",
    )
    session_epoch = models.PositiveIntegerField(
        default=0,
        help_text="Raised to revoke every session at once (deactivation, password change or "
        "reset): tokens carry the epoch they were issued in.",
    )

    objects = UserManager()  # type: ignore[misc]
    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["username"]
        permissions = [("access_all_units", "Acts in every unit (System Administrator)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(deactivated_at__isnull=True),
                name="user_deactivation_consistent",
            ),
            models.CheckConstraint(
                condition=Q(username__regex=r"^[A-Za-z0-9._@+-]{3,150}$"),
                name="user_username_format",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active_idx")]

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last few are never reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"
        constraints = [
            models.CheckConstraint(condition=~Q(password=""), name="password_history_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d}"


class ServiceToken(models.Model):
    """A credential for a system (a LIMS, an ERP) calling the integration endpoints.

    The secret (``srv_`` + 43 URL-safe characters from 32 random bytes) is shown once, at
    creation; only its SHA-256 is stored. A token acts in its units only, with its scopes only
    (``document_events:write``), until it is revoked or expires. It is accepted by the
    integration endpoints alone, never by the endpoints people use.
    """

    name = models.CharField(max_length=100, unique=True)
    units = models.ManyToManyField(Unit, related_name="+")
    scopes = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The secret's first characters, to recognise it."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="service_token_hash_format",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="service_token_revoked_by",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TwoFactorDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30-second steps, what every
    authenticator app reads from an otpauth URI). Unconfirmed until the user typed a code from
    it; only a confirmed device asks for a code at sign-in. ``last_step`` is the time step of the
    last code accepted: a code of that step or an earlier one is refused (no replay)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(secret__regex=r"^[A-Z2-7]{32}$"),  # noqa: S106 (a format)
                name="two_factor_secret_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} TOTP"


class RecoveryCode(models.Model):
    """A one-time recovery code, shown once; only its keyed hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
            models.CheckConstraint(
                condition=Q(code_hash__regex=r"^[0-9a-f]{64}$"), name="recovery_code_hash_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} recovery code"


class DirectoryGroupMapping(models.Model):
    """A directory group that grants a role and units to its members at sign-in.

    A directory user's role is the one role their mapped groups grant (two different roles are
    refused as ambiguous), their units the union of the groups' units; a user whose groups map
    to nothing is refused. Groups are matched by DN, case-insensitively
    (:mod:`strongroom.accounts.directory`).
    """

    source = models.CharField(max_length=10, choices=DIRECTORY_SOURCES)
    group = models.CharField(
        max_length=500,
        help_text="LDAP: the group's distinguished name, e.g. cn=qa,ou=groups,dc=example; "
        "OpenID Connect: a value of the provider's groups claim (a name or an id).",
    )
    role = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "group"]
        constraints = [
            models.UniqueConstraint(
                "source", Lower("group"), name="directory_group_mapping_unique"
            ),
            models.CheckConstraint(
                condition=~Q(group=""), name="directory_group_mapping_group_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.group}"


class FederatedIdentity(models.Model):
    """Who an OpenID Connect user is at their provider: the issuer and the subject (``sub``), which
    the provider never reassigns. A user is found by this pair at every sign-in, never by the
    username claim, so a renamed or recreated provider account cannot take over a Strongroom
    account (and usernames are never reused)."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="federated_identity")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "federated identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="federated_identity_unique"),
            models.CheckConstraint(
                condition=~Q(subject="") & ~Q(issuer=""), name="federated_identity_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"


class OidcPurpose(models.TextChoices):
    LOGIN = "login", "Sign-in"
    SIGN = "sign", "Re-authentication to sign"


class OidcAttempt(models.Model):
    """One trip to the provider and back (authorization code with PKCE).

    ``state_hash`` finds the attempt when the browser comes back (only hashes of the state and
    of the signing ticket are kept); ``nonce`` must come back in the ID token; the PKCE verifier
    never leaves the server. A sign-in attempt remembers where to go next; a re-authentication
    names the user and the exact signed request (method and path) its ticket is good for.
    Each attempt completes once; each ticket signs once.
    """

    purpose = models.CharField(max_length=10, choices=OidcPurpose.choices)
    state_hash = models.CharField(max_length=64, unique=True, editable=False)
    nonce = models.CharField(max_length=100, editable=False)
    code_verifier = models.CharField(max_length=128, editable=False)
    next = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    ticket_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    ticket_expires_at = models.DateTimeField(null=True, blank=True)
    ticket_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="oidc_attempt_expires_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="login")
                | (Q(user__isnull=False) & ~Q(method="") & ~Q(path="")),
                name="oidc_attempt_sign_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} attempt {self.pk}"


class OidcSession(models.Model):
    """The provider's side of a Strongroom session of an OpenID Connect user: its refresh token
    (sealed, strongroom.core.sealed), used at every refresh of the Strongroom session so that
    the provider can say the user is no longer allowed in."""

    session_id = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    refresh_token = models.TextField(blank=True, editable=False)
    provider_expires_at = models.DateTimeField(
        help_text="When the provider's access token expires (the session cannot be refreshed "
        "past it without a provider refresh token)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} provider session"


class SigningPassword(models.Model):
    """A federated user's signing password, where the provider cannot re-authenticate
    (``STRONGROOM_OIDC_SIGNING=password``): a Django password hash under the password policy."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="signing_password")
    password = models.CharField(max_length=128, editable=False)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(password=""), name="signing_password_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.user} signing password"
