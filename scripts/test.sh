#!/usr/bin/env bash
# `make test`: quality gates, then the backend suite on SQLite and again on a real PostgreSQL 15
# and Redis (throw-away instances on free loopback ports) side by side with the frontend's checks
# and unit tests, then the end-to-end tests and the deployment checks.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/backend"
mkdir -p var
export DJANGO_SETTINGS_MODULE=config.settings.test
PY=.venv/bin/python
DEV_RUNTIME_TESTS=strongroom/core/tests/test_dev_runtime.py
started=$(date +%s)

# The validation evidence bundle (scripts/evidence_bundle.py): each step's outcome, the JUnit XML of
# every suite, the compliance matrix with this run's pass counts, versions, commit, date and host.
# Written from the exit trap, so a failed run leaves the evidence of the steps that ran.
EVIDENCE="$ROOT/var/evidence"
rm -rf "$EVIDENCE"
mkdir -p "$EVIDENCE"
current_step=""
step_started=0
step_done() {  # status of the step in progress → steps.tsv
  if [ -n "$current_step" ]; then
    printf '%s\t%s\t%s\n' "$1" "$(( $(date +%s) - step_started ))" "$current_step" >>"$EVIDENCE/steps.tsv"
    current_step=""
  fi
}
step() {
  step_done passed
  current_step="$*"
  step_started=$(date +%s)
  printf '\n==> %s\n' "$*"
}
services_up=0
sqlite_pid=""
postgresql_pid=""
on_exit() {
  local code=$?
  if [ "$code" -eq 0 ]; then step_done passed; else step_done failed; fi
  if [ -n "$sqlite_pid" ]; then kill "$sqlite_pid" 2>/dev/null || true; fi
  if [ -n "$postgresql_pid" ]; then kill "$postgresql_pid" 2>/dev/null || true; fi
  if [ "$services_up" = 1 ]; then services_stop || true; fi
  "$ROOT/backend/.venv/bin/python" "$ROOT/scripts/evidence_bundle.py" --exit-code "$code" || true
  exit "$code"
}
trap on_exit EXIT

