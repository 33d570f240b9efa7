"""Assertions shared by the apps' tests."""

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import DataError, IntegrityError, models, transaction


def _unique_by_columns(model: type[models.Model], columns: list[str]) -> str:
    """The declared name of ``model``'s unique constraint on exactly ``columns`` (in order), or
    ``"<field> (unique=True)"`` for a field's own uniqueness."""
    names = [
        constraint.name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and [getattr(model._meta.get_field(f), "column", f) for f in constraint.fields] == columns
    ]
    names += [
        f"{f.name} (unique=True)"
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and [f.column] == columns
    ]
    return " or ".join(names) if names else f"unique({', '.join(columns)})"


def violated_constraint(error: IntegrityError, model: type[models.Model]) -> str:
    """Which constraint of ``model`` the database reports ``error`` for: a CHECK or
    UniqueConstraint by its declared name, a field's ``unique=True`` as ``"<field>
    (unique=True)"``. PostgreSQL names the constraint (its own name for a unique column, mapped
    back through its columns); SQLite names CHECK constraints and a unique violation's columns."""
    from django.db import connection

    constraint_name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if constraint_name:  # PostgreSQL
        if any(c.name == constraint_name for c in model._meta.constraints):
            return str(constraint_name)
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
        columns = found.get(constraint_name, {}).get("columns")
        return _unique_by_columns(model, list(columns)) if columns else str(constraint_name)
    message = str(error)
    if match := re.search(r"CHECK constraint failed: (\w+)", message):
        return match[1]
    if match := re.search(r"UNIQUE constraint failed: index '(\w+)'", message):
        return match[1]
    if match := re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", message):
        return _unique_by_columns(model, [c.split(".")[-1] for c in match[1].split(", ")])
    return message


@contextlib.contextmanager
def assert_violates(model: type[models.Model], constraint: str) -> Iterator[None]:
    """The statements in the block must be refused by the database for ``constraint`` of
    ``model`` exactly (see ``violated_constraint``), not merely for some integrity error."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    assert violated_constraint(excinfo.value, model) == constraint, excinfo.value


def assert_update_rejected(instance: models.Model, constraint: str, **changes: Any) -> None:
    """An UPDATE of ``instance`` with ``changes`` must be refused by the database itself
    (QuerySet.update skips model validation) for ``constraint`` exactly: a CHECK or
    UniqueConstraint by its declared name, a field's own uniqueness as ``"<field>
    (unique=True)"``. A value longer than its column is refused by the column's length on
    PostgreSQL before any CHECK runs (a DataError, "string data right truncation"); SQLite has
    no lengths, so there the CHECK must refuse it."""
    model = type(instance)
    with pytest.raises((IntegrityError, DataError)) as excinfo, transaction.atomic():
        model._default_manager.filter(pk=instance.pk).update(**changes)
    error = excinfo.value
    if not isinstance(error, IntegrityError):
        assert getattr(error.__cause__, "sqlstate", None) == "22001", error
        return
    assert violated_constraint(error, model) == constraint, error


SUCCESS = frozenset({200, 201, 204})


@dataclass(frozen=True)
class Endpoint:
    """One API operation and the roles allowed to call it. ``path`` and string values of
    ``data`` may name fixtures' ids in braces: ``/api/v1/users/{target}/``.

    An allowed role must get one of ``ok`` (a success: the data are valid for the call), a
    refused one exactly ``refused`` (403; 404 only where an endpoint hides what the role may not
    see, stated per endpoint). ``data`` may be a callable of the ids (a fresh upload per call);
    ``format`` is the request encoding."""

    method: str
    path: str
    allowed: frozenset[str]
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)
    ok: frozenset[int] = SUCCESS
    refused: int = 403
    format: str = "json"


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def permission_mismatches(
    client: Any, endpoints: list[Endpoint], role: str, ids_for: Callable[[], dict[str, Any]]
) -> list[tuple[str, str, int, str]]:
    """Calls each endpoint as ``client``; returns those whose answer differs from the matrix:
    an allowed role that got anything but the endpoint's success status (a 400, 404 or 500 is
    not "allowed"), or a refused one that got anything but its refusal (exactly 403, or the
    endpoint's stated 404), with the status and the error code. ``ids_for()`` gives fresh ids
    per call."""
    mismatches = []
    for endpoint in endpoints:
        ids = ids_for()
        path = endpoint.path.format(**ids)
        raw = endpoint.data(ids) if callable(endpoint.data) else endpoint.data
        data = {k: _fill(v, ids) for k, v in raw.items()}
        response = getattr(client, endpoint.method)(path, data, format=endpoint.format)
        if role in endpoint.allowed:
            expected = response.status_code in endpoint.ok
        else:
            expected = response.status_code == endpoint.refused
        if not expected:
            body = getattr(response, "data", None)
            error = body.get("error", {}) if isinstance(body, dict) else {}
            code = error.get("code", "") if isinstance(error, dict) else ""
            mismatches.append((endpoint.method, endpoint.path, response.status_code, code))
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
        " CELERY_BROKER_URL SERVICES_DIR PG_PORT REDIS_PORT REDIS_PASSWORD REDISCLI_AUTH"
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
    """Import ``scripts/<name>.py`` (outside the backend package) for a test of its logic, or a
    module of a package under scripts/ (``chaos.checks``, ``lib.stats``), with scripts/ on the
    import path as the scripts themselves have it."""
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[3] / "scripts"
    if (scripts / name.split(".")[0]).is_dir():
        if str(scripts) not in sys.path:
            sys.path.insert(0, str(scripts))
        return importlib.import_module(name)
    path = scripts / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"strongroom_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
