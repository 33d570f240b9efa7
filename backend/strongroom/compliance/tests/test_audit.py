import copy

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from strongroom.accounts.tests.factories import UnitFactory
from strongroom.compliance.audit import GENESIS_HASH, audit_event_record, verify_chain
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.testing import assert_violates
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


def _record_three() -> list[AuditEvent]:
    unit = UnitFactory()
    return [
        audit_event_record(action="unit.create", object_type="unit", object_id=unit.pk, unit=unit),
        audit_event_record(
            action="unit.update",
            object_type="unit",
            object_id=unit.pk,
            changes={"name": ["a", "b"]},
        ),
        audit_event_record(
            action="auth.login_failed", reason="wrong password", ip_address="10.0.0.1"
        ),
    ]


@pytest.mark.compliance("11.10(e)", "A11-7.1", "A11-9")
def test_events_form_a_hash_chain() -> None:
    first, second, third = _record_three()
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain().intact
    assert verify_chain().checked == 3


@pytest.mark.compliance("11.10(a)", "11.10(e)", "A11-7.1", "A11-9")
def test_verification_finds_changed_content() -> None:
    events = _record_three()
    tampered = copy.copy(events[1])
    tampered.changes = {"name": ["a", "c"]}
    report = verify_chain([events[0], tampered, events[2]])
    assert not report.intact
    assert report.first_broken_id == events[1].id
    assert "content" in report.problem


@pytest.mark.compliance("11.10(a)", "11.10(e)", "A11-7.1", "A11-9")
def test_verification_finds_a_removed_event() -> None:
    events = _record_three()
    report = verify_chain([events[0], events[2]])
    assert not report.intact
    assert report.first_broken_id == events[2].id
    assert "link" in report.problem


@pytest.mark.parametrize("model", ["audit", "signature"])
@pytest.mark.compliance("11.10(c)", "11.10(e)", "11.70", "A11-7.1", "A11-9", "A11-14")
def test_the_database_refuses_update_and_delete(model: str, roles_synced: None) -> None:
    if model == "audit":
        row = _record_three()[0]
        changes = {"action": "unit.delete"}
    else:
        request = RequestFactory()
        row = Signature.objects.create(
            signer=request.requester,
            printed_name="A Person",
            meaning=Signature.Meaning.SUBMITTED,
            signed_at=timezone.now(),
            request=request,
            object_type="request",
            object_id=str(request.pk),
            unit=request.unit,
            record_digest="b" * 64,
        )
        changes = {"printed_name": "Someone Else"}
    table = row._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(row)._default_manager.filter(pk=row.pk).update(**changes)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(row)._default_manager.filter(pk=row.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (a constant table name)
    assert type(row)._default_manager.filter(pk=row.pk).exists()


@pytest.mark.compliance("11.70", "A11-14")
def test_signature_constraints(roles_synced: None) -> None:
    request = RequestFactory()
    base = {
        "signer": request.requester,
        "printed_name": "A Person",
        "meaning": Signature.Meaning.APPROVED,
        "signed_at": timezone.now(),
        "record_digest": "c" * 64,
        "object_type": "request",
        "object_id": str(request.pk),
        "unit": request.unit,
    }
    for bad, constraint in (
        ({"request": None, "object_type": "", "object_id": ""}, "signature_signs_one_record"),
        ({"request": request, "crate": request.crate}, "signature_signs_one_record"),
        ({"request": request, "meaning": "LIKED"}, "signature_meaning_valid"),
        ({"request": request, "record_digest": "nope"}, "signature_digest_format"),
        ({"request": request, "printed_name": ""}, "signature_printed_name"),
    ):
        with pytest.raises(DatabaseError, match=constraint), transaction.atomic():
            Signature.objects.create(**{**base, **bad})


@pytest.mark.compliance("11.10(e)")
def test_audit_constraints() -> None:
    event = _record_three()[0]
    # Constraint checks run before the append-only trigger would matter for inserts.
    with assert_violates(AuditEvent, "audit_chain_linear"):
        AuditEvent.objects.create(
            at=timezone.now(), action="x", prev_hash=event.hash, hash="d" * 64
        )  # a second successor of the same event: the chain must stay linear
    with pytest.raises(DatabaseError, match="audit_action_required"), transaction.atomic():
        AuditEvent.objects.create(at=timezone.now(), action="", prev_hash="e" * 64, hash="f" * 64)
    with pytest.raises(DatabaseError, match="audit_hash_format"), transaction.atomic():
        AuditEvent.objects.create(at=timezone.now(), action="x", prev_hash="e" * 64, hash="zz")