step "ruff (backend and scripts)"
.venv/bin/ruff check . ../scripts
.venv/bin/ruff format --check . ../scripts
step "import layers (lint-imports: the contracts in backend/pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports --no-cache
step "mypy (backend and scripts)"
.venv/bin/mypy .
MYPYPATH=../scripts .venv/bin/mypy --explicit-package-bases ../scripts/*.py ../scripts/lib ../scripts/chaos \
  ../scripts/deploy_checks ../scripts/topology_check
step "manage.py check, makemigrations --check"
"$PY" manage.py check --fail-level WARNING
"$PY" manage.py makemigrations --check --dry-run
step "OpenAPI schema (drf-spectacular --validate --fail-on-warn)"
"$PY" manage.py spectacular --validate --fail-on-warn --file /dev/null

step "make dev's runtime on SQLite (alone on the machine: it times a notification against 2 s)"
"$PY" -m pytest -q -p no:cacheprovider "$DEV_RUNTIME_TESTS" --junitxml="$EVIDENCE/junit-sqlite-dev.xml"

step "pytest on SQLite and on PostgreSQL 15 + Redis side by side (schema fuzzing on PostgreSQL only); the frontend's checks, unit tests and build once the SQLite pass is done"
# Two cores: the SQLite pass and the PostgreSQL pass run side by side, each in the background with
# its output shown when it ends. The SQLite pass ends first; on the core it leaves, the frontend's
# API-types check, typecheck, lint, unit tests and the SPA build for the end-to-end run go next.
# All must pass.
"$PY" -m pytest -q -p no:cacheprovider -m "not fuzz and not single_pass" \
  --ignore="$DEV_RUNTIME_TESTS" \
  --junitxml="$EVIDENCE/junit-sqlite.xml" >"$EVIDENCE/pytest-sqlite.log" 2>&1 &
sqlite_pid=$!
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
services_up=1
services_start
# A throw-away slapd with the test directory: the directory sign-in tests run against it on
# PostgreSQL (the SQLite pass, started before it, skips them and says why).
services_start_ldap
"$PY" "$ROOT/scripts/evidence_bundle.py" --services
# As the owner (pytest creates and migrates the test database; post_migrate grants the application
# role); test_database_roles.py logs in as the application role to that same database.
STRONGROOM_APP_DATABASE_URL="$DATABASE_URL" DATABASE_URL="$DATABASE_OWNER_URL" \
  "$PY" -m pytest -q -p no:cacheprovider --junitxml="$EVIDENCE/junit-postgresql.xml" \
  >"$EVIDENCE/pytest-postgresql.log" 2>&1 &
postgresql_pid=$!
sqlite_status=0
wait "$sqlite_pid" || sqlite_status=$?
sqlite_pid=""
frontend_status=0
# One && chain: under `|| status=$?` bash ignores set -e inside the group. Niced, with one
# Vitest worker: the PostgreSQL pass, the longer of the two, keeps its core.
(
  cd "$ROOT/frontend" &&
    nice -n 10 npm run --silent check:api &&
    nice -n 10 npm run --silent typecheck &&
    nice -n 10 npm run --silent lint &&
    nice -n 10 npm run --silent test -- --maxWorkers=1 --reporter=default --reporter=junit \
      --outputFile.junit="$EVIDENCE/junit-vitest.xml" &&
    nice -n 10 npx vite build --logLevel warn
) >"$EVIDENCE/frontend.log" 2>&1 || frontend_status=$?
postgresql_status=0
wait "$postgresql_pid" || postgresql_status=$?
postgresql_pid=""
services_up=0
services_stop
printf '\n--- the PostgreSQL pass ---\n'
cat "$EVIDENCE/pytest-postgresql.log"
printf '\n--- the SQLite pass ---\n'
cat "$EVIDENCE/pytest-sqlite.log"
printf '\n--- the frontend: API types, typecheck, lint, unit tests, build ---\n'
cat "$EVIDENCE/frontend.log"
"$PY" "$ROOT/scripts/junit_merge.py" "$EVIDENCE/junit-sqlite.xml" "$EVIDENCE/junit-sqlite-dev.xml"
if [ "$sqlite_status" -ne 0 ] || [ "$postgresql_status" -ne 0 ] || [ "$frontend_status" -ne 0 ]; then
  printf 'failed: SQLite pass exit %s, PostgreSQL pass exit %s, frontend exit %s\n' \
    "$sqlite_status" "$postgresql_status" "$frontend_status" >&2
  exit 1
fi

step "compliance traceability (docs/COMPLIANCE.md current; every clause proven by tests that passed in this run, none skipped on PostgreSQL)"
"$PY" "$ROOT/scripts/compliance_matrix.py" --check \
  --junit-sqlite "$EVIDENCE/junit-sqlite.xml" --junit-postgresql "$EVIDENCE/junit-postgresql.xml" \
  --markdown "$EVIDENCE/compliance-matrix.md" --json "$EVIDENCE/compliance-matrix.json"

step "frontend: end-to-end in Debian's chromium against a real backend (the SPA built above)"
cd "$ROOT/frontend"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
STRONGROOM_E2E_SKIP_BUILD=1 npm run --silent e2e -- --reporter=default --reporter=junit \
  --outputFile.junit="$EVIDENCE/junit-e2e.xml"

step "deployment configuration (compose schema, nginx -t, live nginx checks)"
bash "$ROOT/scripts/check_deploy_configs.sh"

step "production topology on loopback (nginx, 2 Daphne, Celery worker and Beat, PostgreSQL, Redis)"
"$ROOT/backend/.venv/bin/python" "$ROOT/scripts/check_production_topology.py"

step_done passed
printf '\nAll suites passed in %ss.\n' "$(( $(date +%s) - started ))"
