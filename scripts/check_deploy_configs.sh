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
    scripts/lib/topology.py scripts/lib/nginx_render.py; do
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

# The stack's own rules, read with the YAML library check-jsonschema brings along.
if "$venv/bin/python" - "$compose_file" <<'PY'
import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

doc = YAML(typ="safe").load(open(sys.argv[1]))
services = doc.get("services", {})
problems = []
checked = []


def rule(ok, text):
    (checked if ok else problems).append(text)


expected = {"postgres", "redis", "migrate", "backend", "worker", "beat", "nginx"}
rule(set(services) == expected, f"services are exactly {sorted(expected)} (found {sorted(services)})")
app = ["migrate", "backend", "worker", "beat"]

for name, svc in services.items():
    # ports: only nginx is reachable from outside
    if name == "nginx":
        ports = [str(p) for p in svc.get("ports", [])]
        rule(ports == ["80:80", "443:443"], "nginx publishes 80 and 443")
    else:
        rule(not svc.get("ports"), f"{name} publishes no ports")
    # restart policy
    want = "no" if name == "migrate" else "unless-stopped"
    rule(str(svc.get("restart")) == want, f"{name} restart: {want}")
    # resource limits
    limits = (svc.get("deploy") or {}).get("resources", {}).get("limits", {})
    rule("cpus" in limits and "memory" in limits, f"{name} has cpu and memory limits")
    # no source bind mounts; secrets only via env_file
    for vol in svc.get("volumes", []):
        source = vol.split(":")[0] if isinstance(vol, str) else str(vol.get("source", ""))
        if source.startswith((".", "/", "~")):
            rule(name == "nginx" and source in ("./nginx/certs", "./nginx/acme"),
                 f"{name} bind mount {source} is only certificates or the ACME webroot")
    env = svc.get("environment") or {}
    keys = env.keys() if isinstance(env, dict) else [e.split("=")[0] for e in env]
    secret = [k for k in keys if re.search(r"SECRET|PASSWORD|TOKEN|KEY|_URL", k)]
    rule(not secret, f"{name} sets no secrets inline (found {secret})")
    # third-party images pinned to a tag
    if "build" not in svc:
        image = svc.get("image", "")
        tag = image.rsplit(":", 1)[1] if ":" in image else ""
        rule(tag not in ("", "latest"), f"{name} image {image!r} is pinned to a tag")

for name in app:
    rule(".env.production" in (services.get(name, {}).get("env_file") or []),
         f"{name} reads env_file .env.production")

# Each container gets only the secrets it needs: what postgres, redis and nginx receive (their
# env_files, read from the committed *.example beside each, and their environment) is checked
# against what each of them uses; the application's secrets never reach them.
def received(name):
    svc = services.get(name, {})
    files = svc.get("env_file") or []
    keys = {}
    for f in [files] if isinstance(files, str) else files:
        f = f if isinstance(f, str) else f.get("path", "")
        example = Path(sys.argv[1]).parent / f"{f}.example"
        for line in example.read_text().splitlines() if example.is_file() else [f"?{f}"]:
            m = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
            if m:
                keys[m.group(1)] = f
            elif line.startswith("?"):
                keys[line] = f
    env = svc.get("environment") or {}
    for k in env.keys() if isinstance(env, dict) else [e.split("=")[0] for e in env]:
        keys[k] = "environment"
    return keys

allowed = {
    "postgres": {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "STRONGROOM_DB_APP_ROLE",
                 "STRONGROOM_DB_APP_PASSWORD", "DATABASE_URL"},
    "redis": {"REDIS_PASSWORD"},
    "nginx": set(),
}
app_secrets = {"DJANGO_SECRET_KEY", "STRONGROOM_JWT_SIGNING_KEY", "STRONGROOM_AUDIT_SIGNING_KEY",
               "STRONGROOM_ADMIN_PASSWORD", "EMAIL_URL", "REDIS_URL", "CELERY_BROKER_URL",
               "CACHE_URL"}
