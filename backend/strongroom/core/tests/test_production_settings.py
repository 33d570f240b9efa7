"""Production settings: `check --deploy` is clean with a complete environment, and each unsafe
setting stops the process with a message that names it.

Each case runs `manage.py` in a subprocess with config.settings.production, because the settings
module refuses at import time (no connection to any server is made: DATABASE_URL and the Redis
URLs point at a port where nothing listens)."""

import os
import secrets
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

BACKEND = Path(__file__).resolve().parents[3]
PYTHON = BACKEND / ".venv" / "bin" / "python"

# Variables of the host that must not leak into the "production" process.
_PREFIXES = ("DJANGO_", "STRONGROOM_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_", "EMAIL_URL")


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "STRONGROOM_JWT_SIGNING_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "dms.example.com",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dms.example.com",
            "STRONGROOM_PUBLIC_URL": "https://dms.example.com",
            "STRONGROOM_WS_ALLOWED_ORIGINS": "https://dms.example.com",
            "DATABASE_URL": "postgres://strongroom:not-a-real-password@127.0.0.1:9/strongroom",
            "REDIS_URL": "redis://127.0.0.1:9/0",
            "CELERY_BROKER_URL": "redis://127.0.0.1:9/1",
            "CACHE_URL": "redis://127.0.0.1:9/2",
            "EMAIL_URL": "smtp+tls://mailer:not-a-real-password@127.0.0.1:9",
            "STATIC_ROOT": "/app/staticfiles",
            "MEDIA_ROOT": "/app/media",
            "STRONGROOM_AUDIT_SIGNING_KEY_FILE": "/app/keys/audit-signing-key.pem",
            # Nothing listens on port 9: should any check reach for the database, it fails at
            # once instead of waiting for the pool's timeout.
            "DATABASE_POOL_TIMEOUT": "0",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BACKEND,
        env=env,
        check=False,
    )


