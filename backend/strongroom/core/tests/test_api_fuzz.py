"""Schema fuzzing (PRODUCT.md §7 "schema fuzzing: no 5xx"): schemathesis generates requests from
the API's own OpenAPI schema (``/api/v1/schema/``) and sends them in-process, through Django's
WSGI handler, as each of the six roles.

Every answer must be: not a 5xx; a status code the schema documents for the operation; of a
documented content type; a body that matches the documented schema (the error envelope
included); and where a token was sent and the call succeeded, the same call without a token or
with a bad one must be refused (``ignored_auth``). Schema-invalid input must be refused
(``negative_data_rejection``), and methods the schema does not list must get 405.

Checks left out, and why:

* ``positive_data_acceptance``: schema-valid input is often refused by a domain rule the schema
  cannot express (a crate that is not IN_STORAGE, a stale ``version``, a wrong signature
  password); those are 4xx with the error envelope, checked by the checks above.
* ``use_after_free``, ``ensure_resource_availability``, ``object_level_authorization``: they
  need schemathesis's stateful engine; unit scoping has its own exhaustive test
  (test_security_scope.py).

Each example runs in a savepoint that is rolled back, so every example meets the same world
(test_security.world_build): ids in paths are drawn from real objects of both units (and from
the generator's own integers), so the fuzzer reaches the views' real work, not only their 404s.
Operations that end the caller's session (``auth/logout``) get a session of their own per
example. The Hypothesis example database is off and generation is derandomized: a run is
repeatable.

``scripts/fuzz_api.py`` runs this module with many more examples (environment variables
``STRONGROOM_FUZZ_*`` below), for a role or all, within a time budget, and prints the summary.
"""

import json
import os
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation

from strongroom.accounts import roles
from strongroom.accounts.directory import directory_group_mapping_create
from strongroom.accounts.models import AuthSource, DirectoryGroupMapping, Unit, User
from strongroom.accounts.tokens import session_tokens_issue
from strongroom.core.tests.test_security import UnitWorld, World, world_build
from strongroom.inventory.models import InventoryAudit
from strongroom.inventory.services import audit_open
from strongroom.records.models import Crate

MAX_EXAMPLES = int(os.environ.get("STRONGROOM_FUZZ_MAX_EXAMPLES", "4"))
ROLES = [r for r in os.environ.get("STRONGROOM_FUZZ_ROLES", "").split(",") if r] or list(
    roles.ROLES
)
TIME_BUDGET = float(os.environ.get("STRONGROOM_FUZZ_SECONDS", "0"))  # per role; 0: none
REPORT = os.environ.get("STRONGROOM_FUZZ_REPORT", "")
SEED = int(os.environ.get("STRONGROOM_FUZZ_SEED", "0"))

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
    }
)

# Operations that end the caller's session: each example gets a fresh session.
OWN_SESSION = {"POST /api/v1/auth/logout/"}
# Operations not fuzzed at all, with the reason.
EXCLUDED: dict[str, str] = {}


class _RolledBack(Exception):  # noqa: N818 (control flow, not an error)
    pass


class _OutOfTime(Exception):  # noqa: N818 (control flow: the operation's time share is spent)
    pass


@dataclass
class Outcome:
    """What one role's run found."""

    role: str
    operations: int = 0
    calls: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)  # operation -> messages
    skipped: list[str] = field(default_factory=list)
    cut_short: list[str] = field(default_factory=list)  # stopped by the time budget
    seconds: float = 0.0

    def count(self, label: str, status: str) -> None:
        self.calls += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def record(self, label: str, message: str) -> None:
        messages = self.failures.setdefault(label, [])
        if message not in messages and len(messages) < 5:
            messages.append(message)