for name, ok_keys in allowed.items():
    keys = received(name)
    extra = sorted(k for k in keys if k not in ok_keys)
    leaked = sorted(k for k in keys if k in app_secrets)
    rule(not extra and not leaked,
         f"{name} receives only {sorted(ok_keys) or 'no variables'}"
         + (f" — also {', '.join(f'{k} ({keys[k]})' for k in extra)}" if extra else ""))
    rule(".env.production" not in (services.get(name, {}).get("env_file") or []),
         f"{name} does not read .env.production (DJANGO_SECRET_KEY and the other app secrets)")
# The database owner's credentials reach postgres and migrate only, after .env.production (the
# later file wins: migrate's DATABASE_URL is the owner's); the serving processes never see them.
for name in ["postgres", "migrate"]:
    files = services.get(name, {}).get("env_file") or []
    rule(files[-1:] == [".env.production.owner"], f"{name} reads .env.production.owner last")
for name in ["backend", "worker", "beat"]:
    files = services.get(name, {}).get("env_file") or []
    rule(".env.production.owner" not in files, f"{name} does not read .env.production.owner")
roles_script = "./deploy/postgres/initdb/10-strongroom-roles.sh"
rule(((doc.get("configs") or {}).get("postgres_roles") or {}).get("file") == roles_script,
     f"config postgres_roles is {roles_script}")
rule(any(isinstance(c, dict) and c.get("source") == "postgres_roles"
         and str(c.get("target", "")).startswith("/docker-entrypoint-initdb.d/")
         for c in services["postgres"].get("configs", [])),
     "postgres runs the roles script from /docker-entrypoint-initdb.d")
for name in app:
    svc = services.get(name, {})
    rule(svc.get("build", {}).get("context") == "./backend", f"{name} builds from ./backend")
    rule(svc.get("command") == [name if name != "backend" else "web"], f"{name} runs its entrypoint command")
for name in ["backend", "worker", "beat"]:
    dep = (services.get(name, {}).get("depends_on") or {}).get("migrate", {})
    rule(dep.get("condition") == "service_completed_successfully",
         f"{name} waits for migrate to complete")
dep = services.get("migrate", {}).get("depends_on") or {}
rule(all(dep.get(s, {}).get("condition") == "service_healthy" for s in ("postgres", "redis")),
     "migrate waits for healthy postgres and redis")

for name in ["postgres", "redis", "backend", "nginx"]:
    rule("test" in (services.get(name, {}).get("healthcheck") or {}), f"{name} has a health check")
rule("pg_isready" in str(services["postgres"]["healthcheck"]["test"]), "postgres health check is pg_isready")
redis_health = str(services["redis"]["healthcheck"]["test"])
rule("ping" in redis_health and "REDISCLI_AUTH" in redis_health,
     "redis health check is an authenticated redis-cli ping")
rule("/readyz" in str(services["backend"]["healthcheck"]["test"]), "backend health check uses /readyz")

backend_replicas = (services["backend"].get("deploy") or {}).get("replicas", 1)
rule(backend_replicas >= 2, f"backend runs {backend_replicas} replicas (>= 2)")
beat_replicas = (services["beat"].get("deploy") or {}).get("replicas", 1)
rule(beat_replicas == 1 and "scale" not in services["beat"], "beat runs exactly one replica")
ndep = services["nginx"].get("depends_on") or {}
rule(ndep.get("backend", {}).get("condition") == "service_healthy", "nginx waits for a healthy backend")

redis_cmd = " ".join(str(c) for c in services["redis"].get("command", []))
rule("--appendonly yes" in redis_cmd, "redis has AOF on")
rule("requirepass $${REDIS_PASSWORD}" in redis_cmd and "REDIS_PASSWORD:?" in redis_cmd,
     "redis requires a password (requirepass from REDIS_PASSWORD, which must be set)")
