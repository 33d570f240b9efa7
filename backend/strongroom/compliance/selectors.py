from django.db.models import QuerySet

from strongroom.accounts.models import User
from strongroom.accounts.scope import scope_to_units
from strongroom.compliance.models import AuditEvent, Signature


def audit_event_list_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """Events of the user's units. Events that belong to no unit (sign-ins, configuration) are
    for those who act in every unit."""
    events = AuditEvent.objects.select_related("unit").order_by("-id")
    return scope_to_units(events, user=user)


def signature_get_for_user(*, user: User, signature_id: int) -> Signature | None:
    signatures = Signature.objects.select_related("signer", "request", "request__crate", "crate")
    return scope_to_units(signatures, user=user).filter(pk=signature_id).first()
