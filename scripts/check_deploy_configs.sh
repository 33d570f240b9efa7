#!/usr/bin/env bash
# Validate the production deployment configuration without Docker.
#
#   scripts/check_deploy_configs.sh [--no-smoke]
#
# What it checks (exit status non-zero if anything fails):
#   1. the deployment files exist and the shell scripts parse;
#   2. docker-compose.production.yml against the Compose specification schema
#      (check-jsonschema --builtin-schema vendor.compose-spec), then the stack's own
#      rules (services, one beat, healthchecks, no source bind mounts, limits, ...);
#   3. .env.production.example and .env.production.owner.example document every variable of
#      the contract (the owner's file: the database owner, read by postgres and migrate only);
#   4. the Dockerfiles follow the image rules (pinned bases, non-root, uv --frozen);
#   5. nginx/nginx.conf + conf.d/ + snippets/ with a real `nginx -t`, on a temporary
#      copy: paths moved into a temp prefix, upstream host names -> 127.0.0.1, a fresh
#      self-signed certificate from scripts/make_cert.sh;
#   6. (unless --no-smoke) that temporary nginx is started on loopback ports in front of a
#      stub backend, and real HTTP/TLS requests check redirects, headers, the SPA fallback,
#      static files, no public /media/, attachments sent by nginx on the API's
#      X-Accel-Redirect (internal /protected-media/), proxying, X-Request-ID, WebSocket
#      upgrade, /metrics, body size, rate limits (429 in the API's JSON error envelope) and
#      the access log (no /ws query strings, no Authorization header).
#      scripts/check_production_topology.py runs this configuration in front of the real
#      backend (two Daphne processes, PostgreSQL, Redis, Celery).
#
# Tools: check-jsonschema is installed (pinned) into a throw-away virtualenv under
# ${XDG_CACHE_HOME:-$HOME/.cache}/strongroom-tools; nginx is installed with apt-get on
# Debian/Ubuntu when missing (needs root). Nothing in the repository is modified.
set -euo pipefail

CHECK_JSONSCHEMA_VERSION="0.39.0"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${XDG_CACHE_HOME:-$HOME/.cache}/strongroom-tools"
compose_file="$repo_root/docker-compose.production.yml"
env_example="$repo_root/.env.production.example"
owner_env_example="$repo_root/.env.production.owner.example"
redis_env_example="$repo_root/.env.production.redis.example"

run_smoke=1
for arg in "$@"; do
    case "$arg" in
        --no-smoke) run_smoke=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

failures=0
section() { printf '\n==> %s\n' "$*"; }
pass() { printf '    ok    %s\n' "$*"; }
fail() { printf '    FAIL  %s\n' "$*"; failures=$((failures + 1)); }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strongroom-deploy-check.XXXXXX")"
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# --------------------------------------------------------------------------- 1. files
section "1. deployment files and shell syntax"
for f in \
    docker-compose.production.yml .env.production.example .env.production.owner.example \
    PRODUCTION_DEPLOYMENT.md deploy/postgres/initdb/10-strongroom-roles.sh \
    backend/Dockerfile backend/docker-entrypoint.sh backend/.dockerignore \
    nginx/Dockerfile nginx/Dockerfile.dockerignore nginx/nginx.conf nginx/conf.d/strongroom.conf \
    nginx/snippets/security-headers.conf nginx/snippets/proxy-common.conf \
    nginx/snippets/proxy-to-backend.conf nginx/.gitignore \
    scripts/make_cert.sh scripts/check_deploy_configs.sh scripts/check_production_topology.py \
    scripts/lib/topology.py scripts/lib/nginx_render.py scripts/lib/deploy_checks.py \
    scripts/lib/envelope.py scripts/deploy_checks/compose.py scripts/deploy_checks/env_example.py \
    scripts/deploy_checks/nginx_smoke.py; do
    if [ -f "$repo_root/$f" ]; then pass "$f exists"; else fail "$f is missing"; fi
done
for f in backend/docker-entrypoint.sh scripts/make_cert.sh scripts/check_deploy_configs.sh \
    deploy/postgres/initdb/10-strongroom-roles.sh; do
    [ -f "$repo_root/$f" ] || continue
    if [ -x "$repo_root/$f" ]; then pass "$f is executable"; else fail "$f is not executable"; fi
