#!/usr/bin/env bash
# The official postgres image's entrypoint, as far as this stack relies on it: started as root,
# it makes PGDATA the postgres user's and re-executes itself as that user (gosu); on an empty
# PGDATA it runs initdb with POSTGRES_USER and POSTGRES_PASSWORD (scram-sha-256 from any
# address, trust on the local socket), creates POSTGRES_DB, and runs
# /docker-entrypoint-initdb.d/* (*.sh executed when executable, sourced otherwise; *.sql and
# *.sql.gz with psql) against a server listening on the socket only; then execs the command.
set -Eeo pipefail

# usage: file_env VAR [DEFAULT] — VAR or VAR_FILE (the contents of that file)
file_env() {
    local var="$1" fileVar="${1}_FILE" def="${2:-}" val="$def"
    if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
        echo >&2 "error: both $var and $fileVar are set (but are exclusive)"
        exit 1
    fi
    if [ "${!var:-}" ]; then
        val="${!var}"
    elif [ "${!fileVar:-}" ]; then
        val="$(< "${!fileVar}")"
    fi
    export "$var"="$val"
    unset "$fileVar"
}

if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
    mkdir -p "$PGDATA"
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    chmod 00700 "$PGDATA"
    mkdir -p /var/run/postgresql
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    chmod 03775 /var/run/postgresql
    exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

process_sql() {
    local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    if [ -n "${POSTGRES_DB:-}" ]; then
        query_runner+=(--dbname "$POSTGRES_DB")
    fi
    PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

if [ "$1" = 'postgres' ]; then
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != 'trust' ]; then
            echo >&2 'Error: Database is uninitialized and superuser password is not specified.'
            echo >&2 '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.'
            exit 1
        fi
        # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS are words, as in the official image
        initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
            ${POSTGRES_INITDB_ARGS:-}
        printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"

        export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
        PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" \
            -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
        if [ "$POSTGRES_DB" != 'postgres' ]; then
            printf 'CREATE DATABASE :"db" ;\n' \
                | POSTGRES_DB='postgres' process_sql --dbname postgres --set db="$POSTGRES_DB"
        fi
        echo
        for f in /docker-entrypoint-initdb.d/*; do
            case "$f" in
                *.sh)
                    if [ -x "$f" ]; then
                        echo "$0: running $f"
                        "$f"
                    else
                        echo "$0: sourcing $f"
                        # shellcheck disable=SC1090
                        . "$f"
                    fi
                    ;;
                *.sql) echo "$0: running $f"; process_sql -f "$f"; echo ;;
                *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | process_sql; echo ;;
                *) echo "$0: ignoring $f" ;;
            esac
        done
        PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
        unset PGPASSWORD
        echo
        echo 'PostgreSQL init process complete; ready for start up.'
        echo
    else
        echo
        echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
        echo
    fi
fi

exec "$@"
