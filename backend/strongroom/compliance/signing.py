"""Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200).

Every signed action goes through :func:`signed_change`::

    with signed_change(http_request=..., signer=actor, password=..., meaning=...,
                       object_type="crate", object_id=crate.pk, unit=crate.unit) as change:
        crate = change.lock(Crate.objects.all(), pk=crate.pk, version=version, what="crate")
        ...  # rules, then the change itself
        change.audit(action="crate.hold_place", changes={...}, reason=reason)

1. :func:`signature_verify`, **before** the transaction: the password is checked again (a token
   alone never signs) through django-axes, so wrong passwords count towards the lockout; the
   first signature of a continuous session also takes the user ID (21 CFR 11.200(a)(1),
   :mod:`strongroom.compliance.signing_session`). A failure is audited and committed on its own,
   then the action is refused — the audit entry must survive the refusal.
2. In one transaction: the record is locked and its version checked, the rules pass and the
   change is made; then the Signature row (printed name, meaning, UTC time, digests) and its
   ``signature.sign`` audit event, then the action's audit event.

Validity (:func:`signature_check`): the digest must recompute from the signature's own fields and
the record's current content (for a signature of an earlier scheme, with the values its record
type keeps a history of as they were at the signing time: ``as_of``, compliance.canonical), the
navigation link must agree with the object id, and the signature must have its
``signature.sign`` audit event (same signer, meaning, object, signature id and digest). A
signature whose content no longer matches is *superseded* when the audit trail shows an audited
edit (an action the record type declares in ``supersede_actions``), recorded after the
signature's sign event, whose "before" content digest is the one the signature signed
(:func:`signature_check_detail` also gives the version it was superseded by); otherwise the
record was changed outside such an edit and the signature is invalid (``record_changed``).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Unit, User
from strongroom.accounts.oidc import reauthentication_consume, signing_password_check
from strongroom.accounts.selectors import signing_method
from strongroom.accounts.services import (
    SignatureFailure,
    credentials_check,
    credentials_locked_refuse,
    credentials_refuse,
    reauthentication_refuse,
    signature_failure_record,
)
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import (
    CURRENT_SCHEME,
    LEGACY_SCHEME,
    SCHEMES,
    binding_digest,
    content_digest,
    signable_for,
    signable_for_type,
    signables,
)
from strongroom.compliance.models import AuditEvent, Signature, SignatureMeaning
from strongroom.compliance.signing_session import (
    signing_session_id,
    signing_session_touch,
    signing_session_username_required,
)
from strongroom.core.errors import ApplicationError, version_check

M = TypeVar("M", bound=Model)


def signature_verify(
    *,
    http_request: HttpRequest,
    signer: User,
    password: str,
    meaning: SignatureMeaning,
    object_type: str,
    object_id: object,
    unit: Unit | None = None,
    username: str = "",
    actor: User | None = None,
    reauthentication: str = "",
    reauthentication_allowed: bool = True,
) -> None:
    """Check the signer's identification components (21 CFR 11.200(a)).

    How depends on the signer (:func:`~strongroom.accounts.selectors.signing_method`): their
    password (local and directory accounts, checked again through the same backends as a
    sign-in), a ``reauthentication`` ticket (users of the identity provider: a fresh login
    there for exactly this request, :mod:`strongroom.accounts.oidc`), or their signing password.
    ``reauthentication_allowed`` is False where the signer is not at the keyboard (a witness):
    a federated witness then signs with a signing password.

    ``username`` is the user ID typed with the signature: required for the first signature of
    a continuous session (:mod:`strongroom.compliance.signing_session`) and, when given, always
    the signer's own. ``actor`` is who is at the keyboard when that is not the signer (a
    destruction's witness signs in the executor's session): a failure is audited as theirs,
    naming the signer.
    """
    session_id = signing_session_id(http_request=http_request, signer=signer)
    method = signing_method(signer)
    if method == "reauthenticate" and reauthentication_allowed:
        _reauthentication_verify(
            http_request=http_request,
            signer=signer,
            ticket=reauthentication,
            meaning=meaning,
            object_type=object_type,
            object_id=object_id,
            unit=unit,
            actor=actor,
        )
        signing_session_touch(session_id=session_id)
        return
    typed_username = (username or "").strip()
    username_missing = not typed_username and signing_session_username_required(
        session_id=session_id
    )
    if not password:
        raise ApplicationError(
            "Your password is required to sign.",
            code="signature_required",
            details={
                "signature": {
                    "password": ["Required."],
                    **({"username": ["Required."]} if username_missing else {}),
                }
            },
        )
    if username_missing:
        raise ApplicationError(
            "Your user ID and password are required for the first signature of a session.",
            code="signature_username_required",
            details={"signature": {"username": ["Required."]}},
        )
    wrong_username = bool(typed_username) and typed_username.casefold() != (
        signer.username.casefold()
    )
    try:
        if wrong_username:
            credentials_refuse(request=http_request, username=signer.username)
        if method == "password":
            credentials_check(request=http_request, username=signer.username, password=password)
        else:
            signing_password_check(request=http_request, user=signer, password=password)
    except ApplicationError as exc:
        signature_failure_record(
            failure=SignatureFailure(
                signer=signer,
                reason="wrong_username"
                if wrong_username and exc.code != "account_locked"
                else exc.code,
                object_type=object_type,
                object_id=object_id,
                changes={
                    "meaning": [None, str(meaning)],
                    **({"signer": [None, signer.username]} if actor is not None else {}),
                    **({"username": [None, typed_username[:150]]} if wrong_username else {}),
                },
                actor=actor,
                unit=unit,
            )
        )
        if exc.code == "account_locked" or exc.code.startswith("directory_"):
            raise  # locked, or the directory refused or could not be reached: said as such
        if wrong_username:
            raise ApplicationError(
                "The user ID is not yours; nothing was changed.",
                code="signature_invalid",
                status_code=status.HTTP_403_FORBIDDEN,
                details={"signature": {"username": ["Not your user ID."]}},
            ) from exc
        raise ApplicationError(
            "The signature password is wrong; nothing was changed.",
            code="signature_invalid",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"signature": {"password": ["Wrong password."]}},
        ) from exc
    signing_session_touch(session_id=session_id)


def _reauthentication_verify(
    *,
    http_request: HttpRequest,
    signer: User,
    ticket: str,
    meaning: SignatureMeaning,
    object_type: str,
    object_id: object,
    unit: Unit | None,
    actor: User | None,
) -> None:
    credentials_locked_refuse(request=http_request, username=signer.username)
    if not ticket:
        raise ApplicationError(
            "Confirm your identity with the sign-in provider to sign.",
            code="signature_required",
            details={"signature": {"reauthentication": ["Required."]}},
        )
    if reauthentication_consume(
        signer=signer, ticket=ticket, method=http_request.method or "", path=http_request.path
    ):
        return
    reauthentication_refuse(
        request=http_request,
        failure=SignatureFailure(
            signer=signer,
            reason="reauthentication_invalid",
            object_type=object_type,
            object_id=object_id,
            changes={"meaning": [None, str(meaning)]},
            actor=actor,
            unit=unit,
        ),
        error=ApplicationError(
            "The identity confirmation is used, expired or for another action; confirm again. "
            "Nothing was changed.",
            code="signature_invalid",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"signature": {"reauthentication": ["Not valid for this action."]}},
        ),
    )


def signature_record(
    *,
    signer: User,
    meaning: SignatureMeaning | str,
    record: Model | None = None,
    reason: str = "",
    request: Model | None = None,
    crate: Model | None = None,
) -> Signature:
    """Sign ``record`` (any declared signable record; ``request=`` / ``crate=`` name it by kind)
    as it is now, with its ``signature.sign`` audit event. Call it inside the transaction that
    made the change (normally through :func:`signed_change`)."""
    target = record or request or crate
    if target is None:
        raise ValueError("A signature signs a record.")
    entry = signable_for(target)
    object_id = str(target.pk)
    signed_at = timezone.now()
    content = content_digest(target)
    unit = getattr(target, "unit", None)
    signature = Signature.objects.create(
        signer=signer,
        printed_name=signer.full_name or signer.username,
        meaning=meaning,
        signed_at=signed_at,
        reason=reason,
        object_type=entry.object_type,
        object_id=object_id,
        unit=unit if isinstance(unit, Unit) else None,
        scheme=CURRENT_SCHEME,
        content_digest=content,
        record_digest=binding_digest(
            signer_id=signer.pk,
            meaning=meaning,
            signed_at=signed_at,
            object_type=entry.object_type,
            object_id=object_id,
            content_digest=content,
        ),
        **({entry.link: target} if entry.link else {}),
    )
    audit_event_record(
        action="signature.sign",
        actor=signer,
        object_type=entry.object_type,
        object_id=object_id,
        unit=signature.unit,
        changes={
            "meaning": [None, str(meaning)],
            "signature": [None, signature.pk],
            "digest": [None, signature.record_digest],
            "scheme": [None, signature.scheme],
        },
        reason=reason,
    )
    return signature


# --- Validity ---------------------------------------------------------------------------------

VALID = "valid"
SUPERSEDED = "superseded"
RECORD_CHANGED = "record_changed"
NOT_BOUND = "not_bound"
NO_AUDIT_EVENT = "no_audit_event"
STATUSES = {
    VALID: "Valid",
    SUPERSEDED: "Superseded by a later version",
    RECORD_CHANGED: "Invalid — record changed outside an audited edit",
    NOT_BOUND: "Invalid — not bound to this record (copied, re-pointed or altered)",
    NO_AUDIT_EVENT: "Invalid — no matching audit event",
}
STATUS_CHOICES = list(STATUSES.items())


@dataclass
class SignatureCheckCache:
    """Shared by the checks of several signatures of the same records (one request's
    signatures): each record's content and sign events are read once."""

    records: dict[tuple[str, str], Model | None] = field(default_factory=dict)
    contents: dict[tuple[str, str, int, Any], str] = field(default_factory=dict)
    events: dict[tuple[str, str], dict[Any, AuditEvent]] = field(default_factory=dict)
    edits: dict[tuple[str, str], list[AuditEvent]] = field(default_factory=dict)
    results: dict[int, tuple[str, int | None]] = field(default_factory=dict)


