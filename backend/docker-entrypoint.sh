#!/bin/sh
# Strongroom backend container entrypoint: one image, one process per container.
#
#   web          Daphne (HTTP + WebSockets) on 0.0.0.0:$PORT (8000)
#   worker       Celery worker for the default, email and maintenance queues
#   beat         Celery Beat with the database scheduler (run exactly one)
#   migrate      one-shot: migrations, collectstatic, initial_setup
#   manage ...   python manage.py ... (e.g. "manage createsuperuser")
#   healthcheck [PATH]
#                exit 0 when GET PATH (default /readyz) on the local Daphne answers 200
#   anything else is executed as given (e.g. "sh")
#
# Extra arguments after web, worker or beat are appended to that command line.
set -eu

cd /app

cmd="${1:-web}"
[ $# -gt 0 ] && shift

case "$cmd" in
    web)
        # No Daphne access log: its plain-text lines would break the JSON log stream, and nginx's
        # JSON access log records every request with its request id already.
        exec daphne -b 0.0.0.0 -p "${PORT:-8000}" --proxy-headers --access-log /dev/null "$@" \
            config.asgi:application
        ;;
    worker)
        if [ -n "${CELERY_WORKER_CONCURRENCY:-}" ]; then
            set -- --concurrency "$CELERY_WORKER_CONCURRENCY" "$@"
        fi
        # --quiet: no start-up banner (plain text on stdout); the logs are JSON lines.
        # No gossip or mingle: they exchange state between workers (there is one), and after a
        # Redis restart gossip's stop logs an error for a connection the consumer already closed.
        exec celery --quiet -A config worker -l info -Q default,email,maintenance \
            --without-gossip --without-mingle "$@"
        ;;
    beat)
        exec celery --quiet -A config beat -l info \
            --scheduler django_celery_beat.schedulers:DatabaseScheduler "$@"
        ;;
    migrate)
        python manage.py migrate --noinput
        python manage.py collectstatic --noinput
        python manage.py initial_setup
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    healthcheck)
        # Django checks the Host header against DJANGO_ALLOWED_HOSTS, so the probe uses
        # the first allowed host; X-Forwarded-Proto keeps SECURE_SSL_REDIRECT from
        # answering 301. Only 200 counts as healthy (503 = a dependency is down).
        exec python - "${1:-/readyz}" <<'PY'
import http.client
import os
import sys

path = sys.argv[1]
host = "localhost"
for entry in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
    entry = entry.strip()
    if entry:
        if entry != "*":
            host = entry.lstrip(".")
        break
try:
    conn = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=5)
    conn.request(
        "GET",
        path,
        headers={"Host": host, "X-Forwarded-Proto": "https", "User-Agent": "strongroom-healthcheck"},
    )
    status = conn.getresponse().status
except OSError as exc:
    print(f"healthcheck {path}: {exc}", file=sys.stderr)
    sys.exit(1)
if status != 200:
    print(f"healthcheck {path}: HTTP {status}", file=sys.stderr)
    sys.exit(1)
PY
        ;;
    *)
        exec "$cmd" "$@"
        ;;
esac
