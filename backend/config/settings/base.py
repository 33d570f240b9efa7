"""Settings shared by every environment.

The environment is read here and in the sibling modules only (STYLE.md rule 7). Each environment
module (``local``, ``test``, ``production``) starts with ``from .base import *`` and overrides
what differs.
"""

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import environ
import ldap
from django_auth_ldap.config import LDAPSearch

from config.settings.directory import connection_options as ldap_connection_options
from config.settings.directory import group_type as ldap_group_type

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # backend/
REPO_DIR = BASE_DIR.parent

env = environ.Env()

# --- Core ---------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# Earlier secret keys, newest first, while rotating: what they signed or sealed (authenticator
# secrets, the provider's refresh tokens, strongroom.core.sealed) stays readable.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_celery_beat",
    "channels",
    "django_prometheus",
    "strongroom.core",
    "strongroom.accounts",
    "strongroom.storage",
    "strongroom.records",
    "strongroom.requests",
    "strongroom.disposition",
    "strongroom.inventory",
    "strongroom.compliance",
    "strongroom.notifications",
    "strongroom.realtime",
    "strongroom.reports",
    "strongroom.review",
    "strongroom.devdata",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "strongroom.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "strongroom.accounts.middleware.AdminPasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must be last of the request handlers: it inspects authentication.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL selects the engine; SQLite is the embedded default of `make dev`.
SQLITE_PATH = Path(
    env.str("STRONGROOM_SQLITE_PATH", default=str(BASE_DIR / "var" / "strongroom.sqlite3"))
)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}


