"""scripts/lib/pg_env.py: libpq's variables from DATABASE_URL for backup.sh and restore.sh, the
password only in the private pgpass file."""

from pathlib import Path
from types import ModuleType

import pytest

from strongroom.core.testing import script_module


@pytest.fixture(scope="module")
def pg_env() -> ModuleType:
    return script_module("lib.pg_env")


def test_host_port_user_database_and_options(pg_env: ModuleType, tmp_path: Path) -> None:
    url = "postgresql://app%40x:p%3Aw%5Cd@[::1]:6543/strong%20room?sslmode=verify-full&foo=1"
    values = pg_env.pg_env(url, str(tmp_path / "pgpass"))
    assert values == {
        "PGHOST": "::1",
        "PGPORT": "6543",
        "PGUSER": "app@x",
        "PGDATABASE": "strong room",
        "PGSSLMODE": "verify-full",
        "PGPASSFILE": str(tmp_path / "pgpass"),
    }
    # pgpass escapes ":" and "\"; the password is nowhere in the printed variables.
    assert (tmp_path / "pgpass").read_text() == "*:*:*:*:p\\:w\\\\d\n"
    assert not any("p:w" in value for value in values.values())


def test_no_password_no_pgpass_and_a_host_without_port(pg_env: ModuleType, tmp_path: Path) -> None:
    values = pg_env.pg_env("postgres://db.internal/strongroom", str(tmp_path / "pgpass"))
    assert values == {"PGHOST": "db.internal", "PGDATABASE": "strongroom"}
    assert not (tmp_path / "pgpass").exists()


def test_not_a_postgresql_url_is_refused(pg_env: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        pg_env.pg_env("sqlite:///var/db.sqlite3", str(tmp_path / "pgpass"))