rule(".env.production.redis" in (services["redis"].get("env_file") or []),
     "redis reads its password from .env.production.redis")
rule("--maxmemory-policy noeviction" in redis_cmd, "redis maxmemory-policy is noeviction")

named = set((doc.get("volumes") or {}).keys())
rule({"postgres_data", "redis_data", "static_files", "media_files"} <= named, "named volumes declared")
nvols = [str(v) for v in services["nginx"].get("volumes", [])]
rule(any(v.startswith("static_files:") and v.endswith(":ro") for v in nvols), "nginx mounts static read-only")
rule(any(v.startswith("media_files:") and v.endswith(":ro") for v in nvols), "nginx mounts media read-only")

for text in checked:
    print(f"    ok    {text}")
for text in problems:
    print(f"    FAIL  {text}")
sys.exit(1 if problems else 0)
PY
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
check_env_example() { # file required-variables...
"$venv/bin/python" - "$@" <<'PY'
import re
import sys

path, required = sys.argv[1], sys.argv[2:]
lines = open(path).read().splitlines()
defined = {}
problems = []
for i, line in enumerate(lines):
    m = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
    if not m:
        if line.strip() and not line.startswith("#"):
            problems.append(f"line {i + 1} is neither a comment nor VAR=value: {line!r}")
        continue
    name = m.group(1)
    if name in defined:
        problems.append(f"{name} is defined twice")
    defined[name] = m.group(2)
    if i == 0 or not lines[i - 1].startswith("#"):
        problems.append(f"{name} has no comment line directly above it")
for name in required:
    if name not in defined:
        problems.append(f"{name} is not documented")
if "DJANGO_SETTINGS_MODULE" in required and defined.get("DJANGO_SETTINGS_MODULE") != "config.settings.production":
    problems.append("DJANGO_SETTINGS_MODULE must be config.settings.production")
# Placeholders only: secrets must visibly be something to replace.
for name in ("DJANGO_SECRET_KEY", "STRONGROOM_JWT_SIGNING_KEY", "POSTGRES_PASSWORD",
             "STRONGROOM_DB_APP_PASSWORD", "DATABASE_URL", "REDIS_PASSWORD", "REDIS_URL",
             "CELERY_BROKER_URL", "CACHE_URL"):
    if name in defined and "change-me" not in defined[name]:
        problems.append(f"{name} must hold a change-me placeholder, not a value")
for p in problems:
    print(f"    FAIL  {p}")
print(f"    ok    {len(defined)} variables, each with a comment; all {len(required)} contract variables present"
      if not problems else "")
sys.exit(1 if problems else 0)
PY
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

    if python3 - "$http_port" "$https_port" "$upstream_port" "$tmp/logs/access.log" <<'PY'
import base64
import hashlib
import warnings
import http.client
import http.server
import json
import re
import socket
import ssl
import sys
import threading
import time

warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1_1 below
http_port, https_port, upstream_port = (int(p) for p in sys.argv[1:4])
access_log = sys.argv[4]
failures = []


def check(ok, text):
    print(f"    {'ok   ' if ok else 'FAIL '} {text}")
    if not ok:
        failures.append(text)


class StubBackend(http.server.BaseHTTPRequestHandler):
    """Answers like Daphne would: echoes what it received, sets its own X-Frame-Options."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        remaining = length
        while remaining:
            remaining -= len(self.rfile.read(min(remaining, 1 << 20)))
        if self.path.startswith("/api/v1/attachments/"):
            # What the download view answers in production: authorised, nginx sends the file.
            self.send_response(200)
            self.send_header("Content-Type", "image/tiff")
            self.send_header("Content-Length", "0")
            self.send_header("Content-Disposition", 'attachment; filename="Scan 1.pdf"')
            self.send_header("Cache-Control", "private, no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Accel-Redirect", "/protected-media/attachments/ab/scan.pdf")
            self.end_headers()
            return
        if self.headers.get("Upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1(
                (self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()
            ).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.close_connection = True
            return
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                           "body_length": length}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _answer


backend = http.server.ThreadingHTTPServer(("127.0.0.1", upstream_port), StubBackend)
threading.Thread(target=backend.serve_forever, daemon=True).start()

tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE


def request(method, path, headers=None, body=None, secure=True, source="127.0.0.1"):
    if secure:
        conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10,
                                           source_address=(source, 0))
    else:
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10, source_address=(source, 0))
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp, data


for _ in range(50):  # wait for nginx to listen
    try:
        socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.1)

# -- port 80
r, _ = request("GET", "/crates/7?tab=history", secure=False)
check(r.status == 301 and r.getheader("Location", "").startswith("https://")
      and r.getheader("Location", "").endswith("/crates/7?tab=history"), "http:// redirects 301 to https:// (path and query kept)")
r, body = request("GET", "/.well-known/acme-challenge/token123", secure=False)
check(r.status == 200 and body == b"acme-token-content\n", "ACME challenge served over http")
r, body = request("GET", "/nginx-health", secure=False)
check(r.status == 200, "/nginx-health answers on http from loopback")

# -- TLS
with socket.create_connection(("127.0.0.1", https_port)) as raw:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        check(s.selected_alpn_protocol() == "h2", "HTTP/2 offered over ALPN")
        check(s.version() == "TLSv1.3", f"TLS 1.3 negotiated ({s.version()})")
for version, accepted in ((ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_1, False)):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    try:
        ctx.minimum_version = ctx.maximum_version = version
        if not accepted:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        with socket.create_connection(("127.0.0.1", https_port)) as raw, \
                ctx.wrap_socket(raw, server_hostname="localhost"):
            ok = accepted
    except (ssl.SSLError, ValueError, OSError):
        ok = not accepted
    check(ok, f"{version.name} {'accepted' if accepted else 'refused'}")

# -- SPA and files
r, body = request("GET", "/")
check(r.status == 200 and b'id="root"' in body, "/ serves the SPA index.html")
check(r.getheader("Cache-Control") == "no-cache", "index.html is served with Cache-Control: no-cache")
hsts = r.getheader("Strict-Transport-Security", "")
check(hsts.startswith("max-age=31536000"), "HSTS header")
csp = r.getheader("Content-Security-Policy", "")
for part in ("default-src 'self'", "connect-src 'self' wss:", "img-src 'self' data: blob:",
             "style-src 'self' 'unsafe-inline'", "frame-ancestors 'none'"):
    check(part in csp, f"CSP has {part}")
for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                    ("Referrer-Policy", "strict-origin-when-cross-origin")):
    check(r.getheader(name) == value, f"{name}: {value}")
check(len(r.getheader("X-Request-ID", "")) == 32, "a request id is minted and returned")
check(r.getheader("Server") == "nginx", "server_tokens off (no version in Server)")
r, body = request("GET", "/requests/42/timeline")
check(r.status == 200 and b'id="root"' in body, "client-side route falls back to index.html")
r, body = request("GET", "/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
check(r.status == 200 and "immutable" in r.getheader("Cache-Control", ""), "hashed asset cached as immutable")
check(r.getheader("Content-Encoding") == "gzip", "gzip on JavaScript")
check(r.getheader("Strict-Transport-Security") is not None, "security headers also on assets")
r, body = request("GET", "/assets/index-missing.js")
check(r.status == 404, "missing asset is 404, not index.html")
r, body = request("GET", "/static/admin.css")
check(r.status == 200 and body == b"body{color:#000}\n", "/static/ served from the static volume")
# -- uploaded files: no public route; sent by nginx only on the API's X-Accel-Redirect
r, body = request("GET", "/media/attachments/ab/scan.pdf")
check(r.status == 404 and b"%PDF" not in body and b'id="root"' not in body,
      f"/media/<file> is 404, neither the file nor the SPA ({r.status})")
check(r.getheader("X-Content-Type-Options") == "nosniff", "security headers on the /media/ 404")
r, body = request("GET", "/protected-media/attachments/ab/scan.pdf")
check(r.status == 404 and b"%PDF" not in body, f"/protected-media/ is internal: 404 from outside ({r.status})")
r, body = request("GET", "/api/v1/attachments/7/download/")
check(r.status == 200 and body == b"%PDF-1.4 stub\n", "API X-Accel-Redirect: nginx sends the file from the media volume")
check(r.getheader("Content-Disposition") == 'attachment; filename="Scan 1.pdf"', "  ... with the API's Content-Disposition (attachment)")
check(r.getheader("Content-Type") == "image/tiff", f"  ... with the API's Content-Type ({r.getheader('Content-Type')})")
cache = [v for k, v in r.getheaders() if k.lower() == "cache-control"]
check(cache == ["private, no-store"], f"  ... with the API's Cache-Control, once ({cache})")
csps = [v for k, v in r.getheaders() if k.lower() == "content-security-policy"]
check("default-src 'none'; sandbox" in csps, f"  ... with a sandbox CSP ({csps})")
check(r.getheader("X-Content-Type-Options") == "nosniff" and r.getheader("Strict-Transport-Security"),
      "  ... with nosniff and HSTS")
check(r.getheader("X-Accel-Redirect") is None, "  ... without the X-Accel-Redirect header")
r, _ = request("GET", "/metrics")
check(r.status in (403, 404), f"/metrics denied ({r.status})")

# -- proxy to the backend
r, body = request("GET", "/api/v1/crates/?search=A1", headers={"X-Request-ID": "req-abc.123",
                  "X-Forwarded-For": "6.6.6.6", "Authorization": "Bearer SECRET-AUTH-TOKEN"})
seen = json.loads(body) if r.status == 200 else {"headers": {}}
h = {k.lower(): v for k, v in seen["headers"].items()}
check(r.status == 200 and seen.get("path") == "/api/v1/crates/?search=A1", "/api/ proxied to the backend")
check(re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", ""))
      and r.getheader("X-Request-ID") == h["x-request-id"],
      "nginx's own X-Request-ID (not the client's) sent to the backend and back")
check(h.get("x-client-request-id") == "req-abc.123",
      "a well-formed client X-Request-ID passed on only as X-Client-Request-ID")
check(h.get("x-forwarded-proto") == "https", "X-Forwarded-Proto: https")
check(h.get("x-forwarded-for") == "127.0.0.1", "X-Forwarded-For is the client address, not a spoofed one")
check(h.get("host", "").startswith("127.0.0.1"), "Host passed through")
check(r.getheader("X-Frame-Options") == "DENY", "backend's own X-Frame-Options replaced by nginx's")
check(r.getheader("Content-Security-Policy") is not None, "security headers on proxied responses")
r, body = request("GET", "/api/v1/me/", headers={"X-Request-ID": "bad id\twith spaces"})
h = {k.lower(): v for k, v in json.loads(body)["headers"].items()}
check(len(h.get("x-request-id", "")) == 32 and h["x-request-id"] != "bad id\twith spaces"
      and "x-client-request-id" not in h,
      "malformed X-Request-ID replaced by a fresh id, not passed on")
r, body = request("GET", "/api/v1/me/", headers={"X-Client-Request-ID": "forged-by-client"})
h = {k.lower(): v for k, v in json.loads(body)["headers"].items()}
check("x-client-request-id" not in h, "a client's own X-Client-Request-ID is not passed on")
for path in ("/healthz", "/readyz", "/admin/login/"):
    r, body = request("GET", path)
    check(r.status == 200 and json.loads(body)["path"] == path, f"{path} proxied to the backend")
r, body = request("POST", "/api/v1/documents/1/attachments/", body=b"x" * (26 * 1024 * 1024),
                  headers={"Content-Type": "application/octet-stream"})
check(r.status == 200 and json.loads(body)["body_length"] == 26 * 1024 * 1024, "26 MB upload accepted")
r, _ = request("POST", "/api/v1/documents/1/attachments/", body=b"x" * (31 * 1024 * 1024),
               headers={"Content-Type": "application/octet-stream"})
check(r.status == 413, "31 MB upload refused with 413")

# -- WebSocket upgrade (token in the query string on purpose: it must not be logged)
conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
conn.request("GET", "/ws/v1/events/?token=SECRET-WS-TOKEN", headers={
    "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(), "Origin": "https://localhost"})
r = conn.getresponse()
check(r.status == 101 and r.getheader("Upgrade", "").lower() == "websocket", "/ws/ upgraded to WebSocket (101)")
conn.close()

# -- rate limits (127.0.0.1 is exempt; 127.0.0.2 is an ordinary client)
# A shift change: 200 operators sign in at once from one NAT address, all pass (1 + burst 200);
# the per-address ceiling then refuses (60 per minute refill, so a few more may pass meanwhile).
answers = []
while len(answers) < 300 and (len(answers) <= 201 or answers[-1][0].status != 429):
    answers.append(request("POST", "/api/v1/auth/login/", source="127.0.0.2", body=json.dumps(
        {"username": f"operator{len(answers):03d}", "password": "x"}).encode()))
codes = [r.status for r, _ in answers]
check(codes[:201] == [200] * 201 and codes[-1] == 429,
      f"200 sign-ins from one address pass, then 429 ({codes.count(200)} passed, {codes.count(429)} refused)")
r, body = answers[-1]
try:
    envelope = json.loads(body)["error"]
except (ValueError, KeyError, TypeError):
    envelope = {}
check(r.getheader("Content-Type") == "application/json" and envelope.get("code") == "throttled"
      and len(envelope.get("request_id", "")) == 32 and r.getheader("Retry-After") == "60",
      "the 429 is the API's JSON error envelope (code throttled, request id, Retry-After)")
check(r.getheader("Strict-Transport-Security") is not None, "security headers on the 429")
r, _ = request("POST", "/admin/login/", body=b"username=a&password=b", source="127.0.0.2",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
check(r.status == 429, f"the admin's sign-in form shares the sign-in limit ({r.status})")
codes = [request("GET", "/readyz", source="127.0.0.4")[0].status for _ in range(30)]
check(codes[:11] == [200] * 11 and codes[-1] == 429,
      f"/readyz limited per client to 5/s, burst 10 ({codes.count(429)} of 30 refused)")
codes = [request("POST", "/api/v1/auth/login/", body=b"{}")[0].status for _ in range(10)]
check(codes == [200] * 10, "loopback is exempt from rate limits")
codes = [request("GET", "/api/v1/crates/", source="127.0.0.3")[0].status for _ in range(30)]
check(429 not in codes, "30 quick API requests pass (burst 40)")

# -- access log
time.sleep(0.3)
lines = open(access_log).read().splitlines()
records = [json.loads(line) for line in lines]
check(len(records) > 20 and all("request_id" in x for x in records), f"access log is JSON ({len(records)} lines)")
ws = [x for x in records if x["uri"].startswith("/ws/")]
check(ws and all("?" not in x["uri"] for x in ws), "/ws/ logged without its query string")
check(not any("SECRET-WS-TOKEN" in line or "SECRET-AUTH-TOKEN" in line for line in lines),
      "no token or Authorization header in the access log")
check(any(x["uri"] == "/api/v1/crates/?search=A1" for x in records), "API query strings are still logged")
check(not any(x["uri"] in ("/healthz", "/readyz") for x in records), "health probes not logged")

backend.shutdown()
print(f"    {'all smoke checks passed' if not failures else f'{len(failures)} smoke check(s) failed'}")
sys.exit(1 if failures else 0)
PY
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
