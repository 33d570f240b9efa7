"""Security settings a regulated site must not run with (21 CFR 11.10(d), 11.300(b) and (d)).

``production`` refuses to start when :func:`compliance_setting_problems` finds anything, each
problem named with the setting (and the environment variable) to fix. The function reads the
settings it is given, never the environment, so tests can hand it any values.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TypeGuard

# Bounds of what this product is validated with (PRODUCT.md "Security"; defaults in base.py).
PASSWORD_EXPIRY_DAYS_MAX = 365
LOCKOUT_FAILURES_MAX = 10
ACCESS_TOKEN_MAX = timedelta(minutes=60)
REFRESH_TOKEN_MAX = timedelta(hours=24)
SESSION_LIFETIME_MAX = timedelta(hours=24)
SIGNING_SESSION_IDLE_MINUTES_MAX = 120
# New and re-hashed passwords: Argon2id at OWASP's parameters (docs/SECURITY.md).
PASSWORD_HASHER = "strongroom.accounts.hashers.StrongroomArgon2PasswordHasher"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def compliance_setting_problems(settings: Mapping[str, Any]) -> list[str]:
    """Every compliance-unsafe value among ``settings`` (a settings module's globals), as one
    message each; empty when the site may start."""
    problems: list[str] = []

    expiry = settings.get("STRONGROOM_PASSWORD_EXPIRY_DAYS")
    if not _is_int(expiry) or not 0 < expiry <= PASSWORD_EXPIRY_DAYS_MAX:
        problems.append(
            f"STRONGROOM_PASSWORD_EXPIRY_DAYS must be between 1 and {PASSWORD_EXPIRY_DAYS_MAX} "
            f"(got {expiry!r}): passwords must expire (21 CFR 11.300(b))."
        )

    if settings.get("AXES_ENABLED", True) is not True:
        problems.append(
            "AXES_ENABLED must be on: wrong passwords must lock the account (21 CFR 11.300(d))."
        )
    limit = settings.get("AXES_FAILURE_LIMIT")
    if not _is_int(limit) or not 0 < limit <= LOCKOUT_FAILURES_MAX:
        problems.append(
            f"AXES_FAILURE_LIMIT must be between 1 and {LOCKOUT_FAILURES_MAX} (got {limit!r}): "
            "wrong passwords must lock the account (21 CFR 11.300(d))."
        )
    cooloff = settings.get("AXES_COOLOFF_TIME")
    if cooloff is not None and (
        not isinstance(cooloff, timedelta) or cooloff < timedelta(minutes=1)
    ):
        problems.append(
            f"AXES_COOLOFF_TIME must be at least one minute, or None to lock until an "
            f"administrator unlocks (got {cooloff!r}) (21 CFR 11.300(d))."
        )

    jwt = settings.get("SIMPLE_JWT") or {}
    access = jwt.get("ACCESS_TOKEN_LIFETIME")
    if not isinstance(access, timedelta) or not timedelta(0) < access <= ACCESS_TOKEN_MAX:
        problems.append(
            f"STRONGROOM_ACCESS_MINUTES must be between 1 and "
            f"{int(ACCESS_TOKEN_MAX.total_seconds() // 60)} (got {access!r}): a stolen access "
            "token must not stay usable for long (21 CFR 11.10(d))."
        )
    refresh = jwt.get("REFRESH_TOKEN_LIFETIME")
    if not isinstance(refresh, timedelta) or not timedelta(0) < refresh <= REFRESH_TOKEN_MAX:
        problems.append(
            f"STRONGROOM_REFRESH_HOURS must be between 1 and "
            f"{int(REFRESH_TOKEN_MAX.total_seconds() // 3600)} (got {refresh!r}): a session "
            "must end (21 CFR 11.10(d))."
        )
    session = settings.get("STRONGROOM_SESSION_LIFETIME")
    if not isinstance(session, timedelta) or not timedelta(0) < session <= SESSION_LIFETIME_MAX:
        problems.append(
            f"STRONGROOM_SESSION_HOURS must be between 1 and "
            f"{int(SESSION_LIFETIME_MAX.total_seconds() // 3600)} (got {session!r}): a session "
            "must end however often its tokens are refreshed (21 CFR 11.10(d))."
        )
    idle = settings.get("STRONGROOM_SIGNING_SESSION_IDLE_MINUTES")
    if not _is_int(idle) or idle > SIGNING_SESSION_IDLE_MINUTES_MAX:
        # 0 or less is the strictest setting (every signature takes the user ID), so allowed.
        problems.append(
            f"STRONGROOM_SIGNING_SESSION_IDLE_MINUTES must be at most "
            f"{SIGNING_SESSION_IDLE_MINUTES_MAX} (got {idle!r}): after a pause the next "
            "signature must take the user ID again (21 CFR 11.200(a)(1))."
        )
    hashers = settings.get("PASSWORD_HASHERS") or []
    if not hashers or hashers[0] != PASSWORD_HASHER:
        first = hashers[0] if hashers else None
        problems.append(
            f"PASSWORD_HASHERS must start with {PASSWORD_HASHER} (got {first!r}): passwords, "
            "which every signature re-checks, are stored as Argon2id at OWASP's parameters "
            "(21 CFR 11.300(d), docs/SECURITY.md)."
        )
    uri = str(settings.get("AUTH_LDAP_SERVER_URI") or "")
    if (
        uri
        and not uri.lower().startswith("ldaps://")
        and settings.get("AUTH_LDAP_START_TLS") is not True
    ):
        problems.append(
            "STRONGROOM_LDAP_SERVER_URI is ldap:// without STRONGROOM_LDAP_START_TLS=true: "
            "directory passwords would cross the network in clear (21 CFR 11.300(a)); use "
            "ldaps:// or StartTLS."
        )
    problems.extend(_federation_problems(settings))
    return problems


def _federation_problems(settings: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    issuer = str(settings.get("STRONGROOM_OIDC_ISSUER") or "")
    if issuer:
        if not issuer.lower().startswith("https://"):
            problems.append(
                f"STRONGROOM_OIDC_ISSUER must be an https:// URL (got {issuer!r}): tokens and "
                "codes must not cross the network in clear (21 CFR 11.300(a))."
            )
        for name in ("CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI"):
            if not settings.get(f"STRONGROOM_OIDC_{name}"):
                problems.append(
                    f"STRONGROOM_OIDC_{name} must be set when STRONGROOM_OIDC_ISSUER is."
                )
    signing = settings.get("STRONGROOM_OIDC_SIGNING")
    if signing not in ("reauthenticate", "password"):
        problems.append(
            f"STRONGROOM_OIDC_SIGNING must be reauthenticate or password (got {signing!r}): "
            "a token alone never signs (21 CFR 11.200(a))."
        )
    local = settings.get("STRONGROOM_LOCAL_PASSWORDS")
    if local not in ("on", "break-glass"):
        problems.append(f"STRONGROOM_LOCAL_PASSWORDS must be on or break-glass (got {local!r}).")
    elif local == "break-glass" and not settings.get("STRONGROOM_BREAK_GLASS_USERS"):
        problems.append(
            "STRONGROOM_BREAK_GLASS_USERS must name at least one local account when "
            "STRONGROOM_LOCAL_PASSWORDS=break-glass: an administrator must be able to sign in "
            "when the directory or the provider is down."
        )
    return problems
