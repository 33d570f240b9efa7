"""Signed checkpoints of the audit chain's head, and verification of the chain against them.

The hash chain alone proves that no event was changed *within* what is there: it cannot tell a
complete trail from one whose newest events were deleted, an emptied table, or a history that
was rewritten with every later hash recomputed. A checkpoint anchors the head: the id, hash and
position of the newest event at a moment, signed with an Ed25519 key kept outside the database
(``audit_keys``). Checkpoints are numbered without gaps and each carries the digest of the one
before it, so a forged, altered or deleted checkpoint shows too; and each is also written as one
JSON line to ``STRONGROOM_AUDIT_CHECKPOINT_DIR`` when configured, and can be exported for an
inspector, who checks the file with the public key alone (docs/AUDIT_TRAIL.md).

A checkpoint line is the JSON object of the signed fields plus ``signature``; the signed message
is the canonical JSON (sorted keys, no spaces) of the line without ``signature``.
"""

import base64
import binascii
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from strongroom.compliance.audit import (
    GENESIS_HASH,
    audit_chain_lock,
    canonical_json,
    event_digest,
)
from strongroom.compliance.audit_keys import (
    AuditPublicKey,
    accepted_public_keys,
    public_key_describe,
    signing_key_load,
    signing_public_key,
)
from strongroom.compliance.models import AuditCheckpoint, AuditEvent
from strongroom.core.errors import ApplicationError

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "strongroom-audit-checkpoints/1"
EXTERNAL_FILE_NAME = "audit-checkpoints.jsonl"
SIGNED_FIELDS = (
    "id",
    "created_at",
    "last_event_id",
    "last_event_hash",
    "event_count",
    "prev_digest",
    "key_id",
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --- The signed content -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointRecord:
    """One checkpoint as signed: from the database or from a file line."""

    payload: dict[str, Any]
    signature: str

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def last_event_id(self) -> int:
        return int(self.payload["last_event_id"])

    @property
    def event_count(self) -> int:
        return int(self.payload["event_count"])

    def message(self) -> bytes:
        return canonical_json(self.payload).encode()

    def digest(self) -> str:
        """What the next checkpoint's ``prev_digest`` must be."""
        return hashlib.sha256(self.message()).hexdigest()

    def line(self) -> dict[str, Any]:
        return {**self.payload, "signature": self.signature}


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def checkpoint_record(checkpoint: AuditCheckpoint) -> CheckpointRecord:
    payload = {
        "id": checkpoint.id,
        "created_at": _utc_text(checkpoint.created_at),
        "last_event_id": checkpoint.last_event_id,
        "last_event_hash": checkpoint.last_event_hash,
        "event_count": checkpoint.event_count,
        "prev_digest": checkpoint.prev_digest,
        "key_id": checkpoint.key_id,
    }
    return CheckpointRecord(payload=payload, signature=checkpoint.signature)


def checkpoint_record_parse(line: dict[str, Any], *, where: str) -> CheckpointRecord:
    """A checkpoint line read from a file, its fields' types checked (not its signature)."""
    if not isinstance(line, dict) or set(line) != {*SIGNED_FIELDS, "signature"}:
        raise ApplicationError(
            f"{where}: not a checkpoint line (fields {', '.join(SIGNED_FIELDS)}, signature).",
            code="audit_checkpoint_file_invalid",
        )
    ints_ok = all(
        isinstance(line[name], int) and not isinstance(line[name], bool) and line[name] >= 0
        for name in ("id", "last_event_id", "event_count")
    )
    texts_ok = all(
        isinstance(line[name], str) and _HEX64.match(line[name])
        for name in ("last_event_hash", "prev_digest", "key_id")
    )
    if not (ints_ok and texts_ok and isinstance(line["created_at"], str)):
        raise ApplicationError(
            f"{where}: a checkpoint field has the wrong type or format.",
            code="audit_checkpoint_file_invalid",
        )
    if not isinstance(line["signature"], str):
        raise ApplicationError(
            f"{where}: the signature is not text.", code="audit_checkpoint_file_invalid"
        )
    payload = {name: line[name] for name in SIGNED_FIELDS}
    return CheckpointRecord(payload=payload, signature=line["signature"])


def _signature_valid(record: CheckpointRecord, key: AuditPublicKey) -> bool:
    try:
        signature = base64.b64decode(record.signature, validate=True)
        key.key.verify(signature, record.message())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


# --- Writing ----------------------------------------------------------------------------------


class CheckpointRefusedError(ApplicationError):
    """The chain's head no longer fits the last checkpoint: signing it would bless tampering."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="audit_checkpoint_refused", status_code=409)


def audit_checkpoint_create(*, upto: tuple[int, str] | None = None) -> AuditCheckpoint:
    """Sign the chain's head (or ``upto`` = (event id, hash), a head just verified) as the next
    checkpoint, under the chain's lock so that no event is appended meanwhile.

    First checks, cheaply, that the last checkpoint still holds: its event is there with its hash
    and as many events up to it; otherwise raises CheckpointRefusedError (run the verification).
    When the head has not moved since the last checkpoint, returns that one unchanged.
    """
    key = signing_key_load()
    with transaction.atomic():
        audit_chain_lock()
        previous = AuditCheckpoint.objects.order_by("-id").first()
        if upto is None:
            head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
            head_id, head_hash = head if head else (0, GENESIS_HASH)
        else:
            head_id, head_hash = upto
            stored = AuditEvent.objects.filter(id=head_id).values_list("hash", flat=True).first()
            if head_id and stored != head_hash:
                raise CheckpointRefusedError(
                    f"Event {head_id} changed or disappeared after it was verified."
                )
        since, count = 0, 0
        if previous is not None:
            _previous_still_holds(previous)
            if head_id <= previous.last_event_id:
                return previous  # nothing new (or a later head was signed meanwhile)
            since, count = previous.last_event_id, previous.event_count
        count += AuditEvent.objects.filter(id__gt=since, id__lte=head_id).count()
        prev_digest = checkpoint_record(previous).digest() if previous else GENESIS_HASH
        checkpoint = AuditCheckpoint(
            id=(previous.id + 1) if previous else 1,
            created_at=timezone.now().replace(microsecond=0),
            last_event_id=head_id,
            last_event_hash=head_hash,
            event_count=count,
            prev_digest=prev_digest,
            key_id=public_key_describe(key.public_key()).key_id,
            signature="",
        )
        unsigned = checkpoint_record(checkpoint)
        checkpoint.signature = base64.b64encode(key.sign(unsigned.message())).decode()
        checkpoint.save(force_insert=True)
        line = checkpoint_record(checkpoint).line()
        transaction.on_commit(lambda: _external_append(line))
    return checkpoint


def _previous_still_holds(previous: AuditCheckpoint) -> None:
    if previous.last_event_id == 0:
        return
    stored = (
        AuditEvent.objects.filter(id=previous.last_event_id).values_list("hash", flat=True).first()
    )
    if stored != previous.last_event_hash:
        raise CheckpointRefusedError(
            f"Checkpoint {previous.id}'s event {previous.last_event_id} is missing or changed."
        )
    if AuditEvent.objects.filter(id__lte=previous.last_event_id).count() != previous.event_count:
        raise CheckpointRefusedError(
            f"The number of events up to checkpoint {previous.id}'s event changed."
        )


def _external_path() -> Path | None:
    directory = settings.STRONGROOM_AUDIT_CHECKPOINT_DIR
    return Path(directory) / EXTERNAL_FILE_NAME if directory else None


def _external_append(line: dict[str, Any]) -> None:
    """After commit: append the checkpoint to the copy outside the database. A failure is
    logged, not raised: the checkpoint is in the database and the next one carries its digest."""
    path = _external_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
            handle.flush()
    except OSError:
        logger.exception("audit checkpoint %s: could not append to %s", line["id"], path)


# --- Files ------------------------------------------------------------------------------------


@dataclass
class CheckpointFile:
    checkpoints: list[CheckpointRecord]
    public_keys: list[dict[str, str]] = field(default_factory=list)


def checkpoint_file_read(path: Path) -> CheckpointFile:
    """An exported file or the external copy: JSON lines, an optional header (``format``)."""
    result = CheckpointFile(checkpoints=[])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ApplicationError(
            f"Cannot read {path} ({exc.strerror}).", code="audit_checkpoint_file_invalid"
        ) from exc
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ApplicationError(
                f"{where}: not JSON.", code="audit_checkpoint_file_invalid"
            ) from exc
        if isinstance(data, dict) and "format" in data:
            if data["format"] != EXPORT_FORMAT:
                raise ApplicationError(
                    f"{where}: unknown format {data['format']!r}.",
                    code="audit_checkpoint_file_invalid",
                )
            result.public_keys = list(data.get("public_keys", []))
            continue
        result.checkpoints.append(checkpoint_record_parse(data, where=where))
    return result


def checkpoint_export_lines() -> Iterator[str]:
    """The export for an inspector: a header with the public keys, then one checkpoint a line."""
    keys = accepted_public_keys()
    header = {
        "format": EXPORT_FORMAT,
        "exported_at": _utc_text(timezone.now()),
        "public_keys": [{"key_id": k.key_id, "pem": k.pem} for k in keys.values()],
        "signed_message": "canonical JSON (sorted keys, no spaces) of the line without signature",
    }
    yield json.dumps(header, sort_keys=True)
    for checkpoint in AuditCheckpoint.objects.order_by("id").iterator(chunk_size=2000):
        yield json.dumps(checkpoint_record(checkpoint).line(), sort_keys=True)


# --- Verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditReport:
    """The chain and its checkpoints. ``checked``, ``first_broken_id`` and ``problem`` keep the
    meaning of the plain chain report: intact events before the first broken one, that event, and
    what is wrong (here: with the event or with a checkpoint)."""

    intact: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""
    events: int = 0
    checkpoints_checked: int = 0
    first_bad_checkpoint_id: int | None = None
    checkpoint_problem: str = ""
    checkpoint_id: int | None = None  # the checkpoint this verification wrote, or the last one
    key_id: str = ""


@dataclass(frozen=True)
class _Head:
    """What the events pass learnt: the newest event, and each checkpointed event's hash and
    position (only those: the pass keeps no more than one entry per checkpoint)."""

    last_id: int
    last_hash: str
    total: int
    seen: dict[int, tuple[str, int]]


def _events_pass(wanted: set[int]) -> tuple[_Head, int, int | None, str]:
    expected_prev = GENESIS_HASH
    checked, total = 0, 0
    broken_id: int | None = None
    problem = ""
    last_id, last_hash = 0, GENESIS_HASH
    seen: dict[int, tuple[str, int]] = {}
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        total += 1
        if broken_id is None:
            if event.prev_hash != expected_prev:
                broken_id, problem = event.id, "link to the previous event is broken"
            elif event_digest(event) != event.hash:
                broken_id, problem = event.id, "content does not match its hash"
            else:
                checked += 1
        expected_prev = event.hash
        last_id, last_hash = event.id, event.hash
        if event.id in wanted:
            seen[event.id] = (event.hash, total)
    return _Head(last_id, last_hash, total, seen), checked, broken_id, problem


def _short(value: str) -> str:
    return value[:12] + "…"


def _checkpoint_against_events(record: CheckpointRecord, head: _Head, where: str) -> str:
    event_id, count = record.last_event_id, record.event_count
    name = f"checkpoint {record.id}{where}"
    if event_id == 0:
        return "" if count == 0 else f"{name} records {count} event(s) but no id"
    if event_id in head.seen:
        stored_hash, position = head.seen[event_id]
        if stored_hash != record.payload["last_event_hash"]:
            return (
                f"{name} signed event {event_id} with hash "
                f"{_short(record.payload['last_event_hash'])}, the trail now holds "
                f"{_short(stored_hash)}: the history up to event {event_id} was rewritten"
            )
        if position != count:
            return (
                f"{name} signed {count} event(s) up to event {event_id}, the "
                f"trail now holds {position}: events were "
                f"{'deleted' if position < count else 'inserted'}"
            )
        return ""
    if head.total == 0:
        return (
            f"the audit trail is empty but {name} signed {count} event(s) up to "
            f"event {event_id}: the table was emptied"
        )
    if event_id > head.last_id:
        return (
            f"{name} signed event {event_id} but the newest event is "
            f"{head.last_id}: the newest events were deleted"
        )
    return f"event {event_id} signed by {name} no longer exists: it was deleted"


def _checkpoints_check(
    records: Iterable[CheckpointRecord],
    keys: dict[str, AuditPublicKey],
    head: _Head | None,
    *,
    label: str = "",
    before: dict[int, CheckpointRecord] | None = None,
) -> tuple[int, int | None, str]:
    """Check signatures, numbering, chaining, order and (with ``head``) the events signed.
    Returns how many checkpoints were checked good, and the first bad one's id and problem.

    A copy may begin after checkpoint 1 (the external directory configured later): its first
    line then links to the database's checkpoint before it, taken from ``before``."""
    previous: CheckpointRecord | None = None
    first = True
    good = 0
    where = f" ({label})" if label else ""
    for record in records:
        if first and before is not None and record.id > 1:
            previous = before.get(record.id - 1)
        first = False
        expected_id = previous.id + 1 if previous else 1
        key = keys.get(record.payload["key_id"])
        problem = ""
        bad_id = record.id
        if key is None:
            problem = (
                f"checkpoint {record.id}{where} is signed by key "
                f"{_short(record.payload['key_id'])}, which is not an accepted audit key"
            )
        elif not _signature_valid(record, key):
            problem = (
                f"checkpoint {record.id}{where}: the signature does not verify; the checkpoint "
                "was forged or altered"
            )
        elif record.id != expected_id:
            bad_id = expected_id
            problem = (
                f"checkpoint {expected_id}{where} is missing (the next one is {record.id}): "
                "checkpoints were deleted"
            )
        elif record.payload["prev_digest"] != (previous.digest() if previous else GENESIS_HASH):
            problem = (
                f"checkpoint {record.id}{where} does not follow checkpoint "
                f"{previous.id if previous else 'none'}: a checkpoint was replaced or deleted"
            )
        elif previous and (
            record.last_event_id < previous.last_event_id
            or record.event_count < previous.event_count
        ):
            problem = f"checkpoint {record.id}{where} goes back behind checkpoint {previous.id}"
        elif head is not None:
            problem = _checkpoint_against_events(record, head, where)
        if problem:
            return good, bad_id, problem
        good += 1
        previous = record
    return good, None, ""


def _records_compare(
    file_records: list[CheckpointRecord], db: dict[int, CheckpointRecord], label: str
) -> tuple[int | None, str]:
    for record in file_records:
        stored = db.get(record.id)
        if stored is None:
            return record.id, (
                f"checkpoint {record.id} of {label} is missing from the database: checkpoints "
                "were deleted"
            )
        if stored.line() != record.line():
            return record.id, f"checkpoint {record.id} in the database differs from {label}"
    return None, ""


def audit_verify(
    *,
    checkpoint_files: Iterable[Path] = (),
    write_checkpoint: bool = False,
) -> AuditReport:
    """Recompute the chain and check every checkpoint: in the database, in the external copy
    (``STRONGROOM_AUDIT_CHECKPOINT_DIR``) and in ``checkpoint_files`` (exports), each against the
    events and the files' against the database. With ``write_checkpoint``, an intact chain's
    verified head is signed as a new checkpoint."""
    keys = accepted_public_keys()
    db_records = [checkpoint_record(c) for c in AuditCheckpoint.objects.order_by("id")]
    sources: list[tuple[str, list[CheckpointRecord]]] = []
    external = _external_path()
    if external is not None and external.exists():
        sources.append(
            (f"the external copy {external}", checkpoint_file_read(external).checkpoints)
        )
    for path in checkpoint_files:
        sources.append(
            (f"the file {Path(path).name}", checkpoint_file_read(Path(path)).checkpoints)
        )
    wanted = {r.last_event_id for r in db_records}
    for _, records in sources:
        wanted.update(r.last_event_id for r in records)

    head, checked, broken_id, event_problem = _events_pass(wanted)
    good, bad_id, cp_problem = _checkpoints_check(db_records, keys, head)
    by_id = {r.id: r for r in db_records}
    for label, records in sources:
        if bad_id is not None:
            break
        _, bad_id, cp_problem = _checkpoints_check(records, keys, head, label=label, before=by_id)
        if bad_id is None:
            bad_id, cp_problem = _records_compare(records, by_id, label)

    intact = broken_id is None and bad_id is None
    checkpoint_id = db_records[-1].id if db_records else None
    if intact and write_checkpoint:
        checkpoint_id = audit_checkpoint_create(upto=(head.last_id, head.last_hash)).id
    problems = [
        f"event {broken_id}: {event_problem}" if broken_id is not None else "",
        cp_problem,
    ]
    return AuditReport(
        intact=intact,
        checked=checked,
        first_broken_id=broken_id,
        problem=event_problem if not cp_problem else "; ".join(p for p in problems if p),
        events=head.total,
        checkpoints_checked=good,
        first_bad_checkpoint_id=bad_id,
        checkpoint_problem=cp_problem,
        checkpoint_id=checkpoint_id,
        key_id=_current_key_id(),
    )


def _current_key_id() -> str:
    try:
        return signing_public_key().key_id
    except ApplicationError:
        return ""


def checkpoint_file_verify_offline(
    path: Path, public_keys: Iterable[AuditPublicKey]
) -> tuple[int, int | None, str]:
    """An exported file checked with public keys alone, no database: every line's signature,
    the numbering and the chaining. Returns (good lines, first bad checkpoint id, problem)."""
    keys = {k.key_id: k for k in public_keys}
    records = checkpoint_file_read(path).checkpoints
    if not records:
        raise ApplicationError(
            f"{path.name} holds no checkpoint.", code="audit_checkpoint_file_invalid"
        )
    return _checkpoints_check(records, keys, None, label=path.name)
