#!/usr/bin/env bash
# Throw-away PostgreSQL 15 and Redis servers on free loopback ports, for tests and benchmarks.
#   source scripts/services.sh; services_start; …; services_stop
# services_start installs what is missing (Debian packages), starts both servers in a temporary
# directory and exports DATABASE_URL, REDIS_URL, CACHE_URL and CELERY_BROKER_URL.
#
# Redis requires a password, as in production: a random one per instance, kept in
# $SERVICES_DIR/redis/password (mode 0600) and carried by the Redis URLs
# (redis://:PASSWORD@127.0.0.1:PORT/DB); REDIS_PASSWORD and REDISCLI_AUTH (which redis-cli reads)
# are exported too. A connection without it gets NOAUTH.
#
# Two database roles, as in production (PRODUCTION_DEPLOYMENT.md, "Database roles"):
#   DATABASE_OWNER_URL      strongroom: owns the database and the tables; for migrate,
#                           initial_setup, seed_volume, backups and restores, and for pytest (which
#                           creates its test database)
#   DATABASE_URL            strongroom_app: DML only, for Daphne, the Celery worker and Beat;
#                           made by deploy/postgres/initdb/10-strongroom-roles.sh (as the compose
#                           stack's postgres does) and granted its privileges by `manage.py migrate`
#   STRONGROOM_DB_APP_ROLE  strongroom_app, the role migrate grants to
#
# The default instance is throw-away and fast: fsync, synchronous_commit and full_page_writes off,
# Redis without persistence. A crash of such an instance can lose commits it acknowledged, so a
# fault-injection run would prove nothing. SERVICES_DURABLE=1 starts a durable one instead —
# PostgreSQL with fsync, synchronous_commit and full_page_writes on, Redis with an append-only
# file fsynced every second (as in production) — for scripts/chaos.
#
# Restarting a running pair (the options it was started with are kept in $SERVICES_DIR):
#   services_restart_postgres [immediate|fast] [pause]  stop (immediate: crash-style, the default)
#                                                       and start again on the same port
#   services_restart_redis [graceful|kill] [pause]      SHUTDOWN (graceful, the default) or SIGKILL,
#                                                       then start again on the same port
#   services_stop_postgres / services_start_postgres, services_stop_redis / services_start_redis
#
# An LDAP directory (OpenLDAP's slapd from Debian, for the directory sign-in tests):
#   services_start_ldap   installs slapd and ldap-utils when missing, loads
#                         scripts/ldap/test-directory.ldif into a throw-away slapd on a free
#                         loopback port and exports STRONGROOM_TEST_LDAP_URI, _BASE, _ADMIN_DN and
#                         _ADMIN_PASSWORD (the root DN, random per instance, which the tests use
#                         to change group membership)
#   services_stop_ldap    stops it and removes its directory (services_stop does too)

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_SERVICES_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install $*" >&2; return 1; fi
  if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

services_install() {
  [ -x "$PG_BIN/postgres" ] || _apt_install postgresql-15
  command -v redis-server >/dev/null || _apt_install redis-server
}

# redis-server with the instance's options; the password comes from a configuration file (mode
# 0600), never from the command line, where ps would show it.
_redis_server() {
  local redis_persistence=(--save '' --appendonly no)
  # shellcheck disable=SC1091  # written by services_start
  [ -f "$SERVICES_DIR/redis/persistence" ] && source "$SERVICES_DIR/redis/persistence"
  redis-server "$SERVICES_DIR/redis/redis.conf" --bind 127.0.0.1 --port "$REDIS_PORT" \
    "${redis_persistence[@]}" \
    --dir "$SERVICES_DIR/redis" --daemonize yes --pidfile "$SERVICES_DIR/redis/redis.pid" \
    --logfile "$SERVICES_DIR/redis/log" --maxmemory-policy noeviction
}

# redis-cli authenticated with the instance's password (REDISCLI_AUTH keeps it off the command
# line).
_redis_cli() {
  REDISCLI_AUTH=$(cat "$SERVICES_DIR/redis/password" 2>/dev/null) redis-cli -p "$REDIS_PORT" "$@"
}