def _record(signature: Signature, cache: SignatureCheckCache) -> Model | None:
    key = (signature.object_type, signature.object_id)
    if key not in cache.records:
        entry = signable_for_type(signature.object_type)
        record = None
        if entry is not None:
            linked = signature._state.fields_cache.get(entry.link) if entry.link else None
            if isinstance(linked, entry.model) and str(linked.pk) == signature.object_id:
                record = linked  # already loaded (a request's prefetched signatures)
            else:
                try:
                    record = entry.model._default_manager.filter(pk=signature.object_id).first()
                except (ValueError, ValidationError):  # an object id of the wrong form
                    record = None
        cache.records[key] = record
    return cache.records[key]


def _content(signature: Signature, record: Model, cache: SignatureCheckCache) -> str:
    """The record's content as the signature's scheme defines it; for an earlier scheme, with
    the values it keeps a history of as they were at the signing time (compliance.canonical)."""
    earlier = signature.scheme < CURRENT_SCHEME
    as_of = signature.signed_at if earlier else None
    key = (signature.object_type, signature.object_id, signature.scheme, as_of)
    if key not in cache.contents:
        cache.contents[key] = content_digest(record, scheme=signature.scheme, as_of=as_of)
    return cache.contents[key]


def _sign_event(signature: Signature, cache: SignatureCheckCache) -> AuditEvent | None:
    key = (signature.object_type, signature.object_id)
    if key not in cache.events:
        events = AuditEvent.objects.filter(
            action="signature.sign",
            object_type=signature.object_type,
            object_id=signature.object_id,
        ).order_by("id")
        by_signature: dict[Any, AuditEvent] = {}
        for event in events:
            signed = (event.changes or {}).get("signature")
            if isinstance(signed, list) and len(signed) == 2:
                by_signature.setdefault(signed[1], event)
        cache.events[key] = by_signature
    return cache.events[key].get(signature.pk)


