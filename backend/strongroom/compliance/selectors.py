from django.db.models import QuerySet

from strongroom.accounts.models import User
from strongroom.accounts.selectors import user_unit_ids
from strongroom.compliance.models import AuditEvent, Signature


def audit_event_list_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """Events of the user's units. Events that belong to no unit (sign-ins, configuration) are
    for those who act in every unit."""
    events = AuditEvent.objects.select_related("unit").order_by("-id")
    unit_ids = user_unit_ids(user)
    return events if unit_ids is None else events.filter(unit__in=unit_ids)


def signature_get_for_user(*, user: User, signature_id: int) -> Signature | None:
    signatures = Signature.objects.select_related("signer", "request", "request__crate", "crate")
    unit_ids = user_unit_ids(user)
    if unit_ids is not None:
        signatures = signatures.filter(unit__in=unit_ids)
    return signatures.filter(pk=signature_id).first()
