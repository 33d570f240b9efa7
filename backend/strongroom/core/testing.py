"""Assertions shared by the apps' tests."""

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import DataError, IntegrityError, models, transaction


def assert_update_rejected(
    instance: models.Model, constraint: str | None = None, **changes: Any
) -> None:
    """An UPDATE of ``instance`` with ``changes`` must be refused by the database itself
    (QuerySet.update skips model validation), naming ``constraint`` when the engine reports it.
    A value longer than its column is a DataError on PostgreSQL (SQLite has no lengths)."""
    with pytest.raises((IntegrityError, DataError)) as excinfo, transaction.atomic():
        type(instance)._default_manager.filter(pk=instance.pk).update(**changes)
    if constraint and isinstance(excinfo.value, IntegrityError):
        message = str(excinfo.value)
        # PostgreSQL and SQLite name CHECK constraints; unique violations name the columns.
        assert constraint in message or "UNIQUE" in message or "unique" in message, message


@dataclass(frozen=True)
class Endpoint:
    """One API operation and the roles allowed to call it. ``path`` and string values of
    ``data`` may name fixtures' ids in braces: ``/api/v1/users/{target}/``."""

    method: str
    path: str
    allowed: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def permission_mismatches(
    client: Any, endpoints: list[Endpoint], role: str, ids_for: Callable[[], dict[str, Any]]
) -> list[tuple[str, str, int]]:
    """Calls each endpoint as ``client``; returns those whose permission verdict (allowed: any
    answer but 401/403) differs from the matrix. ``ids_for()`` gives fresh ids per call."""
    mismatches = []
    for endpoint in endpoints:
        ids = ids_for()
        path = endpoint.path.format(**ids)
        data = {k: _fill(v, ids) for k, v in endpoint.data.items()}
        response = getattr(client, endpoint.method)(path, data, format="json")
        allowed = response.status_code not in (401, 403)
        if allowed != (role in endpoint.allowed):
            mismatches.append((endpoint.method, endpoint.path, response.status_code))
    return mismatches


REPO = Path(__file__).resolve().parents[3]
SERVICES = REPO / "scripts" / "services.sh"


def services_bash(script: str, env: dict[str, str] | None = None) -> str:
    """Run ``script`` in bash with scripts/services.sh sourced; returns its output."""
    result = subprocess.run(  # noqa: S603
        ["/bin/bash", "-c", f"source {SERVICES}; {script}"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return result.stdout


@contextlib.contextmanager
def private_servers() -> Iterator[dict[str, str]]:
    """A PostgreSQL and a Redis of the caller's own (stopping or restoring into them harms no
    other test); yields their environment (DATABASE_URL as the application role, DATABASE_OWNER_URL,
    REDIS_URL, SERVICES_DIR…)."""
    names = (
        "DATABASE_URL DATABASE_OWNER_URL STRONGROOM_DB_APP_ROLE REDIS_URL CACHE_URL"
        " CELERY_BROKER_URL SERVICES_DIR PG_PORT REDIS_PORT"
    )
    out = services_bash(f"services_start >/dev/null && for v in {names}; do echo $v=${{!v}}; done")
    env = dict(line.split("=", 1) for line in out.strip().splitlines())
    try:
        yield env
    finally:
        services_bash("services_stop", env)


def list_request_queries() -> int:
    """Queries an authenticated list request costs: user (with role, permissions and units in
    one query on PostgreSQL — ``user_for_request``) plus the page; two more elsewhere."""
    from django.db import connection

    return 2 if connection.vendor == "postgresql" else 4


def script_module(name: str) -> ModuleType:
    """Import ``scripts/<name>.py`` (outside the backend package) for a test of its logic."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"strongroom_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