def _event_agrees(event: AuditEvent, signature: Signature) -> bool:
    changes = event.changes or {}
    meaning = changes.get("meaning")
    agrees = (
        event.actor_id == signature.signer_id
        and isinstance(meaning, list)
        and meaning[-1] == signature.meaning
    )
    if signature.scheme != LEGACY_SCHEME:
        recorded = changes.get("digest")
        agrees = agrees and isinstance(recorded, list) and recorded[-1] == signature.record_digest
    return agrees


def _link_agrees(signature: Signature) -> bool:
    """A navigation link, when set, points at the very record the signature is keyed by."""
    for entry in signables():
        linked_id = getattr(signature, f"{entry.link}_id", None) if entry.link else None
        if linked_id is not None and (
            entry.object_type != signature.object_type or str(linked_id) != signature.object_id
        ):
            return False
    return True


def _edit_events(signature: Signature, cache: SignatureCheckCache) -> list[AuditEvent]:
    """The audited edits of the signature's record (one query per record)."""
    key = (signature.object_type, signature.object_id)
    if key not in cache.edits:
        entry = signable_for_type(signature.object_type)
        actions = entry.supersede_actions if entry is not None else ()
        cache.edits[key] = (
            list(
                AuditEvent.objects.filter(
                    action__in=actions,
                    object_type=signature.object_type,
                    object_id=signature.object_id,
                ).order_by("id")
            )
            if actions
            else []
        )
    return cache.edits[key]


