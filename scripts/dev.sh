#!/usr/bin/env bash
# `make dev`: migrate, seed demo data and run Daphne, a Celery worker and Celery Beat on the
# embedded defaults (SQLite, in-memory channel layer, file-system broker) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../backend"
export DJANGO_SETTINGS_MODULE=config.settings.local
PY=.venv/bin/python
HOST=${STRONGROOM_DEV_HOST:-127.0.0.1}
PORT=${STRONGROOM_DEV_PORT:-8000}
mkdir -p var

# One demo password per checkout, generated on first start and kept in backend/var (git-ignored).
if [ -z "${STRONGROOM_DEMO_PASSWORD:-}" ]; then
  [ -s var/demo-password ] || "$PY" -c 'import secrets; print("Demo-" + secrets.token_urlsafe(9))' > var/demo-password
  STRONGROOM_DEMO_PASSWORD=$(cat var/demo-password)
fi
export STRONGROOM_DEMO_PASSWORD
export STRONGROOM_ADMIN_PASSWORD=${STRONGROOM_ADMIN_PASSWORD:-$STRONGROOM_DEMO_PASSWORD}

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py initial_setup --demo | tee var/initial-setup.log

pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping Strongroom…"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A config worker -l info -Q default,email,maintenance --concurrency 2 -n "worker@%h" &
pids+=($!)
.venv/bin/celery -A config beat -l info &
pids+=($!)
.venv/bin/daphne -b "$HOST" -p "$PORT" config.asgi:application &
pids+=($!)

# Run the periodic tasks once now (the worker logs each run), then on their schedule via Beat.
"$PY" manage.py run_periodic_tasks

for _ in $(seq 1 100); do
  if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://$HOST:$PORT/healthz', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.2
done
cat <<MSG

  Strongroom is running at http://$HOST:$PORT/
    API docs      http://$HOST:$PORT/api/v1/docs/
    Admin         http://$HOST:$PORT/admin/   (user: admin or sysadmin)
    Readiness     http://$HOST:$PORT/readyz
  Demo logins: admin, sysadmin, goa1-manager, goa1-approver, goa1-storehead, goa1-viewer, … (see above)
  Password for every demo login: $STRONGROOM_DEMO_PASSWORD
  Press Ctrl-C to stop.

MSG
# Stop everything as soon as one of the three processes ends.
wait -n "${pids[@]}"
