"""The audit trail over HTTP and on the command line: scope, filters, CSV, verification."""

import csv
import io
import itertools
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.audit import audit_event_record, verify_chain
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(roles_synced: None, units):  # type: ignore[no-untyped-def]
    goa, mum = units
    audit_event_record(
        action="crate.update",
        object_type="crate",
        object_id=1,
        unit=goa,
        changes={"description": ["a", "b"]},
    )
    audit_event_record(action="crate.update", object_type="crate", object_id=2, unit=mum)
    audit_event_record(
        action="request.approve",
        object_type="request",
        object_id=3,
        unit=goa,
        reason='=HYPERLINK("http://evil")',
    )
    audit_event_record(action="auth.login_failed")  # no unit
    return goa, mum


@pytest.mark.compliance("11.10(g)")
def test_a_unit_user_reads_only_their_units(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    goa, _ = trail
    viewer = UserFactory(role_name=roles.VIEWER, units=[goa])
    rows = api_client_for(viewer).get("/api/v1/audit-events/").json()["results"]
    assert {r["unit_code"] for r in rows} == {"GOA1"}
    assert len(rows) == 2
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    assert len(api_client_for(admin).get("/api/v1/audit-events/").json()["results"]) >= 4


@pytest.mark.compliance("11.10(g)")
def test_roles_without_the_audit_permission_are_refused(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    manager = UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[trail[0]])
    response = api_client_for(manager).get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.compliance("11.10(e)", "A11-9")
def test_filters(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    client = api_client_for(admin)
    assert len(client.get("/api/v1/audit-events/?action=request.").json()["results"]) == 1
    only_goa = client.get(f"/api/v1/audit-events/?unit={trail[0].pk}").json()["results"]
    assert {r["unit_code"] for r in only_goa} == {"GOA1"}
    by_object = client.get("/api/v1/audit-events/?object_type=crate&object_id=2").json()
    assert [r["object_id"] for r in by_object["results"]] == ["2"]
    future = client.get("/api/v1/audit-events/?at_after=2999-01-01T00:00:00Z").json()
    assert future["results"] == []


@pytest.mark.compliance("11.10(b)", "11.10(e)", "A11-8", "A11-9")
def test_csv_export_neutralises_formulas_and_is_itself_audited(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    response = api_client_for(admin).get("/api/v1/audit-events/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    reasons = [r["reason"] for r in rows if r["action"] == "request.approve"]
    assert reasons == ['\'=HYPERLINK("http://evil")']
    assert AuditEvent.objects.filter(action="audit.export", actor=admin).exists()


def test_csv_export_holds_changes_as_json_in_chain_order(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    response = api_client_for(admin).get("/api/v1/audit-events/?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail-oldest-first.csv"'
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    updated = next(r for r in rows if r["action"] == "crate.update" and r["object_id"] == "1")
    assert json.loads(updated["changes"]) == {"description": ["a", "b"]}
    assert all(isinstance(json.loads(r["changes"]), dict) for r in rows)
    # Oldest first: each row's prev_hash is the hash of the row above, as an inspector checks it.
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))


@pytest.mark.compliance("11.10(g)")
def test_verify_endpoint_is_for_system_administrators(trail, api_client_for) -> None:  # type: ignore[no-untyped-def]
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    report = api_client_for(admin).post("/api/v1/audit-events/verify/")
    assert report.status_code == 200
    assert report.json()["intact"] is True
    unit_admin = UserFactory(role_name=roles.UNIT_ADMIN, units=[trail[0]])
    assert api_client_for(unit_admin).post("/api/v1/audit-events/verify/").status_code == 403


def _tamper(event_id: int) -> None:
    """Change one event's content behind the application's back, as a DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            cursor.execute("ALTER TABLE compliance_auditevent DISABLE TRIGGER USER")
            cursor.execute(
                "UPDATE compliance_auditevent SET reason = 'edited' WHERE id = %s", [event_id]
            )
            cursor.execute("ALTER TABLE compliance_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER compliance_auditevent_no_update")
            cursor.execute(
                "UPDATE compliance_auditevent SET reason = 'edited' WHERE id = %s", [event_id]
            )


@pytest.mark.compliance("11.10(a)", "11.10(e)", "A11-7.1", "A11-9")
def test_verify_audit_chain_finds_tampering_and_names_the_event(trail) -> None:  # type: ignore[no-untyped-def]
    call_command("verify_audit_chain")  # intact: no error
    target = AuditEvent.objects.order_by("id")[1]
    _tamper(target.pk)
    with pytest.raises(CommandError, match=f"BROKEN at event {target.pk}"):
        call_command("verify_audit_chain")


@pytest.mark.django_db(transaction=True)
@pytest.mark.compliance("11.10(e)")
def test_the_chain_stays_linear_under_concurrent_writers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    threads, per_thread = 8, 15
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                audit_event_record(action="test.concurrent", object_id=i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    report = verify_chain()
    assert report.intact
    assert report.checked == threads * per_thread