def _superseded_by(
    signature: Signature, sign_event: AuditEvent, signed_content: str, cache: SignatureCheckCache
) -> int | None:
    """The version of the first audited edit after the signature that replaced the content it
    signed, or None. The digests come from the chained audit trail, not from a field anyone
    could set on the record."""
    for event in _edit_events(signature, cache):
        if event.pk <= sign_event.pk:
            continue
        changes = event.changes or {}
        digests, version = changes.get("content_digest"), changes.get("version")
        if not (isinstance(digests, list) and len(digests) == 2 and isinstance(digests[0], dict)):
            continue
        scheme = str(signature.scheme)
        if not isinstance(digests[1], dict) or digests[0].get(scheme) != signed_content:
            continue
        if digests[1].get(scheme) == signed_content:
            continue  # an edit of what this scheme does not cover: not the one that replaced it
        if isinstance(version, list) and len(version) == 2 and isinstance(version[1], int):
            return version[1]
    return None


def signature_check(signature: Signature, *, cache: SignatureCheckCache | None = None) -> str:
    """The signature's validity: one of :data:`STATUSES`."""
    return signature_check_detail(signature, cache=cache)[0]


def signature_check_detail(
    signature: Signature, *, cache: SignatureCheckCache | None = None
) -> tuple[str, int | None]:
    """``(status, superseded_by_version)``: the validity as :func:`signature_check` gives it, and
    for a superseded signature the version of the record that superseded it (else None)."""
    cache = cache if cache is not None else SignatureCheckCache()
    if signature.pk in cache.results:
        return cache.results[signature.pk]
    result = _signature_check(signature, cache)
    cache.results[signature.pk] = result
    return result


def _signature_check(signature: Signature, cache: SignatureCheckCache) -> tuple[str, int | None]:
    if not _link_agrees(signature) or signature.scheme not in SCHEMES:
        return NOT_BOUND, None
    if signature.scheme != LEGACY_SCHEME:
        bound = binding_digest(
            signer_id=signature.signer_id,
            meaning=signature.meaning,
            signed_at=signature.signed_at,
            object_type=signature.object_type,
            object_id=signature.object_id,
            content_digest=signature.content_digest,
            scheme=signature.scheme,
        )
        if bound != signature.record_digest:
            return NOT_BOUND, None
    record = _record(signature, cache)
    if record is None:
        return NOT_BOUND, None
    event = _sign_event(signature, cache)
    if event is None:
        return NO_AUDIT_EVENT, None
    if not _event_agrees(event, signature):
        return NOT_BOUND, None
    signed_content = (
        signature.record_digest if signature.scheme == LEGACY_SCHEME else signature.content_digest
    )
    if _content(signature, record, cache) != signed_content:
        version = _superseded_by(signature, event, signed_content, cache)
        if version is not None:
            return SUPERSEDED, version
        return RECORD_CHANGED, None
    return VALID, None


def signature_is_valid(signature: Signature, *, cache: SignatureCheckCache | None = None) -> bool:
    """Whether the signature is bound to its record and the record still has the content that
    was signed."""
    return signature_check(signature, cache=cache) == VALID


