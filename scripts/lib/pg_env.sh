# shellcheck shell=bash
# pg_env_from_database_url: export libpq's PG* variables from DATABASE_URL (read by
# scripts/lib/pg_env.py), with the password in a private pgpass file ($work/pgpass) so that it
# never appears on a command line or in output.
# Sourced by backup.sh and restore.sh, which define die() and $work.
# shellcheck disable=SC2154  # $work comes from the sourcing script

pg_env_from_database_url() {
    [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (or use --compose)"
    command -v python3 >/dev/null || die "python3 is needed to read DATABASE_URL"
    local parsed line key value
    parsed="$(python3 "$(dirname "${BASH_SOURCE[0]}")/pg_env.py" "$work/pgpass")" || exit 1
    while IFS= read -r line; do
        key="${line%%=*}"
        value="${line#*=}"
        case "$key" in
            PGHOST|PGPORT|PGUSER|PGDATABASE|PGSSLMODE|PGSSLROOTCERT|PGSSLCERT|PGSSLKEY|PGCONNECT_TIMEOUT|PGAPPNAME|PGOPTIONS|PGPASSFILE)
                export "$key=$value" ;;
            *) die "unexpected output while reading DATABASE_URL" ;;
        esac
    done <<<"$parsed"
    [ -n "${PGDATABASE:-}" ] || die "DATABASE_URL names no database"
    unset PGPASSWORD
}
