"""Legal hold on a crate: placed and released, each a signed change (``HOLD_PLACED`` /
``HOLD_RELEASED``) with its audit event, in one transaction. The signature is verified before
the transaction (a failed signature is audited and committed on its own) and recorded inside
it.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from rest_framework import status

from strongroom.accounts.models import User
from strongroom.compliance.models import SignatureMeaning
from strongroom.compliance.signing import signed_change
from strongroom.core.errors import ApplicationError, ConflictError
from strongroom.records.disposal import crates_left_eligibility
from strongroom.records.models import Crate


def _hold_change(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    place: bool,
    username: str = "",
    reauthentication: str = "",
) -> Crate:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    meaning = SignatureMeaning.HOLD_PLACED if place else SignatureMeaning.HOLD_RELEASED
    with signed_change(
        http_request=http_request,
        signer=actor,
        password=password,
        username=username,
        reauthentication=reauthentication,
        meaning=meaning,
        object_type="crate",
        object_id=crate.pk,
        unit=crate.unit,
        reason=reason,
    ) as change:
        crate = change.lock(
            Crate.objects.select_related("unit"), pk=crate.pk, version=version, what="crate"
        )
        if crate.status == Crate.Status.DESTROYED:
            raise ApplicationError(
                "The crate was destroyed.",
                code="crate_destroyed",
                status_code=status.HTTP_409_CONFLICT,
            )
        if crate.legal_hold == place:
            raise ConflictError(
                "The crate is already on legal hold."
                if place
                else "The crate is not on legal hold.",
                code="crate_on_hold" if place else "crate_not_on_hold",
            )
        before = {
            "legal_hold": crate.legal_hold,
            "legal_hold_reason": crate.legal_hold_reason,
            "legal_hold_by": crate.legal_hold_by_id,
            "legal_hold_at": crate.legal_hold_at,
        }
        crate.legal_hold = place
        crate.legal_hold_reason = reason if place else ""
        crate.legal_hold_by = actor if place else None
        crate.legal_hold_at = timezone.now() if place else None
        crate.version += 1
        crate.save(
            update_fields=[
                "legal_hold",
                "legal_hold_reason",
                "legal_hold_by",
                "legal_hold_at",
                "version",
                "updated_at",
            ]
        )
        after = {
            "legal_hold": crate.legal_hold,
            "legal_hold_reason": crate.legal_hold_reason,
            "legal_hold_by": crate.legal_hold_by_id,
            "legal_hold_at": crate.legal_hold_at,
        }
        changes: dict[str, list[Any]] = {
            k: [before[k], after[k]] for k in before if before[k] != after[k]
        }
        changes["version"] = [crate.version - 1, crate.version]
        if place:
            # A crate on hold may not be destroyed: whatever holds it for destruction lets go.
            crates_left_eligibility(
                [crate.pk], code="crate_on_hold", reason=f"Legal hold placed: {reason}"
            )
        change.audit(
            action="crate.hold_place" if place else "crate.hold_release",
            changes=changes,
            with_signature=True,
        )
    return crate


def crate_hold_place(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    username: str = "",
    reauthentication: str = "",
) -> Crate:
    """Place a legal hold (signed ``HOLD_PLACED``): the crate cannot be destroyed meanwhile."""
    return _hold_change(
        http_request=http_request,
        actor=actor,
        crate=crate,
        version=version,
        reason=reason,
        password=password,
        username=username,
        reauthentication=reauthentication,
        place=True,
    )


def crate_hold_release(
    *,
    http_request: HttpRequest,
    actor: User,
    crate: Crate,
    version: int | None,
    reason: str,
    password: str,
    username: str = "",
    reauthentication: str = "",
) -> Crate:
    """Release a legal hold (signed ``HOLD_RELEASED``)."""
    return _hold_change(
        http_request=http_request,
        actor=actor,
        crate=crate,
        version=version,
        reason=reason,
        password=password,
        username=username,
        reauthentication=reauthentication,
        place=False,
    )
