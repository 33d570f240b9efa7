"""libpq's PG* variables from DATABASE_URL, for scripts/lib/pg_env.sh (backup.sh, restore.sh).

Prints ``KEY=value`` lines (never the password): the password goes to the private pgpass file
named by the only argument, and ``PGPASSFILE`` points at it.

    python3 scripts/lib/pg_env.py /private/dir/pgpass
"""

import os
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")
# URL query options -> the libpq variable each sets.
OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}


def _pgpass_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def pg_env(database_url: str, passfile: str) -> dict[str, str]:
    """The PG* variables of ``database_url``; writes the password (if any) to ``passfile``."""
    url = urlsplit(database_url)
    if url.scheme not in SCHEMES:
        raise ValueError("DATABASE_URL is not a PostgreSQL URL")
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
    for name, value in parse_qsl(url.query):
        if name in OPTIONS:
            values[OPTIONS[name]] = value
    if password:
        with open(passfile, "w", encoding="utf-8") as pgpass:
            pgpass.write(f"*:*:*:*:{_pgpass_escape(unquote(password))}\n")
        values["PGPASSFILE"] = passfile
    return {key: value for key, value in values.items() if value and "\n" not in value}


def main() -> int:
    if len(sys.argv) != 2:
        sys.stderr.write("usage: pg_env.py PGPASS_PATH\n")
        return 2
    try:
        values = pg_env(os.environ["DATABASE_URL"], sys.argv[1])
    except (KeyError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    for key, value in values.items():
        sys.stdout.write(f"{key}={value}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
