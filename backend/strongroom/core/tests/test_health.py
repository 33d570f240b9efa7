import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings

from strongroom.core import health
from strongroom.core.testing import private_servers, services_bash

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(autouse=True)
def _fresh_readyz() -> Iterator[None]:
    clear = getattr(health, "readyz_cache_clear", lambda: None)
    clear()
    yield
    clear()


def test_healthz_answers_without_touching_anything(client: Client) -> None:
    # No database access is allowed in this test (no django_db mark): healthz must not need it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@override_settings(STRONGROOM_REQUEST_ID_FROM_PROXY=True)
def test_request_id_from_the_proxy_is_echoed(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces\n")
    assert response["X-Request-ID"] != "bad id with spaces\n"


@pytest.mark.django_db
def test_readyz_reports_every_component(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "components": {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
def test_readyz_answers_a_burst_of_probes_from_one_round_of_checks(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, int] = {}

    def counted(name: str, check: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            calls[name] = calls.get(name, 0) + 1
            check()

        return run

    now = [1000.0]
    monkeypatch.setattr(health, "_clock", lambda: now[0], raising=False)
    for name, check in list(health.CHECKS.items()):
        monkeypatch.setitem(health.CHECKS, name, counted(name, check))
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5
    assert calls == {"database": 1, "cache": 1, "channel_layer": 1, "broker": 1}
    now[0] += 2.5  # past the cache period: the next probe checks again
    assert client.get("/readyz").json()["status"] == "ok"
    assert calls == {"database": 2, "cache": 2, "channel_layer": 2, "broker": 2}


@pytest.mark.django_db
def test_readyz_checks_the_database_through_djangos_pooled_connection(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's")
    import psycopg

    def no_fresh_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("readyz opened a connection of its own")

    monkeypatch.setattr(psycopg, "connect", no_fresh_connection)
    response = client.get("/readyz")
    assert response.json()["components"]["database"] == "ok", response.content


@pytest.mark.django_db
def test_schema_admin_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert json.loads(schema.content)["info"]["title"] == "Strongroom API"
    assert client.get("/api/v1/docs/").status_code == 200
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert b"Strongroom administration" in login.content


def test_spa_routes_get_index_html(client: Client, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>Strongroom</title>")
    with override_settings(SPA_DIST_DIR=tmp_path):
        response = client.get("/requests/42")
        assert response.status_code == 200
        assert b"<title>Strongroom</title>" in b"".join(response.streaming_content)
    with override_settings(SPA_DIST_DIR=tmp_path / "missing"):
        assert client.get("/requests/42").status_code == 404


def test_spa_keeps_its_reauthentication_window_and_the_callback_its_opener(
    client: Client, tmp_path: Path
) -> None:
    # Signing by re-authentication: the app's window keeps the handle on the window it opens
    # for the identity provider, and /auth/callback in that window can reach its opener.
    (tmp_path / "index.html").write_text("<!doctype html><title>Strongroom</title>")
    with override_settings(SPA_DIST_DIR=tmp_path):
        page = client.get("/requests/42")
        callback = client.get("/auth/callback", {"code": "c", "state": "s"})
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert callback.status_code == 200
    assert callback.headers["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_unknown_api_paths_are_not_swallowed_by_the_spa(client: Client) -> None:
    assert client.get("/api/v1/nothing-here/").status_code == 404


# --- /readyz against servers that go away ------------------------------------------------------


@pytest.fixture
def private_env() -> Iterator[dict[str, str]]:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL + Redis pass")
    with private_servers() as env:
        yield env


def _readyz(env: dict[str, str]) -> tuple[int, dict]:
    code = (
        "from django.test import Client; import json, sys;"
        "r = Client().get('/readyz'); print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(  # noqa: S603
        [str(REPO / "backend" / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO / "backend",
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
    )
    status, body = result.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_readyz_turns_503_when_postgresql_or_redis_is_down(private_env: dict[str, str]) -> None:
    env = private_env
    assert _readyz(env)[0] == 200

    services_bash("_redis_cli shutdown nosave >/dev/null 2>&1 || true", env)
    status, body = _readyz(env)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["components"]["database"] == "ok"
    for component in ("cache", "channel_layer", "broker"):
        assert body["components"][component].startswith("error"), body

    services_bash(
        '_as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m fast -w stop >/dev/null', env
    )
    status, body = _readyz(env)
    assert status == 503
    assert body["components"]["database"].startswith("error"), body


def test_every_operation_documents_its_error_responses(client: Client) -> None:
    schema = json.loads(
        client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]
    assert len(operations) > 20
    for path, method, operation in operations:
        for status in ("400", "401", "403", "404"):
            assert status in operation["responses"], (method, path, status)