class _TestWSGIHandler:
    """Django's WSGI handler as a server runs it, except that the test's database connection
    (and so its transaction) survives from request to request, as under Django's own test
    client: ``close_old_connections`` is kept off the request signals during each call."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        signals.request_started.disconnect(close_old_connections)
        try:
            return _KeepConnection(self.handler(environ, start_response))
        finally:
            signals.request_started.connect(close_old_connections)


class _KeepConnection:
    """The response body; closing it (which fires request_finished) keeps the connection."""

    def __init__(self, response: Any) -> None:
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        signals.request_finished.disconnect(close_old_connections)
        try:
            self.response.close()
        finally:
            signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app() -> _TestWSGIHandler:
    return _TestWSGIHandler()


@pytest.fixture
def world(roles_synced: None, units: tuple[Unit, Unit]) -> World:
    return world_build(units)


def object_ids(world: World, caller: User) -> dict[str, list[int]]:
    """Real ids per collection, of both units, for path parameters."""
    from django.contrib.auth.models import Group

    from strongroom.core.tests.test_security_scope import (
        _goa1_document_event,
        _goa1_review,
        _goa1_rule,
        _goa1_service_token,
    )

    goa, mum = world.goa, world.mum
    users = [u.pk for u in (goa.people["target"], goa.user(roles.APPROVER), mum.people["target"])]
    return {
        "users": [pk for pk in users if pk != caller.pk],
        "units": [goa.unit.pk, mum.unit.pk],
        "departments": [goa.department.pk, mum.department.pk],
        "locations": [goa.shelf.pk, goa.room.pk, mum.shelf.pk],
        "crates": [goa.crate.pk, goa.held_crate.pk, goa.free_crate.pk, mum.crate.pk],
        "documents": [goa.document.pk, mum.document.pk],
        "attachments": [goa.attachment.pk, mum.attachment.pk],
        "requests": [goa.withdrawal.pk, goa.destruction.pk, mum.withdrawal.pk],
        "destruction-batches": [goa.batch.pk, mum.batch.pk],
        "audit-events": [goa.audit_event.pk, mum.audit_event.pk],
        "signatures": [goa.signature.pk, mum.signature.pk],
        "roles": list(Group.objects.values_list("pk", flat=True)[:2]),
        "document-types": [world.doc_type.pk],
        "retention-rules": [_goa1_rule(world).pk],
        "document-events": [_goa1_document_event(world).pk],
        "retention-events": [_goa1_document_event(world).event_id],
        "service-tokens": [_goa1_service_token(world).pk],
        "audit-reviews": [_goa1_review(world).pk],
        "inventory-audits": [_inventory_audit(goa).pk, _inventory_audit(mum).pk],
        "directory-group-mappings": [_directory_group_mapping(world).pk],
    }


def _directory_group_mapping(world: World) -> DirectoryGroupMapping:
    """A directory group mapped to GOA1's approvers (made once per world)."""
    from django.contrib.auth.models import Group

    group = "cn=qa-approvers,ou=groups,dc=fuzz,dc=example"
    existing = DirectoryGroupMapping.objects.filter(group=group).first()
    return existing or directory_group_mapping_create(
        actor=world.user(roles.SYSTEM_ADMINISTRATOR),
        source=AuthSource.LDAP,
        group=group,
        role=Group.objects.get(name=roles.APPROVER),
        units=[world.goa.unit],
    )


def _inventory_audit(site: UnitWorld) -> InventoryAudit:
    """An open inventory audit of the site's shelf (made once per world)."""
    existing = InventoryAudit.objects.filter(scope=site.shelf).first()
    return existing or audit_open(actor=site.user(roles.STORE_HEAD), scope_id=site.shelf.pk)


def _strategy(operation: Any, ids: dict[str, list[int]]) -> Any:
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if "{id}" in operation.path:
        collection = operation.path.removeprefix("/api/v1/").split("/")[0]
        assert collection in ids, f"no object ids for {operation.path}: add them to object_ids()"
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
            for pk in ids[collection]
            for mode in modes
        ]
    return st.one_of(strategies)


