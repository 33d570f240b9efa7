"""Signed checkpoints anchor the audit chain: each attack of a hostile database owner — the
append-only triggers switched off, then rows deleted or rewritten with every hash recomputed —
is detected, and the verification names the event or checkpoint concerned."""

import base64
import json
import os
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.audit import audit_event_record, verify_chain
from strongroom.compliance.audit_keys import signing_key_ensure, signing_public_key
from strongroom.compliance.checkpoints import (
    CheckpointRefusedError,
    audit_checkpoint_create,
    audit_verify,
)
from strongroom.compliance.models import AuditCheckpoint, AuditEvent
from strongroom.compliance.tests.hostile import execute, rewrite_and_rehash

pytestmark = pytest.mark.django_db
DETECTS = ("11.10(a)", "11.10(e)", "A11-7.1", "A11-9")


def _events(count: int) -> list[int]:
    return [audit_event_record(action="test.event", object_id=i).id for i in range(count)]


def _verify_command(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


@pytest.mark.compliance(*DETECTS)
def test_an_intact_chain_with_checkpoints_verifies_and_signs_its_head() -> None:
    _events(3)
    first = audit_checkpoint_create()
    assert (first.id, first.event_count) == (1, 3)
    last = _events(2)[-1]
    report = audit_verify(write_checkpoint=True)
    assert report.intact, report
    assert (report.checked, report.events, report.checkpoints_checked) == (5, 5, 1)
    second = AuditCheckpoint.objects.get(id=report.checkpoint_id)
    assert (second.id, second.last_event_id, second.event_count) == (2, last, 5)
    assert report.key_id == signing_public_key().key_id
    # The head has not moved: no new checkpoint, and both verify.
    assert audit_checkpoint_create().id == 2
    assert "2 checkpoint(s) verified" in _verify_command()


@pytest.mark.compliance("11.10(c)", "11.10(e)", "A11-7.1")
def test_checkpoints_are_append_only() -> None:
    _events(1)
    audit_checkpoint_create()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.update(event_count=0)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.all().delete()


@pytest.mark.compliance(*DETECTS)
def test_deleting_the_newest_events_is_detected() -> None:
    ids = _events(5)
    audit_checkpoint_create()
    execute("DELETE FROM compliance_auditevent WHERE id > %s", [ids[2]])
    assert verify_chain().intact  # the plain chain cannot tell
    report = audit_verify(write_checkpoint=True)
    assert not report.intact
    assert report.first_broken_id is None
    assert report.first_bad_checkpoint_id == 1
    assert f"signed event {ids[4]} but the newest event is {ids[2]}" in report.problem
    assert "newest events were deleted" in report.problem
    assert AuditCheckpoint.objects.count() == 1  # a broken chain's head is never signed
    with pytest.raises(CommandError, match=r"BROKEN at checkpoint 1: .*newest events were deleted"):
        _verify_command()
    # The hourly checkpoint refuses to sign the truncated head.
    with pytest.raises(CheckpointRefusedError):
        audit_checkpoint_create()


@pytest.mark.compliance(*DETECTS)
def test_a_rewritten_and_rehashed_history_is_detected() -> None:
    ids = _events(5)
    audit_checkpoint_create()
    rewrite_and_rehash(ids[1])
    assert AuditEvent.objects.get(id=ids[1]).reason == "rewritten"
    assert verify_chain().intact  # every hash was recomputed: the plain chain cannot tell
    report = audit_verify()
    assert not report.intact
    assert report.first_bad_checkpoint_id == 1
    assert f"history up to event {ids[4]} was rewritten" in report.problem
    with pytest.raises(CommandError, match=r"BROKEN at checkpoint 1: .*rewritten"):
        _verify_command()


@pytest.mark.compliance(*DETECTS)
def test_an_emptied_table_is_detected() -> None:
    _events(4)
    audit_checkpoint_create()
    execute("DELETE FROM compliance_auditevent")
    assert verify_chain().intact
    assert verify_chain().checked == 0
    report = audit_verify()
    assert not report.intact
    assert (report.events, report.first_bad_checkpoint_id) == (0, 1)
    assert "the audit trail is empty but checkpoint 1 signed 4 event(s)" in report.problem


@pytest.mark.compliance(*DETECTS)
def test_a_changed_event_is_named_as_before() -> None:
    ids = _events(3)
    audit_checkpoint_create()
    execute("UPDATE compliance_auditevent SET reason = 'edited' WHERE id = %s", [ids[1]])
    report = audit_verify()
    assert (report.first_broken_id, report.checked) == (ids[1], 1)
    assert report.problem == "content does not match its hash"  # as the plain chain said
    assert report.first_bad_checkpoint_id is None  # the stored hashes are those signed


@pytest.mark.compliance(*DETECTS)
def test_a_forged_checkpoint_is_detected() -> None:
    ids = _events(4)
    audit_checkpoint_create()
    # Rewrite history, then make the checkpoint fit it: its signature no longer verifies.
    rewrite_and_rehash(ids[0])
    new_head = AuditEvent.objects.get(id=ids[3]).hash
    execute("UPDATE compliance_auditcheckpoint SET last_event_hash = %s WHERE id = 1", [new_head])
    report = audit_verify()
    assert report.first_bad_checkpoint_id == 1
    assert "signature does not verify" in report.problem


@pytest.mark.compliance(*DETECTS)
def test_a_checkpoint_signed_with_another_key_is_detected(settings: Any, tmp_path: Path) -> None:
    _events(2)
    audit_checkpoint_create()
    _events(1)
    # The attacker's own key signs a perfectly formed checkpoint 2.
    ours = settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = tmp_path / "attacker.pem"
    signing_key_ensure()
    audit_checkpoint_create()
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = ours
    report = audit_verify()
    assert report.first_bad_checkpoint_id == 2
    assert "not an accepted audit key" in report.problem


@pytest.mark.compliance(*DETECTS)
def test_a_deleted_checkpoint_is_detected() -> None:
    for _ in range(3):
        _events(1)
        audit_checkpoint_create()
    execute("DELETE FROM compliance_auditcheckpoint WHERE id = 2")
    report = audit_verify(write_checkpoint=True)
    assert report.first_bad_checkpoint_id == 2
    assert "checkpoint 2 is missing (the next one is 3)" in report.problem
    assert AuditCheckpoint.objects.count() == 2


@pytest.mark.compliance(*DETECTS)
def test_the_external_copy_catches_a_wiped_database(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STRONGROOM_AUDIT_CHECKPOINT_DIR = str(tmp_path / "worm")
    with django_capture_on_commit_callbacks(execute=True):
        _events(3)
        audit_checkpoint_create()
        _events(1)
        audit_checkpoint_create()
    lines = (tmp_path / "worm" / "audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2]
    assert audit_verify().intact
    # Events and checkpoints gone: the database alone looks like a new installation.
    execute("DELETE FROM compliance_auditcheckpoint")
    execute("DELETE FROM compliance_auditevent")
    report = audit_verify()
    assert not report.intact
    assert report.first_bad_checkpoint_id == 1
    assert "the external copy" in report.problem
    assert "the table was emptied" in report.problem


@pytest.mark.compliance("11.10(b)", *DETECTS)
def test_an_exported_file_catches_a_wiped_database(tmp_path: Path) -> None:
    _events(3)
    audit_checkpoint_create()
    export = tmp_path / "checkpoints.jsonl"
    assert "Exported 1 checkpoint(s)" in _verify_command("--export-checkpoints", str(export))
    header = json.loads(export.read_text().splitlines()[0])
    assert header["public_keys"][0]["pem"] == signing_public_key().pem
    assert "intact" in _verify_command("--no-checkpoint", "--checkpoints", str(export))
    execute("DELETE FROM compliance_auditcheckpoint")
    with pytest.raises(
        CommandError, match=r"checkpoint 1 of the file .* missing from the database"
    ):
        _verify_command("--checkpoints", str(export))
    execute("DELETE FROM compliance_auditevent")
    with pytest.raises(CommandError, match=r"BROKEN at checkpoint 1: .*table was emptied"):
        _verify_command("--checkpoints", str(export))


def _public_key_file(directory: Path) -> Path:
    path = directory / "public.pem"
    path.write_text(signing_public_key().pem)
    return path


@pytest.mark.compliance("11.10(b)", *DETECTS)
def test_an_inspector_verifies_an_exported_file_with_the_public_key_alone(
    tmp_path: Path,
) -> None:
    for _ in range(3):
        _events(2)
        audit_checkpoint_create()
    export = tmp_path / "checkpoints.jsonl"
    _verify_command("--export-checkpoints", str(export))
    public = _public_key_file(tmp_path)
    # The database could be gone: the offline mode reads only the file and the key.
    execute("DELETE FROM compliance_auditcheckpoint")
    out = _verify_command("--checkpoints", str(export), "--public-key", str(public))
    assert f"3 checkpoint(s) signed by key {signing_public_key().key_id}" in out

    # The few lines of docs/AUDIT_TRAIL.md, standard `cryptography` only, on one line.
    key = load_pem_public_key(public.read_bytes())
    line = json.loads(export.read_text().splitlines()[2])
    signature = base64.b64decode(line.pop("signature"))
    message = json.dumps(line, sort_keys=True, separators=(",", ":")).encode()
    key.verify(signature, message)  # type: ignore[union-attr]  # raises if forged

    lines = export.read_text().splitlines()
    tampered = json.loads(lines[2])
    tampered["event_count"] += 1
    lines[2] = json.dumps(tampered)
    export.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"BROKEN at checkpoint 2: .*signature does not verify"):
        _verify_command("--checkpoints", str(export), "--public-key", str(public))
    other = tmp_path / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    lines.pop(2)  # with checkpoint 2 removed, the file fails on numbering instead
    export.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"checkpoint 2 .*is missing"):
        _verify_command("--checkpoints", str(export), "--public-key", str(public))
    with pytest.raises(CommandError, match="not an accepted audit key"):
        _verify_command("--checkpoints", str(export), "--public-key", str(other))


@pytest.mark.compliance(*DETECTS)
def test_key_rotation_keeps_earlier_checkpoints_valid(settings: Any, tmp_path: Path) -> None:
    _events(2)
    audit_checkpoint_create()
    old_public = _public_key_file(tmp_path)
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = tmp_path / "new.pem"
    _, new_key = signing_key_ensure()
    # The new key alone does not accept the old key's checkpoint ...
    report = audit_verify(write_checkpoint=True)
    assert report.first_bad_checkpoint_id == 1
    assert "not an accepted audit key" in report.problem
    # ... with the old public key listed as trusted, both keys' checkpoints verify.
    settings.STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES = [old_public]
    _events(1)
    report = audit_verify(write_checkpoint=True)
    assert report.intact, report
    assert report.key_id == new_key.key_id
    assert AuditCheckpoint.objects.get(id=2).key_id == new_key.key_id
    assert audit_verify().checkpoints_checked == 2


@pytest.mark.compliance("11.10(e)", "A11-7.1", "A11-9")
def test_the_api_reports_checkpoint_problems_and_publishes_the_keys(
    roles_synced: None, api_client_for: Any
) -> None:
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    client = api_client_for(admin)
    keys = client.get("/api/v1/audit-events/public-keys/")
    assert keys.status_code == 200
    assert keys.json() == [
        {"key_id": signing_public_key().key_id, "pem": signing_public_key().pem, "signing": True}
    ]
    ids = _events(3)
    body = client.post("/api/v1/audit-events/verify/").json()
    assert body["intact"] is True
    assert body["checkpoint_id"] == 1
    execute("DELETE FROM compliance_auditevent WHERE id >= %s", [ids[2]])
    body = client.post("/api/v1/audit-events/verify/").json()
    assert body["intact"] is False
    assert body["first_broken_id"] is None
    assert body["first_bad_checkpoint_id"] == 1
    assert "newest events were deleted" in body["problem"]
    recorded = AuditEvent.objects.filter(action="audit.verify").order_by("-id").first()
    assert recorded is not None
    assert recorded.changes["intact"] == [None, False]
    assert "newest events were deleted" in recorded.changes["problem"][1]
    viewer = UserFactory(role_name=roles.UNIT_ADMIN)
    assert api_client_for(viewer).get("/api/v1/audit-events/public-keys/").status_code == 403


@pytest.mark.compliance("11.10(e)", "A11-7.1")
def test_initial_setup_creates_the_key_once_and_prints_the_public_key(
    settings: Any, tmp_path: Path
) -> None:
    path = tmp_path / "keys" / "audit-signing-key.pem"
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = path
    out = StringIO()
    call_command("initial_setup", stdout=out)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    public = signing_public_key()
    assert f"key id {public.key_id}" in out.getvalue()
    assert public.pem.splitlines()[1] in out.getvalue()
    assert "PRIVATE" not in out.getvalue()
    assert AuditEvent.objects.filter(action="audit_key.create").count() == 1
    before = path.read_bytes()
    call_command("initial_setup", stdout=StringIO())
    assert path.read_bytes() == before
    assert AuditEvent.objects.filter(action="audit_key.create").count() == 1


def test_a_missing_key_is_refused_with_a_stable_code(
    settings: Any, tmp_path: Path, roles_synced: None, api_client_for: Any
) -> None:
    settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE = tmp_path / "absent.pem"
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    response = api_client_for(admin).post("/api/v1/audit-events/verify/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit_signing_key_missing"
    with pytest.raises(CommandError, match="initial_setup"):
        _verify_command()


@pytest.mark.compliance("11.10(c)", "11.10(e)")
def test_the_admin_lists_checkpoints_read_only_with_the_public_key(roles_synced: None) -> None:
    from django.test import Client

    admin_user = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR, is_staff=True)
    _events(1)
    checkpoint = audit_checkpoint_create()
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/compliance/auditcheckpoint/")
    assert page.status_code == 200
    text = page.content.decode()
    assert signing_public_key().key_id in text
    assert signing_public_key().pem.splitlines()[1] in text
    url = f"/admin/compliance/auditcheckpoint/{checkpoint.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"event_count": "0"}).status_code == 403
    assert client.get("/admin/compliance/auditcheckpoint/add/").status_code == 403