done
for f in backend/docker-entrypoint.sh deploy/postgres/initdb/10-strongroom-roles.sh; do
    if sh -n "$repo_root/$f"; then pass "sh -n $f"; else fail "sh -n $f"; fi
done
for f in scripts/make_cert.sh scripts/check_deploy_configs.sh; do
    if bash -n "$repo_root/$f"; then pass "bash -n $f"; else fail "bash -n $f"; fi
done
if command -v shellcheck >/dev/null 2>&1; then
    if shellcheck "$repo_root/backend/docker-entrypoint.sh" "$repo_root/scripts/make_cert.sh" \
        "$repo_root/scripts/check_deploy_configs.sh" \
        "$repo_root/deploy/postgres/initdb/10-strongroom-roles.sh"; then
        pass "shellcheck"
    else
        fail "shellcheck"
    fi
else
    echo "    skip  shellcheck (not installed)"
fi

# --------------------------------------------------------------------------- 2. compose
section "2. docker-compose.production.yml"
venv="$tools_dir/check-jsonschema-$CHECK_JSONSCHEMA_VERSION"
if ! "$venv/bin/check-jsonschema" --version 2>/dev/null | grep -qF "$CHECK_JSONSCHEMA_VERSION"; then
    echo "    installing check-jsonschema==$CHECK_JSONSCHEMA_VERSION into $venv"
    rm -rf "$venv"
    mkdir -p "$tools_dir"
    python3 -m venv "$venv"
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" >"$tmp/pip.log" 2>&1; then
        cat "$tmp/pip.log"
        fail "could not install check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
        section "result"
        echo "FAILED: $failures check(s) failed"
        exit 1
    fi
