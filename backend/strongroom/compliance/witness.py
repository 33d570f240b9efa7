"""A witness's co-signature: the second signatory of a destruction (a DESTRUCTION request, a
destruction batch's crate), who signs with their own user ID and password in the executor's call.

:func:`witness_verify` runs before the transaction (a wrong password is audited and counted like
any signature, and the audit entry survives the refusal); the caller then co-signs inside its
transaction (``SignedChange.cosign(..., meaning=SignatureMeaning.WITNESSED)``).
"""

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import User
from strongroom.accounts.passwords import password_expires_at
from strongroom.accounts.scope import unit_allowed
from strongroom.accounts.selectors import user_is_locked_out
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signature_verify
from strongroom.core.errors import ApplicationError

WITNESS_PERMISSION = "workflow.witness_destruction"


def _witness_refusal(code: str, message: str, field: str) -> ApplicationError:
    return ApplicationError(
        message,
        code=code,
        status_code=status.HTTP_403_FORBIDDEN,
        details={"witness": {"username": [field]}},
    )


def witness_verify(
    *,
    http_request: HttpRequest,
    actor: User,
    username: str,
    password: str,
    unit_id: int,
    object_type: str,
    object_id: object,
    excluded_user_ids: Iterable[int],
    excluded_words: str = "the executor",
    permission: str = WITNESS_PERMISSION,
) -> User:
    """The witness: another person (not ``actor`` nor any of ``excluded_user_ids``, who
    ``excluded_words`` names in the refusal), allowed to witness (``permission``) in the unit,
    whose account may sign (active, not locked, password neither to be changed nor expired), who
    signs with their own user ID and password in the same call (verified, audited as the
    executor's attempt naming the witness, and counted like any signature)."""
    refusal = ApplicationError(
        "A witness who may witness destructions in this unit must sign with their password.",
        code="witness_invalid",
        status_code=status.HTTP_403_FORBIDDEN,
        details={"witness": ["Invalid witness."]},
    )
    witness = User.objects.filter(username=username).first() if username else None
    if witness is None:
        raise refusal
    if witness.pk == actor.pk or witness.pk in set(excluded_user_ids):
        raise ApplicationError(
            f"The witness must be someone other than {excluded_words}.",
            code="separation_of_duties",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"witness": ["Same person."]},
        )
    if not witness.is_active:
        # Said only of a person of this unit (an inactive user has no units to act in).
        if not witness.units.filter(pk=unit_id).exists():
            raise refusal
        raise _witness_refusal(
            "witness_inactive", "The witness's account is deactivated.", "Deactivated."
        )
    if not unit_allowed(user=witness, unit_id=unit_id):
        raise refusal
    if not witness.has_perm(permission):
        raise refusal
    if user_is_locked_out(username=witness.username):
        raise _witness_refusal(
            "witness_locked",
            "The witness's account is locked after failed sign-ins; an administrator can unlock "
            "it.",
            "Locked.",
        )
    if witness.must_change_password:
        raise _witness_refusal(
            "witness_password_change_required",
            "The witness must change their password (sign in once) before they can sign.",
            "Must change their password.",
        )
    expires = password_expires_at(witness)
    if expires is not None and expires <= timezone.now():
        raise _witness_refusal(
            "witness_password_expired",
            "The witness's password has expired: they must sign in and change it before they "
            "can sign.",
            "Password expired.",
        )
    try:
        signature_verify(
            http_request=http_request,
            signer=witness,
            password=password,
            username=username,
            actor=actor,
            meaning=SignatureMeaning.WITNESSED,
            object_type=object_type,
            object_id=object_id,
            unit=None,
            reauthentication_allowed=False,  # a federated witness signs with a signing password
        )
    except ApplicationError as exc:
        if exc.code == "signature_required":
            raise ApplicationError(
                "The witness's password is required.",
                code="witness_signature_required",
                details={"witness": {"password": ["Required."]}},
            ) from exc
        raise ApplicationError(
            "The witness's signature password is wrong; nothing was changed.",
            code="witness_signature_invalid",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"witness": {"password": ["Wrong password."]}},
        ) from exc
    return witness
