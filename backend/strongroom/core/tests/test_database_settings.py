import pytest

from config.settings import base


def _tuned(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return base._tune_database(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "strongroom", "OPTIONS": {}}
    )


def test_postgresql_gets_a_pool_a_statement_timeout_and_health_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = _tuned(
        monkeypatch, DATABASE_STATEMENT_TIMEOUT_MS="15000", DATABASE_SSLMODE="require"
    )
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    options = "-c jit=off -c work_mem=16MB -c statement_timeout=15000"
    assert database["OPTIONS"]["options"] == options
    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["ENGINE"] == "strongroom.core.postgresql"  # date-times read in C


def test_pgbouncer_mode_leaves_pooling_to_pgbouncer(monkeypatch: pytest.MonkeyPatch) -> None:
    database = _tuned(monkeypatch, DATABASE_PGBOUNCER="true")
    assert "pool" not in database["OPTIONS"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None


@pytest.mark.django_db
def test_the_statement_timeout_and_no_jit_apply_on_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "16MB"
