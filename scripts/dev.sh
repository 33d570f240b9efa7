#!/usr/bin/env bash
# `make dev`: migrate, seed demo data and run Daphne, a Celery worker and Celery Beat on the
# embedded defaults (SQLite, in-memory channel layer, file-system broker) until Ctrl-C.
#
# Ctrl-C, or SIGTERM to this script or to its whole process group, stops everything within
# seconds: the services get SIGTERM, and what is left of them (and their children) after
# STRONGROOM_DEV_STOP_SECONDS (default 6) gets SIGKILL.
set -euo pipefail
cd "$(dirname "$0")/../backend"
export DJANGO_SETTINGS_MODULE=config.settings.local
PY=.venv/bin/python
HOST=${STRONGROOM_DEV_HOST:-127.0.0.1}
PORT=${STRONGROOM_DEV_PORT:-8000}
STOP_SECONDS=${STRONGROOM_DEV_STOP_SECONDS:-6}

# What the stack writes (database, broker folder, media, static files, audit signing key, demo
# password) lives in one folder: backend/var (git-ignored), or STRONGROOM_DEV_VAR.
mkdir -p "${STRONGROOM_DEV_VAR:-var}"
VAR=$(cd "${STRONGROOM_DEV_VAR:-var}" && pwd)
export STRONGROOM_DEV_VAR=$VAR  # config/settings/local.py: the broker folder
export STRONGROOM_SQLITE_PATH=${STRONGROOM_SQLITE_PATH:-$VAR/strongroom.sqlite3}
export MEDIA_ROOT=${MEDIA_ROOT:-$VAR/media}
export STATIC_ROOT=${STATIC_ROOT:-$VAR/staticfiles}
export STRONGROOM_AUDIT_SIGNING_KEY_FILE=${STRONGROOM_AUDIT_SIGNING_KEY_FILE:-$VAR/audit-signing-key.pem}

pids=()         # the three services
declare -A name  # pid -> what it is, for the messages
step=""          # the foreground step running now (migrate, initial_setup, ...), if any

alive() {  # any of the given processes still running?
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}

stop() {
  local code=${1:-$?} pid kids deadline
  trap '' INT TERM  # a second Ctrl-C changes nothing: the stop below is bounded
  trap - EXIT
  local all=("${pids[@]}")
  [ -n "$step" ] && all+=("$step")
  if [ "${#all[@]}" -gt 0 ]; then
    echo "Stopping Strongroom…" >&2
    kill -TERM "${all[@]}" 2>/dev/null || true
    deadline=$((SECONDS + STOP_SECONDS))
    while alive "${all[@]}" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    # What has not stopped by now is killed with its children. The worker notices a warm shutdown
    # only between two waits for the broker (up to 2 s each) and then waits for its pool: some 5 s
    # in all. A SIGTERM to the whole process group (not a Ctrl-C) also reaches its pool processes;
    # it then starts new ones and can hang for good. A killed worker loses the messages it held:
    # the file-system broker hands a message out by moving its file away and keeps it only in the
    # worker's memory until the ack (acks_late does not bring it back as it does with Redis). The
    # tasks queued by a transaction (strongroom.core.task_queue) are sent again by
    # send_pending_tasks on a later start, STRONGROOM_TASK_RESEND_SECONDS after they were sent;
    # periodic tasks run again on their schedule.
    for pid in "${all[@]}"; do
      alive "$pid" || continue
      kill -STOP "$pid" 2>/dev/null || true  # no new children while we look for them
      kids=$(pgrep -P "$pid" 2>/dev/null || true)
      # shellcheck disable=SC2086 # one pid per word
      kill -KILL "$pid" $kids 2>/dev/null || true
      echo "${name[$pid]:-process $pid} did not stop within ${STOP_SECONDS}s: killed" >&2
    done
    wait 2>/dev/null || true
  fi
  exit "$code"
}
trap 'stop 130' INT
trap 'stop 143' TERM
trap stop EXIT

# Runs a foreground step so that a signal stops it at once: bash runs a trap only after the
# foreground command has ended, but interrupts `wait` as soon as a signal arrives.
foreground() {
  "$@" &
  step=$!
  name[$step]="$3"
  wait "$step"
  step=""
}

# One demo password per checkout, generated on first start and kept in the var folder.
if [ -z "${STRONGROOM_DEMO_PASSWORD:-}" ]; then
  [ -s "$VAR/demo-password" ] || "$PY" -c 'import secrets; print("Demo-" + secrets.token_urlsafe(9))' > "$VAR/demo-password"
  STRONGROOM_DEMO_PASSWORD=$(cat "$VAR/demo-password")
fi
export STRONGROOM_DEMO_PASSWORD
export STRONGROOM_ADMIN_PASSWORD=${STRONGROOM_ADMIN_PASSWORD:-$STRONGROOM_DEMO_PASSWORD}

foreground "$PY" manage.py migrate --noinput
foreground "$PY" manage.py collectstatic --noinput -v 0
foreground "$PY" manage.py initial_setup --demo > >(tee "$VAR/initial-setup.log")

.venv/bin/celery -A config worker -l info -Q default,email,maintenance --concurrency 2 -n "worker@%h" &
pids+=($!) name[$!]="the Celery worker"
.venv/bin/celery -A config beat -l info &
pids+=($!) name[$!]="Celery Beat"
.venv/bin/daphne -b "$HOST" -p "$PORT" config.asgi:application &
pids+=($!) name[$!]="Daphne"

# Run the periodic tasks once now (the worker logs each run), then on their schedule via Beat.
foreground "$PY" manage.py run_periodic_tasks

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