def _tune_database(database: dict) -> dict:
    """Engine-specific options that every environment wants."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets Daphne, the Celery worker and Beat share one file; IMMEDIATE transactions
        # take the write lock up front, so concurrent writers queue instead of deadlocking.
        database.setdefault("OPTIONS", {}).update(
            {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA foreign_keys=ON;",
            }
        )
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, parsing date-times with datetime.fromisoformat (C), not in Python.
        database["ENGINE"] = "strongroom.core.postgresql"
        options = database.setdefault("OPTIONS", {})
        # A runaway query is cancelled rather than holding a connection and locks. JIT is off:
        # it pays off for analytics, but a search whose matches PostgreSQL cannot estimate was
        # planned as costly enough to compile, 12-224 ms of JIT for a 0.4 ms index scan at 10M
        # documents. work_mem 16MB (PostgreSQL's default is 4MB) keeps a search's bitmap of
        # matches exact up to 10M documents: a lossy one re-evaluates the indexed search
        # expression on every row of its pages, and a broad word ("qa") ran past the timeout.
        timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000)
        options["options"] = "-c jit=off -c work_mem=16MB" + (
            f" -c statement_timeout={timeout_ms}" if timeout_ms > 0 else ""
        )
        sslmode = env.str("DATABASE_SSLMODE", default="")
        if sslmode:  # e.g. require / verify-full for a managed PostgreSQL
            options["sslmode"] = sslmode
        if env.bool("DATABASE_PGBOUNCER", default=False):
            # PgBouncer in transaction mode pools for us: no client pool, no server-side
            # cursors (they outlive a transaction), no prepared statements.
            database["CONN_MAX_AGE"] = 0
            database["DISABLE_SERVER_SIDE_CURSORS"] = True
            options["prepare_threshold"] = None
            # PgBouncer refuses startup options: set both on the role (ALTER ROLE ... SET).
            options.pop("options", None)
            return database
        # Under ASGI every request's sync part runs in a fresh thread, so CONN_MAX_AGE never
        # reuses a connection; psycopg's pool does (PRODUCT.md §7).
        database["CONN_MAX_AGE"] = 0
        database["CONN_HEALTH_CHECKS"] = True  # the pool drops connections a restart broke
        # Server-side parameters let psycopg prepare a statement once it has run a few times
        # on a pooled connection (prepare_threshold), so PostgreSQL stops re-planning the list
        # queries: planning their joins cost ten times their execution (scripts/bench_api.py).
        if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5  # Django turns preparing off unless asked
        options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=5),
        }
    return database


DATABASES["default"] = _tune_database(DATABASES["default"])
# Threads per Daphne process that serve HTTP requests (strongroom.core.http_handler), each
# holding at most one database connection while it works: keep it below DATABASE_POOL_MAX_SIZE,
# which the WebSocket consumers and the event poller draw on too. For CPU-bound pages more threads
# buy nothing (4 and 8 cost the same CPU per list request, scripts/bench_api.py); they let that
# many slow requests (a large export to a slow client) run side by side.
STRONGROOM_HTTP_THREADS = env.int("STRONGROOM_HTTP_THREADS", default=6)
# The role Daphne, the worker and Beat log in as (DATABASE_URL's user) when migrations run as
# a separate owner: after every migrate the owner grants it DML only (strongroom.compliance.
# privileges; PRODUCTION_DEPLOYMENT.md, "Database roles"). Empty: no grants (one role, SQLite).
STRONGROOM_DB_APP_ROLE = env.str("STRONGROOM_DB_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first (a locked account is refused before any password is checked), then the
# directory (off while STRONGROOM_LDAP_SERVER_URI is empty), then local passwords (break-glass
# accounts; a directory account's local password is unusable).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "strongroom.accounts.backends.DirectoryBackend",
    "strongroom.accounts.backends.RoleBackend",
]

# LDAP / Active Directory sign-in (django-auth-ldap; strongroom/accounts/directory.py;
# PRODUCTION_DEPLOYMENT.md, "LDAP and Active Directory"). The service account searches for the
# user and their groups; the password is checked by binding as the user. Groups map to a role
# and units in the table System Administrators keep (Administration → Directory groups).
AUTH_LDAP_SERVER_URI = env.str("STRONGROOM_LDAP_SERVER_URI", default="")
AUTH_LDAP_BIND_DN = env.str("STRONGROOM_LDAP_BIND_DN", default="")
AUTH_LDAP_BIND_PASSWORD = env.str("STRONGROOM_LDAP_BIND_PASSWORD", default="")
AUTH_LDAP_USER_SEARCH = LDAPSearch(
    env.str("STRONGROOM_LDAP_USER_SEARCH_BASE", default=""),
    ldap.SCOPE_SUBTREE,
    env.str("STRONGROOM_LDAP_USER_FILTER", default="(uid=%(user)s)"),
)
AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
    env.str("STRONGROOM_LDAP_GROUP_SEARCH_BASE", default=""),
    ldap.SCOPE_SUBTREE,
    env.str("STRONGROOM_LDAP_GROUP_FILTER", default="(objectClass=*)"),
)
AUTH_LDAP_GROUP_TYPE = ldap_group_type(
    env.str("STRONGROOM_LDAP_GROUP_TYPE", default="groupOfNames")
)
AUTH_LDAP_START_TLS = env.bool("STRONGROOM_LDAP_START_TLS", default=False)
AUTH_LDAP_CONNECTION_OPTIONS = ldap_connection_options(
    timeout=env.float("STRONGROOM_LDAP_TIMEOUT", default=5.0),
    ca_file=env.str("STRONGROOM_LDAP_CA_FILE", default=""),
)
# Searches run as the service account, never as the user whose password was just checked.
AUTH_LDAP_BIND_AS_AUTHENTICATING_USER = False
# strongroom.accounts.directory creates and updates the user; django-auth-ldap saves nothing.
AUTH_LDAP_ALWAYS_UPDATE_USER = False
STRONGROOM_LDAP_ATTR_FULL_NAME = env.str("STRONGROOM_LDAP_ATTR_FULL_NAME", default="cn")
STRONGROOM_LDAP_ATTR_EMAIL = env.str("STRONGROOM_LDAP_ATTR_EMAIL", default="mail")
# OpenID Connect sign-in (authorization code with PKCE; strongroom/accounts/oidc.py;
# PRODUCTION_DEPLOYMENT.md, "Single sign-on with OpenID Connect"). Off while the issuer is
# empty. The provider sends the browser back to STRONGROOM_OIDC_REDIRECT_URI (the SPA's
# /auth/callback on this site). The groups claim's values map to a role and units in the same
# table as directory groups (source "oidc"). Ask for offline_access (or the provider's
# equivalent) so that Strongroom gets a refresh token: it asks the provider again at every
# refresh of its own session, so a user disabled at the provider is out within one access-token
# lifetime; without a refresh token the session ends when the provider's access token does.
STRONGROOM_OIDC_ISSUER = env.str("STRONGROOM_OIDC_ISSUER", default="").rstrip("/")
STRONGROOM_OIDC_CLIENT_ID = env.str("STRONGROOM_OIDC_CLIENT_ID", default="")
STRONGROOM_OIDC_CLIENT_SECRET = env.str("STRONGROOM_OIDC_CLIENT_SECRET", default="")
STRONGROOM_OIDC_REDIRECT_URI = env.str("STRONGROOM_OIDC_REDIRECT_URI", default="")
STRONGROOM_OIDC_SCOPES = env.str(
    "STRONGROOM_OIDC_SCOPES", default="openid profile email offline_access"
)
STRONGROOM_OIDC_USERNAME_CLAIM = env.str(
    "STRONGROOM_OIDC_USERNAME_CLAIM", default="preferred_username"
)
STRONGROOM_OIDC_GROUPS_CLAIM = env.str("STRONGROOM_OIDC_GROUPS_CLAIM", default="groups")
STRONGROOM_OIDC_PROVIDER_NAME = env.str(
    "STRONGROOM_OIDC_PROVIDER_NAME", default="your organisation's sign-in"
)
STRONGROOM_OIDC_TIMEOUT = env.float("STRONGROOM_OIDC_TIMEOUT", default=5.0)
# How federated users sign (21 CFR 11.200): "reauthenticate" sends them back to the provider
# for a fresh login (prompt=login, max_age=0, a nonce bound to the action; the ID token's
# auth_time must be from just now); "password" is for providers that cannot force one: users
# set a signing password in Strongroom under the password policy.
STRONGROOM_OIDC_SIGNING = env.str("STRONGROOM_OIDC_SIGNING", default="reauthenticate")
# How old the provider's auth_time may be, at most, for a re-authentication to count.
STRONGROOM_OIDC_REAUTH_MAX_AGE_SECONDS = 120
# Local passwords: "on" for every local account, or "break-glass" for only the accounts in
# STRONGROOM_BREAK_GLASS_USERS (everyone else signs in with the directory or the provider).
STRONGROOM_LOCAL_PASSWORDS = env.str("STRONGROOM_LOCAL_PASSWORDS", default="on")
STRONGROOM_BREAK_GLASS_USERS = [
    name.lower() for name in env.list("STRONGROOM_BREAK_GLASS_USERS", default=[])
]
# New and re-hashed passwords: Argon2id at OWASP's parameters (strongroom/accounts/hashers.py,
# docs/SECURITY.md). The others verify hashes made before (Django's default list: PBKDF2 until
# Argon2id, and the development PBKDF2, whose hashes carry their own iteration count); Django
# rewrites such a hash with the first hasher at the next successful sign-in or signature.
PASSWORD_HASHERS = [
    "strongroom.accounts.hashers.StrongroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "strongroom.accounts.passwords.NotRecentlyUsedValidator"},
]
STRONGROOM_PASSWORD_EXPIRY_DAYS = env.int("STRONGROOM_PASSWORD_EXPIRY_DAYS", default=90)
STRONGROOM_PASSWORD_HISTORY = 5
# Two-factor sign-in (TOTP, RFC 6238) for local accounts: the roles (group names) whose holders
# must enrol an authenticator before they get a session. Production requires it of System
# Administrators and Unit Admins; an empty list (STRONGROOM_2FA_REQUIRED_ROLES=) makes it
# voluntary for everyone. Recovery codes are stored as HMACs keyed with SECRET_KEY: rotating the
# key makes the unused ones invalid (the users regenerate them).
STRONGROOM_2FA_REQUIRED_ROLES = env.list(
    "STRONGROOM_2FA_REQUIRED_ROLES", default=["System Administrator", "Unit Admin"]
)
# How long the step between the password and the code (or the enrolment) may take.
STRONGROOM_2FA_CHALLENGE_SECONDS = 300
# The issuer name authenticator apps show next to the account.
STRONGROOM_2FA_ISSUER = env.str("STRONGROOM_2FA_ISSUER", default="Strongroom")
# 21 CFR 11.200(a)(1): the first signature of a continuous session takes the user ID and the
# password, later ones the password; a session with no signature for this many minutes is no
# longer continuous (both components again). 0 or less: every signature takes both.
STRONGROOM_SIGNING_SESSION_IDLE_MINUTES = env.int(
    "STRONGROOM_SIGNING_SESSION_IDLE_MINUTES", default=30
)

# Sessions serve the Django admin only (the API uses tokens): they end after this many idle
# minutes, every request pushing the expiry on.
STRONGROOM_ADMIN_IDLE_MINUTES = env.int("STRONGROOM_ADMIN_IDLE_MINUTES", default=15)
SESSION_COOKIE_AGE = STRONGROOM_ADMIN_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# django-axes: 5 failures per user and IP within 15 minutes lock; unlock by time or by an admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "strongroom.accounts.lockout.lockout_response"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("STRONGROOM_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Audit-trail review (strongroom.review) ------------------------------------------------------
# Working hours in the review time zone ("HH:MM-HH:MM") and working days (ISO: 1 = Monday): a
# change outside them is flagged. A burst of failed logins is THRESHOLD failures for one username
# within WINDOW minutes. A month not signed as reviewed GRACE days after it ended is overdue (the
# coverage report, and a weekly reminder to the unit's reviewers); the coverage report looks
# back COVERAGE_MONTHS months.
STRONGROOM_REVIEW_TIME_ZONE = env.str("STRONGROOM_REVIEW_TIME_ZONE", default=TIME_ZONE)


def _working_hours(value: str) -> tuple[time, time]:
    start, _, end = value.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


STRONGROOM_REVIEW_WORKING_HOURS = _working_hours(
    env.str("STRONGROOM_REVIEW_WORKING_HOURS", default="07:00-19:00")
)
STRONGROOM_REVIEW_WORKING_DAYS: list[int] = [
    int(day)
    for day in env.list("STRONGROOM_REVIEW_WORKING_DAYS", default=["1", "2", "3", "4", "5"])
]
STRONGROOM_REVIEW_FAILED_LOGIN_THRESHOLD = env.int(
    "STRONGROOM_REVIEW_FAILED_LOGIN_THRESHOLD", default=5
)
STRONGROOM_REVIEW_FAILED_LOGIN_WINDOW_MINUTES = env.int(
    "STRONGROOM_REVIEW_FAILED_LOGIN_WINDOW_MINUTES", default=15
)
STRONGROOM_REVIEW_GRACE_DAYS = env.int("STRONGROOM_REVIEW_GRACE_DAYS", default=15)
STRONGROOM_REVIEW_COVERAGE_MONTHS = env.int("STRONGROOM_REVIEW_COVERAGE_MONTHS", default=12)

# --- Static files and the SPA -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Uploaded files are never served from MEDIA_URL: they are downloaded only through the API, which
# checks who may read each one. With X-Accel on (production), the API answers with an
# X-Accel-Redirect to this internal nginx location, which aliases MEDIA_ROOT
# (nginx/conf.d/strongroom.conf), and nginx sends the file; off (dev, tests), Django streams it.
STRONGROOM_ATTACHMENT_X_ACCEL = env.bool("STRONGROOM_ATTACHMENT_X_ACCEL", default=False)
STRONGROOM_ATTACHMENT_X_ACCEL_PREFIX = "/protected-media/"
# The built SPA (frontend/dist). Django serves it in `make dev`; nginx serves it in production.
SPA_DIST_DIR = Path(env.str("STRONGROOM_SPA_DIST", default=str(REPO_DIR / "frontend" / "dist")))
WHITENOISE_ROOT = SPA_DIST_DIR if SPA_DIST_DIR.is_dir() else None
# The SPA opens a window to re-authenticate a signer at the identity provider and must keep its
# handle on it: "same-origin" (Django's default) would sever it. /auth/callback, where that window
# comes back, is served with "unsafe-none" (config/urls.py spa_index); nginx does the same.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- REST framework -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "strongroom.accounts.tokens.StrongroomJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "strongroom.accounts.permissions.PasswordChangeNotRequired",
    ],
    "DEFAULT_PAGINATION_CLASS": "strongroom.core.pagination.StrongroomCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON everywhere (PRODUCT.md §4); the two uploads (a scan, a CSV of documents) declare
    # MultiPartParser themselves. Form data on every endpoint was advertised in the schema but
    # cannot carry the nested bodies (signature.password) most writes need.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "strongroom.core.filters.FilterBackend",  # django-filter's, no form when unused
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "strongroom.core.errors.api_exception_handler",
    # DRF's user and anonymous ceilings, kept as counters (strongroom/core/throttles.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "strongroom.core.throttles.AnonThrottle",
        "strongroom.core.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("STRONGROOM_THROTTLE_ANON", default="60/minute"),
        "user": env.str("STRONGROOM_THROTTLE_USER", default="1200/minute"),
        # Sign-ins and refreshes per client address: a ceiling for a whole site behind one
        # NAT address (strongroom/accounts/throttles.py; "300/5m" is 300 per five minutes).
        "login": env.str("STRONGROOM_THROTTLE_LOGIN", default="300/5m"),
        # Sign-ins naming one username, from any address (above AXES_FAILURE_LIMIT).
        "login_username": env.str("STRONGROOM_THROTTLE_LOGIN_USERNAME", default="10/5m"),
        # Calls of an integration (a LIMS or ERP) per service token.
        "integration": env.str("STRONGROOM_THROTTLE_INTEGRATION", default="120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

STRONGROOM_ACCESS_TOKEN_LIFETIME = timedelta(
    minutes=env.int("STRONGROOM_ACCESS_MINUTES", default=10)
)
# A session (sign-in) ends this long after it started, however often its tokens were refreshed.
STRONGROOM_SESSION_LIFETIME = timedelta(hours=env.int("STRONGROOM_SESSION_HOURS", default=12))
# JWTs are signed with their own key, not SECRET_KEY (production requires it; changing it ends
# every session: PRODUCTION_DEPLOYMENT.md).
STRONGROOM_JWT_SIGNING_KEY = env.str("STRONGROOM_JWT_SIGNING_KEY", default="")
SIMPLE_JWT = {
    "SIGNING_KEY": STRONGROOM_JWT_SIGNING_KEY,
    "ACCESS_TOKEN_LIFETIME": STRONGROOM_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env.int("STRONGROOM_REFRESH_HOURS", default=8)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Strongroom API",
    "DESCRIPTION": (
        "Document management for regulated plants: crates, storage locations, requests "
        "with approval and electronic signatures, and a tamper-evident audit trail."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from this server, not a CDN: plants often run without Internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "strongroom.requests.models.RequestStatus",
        "TypeEnum": "strongroom.requests.models.RequestType",
        "CrateStatusEnum": "strongroom.records.models.Crate.Status",
        "DocumentStatusEnum": "strongroom.records.models.Document.Status",
        "LocationKindEnum": "strongroom.storage.models.Location.Kind",
        "SignatureStatusEnum": "strongroom.compliance.signing.STATUS_CHOICES",
        "BatchStatusEnum": "strongroom.disposition.models.BatchStatus",
        "BatchItemStateEnum": "strongroom.disposition.models.ItemState",
        "RetentionRuleStatusEnum": "strongroom.records.models.RetentionRule.Status",
        "RetentionRuleActionEnum": "strongroom.records.models.RetentionRule.Action",
        "RetentionRuleTriggerEnum": "strongroom.records.models.RetentionRule.Trigger",
        "DocumentEventSourceEnum": "strongroom.records.models.DocumentEvent.Source",
        "AuthSourceEnum": "strongroom.accounts.models.AuthSource",
        "DirectorySourceEnum": "strongroom.accounts.models.DIRECTORY_SOURCES",
        "RetentionBasisEnum": "strongroom.records.models.Document.RetentionBasis",
        "AuditReviewStatusEnum": "strongroom.review.models.ReviewStatus",
        "ReviewFlagStateEnum": "strongroom.review.models.FlagState",
        "ReviewFlagRuleEnum": "strongroom.review.models.FlagRule",
        "CoverageStatusEnum": "strongroom.review.selectors.COVERAGE_STATUS_CHOICES",
        "InventoryAuditStatusEnum": "strongroom.inventory.models.AuditStatus",
        "InventoryResultEnum": "strongroom.inventory.serializers.RESULT_CHOICES",
        "ReconcileActionEnum": "strongroom.inventory.services.ReconcileAction.CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "strongroom.core.schema.add_error_responses",
    ],
}

# The OpenAPI schema (/api/v1/schema/) and Swagger UI (/api/v1/docs/) answer anonymous callers
# only when true; otherwise a signed-in user (strongroom/core/api_docs.py). Off unless set:
# `make dev` and the tests turn it on.
STRONGROOM_API_DOCS_PUBLIC = env.bool("STRONGROOM_API_DOCS_PUBLIC", default=False)

# True only behind a proxy that always sets X-Request-ID itself (the stack's nginx mints one per
# request and passes the client's own as X-Client-Request-ID): the backend then records the
# proxy's id. Otherwise it makes its own, and a client's X-Request-ID is a correlation id only.
STRONGROOM_REQUEST_ID_FROM_PROXY = env.bool("STRONGROOM_REQUEST_ID_FROM_PROXY", default=False)

# --- Redis, cache, channel layer, Celery --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "strongroom.core.cache.SharedPoolRedisCache",
            "LOCATION": CACHE_URL,
            # JSON, never pickle (strongroom/core/cache.py).
            "OPTIONS": {"serializer": "strongroom.core.cache.JsonRedisSerializer"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The channel layer carries live events only; the outbox (realtime.Event) is the record, so a
# message lost in Redis is made good by replay and by each process's outbox poller
# (strongroom.realtime.relay). Each Daphne process subscribes once (not once per socket) and
# fans events out itself. RedisPubSubChannelLayer was chosen by measurement (figures in
# strongroom/realtime/services.py): latency within noise of RedisChannelLayer once each process
# subscribes only once, and nothing kept in Redis to size, expire or lose in a restart.
# STRONGROOM_CHANNEL_LAYER=core selects RedisChannelLayer (benchmarks compare the two).
STRONGROOM_CHANNEL_LAYER = env.str("STRONGROOM_CHANNEL_LAYER", default="pubsub")
# redis-py's async pool raises instead of waiting once it is exhausted, so the pool size is set
# explicitly (PRODUCT.md §7): handshake bursts join groups concurrently.
STRONGROOM_REDIS_MAX_CONNECTIONS = env.int("STRONGROOM_REDIS_MAX_CONNECTIONS", default=1000)
_redis_layer_hosts = [{"address": REDIS_URL, "max_connections": STRONGROOM_REDIS_MAX_CONNECTIONS}]
STRONGROOM_REDIS_CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    # Pub/sub keeps nothing in Redis (no capacity or expiry to tune): a message reaches the
    # processes subscribed at that moment, or nobody, and the outbox makes good the rest.
    "pubsub": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": _redis_layer_hosts},
    },
    "core": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": _redis_layer_hosts,
            # Per channel (one per Daphne process, see strongroom/realtime/relay.py): 1,500
            # messages of backlog before the layer drops; a message unread for 60 s is stale.
            "capacity": 1500,
            "expiry": 60,
            # Group membership outlives any process restart by far; a dead process's channel
            # leaves its groups after a day.
            "group_expiry": 86400,
        },
    },
}
if STRONGROOM_CHANNEL_LAYER not in STRONGROOM_REDIS_CHANNEL_LAYERS:
    raise ValueError("STRONGROOM_CHANNEL_LAYER must be 'pubsub' or 'core'.")
if REDIS_URL:
    CHANNEL_LAYERS = {"default": STRONGROOM_REDIS_CHANNEL_LAYERS[STRONGROOM_CHANNEL_LAYER]}
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # One process (make dev): a queue of 1,500 per channel, messages stale after 60 s.
            "CONFIG": {"capacity": 1500, "expiry": 60},
        }
    }

# Origins allowed to open a WebSocket (host names, as Channels' OriginValidator takes them).
STRONGROOM_WS_ALLOWED_ORIGINS: list[str] = env.list(
    "STRONGROOM_WS_ALLOWED_ORIGINS", default=ALLOWED_HOSTS or ["localhost", "127.0.0.1"]
)
# Seconds a new socket has to send its {"type": "auth"} message before it is closed with 4408.
STRONGROOM_WS_AUTH_TIMEOUT = env.float("STRONGROOM_WS_AUTH_TIMEOUT", default=5.0)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's, except that a worker outlives Redis restarting in the middle of a task
    # (strongroom/core/redis_broker.py).
    CELERY_BROKER_TRANSPORT = "strongroom.core.redis_broker:Transport"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # E-mail on its own queue, so a slow SMTP server never delays maintenance and vice versa.
    "strongroom.notifications.tasks.*": {"queue": "email"},
    "strongroom.*.tasks.*": {"queue": "maintenance"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# The visibility timeout must exceed the longest task, or Redis hands it to a second worker.
# A task a dead worker held is handed out again once it has been invisible this long; workers
# look for such tasks every restore interval (kombu's default, 10 s x throttle 10, is slow for
# tests: they set both low).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env.int("STRONGROOM_CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("STRONGROOM_CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("STRONGROOM_CELERY_RESTORE_THROTTLE", default=10),
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task queued by a transaction (strongroom.core.task_queue) that has not run this long after it
# was handed to the broker is sent again: the broker may have lost it (a worker killed as it took
# the message). Longer than the queue may take to drain in normal operation; tasks are idempotent.
STRONGROOM_TASK_RESEND_SECONDS = env.int("STRONGROOM_TASK_RESEND_SECONDS", default=900)

# --- E-mail -------------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Strongroom <strongroom@localhost>")
STRONGROOM_PUBLIC_URL = env.str("STRONGROOM_PUBLIC_URL", default="http://127.0.0.1:8000")
# Notification e-mails wait at most this long, so that what one person gets meanwhile goes out in
# one message (strongroom.notifications.services); 0: a flush right after each notification.
STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = env.float(
    "STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS", default=60.0
)

# --- Strongroom ---------------------------------------------------------------------------------
STRONGROOM_EVENT_REPLAY_DAYS = env.int("STRONGROOM_EVENT_REPLAY_DAYS", default=7)
STRONGROOM_OVERDUE_ESCALATION_DAYS = env.int("STRONGROOM_OVERDUE_ESCALATION_DAYS", default=3)
STRONGROOM_ALLOW_DEMO_DATA = False

# --- Audit trail checkpoints (strongroom.compliance.checkpoints) --------------------------------
# The Ed25519 key that signs checkpoints of the audit chain's head lives outside the database:
# the PEM itself in STRONGROOM_AUDIT_SIGNING_KEY (newlines written as \n), or a PEM file
# (initial_setup creates it, mode 0600, when absent). Production refuses to start with neither.
STRONGROOM_AUDIT_SIGNING_KEY_PEM = env.str(
    "STRONGROOM_AUDIT_SIGNING_KEY", default="", multiline=True
)
STRONGROOM_AUDIT_SIGNING_KEY_FILE = Path(
    env.str(
        "STRONGROOM_AUDIT_SIGNING_KEY_FILE",
        default=str(BASE_DIR / "var" / "audit-signing-key.pem"),
    )
)
# Public keys (PEM files) of earlier signing keys whose checkpoints still verify: key rotation.
STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES = [
    Path(p) for p in env.list("STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES", default=[])
]
# A directory outside the database (another disk, a WORM share) where every checkpoint is also
# appended as one JSON line; verification then checks the database against that copy. Empty: off.
STRONGROOM_AUDIT_CHECKPOINT_DIR = env.str("STRONGROOM_AUDIT_CHECKPOINT_DIR", default="")

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "strongroom.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "strongroom.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- First start (read by `manage.py initial_setup`) ---------------------------------------------
STRONGROOM_ADMIN_USERNAME = env.str("STRONGROOM_ADMIN_USERNAME", default="admin")
STRONGROOM_ADMIN_PASSWORD = env.str("STRONGROOM_ADMIN_PASSWORD", default="")
STRONGROOM_DEMO_PASSWORD = env.str("STRONGROOM_DEMO_PASSWORD", default="")

# --- Real-time (strongroom.realtime) ------------------------------------------------------------
# A reconnecting client is replayed at most this many events; further behind, it gets "resync".
STRONGROOM_REALTIME_REPLAY_LIMIT = env.int("STRONGROOM_REALTIME_REPLAY_LIMIT", default=1000)
# Each Daphne process polls the outbox this often and delivers to its own sockets what the
# channel layer did not bring (events of other processes in make dev, events lost in a Redis
# restart). 0 turns the poller off.
STRONGROOM_REALTIME_POLL_SECONDS = env.float("STRONGROOM_REALTIME_POLL_SECONDS", default=1.0)
# Seconds a published event may take to reach the layer before the publisher gives up on it.
STRONGROOM_REALTIME_PUBLISH_TIMEOUT = env.float("STRONGROOM_REALTIME_PUBLISH_TIMEOUT", default=2.0)
# Each process keeps the events its poller read in the last RING_SECONDS (at most RING_EVENTS of
# them) so that a socket resuming from a recent id is replayed from memory, without a query or a
# second encoding (strongroom.realtime.relay.EventRing): a reconnect storm after a network blip
# or a proxy restart then costs each socket its token check only.
STRONGROOM_REALTIME_RING_EVENTS = env.int("STRONGROOM_REALTIME_RING_EVENTS", default=5000)
STRONGROOM_REALTIME_RING_SECONDS = env.float("STRONGROOM_REALTIME_RING_SECONDS", default=120.0)
# The hub (and its poller, which keeps the ring complete) stays up this long after its last
# socket closed, so that the sockets of a storm that all dropped at once find the ring still
# there when they come back. 0: stop with the last socket.
STRONGROOM_REALTIME_HUB_LINGER_SECONDS = env.float(
    "STRONGROOM_REALTIME_HUB_LINGER_SECONDS", default=60.0
)

# --- Metrics --------------------------------------------------------------------------------------
# Who may read /metrics (Prometheus inside the Docker network; loopback for operators).
STRONGROOM_METRICS_NETWORKS: list[str] = env.list(
    "STRONGROOM_METRICS_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)

# Tune Python's garbage collector for processes that hold thousands of sockets (config/asgi.py).
STRONGROOM_WS_GC_TUNING = env.bool("STRONGROOM_WS_GC_TUNING", default=True)
