"""What a signature signs: each app declares the canonical content of its signable records.

A signable record type is registered once, from its app's ``AppConfig.ready()``, with
:func:`signable`: the ``object_type`` used in signatures and audit events (``"request"``,
``"crate"``), its model, and a function giving the record's canonical content — *what was signed*
(for a request: its substance, not its workflow progress, so a signature stays valid as the
request moves on and becomes invalid when what was signed changes). Compliance itself imports
no app that owns signable records.

Digest schemes (``Signature.scheme``):

* **1** (legacy): ``record_digest`` = SHA-256 of the record's content only, computed with the
  content function of that time (``legacy_content``).
* **2**: ``content_digest`` = SHA-256 of the content; ``record_digest`` = SHA-256 binding the
  signer id, the meaning, the UTC signing time (ISO, microseconds), the object type and id and
  the content digest. A row copied onto another record, or with another meaning, signer or time,
  no longer recomputes.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from strongroom.compliance.audit import canonical_json

LEGACY_SCHEME = 1
CURRENT_SCHEME = 2

Content = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Signable:
    object_type: str
    model: type[Model]
    content: Content
    legacy_content: Content | None = None
    # The Signature foreign key that also points at records of this type, if any (kept as a
    # navigation link: ``request.signatures``); verification checks it agrees with object_id.
    link: str = ""


_BY_TYPE: dict[str, Signable] = {}


def signable(
    object_type: str,
    *,
    model: type[Model],
    content: Content,
    legacy_content: Content | None = None,
    link: str = "",
) -> None:
    """Declare a signable record type (call it from the owning app's ``AppConfig.ready()``)."""
    entry = Signable(object_type, model, content, legacy_content, link)
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


def content_digest(record: Model, *, scheme: int = CURRENT_SCHEME) -> str:
    """SHA-256 of the record's canonical content as the given scheme defines it."""
    entry = signable_for(record)
    content = entry.content
    if scheme == LEGACY_SCHEME and entry.legacy_content is not None:
        content = entry.legacy_content
    return digest(content(record))


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
) -> str:
    """The scheme-2 ``record_digest``: who signed, what it means, when, which record, what."""
    return digest(
        {
            "scheme": CURRENT_SCHEME,
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
