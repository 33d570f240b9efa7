"""Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200).

Signing is two steps, used by every state-changing workflow action:

1. :func:`signature_verify`, **before** the action's transaction: the password is checked again
   (a token alone never signs) through django-axes, so wrong passwords count towards the
   lockout; the first signature of a continuous session also takes the user ID (21 CFR
   11.200(a)(1), :mod:`strongroom.compliance.signing_session`). A failure is audited and
   committed on its own, then the action is refused — the audit entry must survive the refusal.
2. :func:`signature_record`, **inside** the action's transaction, after the row is locked and
   every rule has passed: the Signature row with the printed name, meaning, UTC time and the
   digest of the record's canonical content.
"""

from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import Unit, User
from strongroom.accounts.services import credentials_check, credentials_refuse
from strongroom.compliance.audit import audit_event_record
from strongroom.compliance.canonical import record_digest
from strongroom.compliance.models import Signature, SignatureMeaning
from strongroom.compliance.signing_session import (
    signing_session_id,
    signing_session_touch,
    signing_session_username_required,
)
from strongroom.core.errors import ApplicationError
from strongroom.records.models import Crate
from strongroom.requests.models import Request


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
) -> None:
    """Check the signer's identification components (21 CFR 11.200(a)).

    ``username`` is the user ID typed with the signature: required for the first signature of
    a continuous session (:mod:`strongroom.compliance.signing_session`) and, when given, always
    the signer's own. ``actor`` is who is at the keyboard when that is not the signer (a
    destruction's witness signs in the executor's session): a failure is audited as theirs,
    naming the signer.
    """
    session_id = signing_session_id(http_request=http_request, signer=signer)
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
        credentials_check(request=http_request, username=signer.username, password=password)
    except ApplicationError as exc:
        audit_event_record(
            action="signature.failed",
            actor=actor or signer,
            object_type=object_type,
            object_id=object_id,
            unit=unit,
            changes={
                "meaning": [None, str(meaning)],
                **({"signer": [None, signer.username]} if actor is not None else {}),
                **({"username": [None, typed_username[:150]]} if wrong_username else {}),
            },
            reason="wrong_username"
            if wrong_username and exc.code != "account_locked"
            else exc.code,
        )
        if exc.code == "account_locked":
            raise
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


def signature_record(
    *,
    signer: User,
    meaning: SignatureMeaning,
    reason: str = "",
    request: Request | None = None,
    crate: Crate | None = None,
) -> Signature:
    signature = Signature.objects.create(
        signer=signer,
        printed_name=signer.full_name or signer.username,
        meaning=meaning,
        signed_at=timezone.now(),
        reason=reason,
        request=request,
        crate=crate,
        record_digest=record_digest(request=request, crate=crate),
    )
    target = request if request is not None else crate
    audit_event_record(
        action="signature.sign",
        actor=signer,
        object_type="request" if request is not None else "crate",
        object_id=target.pk if target else "",
        unit=target.unit if target else None,
        changes={"meaning": [None, str(meaning)], "signature": [None, signature.pk]},
        reason=reason,
    )
    return signature


def signature_is_valid(signature: Signature) -> bool:
    """Whether the signed record still has the content that was signed."""
    return (
        record_digest(request=signature.request, crate=signature.crate) == signature.record_digest
    )
