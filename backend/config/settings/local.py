"""`make dev`: embedded defaults, no external services.

SQLite (WAL) for the database, the in-memory channel layer, a file-system Celery broker under
``backend/var/broker`` that the web process, the worker and Beat share, and e-mail on the console.
``STRONGROOM_DEV_VAR`` moves that folder (scripts/dev.sh moves the database and media with it).
"""

from pathlib import Path

from .base import *
from .base import BASE_DIR, SIMPLE_JWT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development-only key; production refuses to start without its own (see production.py).
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="strongroom-local-development-only-key-0123456789"
)
STRONGROOM_JWT_SIGNING_KEY = env.str(
    "STRONGROOM_JWT_SIGNING_KEY", default="strongroom-local-development-only-jwt-key-0123456789"
)
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": STRONGROOM_JWT_SIGNING_KEY}
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)
# The OpenAPI schema and Swagger UI without signing in (production: signed-in users only).
STRONGROOM_API_DOCS_PUBLIC = env.bool("STRONGROOM_API_DOCS_PUBLIC", default=True)
STRONGROOM_WS_ALLOWED_ORIGINS = env.list(
    "STRONGROOM_WS_ALLOWED_ORIGINS", default=["127.0.0.1", "localhost"]
)

_var = Path(env.str("STRONGROOM_DEV_VAR", default=str(BASE_DIR / "var")))
_broker_dir = _var / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # kombu's, with messages that appear in the folder only once complete (see the module).
    CELERY_BROKER_TRANSPORT = "strongroom.core.dev_broker:Transport"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(_broker_dir),
    "data_folder_out": str(_broker_dir),
    "processed_folder": str(_broker_dir / "processed"),
    "control_folder": str(_broker_dir / "control"),
    "store_processed": False,
    # kombu's virtual transports sleep this long each time nothing can be fetched, also when the
    # worker already holds as many messages as its prefetch allows (two: concurrency 2, prefetch
    # multiplier 1). At kombu's default of 1 s the worker started about two tasks a second, and
    # after a burst of 100 requests their notifications came a minute and more late. A poll
    # lists the broker folder: cheap.
    "polling_interval": 0.05,
}

STRONGROOM_ALLOW_DEMO_DATA = True

# The embedded database, broker folder and media live under backend/var (git-ignored), or in
# STRONGROOM_DEV_VAR.
for _folder in (_var, _broker_dir / "processed", _broker_dir / "control"):
    _folder.mkdir(parents=True, exist_ok=True)

# Development only: cheaper password hashing, so that seeding the signed demo workflow takes
# seconds (strongroom/accounts/hashers.py). Production hashes with Argon2id (base.py); hashes it
# made still verify here (a database shared with a production-settings process: the benchmarks).
PASSWORD_HASHERS = [
    "strongroom.accounts.hashers.DevelopmentPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "strongroom.accounts.hashers.StrongroomArgon2PasswordHasher",
]
# Two-factor sign-in is voluntary in `make dev` and the end-to-end tests (the demo accounts sign in
# with their password alone); production requires it of System Administrators and Unit Admins
# (base.py). STRONGROOM_2FA_REQUIRED_ROLES="System Administrator,Unit Admin" tries it here.
STRONGROOM_2FA_REQUIRED_ROLES = env.list("STRONGROOM_2FA_REQUIRED_ROLES", default=[])
