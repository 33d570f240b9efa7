"""Project-wide test fixtures."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from strongroom.compliance import immutability


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    """As pytest-django decides it: the test ends with a flush instead of a rollback."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    return any(
        name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    ) or bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


# The append-only triggers block the flush that ends a transactional test: SQLite empties tables
# with DELETE (refused by the row triggers), PostgreSQL with TRUNCATE (refused by the TRUNCATE
# guard). Such a test removes what blocks the flush before it, and the next test puts it back
# before its own transaction begins (so it is in place for every test, and costs nothing to the
# tests that follow a test that rolled back).
_flush_unblocked = False


def _flush_blockers_remove() -> None:
    if connection.vendor == "sqlite":
        immutability.uninstall(connection)
    else:
        immutability.truncate_guard_uninstall(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's, plus: the connections of test mirrors (the application role's ``app``
    alias) are closed before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            mirror = connections[alias]
            if mirror.settings_dict["TEST"]["MIRROR"]:
                mirror.close()
                getattr(mirror, "close_pool", lambda: None)()


@pytest.fixture
def _append_only_triggers_restored(django_db_setup: None, django_db_blocker: Any) -> None:
    global _flush_unblocked
    if _flush_unblocked:
        with django_db_blocker.unblock():
            immutability.install(connection)
        _flush_unblocked = False


@pytest.fixture
def _django_db_helper(
    _append_only_triggers_restored: None,
    _django_db_helper: None,
    request: pytest.FixtureRequest,
    django_db_blocker: Any,
) -> Iterator[None]:
    """pytest-django's fixture behind ``db``, ``transactional_db`` and the django_db marker,
    wrapped: the triggers are restored before it begins the test, and moved out of the way of
    its flush after a transactional test."""
    yield
    if _is_transactional(request) and connection.vendor in ("sqlite", "postgresql"):
        global _flush_unblocked
        with django_db_blocker.unblock():
            _flush_blockers_remove()
        _flush_unblocked = True


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
    """``api_client_for(user)``: an APIClient carrying a fresh session's access token.

    The session has already signed once (21 CFR 11.200(a)(1): a continuing session signs with
    the password alone), so tests about other things sign as most signatures of a day are made;
    ``api_client_for(user, signed_before=False)`` is a session whose next signature is its first
    and takes the user ID too (the tests of that rule use it)."""
    from rest_framework.test import APIClient

    from strongroom.accounts.tokens import SESSION_CLAIM, session_tokens_issue
    from strongroom.compliance.signing_session import signing_session_touch

    def make(user: Any, *, signed_before: bool = True) -> Any:
        client = APIClient()
        refresh = session_tokens_issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
        client.refresh_token = str(refresh)  # type: ignore[attr-defined]
        client.session_id = refresh[SESSION_CLAIM]  # type: ignore[attr-defined]
        if signed_before:
            signing_session_touch(session_id=refresh[SESSION_CLAIM])
        return client

    return make


@pytest.fixture
def units(db: None) -> Any:
    """The two demo units, GOA1 and MUM1."""
    from strongroom.accounts.tests.factories import UnitFactory

    return UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
