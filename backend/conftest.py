"""Project-wide test fixtures."""

from collections.abc import Iterator
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
