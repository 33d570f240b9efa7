"""Crate claims: an open request or an open destruction batch holds its crates, one holder per
crate, enforced by the unique ``CrateClaim.crate`` (:class:`strongroom.records.models.CrateClaim`).

The apps that hold crates call :func:`crate_claim` inside the transaction that opens the holder
and :func:`crate_release` / :func:`crate_claims_release` inside the one that closes it, so a
claim commits and rolls back with the change that needs it.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from strongroom.core.errors import ConflictError
from strongroom.records.models import Crate, CrateClaim, CrateClaimKind


def _holder_words(kind: str, holder_id: int) -> str:
    return (
        f"open request {holder_id}"
        if kind == CrateClaimKind.REQUEST
        else f"open destruction batch {holder_id}"
    )


def crate_claim_refusal(*, crate: Crate, claim: CrateClaim) -> ConflictError:
    """The 409 for a crate another holder has claimed, naming the holder."""
    return ConflictError(
        f"Crate {crate.code} is held by an {_holder_words(claim.holder_kind, claim.holder_id)}.",
        code="crate_claimed",
        details={
            "crate": [f"Held by {claim.get_holder_kind_display().lower()} {claim.holder_id}."],
            "holder": {"kind": claim.holder_kind, "id": claim.holder_id},
        },
    )


def crate_claim(*, crate_id: int, kind: str, holder_id: int) -> CrateClaim:
    """Claim the crate for the holder; a crate someone else holds is refused (409
    ``crate_claimed``, naming the holder). Claiming again for the same holder is a no-op."""
    existing = CrateClaim.objects.filter(crate_id=crate_id).first()
    if existing is not None:
        if existing.holder_kind == kind and existing.holder_id == holder_id:
            return existing
        raise crate_claim_refusal(crate=Crate.objects.get(pk=crate_id), claim=existing)
    try:
        with transaction.atomic():
            return CrateClaim.objects.create(
                crate_id=crate_id, holder_kind=kind, holder_id=holder_id
            )
    except IntegrityError as exc:  # claimed meanwhile by a concurrent transaction
        existing = CrateClaim.objects.filter(crate_id=crate_id).first()
        if existing is None:
            raise
        raise crate_claim_refusal(crate=Crate.objects.get(pk=crate_id), claim=existing) from exc


def crate_release(*, crate_id: int, kind: str, holder_id: int) -> bool:
    """Release the holder's claim on the crate (whether it had one: True when released)."""
    deleted, _ = CrateClaim.objects.filter(
        crate_id=crate_id, holder_kind=kind, holder_id=holder_id
    ).delete()
    return bool(deleted)


def crate_claims_release(
    *, kind: str, holder_id: int, crate_ids: Iterable[int] | None = None
) -> int:
    """Release every claim of the holder (or those on ``crate_ids``); returns how many."""
    claims = CrateClaim.objects.filter(holder_kind=kind, holder_id=holder_id)
    if crate_ids is not None:
        claims = claims.filter(crate_id__in=list(crate_ids))
    deleted, _ = claims.delete()
    return deleted


def crate_claim_holder(*, crate_id: int, lock: bool = False) -> CrateClaim | None:
    """The crate's current claim, if any (locked for the transaction with ``lock``)."""
    claims = CrateClaim.objects.filter(crate_id=crate_id)
    if lock:
        claims = claims.select_for_update()
    return claims.first()