def fuzz_role(app: Any, world: World, role: str) -> Outcome:
    outcome = Outcome(role=role)
    caller = world.user(role)
    token = str(session_tokens_issue(caller).access_token)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", app, config=CONFIG)
    ids = object_ids(world, caller)
    server_errors: list[str] = []

    def on_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
        server_errors.append(traceback.format_exc())

    signals.got_request_exception.connect(on_exception)
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    try:
        for index, operation in enumerate(operations, start=1):
            label = f"{operation.method.upper()} {operation.path}"
            if label in EXCLUDED:
                outcome.skipped.append(f"{label}: {EXCLUDED[label]}")
                continue
            # With a time budget each operation gets its share (what a fast one leaves over
            # goes to the next), so a long run still reaches every operation.
            until = started + TIME_BUDGET * index / len(operations) if TIME_BUDGET else None
            outcome.operations += 1
            try:
                _fuzz_operation(
                    app, operation, label, ids, token, caller, outcome, server_errors, until
                )
            except _OutOfTime:
                outcome.cut_short.append(label)
    finally:
        signals.got_request_exception.disconnect(on_exception)
        outcome.seconds = time.monotonic() - started
    return outcome


def _fuzz_operation(
    app: Any,
    operation: Any,
    label: str,
    ids: dict[str, list[int]],
    token: str,
    caller: User,
    outcome: Outcome,
    server_errors: list[str],
    until: float | None = None,
) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=not SEED,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, ids))
    def run(case: Any) -> None:
        if until is not None and time.monotonic() > until:
            raise _OutOfTime
        try:
            with transaction.atomic():
                _call_and_check(case, label, token, caller, outcome, server_errors)
                raise _RolledBack
        except _RolledBack:
            pass

    if SEED:
        run = seed(SEED)(run)
    run()


def _call_and_check(
    case: Any, label: str, token: str, caller: User, outcome: Outcome, server_errors: list[str]
) -> None:
    if label in OWN_SESSION:
        token = str(session_tokens_issue(caller).access_token)
    headers = {"Authorization": f"Bearer {token}"}
    if case.headers:  # the caller's token, not a generated one (ignored_auth tries those)
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "authorization"}
    del server_errors[:]
    try:
        response = case.call(headers=headers)
    except Exception:  # a streamed body that fails half-way reaches the server
        outcome.count(label, "exception")
        outcome.record(label, "Exception while answering:\n" + traceback.format_exc()[-3000:])
        return
    outcome.count(label, str(response.status_code))
    try:
        case.validate_response(response, headers=headers, transport_kwargs={"headers": headers})
    except schemathesis.errors.FailureGroup as group:
        curl = case.as_curl_command(headers=headers)
        for failure in group.exceptions:
            if _lenient_query(failure, case):
                continue
            outcome.record(
                label,
                f"{failure.title} (status {response.status_code}): {failure.message}\n{curl}",
            )
        for error in server_errors:
            outcome.record(label, error[-3000:])


def _lenient_query(failure: Any, case: Any) -> bool:
    """A schema-violating case answered 2xx where only the query string or the headers were
    invalid: the API ignores query parameters it does not know and reads paging and format
    leniently, as DRF does (an invalid page size falls back to the default); invalid filter
    values are 400s. Header mutations hit the Authorization header this harness sets itself.
    Invalid bodies and path parameters must always be refused."""
    if not isinstance(failure, AcceptedNegativeData) or case.meta is None:
        return False
    return not any(
        case.meta.is_negative_at(location)
        for location in (ParameterLocation.BODY, ParameterLocation.PATH)
    )


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_what_its_schema_says(role: str, world: World, wsgi_app: Any) -> None:
    outcome = fuzz_role(wsgi_app, world, role)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as report:
            report.write(json.dumps(outcome.__dict__) + "\n")
    problems = "\n\n".join(
        f"{label}:\n  " + "\n  ".join(messages) for label, messages in outcome.failures.items()
    )
    assert not outcome.failures, f"{role}: {len(outcome.failures)} operations failed\n{problems}"
    assert outcome.operations > 70, outcome.skipped
    assert outcome.calls >= outcome.operations, outcome