services_start() {
  services_install
  SERVICES_DIR=$(mktemp -d /tmp/strongroom-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  export SERVICES_DIR
  PG_PORT=$(_free_port); REDIS_PORT=$(_free_port)
  # The kernel may hand out the port it just freed again: two servers on one port fail.
  while [ "$REDIS_PORT" = "$PG_PORT" ]; do REDIS_PORT=$(_free_port); done
  export PG_PORT REDIS_PORT

  mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/redis"
  [ "$(id -u)" = 0 ] && chown postgres "$SERVICES_DIR/pg"
  local pwfile="$SERVICES_DIR/pg/.pw"
  echo "strongroom" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  _as_postgres "$PG_BIN/initdb" -D "$SERVICES_DIR/pg/data" -U strongroom --pwfile="$pwfile" \
    -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  local pg_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  local redis_persistence=(--save '' --appendonly no)
  if [ "${SERVICES_DURABLE:-0}" = 1 ]; then
    pg_options="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    redis_persistence=(--save '' --appendonly yes --appendfsync everysec)
  fi
  # Kept for services_start_postgres / services_start_redis (restarts on the same port).
  echo "-h 127.0.0.1 -p $PG_PORT -k $SERVICES_DIR/pg $pg_options -c max_connections=200" \
    > "$SERVICES_DIR/pg/start-options"
  declare -p redis_persistence > "$SERVICES_DIR/redis/persistence"
  REDIS_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  (umask 077
   printf '%s\n' "$REDIS_PASSWORD" > "$SERVICES_DIR/redis/password"
   printf 'requirepass %s\n' "$REDIS_PASSWORD" > "$SERVICES_DIR/redis/redis.conf")
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/log" -w -t 60 \
    -o "$(cat "$SERVICES_DIR/pg/start-options")" \
    start >/dev/null
  PGPASSWORD=strongroom "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U strongroom strongroom
  PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGPASSWORD=strongroom PATH="$PG_BIN:$PATH" \
    POSTGRES_USER=strongroom POSTGRES_DB=strongroom \
    STRONGROOM_DB_APP_ROLE=strongroom_app STRONGROOM_DB_APP_PASSWORD=strongroom_app \
    sh "$_SERVICES_ROOT/deploy/postgres/initdb/10-strongroom-roles.sh"

  _redis_server
  for _ in $(seq 1 50); do
    [ "$(_redis_cli ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done

  export DATABASE_URL="postgres://strongroom_app:strongroom_app@127.0.0.1:$PG_PORT/strongroom"
  export DATABASE_OWNER_URL="postgres://strongroom:strongroom@127.0.0.1:$PG_PORT/strongroom"
  export STRONGROOM_DB_APP_ROLE=strongroom_app
  export REDIS_PASSWORD REDISCLI_AUTH="$REDIS_PASSWORD"
  export REDIS_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
  export CELERY_BROKER_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/1"
  export CACHE_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/2"
  export PG_CTL_DATA="$SERVICES_DIR/pg/data"
  local mode="throw-away"
  [ "${SERVICES_DURABLE:-0}" = 1 ] && mode="durable"
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($SERVICES_DIR, $mode)"
}

_services_require_running() {
  if [ -z "${SERVICES_DIR:-}" ] || [ ! -d "$SERVICES_DIR" ] || [ -z "${PG_PORT:-}" ] \
    || [ -z "${REDIS_PORT:-}" ]; then
    echo "SERVICES_DIR, PG_PORT and REDIS_PORT must name a pair started by services_start" >&2
    return 1
  fi
}

services_stop_postgres() {  # [immediate|fast|smart]: immediate is a crash (recovery at start)
  _services_require_running || return 1
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m "${1:-immediate}" -w -t 60 stop \
    >/dev/null
}

services_start_postgres() {
  _services_require_running || return 1
  local options="-h 127.0.0.1 -p $PG_PORT -k $SERVICES_DIR/pg -c max_connections=200"
  [ -f "$SERVICES_DIR/pg/start-options" ] && options=$(cat "$SERVICES_DIR/pg/start-options")
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/log" -w -t 120 \
    -o "$options" start >/dev/null
}

services_restart_postgres() {  # [immediate|fast] [seconds down]
  services_stop_postgres "${1:-immediate}" || return 1
  sleep "${2:-0}"
  services_start_postgres
}

services_stop_redis() {  # [graceful|kill]: graceful is SHUTDOWN (the AOF is flushed), kill SIGKILL
  _services_require_running || return 1
  local pidfile="$SERVICES_DIR/redis/redis.pid" pid=""
  [ -f "$pidfile" ] && pid=$(cat "$pidfile")
  if [ "${1:-graceful}" = kill ]; then
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  else
    _redis_cli shutdown >/dev/null 2>&1 \
      || { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
  fi
  for _ in $(seq 1 100); do
    { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && break
    sleep 0.1
  done
  rm -f "$pidfile"
}

services_start_redis() {
  _services_require_running || return 1
  _redis_server
  for _ in $(seq 1 100); do
    [ "$(_redis_cli ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "redis did not answer on port $REDIS_PORT" >&2
  return 1
}

services_restart_redis() {  # [graceful|kill] [seconds down]
  services_stop_redis "${1:-graceful}" || return 1
  sleep "${2:-0}"
  services_start_redis
}

services_start_ldap() {
  { [ -x /usr/sbin/slapd ] && command -v ldapsearch >/dev/null; } || _apt_install slapd ldap-utils
  LDAP_DIR=$(mktemp -d /tmp/strongroom-ldap.XXXXXX)
  LDAP_PORT=$(_free_port)
  export LDAP_DIR LDAP_PORT
  local base="dc=strongroom,dc=test" admin_password
  admin_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  mkdir -p "$LDAP_DIR/data"
  (umask 077
   cat > "$LDAP_DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $LDAP_DIR/slapd.pid
argsfile $LDAP_DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "$base"
rootdn "cn=admin,$base"
rootpw $admin_password
directory $LDAP_DIR/data
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="cn=strongroom-bind,ou=services,$base" read by * none
CONF
  )
  /usr/sbin/slapadd -q -f "$LDAP_DIR/slapd.conf" -l "$_SERVICES_ROOT/scripts/ldap/test-directory.ldif"
  /usr/sbin/slapd -f "$LDAP_DIR/slapd.conf" -h "ldap://127.0.0.1:$LDAP_PORT/"
  export STRONGROOM_TEST_LDAP_URI="ldap://127.0.0.1:$LDAP_PORT"
  export STRONGROOM_TEST_LDAP_BASE="$base"
  export STRONGROOM_TEST_LDAP_ADMIN_DN="cn=admin,$base"
  export STRONGROOM_TEST_LDAP_ADMIN_PASSWORD="$admin_password"
  for _ in $(seq 1 100); do
    LDAPTLS_REQCERT=never ldapsearch -x -LLL -H "$STRONGROOM_TEST_LDAP_URI" -D "cn=admin,$base" \
      -y <(printf '%s' "$admin_password") -b "$base" -s base dn >/dev/null 2>&1 && {
      echo "slapd on 127.0.0.1:$LDAP_PORT ($LDAP_DIR)"
      return 0
    }
    sleep 0.1
  done
  echo "slapd did not answer on port $LDAP_PORT" >&2
  return 1
}

services_stop_ldap() {
  [ -n "${LDAP_DIR:-}" ] && [ -d "$LDAP_DIR" ] || return 0
  local pid=""
  [ -f "$LDAP_DIR/slapd.pid" ] && pid=$(cat "$LDAP_DIR/slapd.pid")
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$LDAP_DIR"
  unset LDAP_DIR LDAP_PORT STRONGROOM_TEST_LDAP_URI STRONGROOM_TEST_LDAP_BASE \
    STRONGROOM_TEST_LDAP_ADMIN_DN STRONGROOM_TEST_LDAP_ADMIN_PASSWORD
}

services_stop() {
  services_stop_ldap
  [ -n "${SERVICES_DIR:-}" ] && [ -d "$SERVICES_DIR" ] || return 0
  if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
    _redis_cli shutdown nosave >/dev/null 2>&1 || kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$SERVICES_DIR"
  unset SERVICES_DIR DATABASE_URL DATABASE_OWNER_URL STRONGROOM_DB_APP_ROLE REDIS_URL CELERY_BROKER_URL CACHE_URL PG_PORT REDIS_PORT PG_CTL_DATA \
    REDIS_PASSWORD REDISCLI_AUTH
}
