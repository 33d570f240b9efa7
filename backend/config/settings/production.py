"""Production: every secret and host comes from the environment, and unsafe values refuse to
start the process rather than run an insecure site."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import (
    CACHE_URL,
    CELERY_BROKER_URL,
    REDIS_URL,
    STRONGROOM_AUDIT_SIGNING_KEY_PEM,
    STRONGROOM_JWT_SIGNING_KEY,
    env,
)
from .checks import compliance_setting_problems

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

_KNOWN_UNSAFE_KEYS = {"", "change-me", "changeme", "secret", "django-insecure"}
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if (
    SECRET_KEY.strip().lower() in _KNOWN_UNSAFE_KEYS
    or SECRET_KEY.lower().startswith(
        ("django-insecure", "strongroom-local", "strongroom-test", "change-me", "changeme")
    )
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
    )
if (
    len(STRONGROOM_JWT_SIGNING_KEY) < 50
    or STRONGROOM_JWT_SIGNING_KEY.lower().startswith(
        ("strongroom-local", "strongroom-test", "change-me", "changeme")
    )
    or STRONGROOM_JWT_SIGNING_KEY == SECRET_KEY
):
    # Its own key: the Django secret key signs other things (password-reset links, the admin's
    # cookies), and rotating one must not force rotating the other (PRODUCTION_DEPLOYMENT.md).
    raise ImproperlyConfigured(
        "STRONGROOM_JWT_SIGNING_KEY must be set to a random value of at least 50 characters, "
        "different from DJANGO_SECRET_KEY."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names.")
if not REDIS_URL or not CELERY_BROKER_URL:
    raise ImproperlyConfigured("REDIS_URL and CELERY_BROKER_URL must be set in production.")
if not CACHE_URL:
    # A per-process cache would let an ended session go on working on the other Daphne
    # processes, and split the login throttles between them.
    raise ImproperlyConfigured(
        "CACHE_URL must be set in production: ended sessions and throttles are shared through it."
    )
_compliance_problems = compliance_setting_problems(globals())
if _compliance_problems:
    # Password ageing, lockout and session lengths are part of the validated state.
    raise ImproperlyConfigured(" ".join(_compliance_problems))

if not STRONGROOM_AUDIT_SIGNING_KEY_PEM and not env.str(
    "STRONGROOM_AUDIT_SIGNING_KEY_FILE", default=""
):
    # Without it the audit chain's checkpoints would be signed with a key nobody chose, kept
    # wherever the default path happens to be (docs/AUDIT_TRAIL.md).
    raise ImproperlyConfigured(
        "STRONGROOM_AUDIT_SIGNING_KEY_FILE (or STRONGROOM_AUDIT_SIGNING_KEY) must be set in "
        "production: the Ed25519 key that signs the audit chain's checkpoints."
    )

# Behind the stack's nginx, which mints every request's X-Request-ID (nginx/nginx.conf).
STRONGROOM_REQUEST_ID_FROM_PROXY = env.bool("STRONGROOM_REQUEST_ID_FROM_PROXY", default=True)

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING["handlers"]["console"]["formatter"] = "json"
# The Celery worker and Beat log through the same JSON handler instead of replacing it with
# their plain-text one (what a task prints, too: Celery redirects it to a logger).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
STRONGROOM_ALLOW_DEMO_DATA = False

# The attachment download view authorises, then nginx sends the file (X-Accel-Redirect to its
# internal /protected-media/ location): no Daphne worker is tied up streaming 25 MB scans.
STRONGROOM_ATTACHMENT_X_ACCEL = env.bool("STRONGROOM_ATTACHMENT_X_ACCEL", default=True)

# nginx serves /static/ and the SPA; WhiteNoise (sync-only) would cost every request a thread hop.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]
