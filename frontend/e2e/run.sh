#!/bin/sh
# End-to-end tests: build the SPA, then Vitest runs e2e/*.e2e.ts; its global setup starts the test
# OpenID Connect provider (scripts/oidc, `make oidc-provider-install`) and the real backend
# configured with it (fresh SQLite demo database in a temp dir, Daphne on a free port), and stops
# both after.
# Needs Debian's chromium (apt-get install -y chromium) at /usr/bin/chromium or $STRONGROOM_CHROMIUM.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x "${STRONGROOM_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "e2e: chromium is missing; install it with: apt-get install -y chromium" >&2
  exit 1
fi
if [ ! -x ../backend/.venv/bin/python ]; then
  echo "e2e: the backend virtualenv is missing (make -C .. install or uv sync in backend/)" >&2
  exit 1
fi
if [ "${STRONGROOM_E2E_SKIP_BUILD:-0}" != "1" ]; then
  npx vite build --logLevel warn
fi
exec npx vitest run --config vitest.e2e.config.ts "$@"
