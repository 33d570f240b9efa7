"""Signature/record linking (21 CFR 11.70): a signature cannot be copied, re-pointed or altered
without showing invalid — in the API, the request timeline and the destruction certificate — and
each signature is checked against its ``signature.sign`` audit event."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance import immutability
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import (
    CURRENT_SCHEME,
    binding_digest,
    content_digest,
    digest,
)
from strongroom.compliance.models import AuditEvent, Signature, SignatureMeaning
from strongroom.compliance.signing import signature_check, signature_record
from strongroom.records.tests.factories import CrateFactory, DocumentFactory
from strongroom.records.tests.pdf_inspect import pdf_text
from strongroom.requests.certificate import destruction_certificate_pdf
from strongroom.requests.models import Request, RequestType
from strongroom.requests.signable import request_content_legacy
from strongroom.requests.tests.factories import RequestFactory

BINDING = ("11.70", "A11-14")


@pytest.fixture
def approver(roles_synced: None, units: Any) -> Any:
    return UserFactory(
        username="goa1-approver", full_name="Asha Rao", role_name=roles.APPROVER, units=[units[0]]
    )


@pytest.fixture
def two_requests(roles_synced: None, units: Any) -> tuple[Request, Request]:
    return (
        RequestFactory(crate=CrateFactory(unit=units[0]), purpose="Archive batch B-1"),
        RequestFactory(crate=CrateFactory(unit=units[0]), purpose="Archive batch B-1"),
    )


def _fields(signature: Signature) -> dict[str, Any]:
    return {
        f.attname: getattr(signature, f.attname)
        for f in Signature._meta.concrete_fields
        if f.attname != "id"
    }


def _copy(signature: Signature, **changes: Any) -> Signature:
    """What someone with write access to the table can do: INSERT a row (the table refuses
    UPDATE and DELETE, not INSERT)."""
    return Signature.objects.create(**{**_fields(signature), **changes})


def _status(client: Any, signature: Signature) -> tuple[bool, str]:
    body = client.get(f"/api/v1/signatures/{signature.pk}/").json()
    return body["valid"], body["status"]


@contextmanager
def _as_owner() -> Iterator[None]:
    """The table owner takes the append-only triggers off for a moment (inside the test's
    transaction) — the attack that only the audit event cross-check can catch."""
    immutability.uninstall(connection)
    try:
        yield
    finally:
        immutability.install(connection)


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING)
def test_a_signature_copied_onto_another_record_shows_not_bound(
    approver: Any, two_requests: tuple[Request, Request], api_client_for: Any
) -> None:
    signed, other = two_requests  # same purpose, same crate unit: only the identity differs
    signature = signature_record(signer=approver, meaning="APPROVED", request=signed)
    client = api_client_for(approver)
    assert _status(client, signature) == (True, "valid")

    copied = _copy(signature, request_id=other.pk, object_id=str(other.pk))
    assert _status(client, copied) == (False, "not_bound")
    # The other request shows it as invalid, in its signature table and its timeline.
    detail = client.get(f"/api/v1/requests/{other.pk}/").json()
    assert [(s["id"], s["valid"], s["status"]) for s in detail["signatures"]] == [
        (copied.pk, False, "not_bound")
    ]
    shown = [s for e in detail["timeline"] for s in e["signatures"]]
    assert [(s["id"], s["valid"], s["status"]) for s in shown] == [(copied.pk, False, "not_bound")]
    # Only the navigation link re-pointed, the key left alone: not bound either.
    assert _status(client, _copy(signature, request_id=other.pk)) == (False, "not_bound")
    # The digests recomputed for the other record (anyone can hash): no audit event signed it.
    content = content_digest(other)
    forged = _copy(
        signature,
        request_id=other.pk,
        object_id=str(other.pk),
        content_digest=content,
        record_digest=binding_digest(
            signer_id=approver.pk,
            meaning="APPROVED",
            signed_at=signature.signed_at,
            object_type="request",
            object_id=str(other.pk),
            content_digest=content,
        ),
    )
    assert _status(client, forged) == (False, "no_audit_event")
    # The original stays valid.
    assert _status(client, signature) == (True, "valid")


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING)
def test_a_signature_whose_meaning_changed_shows_not_bound(
    approver: Any, two_requests: tuple[Request, Request], api_client_for: Any
) -> None:
    signature = signature_record(signer=approver, meaning="REJECTED", request=two_requests[0])
    client = api_client_for(approver)
    copied = _copy(signature, meaning=SignatureMeaning.APPROVED)
    assert _status(client, copied) == (False, "not_bound")
    with _as_owner():
        Signature.objects.filter(pk=signature.pk).update(meaning=SignatureMeaning.APPROVED)
    assert _status(client, signature) == (False, "not_bound")
    # Even with the digest recomputed, the audit event says it was a rejection.
    with _as_owner():
        Signature.objects.filter(pk=signature.pk).update(
            record_digest=binding_digest(
                signer_id=approver.pk,
                meaning="APPROVED",
                signed_at=signature.signed_at,
                object_type="request",
                object_id=signature.object_id,
                content_digest=signature.content_digest,
            )
        )
    assert _status(client, signature) == (False, "not_bound")


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING)
def test_signer_and_time_are_bound_too(
    approver: Any, two_requests: tuple[Request, Request], units: Any
) -> None:
    signature = signature_record(signer=approver, meaning="APPROVED", request=two_requests[0])
    someone = UserFactory(role_name=roles.APPROVER, units=[units[0]])
    assert signature_check(_copy(signature, signer_id=someone.pk)) == "not_bound"
    later = signature.signed_at + timezone.timedelta(microseconds=1)
    assert signature_check(_copy(signature, signed_at=later)) == "not_bound"


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING)
def test_an_edited_record_shows_record_changed(
    approver: Any, two_requests: tuple[Request, Request], api_client_for: Any
) -> None:
    request = two_requests[0]
    signature = signature_record(signer=approver, meaning="APPROVED", request=request)
    Request.objects.filter(pk=request.pk).update(purpose="Something else entirely")
    assert _status(api_client_for(approver), signature) == (False, "record_changed")


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING, "11.10(e)")
def test_a_signature_without_its_audit_event_shows_no_audit_event(
    approver: Any, two_requests: tuple[Request, Request], api_client_for: Any
) -> None:
    request = two_requests[0]
    signature = signature_record(signer=approver, meaning="APPROVED", request=request)
    # A row made with correct digests but without going through signing: no sign event.
    assert _status(api_client_for(approver), _copy(signature)) == (False, "no_audit_event")
    # A sign event that records another digest does not vouch for the row.
    event = AuditEvent.objects.get(action="signature.sign", object_id=str(request.pk))
    assert event.changes["digest"] == [None, signature.record_digest]
    assert event.changes["signature"] == [None, signature.pk]
    lone = _copy(signature)
    audit_event_record(
        action="signature.sign",
        actor=approver,
        object_type="request",
        object_id=request.pk,
        changes={
            "meaning": [None, "APPROVED"],
            "signature": [None, lone.pk],
            "digest": [None, "0" * 64],
        },
    )
    assert signature_check(lone) == "not_bound"


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING, "11.50")
def test_a_destruction_signature_covers_the_documents_destroyed(approver: Any, units: Any) -> None:
    crate = CrateFactory(unit=units[0])
    first = DocumentFactory(crate=crate, number="BMR-1", title="Batch record tablets")
    DocumentFactory(crate=crate, number="BMR-2")
    request = RequestFactory(crate=crate, type=RequestType.DESTRUCTION, purpose="Retention ended")
    signature = signature_record(signer=approver, meaning="APPROVED", request=request)
    assert signature_check(signature) == "valid"
    extra = DocumentFactory(crate=crate, number="BMR-3")
    assert signature_check(signature) == "record_changed"  # a document added to the list
    extra.delete()
    assert signature_check(signature) == "valid"
    type(first).objects.filter(pk=first.pk).update(title="Batch record syrup")
    assert signature_check(signature) == "record_changed"  # a destroyed document retitled
    type(first).objects.filter(pk=first.pk).update(title="Batch record tablets")
    type(first).objects.filter(pk=first.pk).update(retain_permanently=True, retention_until=None)
    # Scheme 4 leaves the retention to the schedule (checked again at each step of the
    # destruction, traced in the retention history): a scheme-4 signature does not cover it.
    assert signature.scheme == 4
    assert signature_check(signature) == "valid"


def _legacy_signature(request: Request, signer: Any, *, audited: bool = True) -> Signature:
    """A row as migration 0005 leaves a signature made before it: scheme 1, digest of the old
    content only, with the sign event of that time (meaning and signature id, no digest)."""
    signature = Signature.objects.create(
        signer=signer,
        printed_name=signer.full_name,
        meaning="APPROVED",
        signed_at=timezone.now(),
        request=request,
        object_type="request",
        object_id=str(request.pk),
        unit=request.unit,
        scheme=1,
        record_digest=digest(request_content_legacy(request)),
    )
    if audited:
        audit_event_record(
            action="signature.sign",
            actor=signer,
            object_type="request",
            object_id=request.pk,
            unit=request.unit,
            changes={"meaning": [None, "APPROVED"], "signature": [None, signature.pk]},
        )
    return signature


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING)
def test_legacy_scheme_1_signatures_still_verify_the_old_way(
    approver: Any, units: Any, api_client_for: Any
) -> None:
    crate = CrateFactory(unit=units[0])
    DocumentFactory(crate=crate)
    request = RequestFactory(crate=crate, type=RequestType.DESTRUCTION, purpose="Retention ended")
    signature = _legacy_signature(request, approver)
    client = api_client_for(approver)
    body = client.get(f"/api/v1/signatures/{signature.pk}/").json()
    assert (body["valid"], body["status"], body["scheme"]) == (True, "valid", 1)
    assert (signature.object_type, signature.object_id) == ("request", str(request.pk))
    assert signature.unit == request.unit
    assert signature_check(_legacy_signature(request, approver, audited=False)) == (
        "no_audit_event"
    )
    Request.objects.filter(pk=request.pk).update(purpose="Another purpose")
    assert _status(client, signature) == (False, "record_changed")


def _certificate_text(request: Request) -> str:
    # Spaces squeezed; the em dash comes out as WinAnsi's octal escape.
    return pdf_text(destruction_certificate_pdf(request)).replace(" ", "").replace("\\227", "—")


@pytest.mark.django_db
@pytest.mark.compliance(*BINDING, "11.50")
def test_the_certificate_shows_why_a_signature_is_invalid(approver: Any, units: Any) -> None:
    crate = CrateFactory(unit=units[0])
    DocumentFactory(crate=crate, number="BMR-1")
    request = RequestFactory(crate=crate, type=RequestType.DESTRUCTION, purpose="Retention ended")
    signed = signature_record(signer=approver, meaning="APPROVED", request=request)
    _copy(signed, meaning=SignatureMeaning.DESTROYED)  # a copy with another meaning
    _copy(signed)  # a row no signing made
    text = _certificate_text(request)
    assert "yes" in text
    assert "NO—notboundtothisrecord" in text
    assert "NO—noauditevent" in text
    assert "NO—recordchanged" not in text
    DocumentFactory(crate=crate, number="BMR-2")  # the list of documents destroyed changes
    text = _certificate_text(request)
    assert "NO—recordchanged" in text


@pytest.mark.django_db(transaction=True)
@pytest.mark.compliance(*BINDING)
def test_the_migration_carries_existing_signatures_over(roles_synced: None, units: Any) -> None:
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("compliance", "0005_generic_signature")
    before = [d for d in migration.dependencies if d[0] == "compliance"]
    leaves = executor.loader.graph.leaf_nodes()
    request = RequestFactory(crate=CrateFactory(unit=units[1]), purpose="Archive")
    crate = CrateFactory(unit=units[0])
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("compliance", "Signature")
        common = {
            "printed_name": "A Person",
            "meaning": "APPROVED",
            "signed_at": timezone.now(),
            "signer_id": request.requester_id,
        }
        old.objects.create(
            **common, request_id=request.pk, record_digest=digest(request_content_legacy(request))
        )
        old.objects.create(**common, crate_id=crate.pk, record_digest="a" * 64)
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    rows = list(
        Signature.objects.order_by("id").values_list("object_type", "object_id", "unit", "scheme")
    )
    assert rows == [
        ("request", str(request.pk), units[1].pk, 1),
        ("crate", str(crate.pk), units[0].pk, 1),
    ]
    # The table is append-only again.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Signature.objects.update(meaning="REJECTED")
    # New rows default to the newest bound scheme.
    assert Signature._meta.get_field("scheme").default == CURRENT_SCHEME == 4
