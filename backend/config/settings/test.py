"""The test suite. DATABASE_URL / REDIS_URL / CACHE_URL / CELERY_BROKER_URL select real servers
(the PostgreSQL + Redis pass of `make test`); without them the suite runs on SQLite and
in-memory layers."""

from .base import *
from .base import DATABASES, SIMPLE_JWT, env

DEBUG = False
SECRET_KEY = "strongroom-test-key-not-secret-0123456789-abcdefghijklmnop"
STRONGROOM_JWT_SIGNING_KEY = "strongroom-test-jwt-key-not-secret-0123456789-abcdefghijklmnop"
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": STRONGROOM_JWT_SIGNING_KEY}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STRONGROOM_WS_ALLOWED_ORIGINS = ["testserver", "localhost", "127.0.0.1"]

# Fast hashing: the suite creates many users. Production hashes with Argon2id (base.py); the
# tests of that list override this one (strongroom/accounts/tests/test_password_hashing.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True

# The multi-process tests let a real worker write mail to files (EMAIL_URL=smtp://… also works).
EMAIL_BACKEND = env.str(
    "STRONGROOM_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = env.str("STRONGROOM_TEST_EMAIL_DIR", default="")
# Notification e-mails flushed at once (the tests of the coalescing window set their own).
STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS = env.float(
    "STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS", default=0.0
)
if env.str("EMAIL_URL", default=""):
    _test_email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _test_email["EMAIL_BACKEND"]
    EMAIL_HOST = _test_email["EMAIL_HOST"]
    EMAIL_PORT = _test_email["EMAIL_PORT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
# The OpenAPI schema and Swagger UI without signing in (production: signed-in users only).
STRONGROOM_API_DOCS_PUBLIC = env.bool("STRONGROOM_API_DOCS_PUBLIC", default=True)
STRONGROOM_ALLOW_DEMO_DATA = True
# Real-time: a fast outbox poller so that relay tests stay short.
STRONGROOM_REALTIME_POLL_SECONDS = env.float("STRONGROOM_REALTIME_POLL_SECONDS", default=0.2)
# The hub stops with its last socket, so that no poller outlives a test (the ring's tests that
# need it to linger say so).
STRONGROOM_REALTIME_HUB_LINGER_SECONDS = env.float(
    "STRONGROOM_REALTIME_HUB_LINGER_SECONDS", default=0.0
)
# The test process imports config.asgi; leave its garbage collector as every other test expects.
STRONGROOM_WS_GC_TUNING = env.bool("STRONGROOM_WS_GC_TUNING", default=False)

# The PostgreSQL pass runs as the database owner (it creates the test database); the tests that
# try what the application role may not do log in as that role to the same test database
# (scripts/test.sh sets STRONGROOM_APP_DATABASE_URL to the application role's URL).
if env.str("STRONGROOM_APP_DATABASE_URL", default=""):
    _app_database = env.db("STRONGROOM_APP_DATABASE_URL")
    DATABASES["app"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {})},
        "USER": _app_database["USER"],
        "PASSWORD": _app_database["PASSWORD"],
        "TEST": {"MIRROR": "default"},
    }
# Two-factor sign-in is voluntary in the test suite; the tests of its enforcement set the roles
# (strongroom/accounts/tests/test_two_factor.py). Production requires it (base.py).
STRONGROOM_2FA_REQUIRED_ROLES = env.list("STRONGROOM_2FA_REQUIRED_ROLES", default=[])
