"""Project-wide test fixtures."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from strongroom.compliance import immutability


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(autouse=True)
def _append_only_triggers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the audit triggers in place for every test, and out of the way of the flush that
    ends a transactional test on SQLite (SQLite empties tables with DELETE, which the triggers
    refuse; PostgreSQL uses TRUNCATE, which they do not block)."""
    if "_django_db_helper" not in request.fixturenames or not request.node.get_closest_marker(
        "django_db"
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    if connection.vendor != "sqlite":
        yield
        return
    immutability.install(connection)
    yield
    if _is_transactional(request):
        immutability.uninstall(connection)


@pytest.fixture(scope="session", autouse=True)
def _audit_signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throw-away Ed25519 key for the audit checkpoints, never the one under backend/var; no
    external checkpoint copy and no earlier keys unless a test sets them."""
    from django.test import override_settings

    from strongroom.compliance.audit_keys import signing_key_ensure

    path = tmp_path_factory.mktemp("audit-key") / "audit-signing-key.pem"
    with override_settings(
        STRONGROOM_AUDIT_SIGNING_KEY_PEM="",
        STRONGROOM_AUDIT_SIGNING_KEY_FILE=path,
        STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES=[],
        STRONGROOM_AUDIT_CHECKPOINT_DIR="",
    ):
        signing_key_ensure()
        yield path


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Revoked sessions and throttle counters live in the cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def roles_synced(db: None) -> None:
    """The six groups with their permissions, as initial_setup makes them."""
    from strongroom.accounts.setup import roles_sync

    roles_sync()


@pytest.fixture
def api_client_for(roles_synced: None) -> Any:
    """``api_client_for(user)``: an APIClient carrying a fresh session's access token."""
    from rest_framework.test import APIClient

    from strongroom.accounts.tokens import session_tokens_issue

    def make(user: Any) -> Any:
        client = APIClient()
        refresh = session_tokens_issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
        client.refresh_token = str(refresh)  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def units(db: None) -> Any:
    """The two demo units, GOA1 and MUM1."""
    from strongroom.accounts.tests.factories import UnitFactory

    return UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