def test_check_deploy_reports_no_warnings() -> None:
    env = _production_env()
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert env["DJANGO_SECRET_KEY"] not in output
    assert env["STRONGROOM_JWT_SIGNING_KEY"] not in output


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off", id="debug-on"),
        pytest.param({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off", id="debug-true"),
        pytest.param({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY", id="secret-missing"),
        pytest.param({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY", id="secret-empty"),
        pytest.param(
            # The placeholder of .env.production.example.
            {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string"},
            "DJANGO_SECRET_KEY",
            id="secret-example-placeholder",
        ),
        pytest.param(
            {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string-" + "x" * 40},
            "DJANGO_SECRET_KEY",
            id="secret-long-placeholder",
        ),
        pytest.param(
            {"DJANGO_SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(48)},
            "DJANGO_SECRET_KEY",
            id="secret-django-insecure",
        ),
        pytest.param(
            {"DJANGO_SECRET_KEY": "strongroom-local-development-only-key-0123456789"},
            "DJANGO_SECRET_KEY",
            id="secret-development-default",
        ),
        pytest.param(
            {"DJANGO_SECRET_KEY": secrets.token_urlsafe(24)},
            "DJANGO_SECRET_KEY",
            id="secret-short",
        ),
        pytest.param({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS", id="hosts-empty"),
        pytest.param({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS", id="hosts-missing"),
        pytest.param({"CACHE_URL": None}, "CACHE_URL must be set", id="cache-missing"),
        pytest.param(
            {"STRONGROOM_JWT_SIGNING_KEY": None}, "STRONGROOM_JWT_SIGNING_KEY", id="jwt-key-missing"
        ),
        pytest.param(
            {"STRONGROOM_JWT_SIGNING_KEY": "strongroom-local-development-only-jwt-key-0123456789"},
            "STRONGROOM_JWT_SIGNING_KEY",
            id="jwt-key-development",
        ),
        pytest.param(
            {"DJANGO_SECRET_KEY": "s" * 64, "STRONGROOM_JWT_SIGNING_KEY": "s" * 64},
            "STRONGROOM_JWT_SIGNING_KEY",
            id="jwt-key-is-the-secret-key",
        ),
        pytest.param(
            {"STRONGROOM_AUDIT_SIGNING_KEY_FILE": None},
            "STRONGROOM_AUDIT_SIGNING_KEY_FILE",
            id="audit-key-missing",
        ),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(
    overrides: dict[str, str | None], message: str
) -> None:
    env = _production_env(**overrides)
    result = _manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr.strip().splitlines()[-1], result.stderr[-2000:]
    for name in ("DJANGO_SECRET_KEY", "STRONGROOM_JWT_SIGNING_KEY"):
        secret = env.get(name)
        if secret:
            assert secret not in result.stdout + result.stderr


@pytest.mark.compliance("11.10(d)", "11.300(b)")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"STRONGROOM_PASSWORD_EXPIRY_DAYS": "0"},
            "STRONGROOM_PASSWORD_EXPIRY_DAYS must be between 1 and 365 (got 0)",
            id="password-never-expires",
        ),
        pytest.param(
            {"STRONGROOM_ACCESS_MINUTES": "720"},
            "STRONGROOM_ACCESS_MINUTES must be between 1 and 60",
            id="access-token-twelve-hours",
        ),
        pytest.param(
            {"STRONGROOM_REFRESH_HOURS": "0"},
            "STRONGROOM_REFRESH_HOURS must be between 1 and 24",
            id="session-zero-hours",
        ),
    ],
)
def test_production_refuses_to_start_with_compliance_unsafe_settings(
    overrides: dict[str, str | None], message: str
) -> None:
    result = _manage(_production_env(**overrides), "check", "--deploy")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr.strip().splitlines()[-1], result.stderr[-2000:]


@pytest.mark.compliance("11.10(d)", "11.300(b)", "11.300(d)")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"AXES_ENABLED": False}, "AXES_ENABLED must be on", id="lockout-off"),
        pytest.param({"AXES_FAILURE_LIMIT": 0}, "AXES_FAILURE_LIMIT must be", id="limit-zero"),
        pytest.param({"AXES_FAILURE_LIMIT": 1000}, "AXES_FAILURE_LIMIT must be", id="limit-1000"),
        pytest.param(
            {"AXES_COOLOFF_TIME": timedelta(0)}, "AXES_COOLOFF_TIME must be", id="cooloff-zero"
        ),
        pytest.param(
            {"STRONGROOM_PASSWORD_EXPIRY_DAYS": -1},
            "STRONGROOM_PASSWORD_EXPIRY_DAYS must be",
            id="expiry-negative",
        ),
        pytest.param(
            {"STRONGROOM_PASSWORD_EXPIRY_DAYS": 3650},
            "STRONGROOM_PASSWORD_EXPIRY_DAYS must be",
            id="expiry-ten-years",
        ),
        pytest.param(
            {"SIMPLE_JWT": {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=61)}},
            "STRONGROOM_ACCESS_MINUTES must be",
            id="access-61-minutes",
        ),
        pytest.param(
            {"STRONGROOM_SESSION_LIFETIME": timedelta(hours=25)},
            "STRONGROOM_SESSION_HOURS must be",
            id="session-lifetime-25-hours",
        ),
        pytest.param(
            {"STRONGROOM_SESSION_LIFETIME": timedelta(0)},
            "STRONGROOM_SESSION_HOURS must be",
            id="session-lifetime-zero",
        ),
        pytest.param(
            {"STRONGROOM_SIGNING_SESSION_IDLE_MINUTES": 480},
            "STRONGROOM_SIGNING_SESSION_IDLE_MINUTES must be",
            id="signing-session-idle-8-hours",
        ),
        pytest.param(
            {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]},
            "PASSWORD_HASHERS must start with strongroom.accounts.hashers.Strongroom",
            id="hasher-pbkdf2-first",
        ),
        pytest.param(
            {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]},
            "PASSWORD_HASHERS must start with",
            id="hasher-md5",
        ),
        pytest.param(
            {"AUTH_LDAP_SERVER_URI": "ldap://dc1.corp.example", "AUTH_LDAP_START_TLS": False},
            "STRONGROOM_LDAP_SERVER_URI is ldap:// without STRONGROOM_LDAP_START_TLS=true",
            id="ldap-in-clear",
        ),
    ],
)
def test_compliance_checks_name_each_unsafe_value(overrides: dict[str, Any], message: str) -> None:
    """Lockout off, absurd lockout limits, unbounded lifetimes or another first hasher: refused.

    Another first hasher: anything but Argon2id at OWASP's parameters (docs/SECURITY.md).

    Checked in-process for values no environment variable sets (django-axes is configured in
    base.py): an edit of the settings that turns lockout off is refused too."""
    from config.settings import base
    from config.settings.checks import compliance_setting_problems

    shipped = {name: getattr(base, name) for name in dir(base) if name.isupper()}
    assert compliance_setting_problems(shipped) == []  # the defaults pass
    settings = shipped | {
        key: (shipped[key] | value if isinstance(value, dict) else value)
        for key, value in overrides.items()
    }
    problems = compliance_setting_problems(settings)
    assert len(problems) == 1, problems
    assert message in problems[0]
    # the lockout may also be "until an administrator unlocks", with no cool-off
    assert compliance_setting_problems(shipped | {"AXES_COOLOFF_TIME": None}) == []
    # the directory over TLS: ldaps://, or ldap:// with StartTLS
    assert compliance_setting_problems(shipped | {"AUTH_LDAP_SERVER_URI": "ldaps://dc1"}) == []
    assert (
        compliance_setting_problems(
            shipped | {"AUTH_LDAP_SERVER_URI": "ldap://dc1", "AUTH_LDAP_START_TLS": True}
        )
        == []
    )


def test_the_celery_app_uses_the_redis_broker_that_survives_a_restart() -> None:
    """strongroom.core.redis_broker (tested against a real Redis in test_redis_broker): the
    production settings select it for a redis:// broker."""
    result = _manage(
        _production_env(),
        "shell",
        "-c",
        "from config.celery import app; t = app.connection_for_write().transport; "
        "print(type(t).__module__, type(t).__name__)",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-2:] == ["strongroom.core.redis_broker", "Transport"]