# --- The signed change ------------------------------------------------------------------------


@dataclass
class SignedChange:
    """What the body of :func:`signed_change` works with."""

    signer: User
    meaning: SignatureMeaning
    reason: str
    record: Model | None = None
    signature: Signature | None = None
    cosignatures: list[Signature] = field(default_factory=list)
    _cosigners: list[tuple[User, SignatureMeaning]] = field(default_factory=list)
    _audits: list[dict[str, Any]] = field(default_factory=list)

    def lock(self, queryset: QuerySet[M], *, pk: object, version: int | None, what: str) -> M:
        """Lock the record, check the version the caller read, and make it the signed record."""
        record = queryset.select_for_update(of=("self",)).get(pk=pk)
        return self.lock_loaded(record, version=version, what=what)

    def lock_loaded(self, record: M, *, version: int | None, what: str) -> M:
        """The record the body has read under ``select_for_update`` itself (to check more before
        the version): check the version the caller read and make it the signed record."""
        version_check(record, version, what=what)
        self.record = record
        return record

    def sign(self, record: Model) -> None:
        """The signed record, when the change creates it (nothing to lock)."""
        self.record = record

    def cosign(self, *, signer: User, meaning: SignatureMeaning) -> None:
        """A second signature on the same record (a destruction's witness), whose credentials
        were verified before the transaction."""
        self._cosigners.append((signer, meaning))

    def audit(
        self,
        *,
        action: str,
        changes: dict[str, Any],
        reason: str | None = None,
        with_signature: bool = False,
        object_type: str = "",
        object_id: object = "",
        unit: Unit | None = None,
    ) -> None:
        """The action's audit event, written after the signature (``with_signature`` adds the
        signature id to its changes)."""
        self._audits.append(
            {
                "action": action,
                "changes": changes,
                "reason": self.reason if reason is None else reason,
                "with_signature": with_signature,
                "object_type": object_type,
                "object_id": object_id,
                "unit": unit,
            }
        )

    def _finish(self) -> None:
        if self.record is None:
            raise RuntimeError("signed_change: the body named no record (lock() or sign()).")
        self.signature = signature_record(
            signer=self.signer, meaning=self.meaning, record=self.record, reason=self.reason
        )
        for cosigner, meaning in self._cosigners:
            self.cosignatures.append(
                signature_record(
                    signer=cosigner, meaning=meaning, record=self.record, reason=self.reason
                )
            )
        entry = signable_for(self.record)
        for audit in self._audits:
            changes = dict(audit["changes"])
            if audit["with_signature"]:
                changes["signature"] = [None, self.signature.pk]
            unit = audit["unit"] or getattr(self.record, "unit", None)
            audit_event_record(
                action=audit["action"],
                actor=self.signer,
                object_type=audit["object_type"] or entry.object_type,
                object_id=audit["object_id"] or self.record.pk,
                unit=unit if isinstance(unit, Unit) else None,
                changes=changes,
                reason=audit["reason"],
            )


@contextmanager
def signed_change(
    *,
    http_request: HttpRequest,
    signer: User,
    password: str,
    meaning: SignatureMeaning,
    object_type: str,
    object_id: object,
    unit: Unit | None = None,
    reason: str = "",
    before_transaction: Callable[[], None] | None = None,
    **credentials: Any,
) -> Iterator[SignedChange]:
    """verify → atomic → (body: lock → version check → change) → Signature → AuditEvent.

    The signer's credentials (``password`` and any other keyword in ``credentials``) go to
    :func:`signature_verify` unchanged, before the transaction, so a failure stays audited.
    ``before_transaction`` runs after that and before the transaction (a witness's own
    verification). Everything in the body and the signatures commit or roll back together."""
    signature_verify(
        http_request=http_request,
        signer=signer,
        password=password,
        meaning=meaning,
        object_type=object_type,
        object_id=object_id,
        unit=unit,
        **credentials,
    )
    if before_transaction is not None:
        before_transaction()
    change = SignedChange(signer=signer, meaning=meaning, reason=reason)
    with transaction.atomic():
        yield change
        change._finish()