# --- what the fuzzer found, pinned ------------------------------------------------------------
# Each of these answered a 500, an undocumented status or content type, or a body the schema
# does not describe, before the fix named in its docstring.

HUGE = str(10**40)


@pytest.fixture
def schema(wsgi_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, config=CONFIG)


def _conforms(
    schema: Any,
    world: World,
    method: str,
    path: str,
    *,
    role: str = roles.SYSTEM_ADMINISTRATOR,
    **case: Any,
) -> Any:
    """Call the operation as ``role``; the answer must pass every check of the fuzz test."""
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {session_tokens_issue(world.user(role)).access_token}"}
    made = operation.Case(headers=headers, **case)
    response = made.call()
    made.validate_response(response, headers=headers, transport_kwargs={"headers": headers})
    return response


def _content_type(response: Any) -> str:
    return str(response.headers["content-type"][0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/reports/inventory/", {"unit": HUGE}),
        ("/api/v1/reports/inventory/", {"department": HUGE, "format": "csv"}),
        ("/api/v1/reports/destruction-schedule/", {"location": f"-{HUGE}"}),
        ("/api/v1/reports/activity/", {"unit": HUGE, "format": "csv"}),
        ("/api/v1/reports/overdue/", {"unit": "1.5"}),
        ("/api/v1/locations/", {"parent": HUGE}),
        ("/api/v1/crates/", {"location": HUGE}),
        ("/api/v1/documents/", {"crate": HUGE}),
    ],
)
def test_an_id_filter_out_of_range_is_a_400(
    schema: Any, world: World, path: str, query: dict[str, str]
) -> None:
    """strongroom/core/filters.py IdFilter: a NumberFilter passed 1e40 to the query (SQLite
    OverflowError, a 500; in a CSV export the stream broke off half-way)."""
    response = _conforms(schema, world, "GET", path, query=query)
    assert response.status_code == 400
    assert _content_type(response) == "application/json"


@pytest.mark.django_db
def test_ids_out_of_range_in_bodies_are_a_400(schema: Any, world: World) -> None:
    """Lists of ids went to ``pk__in`` unbounded (labels, mark-read, request documents)."""
    labels = _conforms(
        schema, world, "POST", "/api/v1/crates/labels/", body={"crates": [int(HUGE)]}
    )
    assert labels.status_code == 400
    marked = _conforms(
        schema, world, "POST", "/api/v1/notifications/mark-read/", body={"ids": [int(HUGE)]}
    )
    assert marked.status_code == 400


@pytest.mark.django_db
def test_codes_the_database_refuses_are_a_400(schema: Any, world: World) -> None:
    """accounts/serializers.py: a code outside the database's CHECK constraint passed
    validation and broke the constraint (IntegrityError, a 500)."""
    for code in ("G", "GOA 2", "ÄÖ12", "GOA-1", "GOA1GOA1GOA1"):
        response = _conforms(
            schema, world, "POST", "/api/v1/units/", body={"code": code, "name": "Plant"}
        )
        assert response.status_code == 400, code
        assert "code" in response.json()["error"]["details"]
    response = _conforms(
        schema,
        world,
        "PATCH",
        "/api/v1/departments/{id}/",
        path_parameters={"id": world.goa.department.pk},
        body={"code": "Q A"},
    )
    assert response.status_code == 400
    taken = _conforms(schema, world, "POST", "/api/v1/units/", body={"code": "GOA1", "name": "X"})
    assert taken.status_code == 400


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_number_is_404(schema: Any, world: World) -> None:
    """requests/api.py: ``int(pk)`` of a path segment like ``Òê`` raised ValueError (a 500)."""
    for pk in ("abc", "Òê", "1.5"):
        response = _conforms(
            schema, world, "GET", "/api/v1/requests/{id}/", path_parameters={"id": pk}
        )
        assert response.status_code == 404, pk