fi
echo "    \$ check-jsonschema --builtin-schema vendor.compose-spec docker-compose.production.yml"
if (cd "$repo_root" && "$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec \
        docker-compose.production.yml) 2>&1 | sed 's/^/          /'; then
    pass "Compose specification schema (check-jsonschema $CHECK_JSONSCHEMA_VERSION)"
else
    fail "Compose specification schema"
fi

# The stack's own rules (scripts/deploy_checks/compose.py), read with the YAML library
# check-jsonschema brings along.
if PYTHONPATH="$repo_root/scripts" "$venv/bin/python" -m deploy_checks.compose "$compose_file"
then
    pass "compose rules of the stack"
else
    fail "compose rules of the stack"
fi
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    # Compose wants the env_file to exist: use a copy of the example beside a copy of the file.
    mkdir -p "$tmp/compose"
    cp "$compose_file" "$tmp/compose/docker-compose.production.yml"
    cp "$env_example" "$tmp/compose/.env.production"
    cp "$owner_env_example" "$tmp/compose/.env.production.owner"
    cp "$redis_env_example" "$tmp/compose/.env.production.redis"
    mkdir -p "$tmp/compose/deploy/postgres/initdb"
    cp "$repo_root/deploy/postgres/initdb/10-strongroom-roles.sh" "$tmp/compose/deploy/postgres/initdb/"
    if docker compose -f "$tmp/compose/docker-compose.production.yml" config -q; then
        pass "docker compose config -q"
    else
        fail "docker compose config -q"
    fi
else
    echo "    skip  docker compose config (the docker compose plugin is not installed)"
fi

# --------------------------------------------------------------------------- 3. env example
section "3. .env.production.example and .env.production.owner.example"
required_vars=(DJANGO_SETTINGS_MODULE DJANGO_SECRET_KEY STRONGROOM_JWT_SIGNING_KEY DJANGO_ALLOWED_HOSTS
    DJANGO_CSRF_TRUSTED_ORIGINS DATABASE_URL DATABASE_POOL_MAX_SIZE REDIS_URL CELERY_BROKER_URL CACHE_URL
    STRONGROOM_ADMIN_USERNAME STRONGROOM_ADMIN_PASSWORD EMAIL_URL DEFAULT_FROM_EMAIL
    STRONGROOM_PUBLIC_URL DJANGO_LOG_LEVEL STRONGROOM_WS_ALLOWED_ORIGINS
    STRONGROOM_DB_APP_ROLE STATIC_ROOT MEDIA_ROOT STRONGROOM_AUDIT_SIGNING_KEY_FILE)
owner_vars=(POSTGRES_DB POSTGRES_USER POSTGRES_PASSWORD STRONGROOM_DB_APP_ROLE STRONGROOM_DB_APP_PASSWORD
    DATABASE_URL)
redis_vars=(REDIS_PASSWORD)
check_env_example() { # file required-variables... (scripts/deploy_checks/env_example.py)
    PYTHONPATH="$repo_root/scripts" "$venv/bin/python" -m deploy_checks.env_example "$@"
}
if check_env_example "$env_example" "${required_vars[@]}"; then
    pass ".env.production.example documents the contract"
else
    fail ".env.production.example"
fi
if check_env_example "$owner_env_example" "${owner_vars[@]}"; then
    pass ".env.production.owner.example documents the database owner's variables"
else
    fail ".env.production.owner.example"
fi
if check_env_example "$redis_env_example" "${redis_vars[@]}"; then
    pass ".env.production.redis.example documents Redis's password"
else
    fail ".env.production.redis.example"
fi
redis_password=$(sed -n 's/^REDIS_PASSWORD=//p' "$redis_env_example")
if [ -n "$redis_password" ] && [ "$(grep -Ec "^(REDIS_URL|CELERY_BROKER_URL|CACHE_URL)=redis://:${redis_password}@redis:6379/[0-9]+$" "$env_example")" = 3 ]; then
    pass "REDIS_URL, CELERY_BROKER_URL and CACHE_URL carry Redis's password"
else
    fail "REDIS_URL, CELERY_BROKER_URL and CACHE_URL must be redis://:REDIS_PASSWORD@redis:6379/DB"
fi
if grep -q '^DATABASE_URL=postgres://strongroom_app:' "$env_example" \
    && grep -q '^DATABASE_URL=postgres://strongroom:' "$owner_env_example"; then
    pass "the serving processes' DATABASE_URL is the application role's, migrate's the owner's"
else
    fail "DATABASE_URL: the application role in .env.production, the owner in .env.production.owner"
fi

# --------------------------------------------------------------------------- 4. Dockerfiles
section "4. Dockerfiles"
check_grep() { # file regex description
    if grep -Eq -- "$2" "$repo_root/$1"; then pass "$1: $3"; else fail "$1: $3"; fi
}
check_grep backend/Dockerfile '^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm$' "base image python:3.11-slim-bookworm"
check_grep backend/Dockerfile '^ARG UV_VERSION=0\.13\.9$' "uv pinned to 0.13.9"
check_grep backend/Dockerfile 'pip install "uv==\$\{UV_VERSION\}"' "uv installed from PyPI at the pinned version"
check_grep backend/Dockerfile 'uv sync --frozen --no-dev' "uv sync --frozen --no-dev"
check_grep backend/Dockerfile 'UV_PROJECT_ENVIRONMENT=/app/\.venv' "virtualenv at /app/.venv"
check_grep backend/Dockerfile '^USER strongroom' "runs as a non-root user"
check_grep backend/Dockerfile '^FROM .* AS builder$' "multi-stage (builder)"
check_grep backend/Dockerfile '^ENTRYPOINT \["docker-entrypoint.sh"\]$' "entrypoint script"
for sub in web worker beat migrate healthcheck; do
    check_grep backend/docker-entrypoint.sh "^    $sub\)" "entrypoint dispatches '$sub'"
done
check_grep nginx/Dockerfile '^ARG NODE_IMAGE=node:20[.0-9]*-bookworm-slim$' "frontend built on a pinned node:20 image"
check_grep nginx/Dockerfile '^ARG NGINX_IMAGE=nginx:1\.[0-9]+[.0-9]*-alpine$' "pinned nginx image"
check_grep nginx/Dockerfile 'npm ci' "npm ci"
check_grep nginx/Dockerfile 'npm run build' "npm run build"
check_grep nginx/Dockerfile 'COPY --from=frontend /src/frontend/dist/ /usr/share/nginx/html/' "SPA copied into the image"
if grep -Eh '^(FROM|ARG [A-Z_]*IMAGE=)' "$repo_root/backend/Dockerfile" "$repo_root/nginx/Dockerfile" | grep -q ':latest'; then
    fail "no Dockerfile uses a :latest base image"
else
    pass "no Dockerfile uses a :latest base image"
fi

# --------------------------------------------------------------------------- 5. nginx -t
section "5. nginx configuration (nginx -t on a temporary copy)"
if ! command -v nginx >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "    installing nginx with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -qq nginx >"$tmp/apt.log" 2>&1; then
            apt-get update -qq >>"$tmp/apt.log" 2>&1
            apt-get install -y -qq nginx >>"$tmp/apt.log" 2>&1 || cat "$tmp/apt.log"
        fi
    fi
fi
if ! command -v nginx >/dev/null 2>&1; then
    fail "nginx is not installed (and could not be installed: needs root and apt-get)"
    section "result"
    echo "FAILED: $failures check(s)"
    exit 1
fi
nginx_version="$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')"
echo "    using $(command -v nginx) $nginx_version"
if [ ! -f /etc/nginx/mime.types ]; then
    fail "/etc/nginx/mime.types not found (needed as the image's stock mime.types)"
fi

pick_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port="$(pick_port)"
https_port="$(pick_port)"
upstream_port="$(pick_port)"

conf="$tmp/conf"
mkdir -p "$tmp/html/assets" "$tmp/acme/.well-known/acme-challenge"
# The same rewrite the loopback deployments of scripts/lib/topology.py use: paths into $tmp,
# listen 80/443 -> loopback ports, upstream backend:8000 -> the stub backend, a fresh certificate.
python3 "$repo_root/scripts/lib/nginx_render.py" --prefix "$tmp" --http-port "$http_port" \
    --https-port "$https_port" --upstream "$upstream_port" --static "$tmp/static" \
    --media "$tmp/media" >/dev/null
echo "    rewrote (scripts/lib/nginx_render.py): paths -> $tmp; listen 80/443 -> 127.0.0.1:$http_port/$https_port;"
echo "             upstream 'backend:8000' -> 127.0.0.1:$upstream_port"
if [ "$(printf '%s\n' "$nginx_version" 1.25.1 | sort -V | head -1)" != "1.25.1" ]; then
    echo "    note: nginx $nginx_version < 1.25.1, so 'http2 on;' is tested as 'listen ... ssl http2;'"
fi

nginx_cmd=(nginx -p "$tmp/" -c "$conf/nginx.conf" -e "$tmp/logs/error.log")
echo "    \$ nginx -t -p $tmp/ -c $conf/nginx.conf"
if "${nginx_cmd[@]}" -t >"$tmp/nginx-t.out" 2>&1; then
    sed 's/^/          /' "$tmp/nginx-t.out"
    if grep -q '\[warn\]\|\[emerg\]\|\[alert\]' "$tmp/nginx-t.out"; then
        fail "nginx -t passed but printed warnings"
    else
        pass "nginx -t: syntax is ok, test is successful, no warnings"
    fi
else
    sed 's/^/          /' "$tmp/nginx-t.out"
    fail "nginx -t"
    run_smoke=0
fi

# --------------------------------------------------------------------------- 6. smoke
if [ "$run_smoke" = "1" ]; then
    section "6. nginx smoke test (loopback, stub backend)"
    printf '<!doctype html><html><head><title>Strongroom</title></head><body><div id="root"></div></body></html>\n' \
        >"$tmp/html/index.html"
    python3 -c 'print("console.log(%r);" % ("strongroom " * 400))' >"$tmp/html/assets/index-abc123.js"
    printf 'body{color:#000}\n' >"$tmp/static/admin.css"
    mkdir -p "$tmp/media/attachments/ab"
    printf '%%PDF-1.4 stub\n' >"$tmp/media/attachments/ab/scan.pdf"
    printf 'acme-token-content\n' >"$tmp/acme/.well-known/acme-challenge/token123"

    "${nginx_cmd[@]}" -g 'daemon off;' &
    nginx_pid=$!

    # scripts/deploy_checks/nginx_smoke.py: the stub backend and the requests (system python3).
    if PYTHONPATH="$repo_root/scripts" python3 -m deploy_checks.nginx_smoke \
        "$http_port" "$https_port" "$upstream_port" "$tmp/logs/access.log"
    then
        pass "nginx smoke test"
    else
        fail "nginx smoke test"
        echo "    nginx error log:"
        sed 's/^/          /' "$tmp/logs/error.log" 2>/dev/null | tail -20 || true
    fi
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
else
    section "6. nginx smoke test: skipped"
fi

# --------------------------------------------------------------------------- result
section "result"
if [ "$failures" -gt 0 ]; then
    echo "FAILED: $failures check(s) failed"
    exit 1
fi
echo "OK: all deployment configuration checks passed"
