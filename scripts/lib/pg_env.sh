# shellcheck shell=bash
# pg_env_from_database_url: export libpq's PG* variables from DATABASE_URL, with the password in
# a private pgpass file ($work/pgpass) so that it never appears on a command line or in output.
# Sourced by backup.sh and restore.sh, which define die() and $work.
# shellcheck disable=SC2154  # $work comes from the sourcing script

pg_env_from_database_url() {
    [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (or use --compose)"
    command -v python3 >/dev/null || die "python3 is needed to read DATABASE_URL"
    local parsed line key value
    parsed="$(python3 - "$work/pgpass" <<'PY'
import os
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
    sys.exit("error: DATABASE_URL is not a PostgreSQL URL")
userinfo, _, hostport = url.netloc.rpartition("@")
user, _, password = userinfo.partition(":")
if hostport.startswith("["):
    host, _, rest = hostport[1:].partition("]")
    port = rest[1:] if rest.startswith(":") else ""
elif ":" in hostport:
    host, _, port = hostport.rpartition(":")
else:
    host, port = hostport, ""
values = {
    "PGHOST": unquote(host),
    "PGPORT": port,
    "PGUSER": unquote(user),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
options = {
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME", "options": "PGOPTIONS",
}
for name, value in parse_qsl(url.query):
    if name in options:
        values[options[name]] = value
if password:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace(":", "\\:")
    with open(sys.argv[1], "w", encoding="utf-8") as passfile:
        passfile.write(f"*:*:*:*:{escape(unquote(password))}\n")
    values["PGPASSFILE"] = sys.argv[1]
for key, value in values.items():
    if value and "\n" not in value:
        print(f"{key}={value}")
PY
    )" || exit 1
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
