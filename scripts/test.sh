#!/usr/bin/env bash
# `make test`: quality gates, then the backend suite on SQLite and again on a real PostgreSQL 15
# and Redis (throw-away instances on free loopback ports), then the frontend suite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/backend"
mkdir -p var
export DJANGO_SETTINGS_MODULE=config.settings.test
PY=.venv/bin/python
started=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }

step "ruff (backend and scripts)"
.venv/bin/ruff check . ../scripts
.venv/bin/ruff format --check . ../scripts
step "mypy (backend and scripts)"
.venv/bin/mypy .
MYPYPATH=../scripts .venv/bin/mypy --explicit-package-bases ../scripts/*.py
step "compliance traceability (docs/COMPLIANCE.md current, every clause proven)"
"$PY" "$ROOT/scripts/compliance_matrix.py" --check
step "manage.py check, makemigrations --check"
"$PY" manage.py check --fail-level WARNING
"$PY" manage.py makemigrations --check --dry-run
step "OpenAPI schema (drf-spectacular --validate --fail-on-warn)"
"$PY" manage.py spectacular --validate --fail-on-warn --file /dev/null

step "pytest on SQLite (schema fuzzing runs in the PostgreSQL pass)"
"$PY" -m pytest -q -p no:cacheprovider -m "not fuzz"

step "pytest on PostgreSQL 15 + Redis"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
services_start
trap services_stop EXIT
# As the owner (pytest creates and migrates the test database; post_migrate grants the application
# role); test_database_roles.py logs in as the application role to that same database.
STRONGROOM_APP_DATABASE_URL="$DATABASE_URL" DATABASE_URL="$DATABASE_OWNER_URL" \
  "$PY" -m pytest -q -p no:cacheprovider
services_stop
trap - EXIT

step "frontend: API types up to date, typecheck, lint, unit tests"
cd "$ROOT/frontend"
npm run --silent check:api
npm run --silent typecheck
npm run --silent lint
npm run --silent test

step "frontend: end-to-end in Debian's chromium against a real backend"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npm run --silent e2e

step "deployment configuration (compose schema, nginx -t, live nginx checks)"
bash "$ROOT/scripts/check_deploy_configs.sh"

step "production topology on loopback (nginx, 2 Daphne, Celery worker and Beat, PostgreSQL, Redis)"
"$ROOT/backend/.venv/bin/python" "$ROOT/scripts/check_production_topology.py"

printf '\nAll suites passed in %ss.\n' "$(( $(date +%s) - started ))"