@pytest.mark.django_db
def test_empty_optional_fields_match_the_schema(schema: Any, world: World) -> None:
    """Fields that are null for some rows (a crate not on a shelf, a request without witness,
    an audit event without unit) were documented as non-null strings."""
    pending = Crate.objects.filter(pk=world.goa.free_crate.pk)
    pending.update(status=Crate.Status.PENDING, location=None, last_location=None)
    _conforms(schema, world, "GET", "/api/v1/crates/")
    _conforms(schema, world, "GET", "/api/v1/documents/")
    _conforms(
        schema,
        world,
        "GET",
        "/api/v1/requests/{id}/",
        path_parameters={"id": world.goa.withdrawal.pk},
    )
    _conforms(schema, world, "GET", "/api/v1/audit-events/")
    _conforms(schema, world, "GET", "/api/v1/notifications/", role=roles.APPROVER)
    _conforms(schema, world, "GET", "/api/v1/auth/me/")


@pytest.mark.django_db
def test_answers_the_schema_did_not_document(schema: Any, world: World) -> None:
    """The 410 of the events replay, a 409 on a stale edit, a 415 for a form body, the scan's
    own content type, and JSON (not a Python repr as text/csv) for an audit event asked as
    CSV."""
    gone = _conforms(schema, world, "GET", "/api/v1/events/", query={"after": 10**9})
    assert gone.status_code == 410
    stale = _conforms(
        schema,
        world,
        "PATCH",
        "/api/v1/locations/{id}/",
        path_parameters={"id": world.goa.spare_shelf.pk},
        body={"version": 99, "name": "x"},
    )
    assert stale.status_code == 409
    form = _conforms(
        schema,
        world,
        "POST",
        "/api/v1/units/",
        body={"code": "PUN1", "name": "Pune"},
        media_type="multipart/form-data",
    )
    assert form.status_code == 415
    scan = _conforms(
        schema,
        world,
        "GET",
        "/api/v1/attachments/{id}/download/",
        path_parameters={"id": world.goa.attachment.pk},
    )
    assert _content_type(scan) == "application/pdf"
    event = _conforms(
        schema,
        world,
        "GET",
        "/api/v1/audit-events/{id}/",
        path_parameters={"id": world.goa.audit_event.pk},
        query={"format": "csv"},
    )
    assert _content_type(event) == "application/json"


@pytest.mark.django_db
def test_a_users_units_filter_out_of_range_is_a_400(schema: Any, world: World) -> None:
    """core/filters.py IdsFilter: ``?units=<1e40>`` went to ``pk IN (…)`` (a 500); found by
    scripts/fuzz_api.py."""
    response = _conforms(schema, world, "GET", "/api/v1/users/", query={"units": [HUGE]})
    assert response.status_code == 400
    only_goa = _conforms(
        schema, world, "GET", "/api/v1/users/", query={"units": [world.goa.unit.pk]}
    )
    assert {"GOA1"} == {code for row in only_goa.json()["results"] for code in row["unit_codes"]}


@pytest.mark.django_db
def test_documents_csv_with_a_unit_that_is_not_a_number_is_a_400(schema: Any, world: World) -> None:
    """requests/api.py documents_csv: ``unit`` went to ``filter(pk=…)`` unparsed (ValueError,
    a 500); found by scripts/fuzz_api.py."""
    for unit in ("abc", '{"a": 1}', HUGE):
        response = _conforms(
            schema,
            world,
            "POST",
            "/api/v1/requests/documents-csv/",
            role=roles.DOCUMENT_MANAGER,
            body={"unit": unit, "file": b"number,title\n"},
            media_type="multipart/form-data",
        )
        assert response.status_code == 400, unit
        assert response.json()["error"]["code"] == "csv_required"
