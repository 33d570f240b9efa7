from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from strongroom.compliance import admin_audit  # noqa: F401 (registers the audited Beat admins)
from strongroom.compliance.audit_keys import accepted_public_keys, signing_public_key
from strongroom.compliance.models import AuditCheckpoint, AuditEvent, Signature
from strongroom.core.admin import ReadOnlyAdmin
from strongroom.core.errors import ApplicationError


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor_username", "action", "object_type", "object_id", "unit"]
    list_filter = ["action", "unit"]
    search_fields = ["actor_username", "object_id", "action", "request_id"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["id", "signed_at", "printed_name", "meaning", "request", "crate"]
    list_filter = ["meaning"]
    search_fields = ["printed_name", "request__number", "crate__code"]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    """Signed checkpoints of the audit chain's head, with the public keys that verify them."""

    list_display = ["id", "created_at", "last_event_id", "event_count", "key_id"]
    list_filter = ["key_id"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context: dict[str, Any] = {"audit_public_keys": [], "audit_signing_key_id": ""}
        try:
            context["audit_public_keys"] = list(accepted_public_keys().values())
            context["audit_signing_key_id"] = signing_public_key().key_id
        except ApplicationError as exc:
            context["audit_key_error"] = exc.message
        return super().changelist_view(request, {**context, **(extra_context or {})})  # type: ignore[return-value]
