#!/usr/bin/env bash
# Throw-away PostgreSQL 15 and Redis servers on free loopback ports, for tests and benchmarks.
#   source scripts/services.sh; services_start; …; services_stop
# services_start installs what is missing (Debian packages), starts both servers in a temporary
# directory and exports DATABASE_URL, REDIS_URL, CACHE_URL and CELERY_BROKER_URL.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

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

services_start() {
  services_install
  SERVICES_DIR=$(mktemp -d /tmp/strongroom-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  export SERVICES_DIR
  PG_PORT=$(_free_port); REDIS_PORT=$(_free_port)
  export PG_PORT REDIS_PORT

  mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/redis"
  [ "$(id -u)" = 0 ] && chown postgres "$SERVICES_DIR/pg"
  local pwfile="$SERVICES_DIR/pg/.pw"
  echo "strongroom" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  _as_postgres "$PG_BIN/initdb" -D "$SERVICES_DIR/pg/data" -U strongroom --pwfile="$pwfile" \
    -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $SERVICES_DIR/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  PGPASSWORD=strongroom "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U strongroom strongroom

  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$SERVICES_DIR/redis" --daemonize yes --pidfile "$SERVICES_DIR/redis/redis.pid" \
    --logfile "$SERVICES_DIR/redis/log" --maxmemory-policy noeviction
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  export DATABASE_URL="postgres://strongroom:strongroom@127.0.0.1:$PG_PORT/strongroom"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
  export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/2"
  export PG_CTL_DATA="$SERVICES_DIR/pg/data"
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($SERVICES_DIR)"
}

services_stop() {
  [ -n "${SERVICES_DIR:-}" ] && [ -d "$SERVICES_DIR" ] || return 0
  if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$SERVICES_DIR"
  unset SERVICES_DIR DATABASE_URL REDIS_URL CELERY_BROKER_URL CACHE_URL PG_PORT REDIS_PORT PG_CTL_DATA
}
