"""What a signature signs: each app declares the canonical content of its signable records.

A signable record type is registered once, from its app's ``AppConfig.ready()``, with
:func:`signable`: the ``object_type`` used in signatures and audit events (``"request"``,
``"crate"``), its model, and a function giving the record's canonical content — *what was signed*
(for a request: its substance, not its workflow progress, so a signature stays valid as the
request moves on and becomes invalid when what was signed changes). Compliance itself imports
no app that owns signable records.

Digest schemes (``Signature.scheme``). A scheme fixes two things: how the digests are made, and
which version of each record type's content function they are made over. New signatures use the
newest scheme (:data:`CURRENT_SCHEME`); a signature is always verified with the scheme it was made
with, so changing what a record type's content covers means a new scheme number, never an edit of
an old content function.

* **1** (legacy): ``record_digest`` = SHA-256 of the record's content only. Request content of
  that time (``request_content_legacy``).
* **2**: ``content_digest`` = SHA-256 of the content; ``record_digest`` = SHA-256 binding the
  scheme number, the signer id, the meaning, the UTC signing time (ISO, microseconds), the
  object type and id and the content digest. A row copied onto another record, or with another
  meaning, signer or time, no longer recomputes. A destruction's content covers the documents it
  destroys.
* **3**: digests as scheme 2; a storage request's content also covers the document rows of its
  crate (number, title, type, preparation date, retention), so the approver signs the documents
  they see and a correction of a row supersedes the earlier signatures.
* **4**: digests as scheme 2; request and crate content no longer cover the retention the
  retention schedule governs (documents' ``retention_until`` / ``retain_permanently``, a
  crate's ``destroy_after`` / ``retain_permanently``). A signature signs what was asked; the
  schedule changes retention afterwards (a rule approved, an event date recorded), each change
  signed by the rule's approval and traced in the records' retention history.

An earlier scheme's content function (registered in ``earlier_contents``) takes a keyword
``as_of``: a signature's signing time, given when the signature is checked, so that values the
record type keeps a history of (the retention history) are read as they were when it was
signed. The current ``content`` takes the record alone, and so do the digests an edit's audit
event records (current content).

Each signable record type registers its newest content function as ``content`` and, in
``earlier_contents``, the content function an older scheme used where it differs: the function
registered for scheme *k* serves every scheme from the previous registered key + 1 up to *k*
(:func:`content_function`). A type whose content never changed registers ``content`` only.

Superseded signatures: ``supersede_actions`` names the audited actions that edit a record of the
type on purpose (``request.update``). Such an action records, in its audit event,
``content_digest`` = [digests before, digests after] (each a mapping scheme → digest, from
:func:`content_digests`) and ``version`` = [before, after]. A signature whose content digest is
the "before" of such an event, recorded after the signature, was superseded by that version
rather than invalidated (``compliance.signing.signature_check_detail``).
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from strongroom.compliance.audit import canonical_json

LEGACY_SCHEME = 1
CURRENT_SCHEME = 4
SCHEMES = (1, 2, 3, 4)

# ``content(record)``; an earlier scheme's also ``content(record, as_of=signed_at)``.
Content = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Signable:
    object_type: str
    model: type[Model]
    content: Content
    # scheme -> the content function that scheme used, where it differs from ``content``.
    earlier_contents: dict[int, Content] = field(default_factory=dict)
    # The Signature foreign key that also points at records of this type, if any (kept as a
    # navigation link: ``request.signatures``); verification checks it agrees with object_id.
    link: str = ""
    # Audited edit actions whose events record the content digests before and after.
    supersede_actions: tuple[str, ...] = ()


_BY_TYPE: dict[str, Signable] = {}


def signable(
    object_type: str,
    *,
    model: type[Model],
    content: Content,
    earlier_contents: dict[int, Content] | None = None,
    link: str = "",
    supersede_actions: tuple[str, ...] = (),
) -> None:
    """Declare a signable record type (call it from the owning app's ``AppConfig.ready()``)."""
    unknown = set(earlier_contents or {}) - set(SCHEMES[:-1])
    if unknown:
        raise ValueError(f"Earlier content for unknown or current schemes: {sorted(unknown)}.")
    entry = Signable(
        object_type, model, content, dict(earlier_contents or {}), link, supersede_actions
    )
    existing = _BY_TYPE.get(object_type)
    if existing is not None and existing.model is not model:
        raise ValueError(f"{object_type!r} is already signable as {existing.model.__name__}.")
    _BY_TYPE[object_type] = entry


def signable_for_type(object_type: str) -> Signable | None:
    return _BY_TYPE.get(object_type)


def signable_for(record: Model) -> Signable:
    for entry in _BY_TYPE.values():
        if isinstance(record, entry.model):
            return entry
    raise ValueError(f"{type(record).__name__} is not a signable record.")


def signables() -> list[Signable]:
    return list(_BY_TYPE.values())


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def content_function(entry: Signable, scheme: int) -> Content:
    """The content function ``scheme`` used for records of ``entry``'s type."""
    later = [k for k in entry.earlier_contents if k >= scheme]
    return entry.earlier_contents[min(later)] if later else entry.content


def content_digest(
    record: Model, *, scheme: int = CURRENT_SCHEME, as_of: dt.datetime | None = None
) -> str:
    """SHA-256 of the record's canonical content as the given scheme defines it; ``as_of`` (a
    signature's signing time) reaches the content functions of earlier schemes only."""
    entry = signable_for(record)
    function = content_function(entry, scheme)
    if as_of is not None and function is not entry.content:
        return digest(function(record, as_of=as_of))
    return digest(function(record))


def content_digests(record: Model) -> dict[str, str]:
    """The record's current content digest under every scheme (``{"1": …, …, "4": …}``), as an
    edit's audit event records them before and after, so that a signature of any scheme can be
    found superseded. Scheme 1's is the digest its ``record_digest`` holds."""
    entry = signable_for(record)
    digests: dict[str, str] = {}
    computed: dict[int, str] = {}  # one digest per distinct content function
    for scheme in SCHEMES:
        function = content_function(entry, scheme)
        if id(function) not in computed:
            computed[id(function)] = digest(function(record))
        digests[str(scheme)] = computed[id(function)]
    return digests


def utc_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def binding_digest(
    *,
    signer_id: int,
    meaning: str,
    signed_at: dt.datetime,
    object_type: str,
    object_id: str,
    content_digest: str,
    scheme: int = CURRENT_SCHEME,
) -> str:
    """The ``record_digest`` of schemes 2 and later: the scheme, who signed, what it means,
    when, which record, what."""
    return digest(
        {
            "scheme": scheme,
            "signer": signer_id,
            "meaning": str(meaning),
            "signed_at": utc_iso(signed_at),
            "object_type": object_type,
            "object_id": str(object_id),
            "content": content_digest,
        }
    )


def record_digest(*, request: Model | None = None, crate: Model | None = None) -> str:
    """SHA-256 of the content of ``request`` or ``crate`` (current scheme). Kept for callers that
    name the record by its kind; :func:`content_digest` takes any signable record."""
    record = request if request is not None else crate
    if record is None:
        raise ValueError("A signature signs a request or a crate.")
    return content_digest(record)
