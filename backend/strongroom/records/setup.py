"""The document types ``manage.py initial_setup`` creates (a step of strongroom.core.setup)."""

from django.db import transaction

from strongroom.compliance.audit import audit_event_record
from strongroom.core.setup import SetupOptions, StepResult, setup_step_register
from strongroom.records.models import DocumentType

DOCUMENT_TYPES = (
    ("BMR", "Batch Record", 10),
    ("VAL", "Validation", None),
    ("SOP", "SOP", None),
    ("LOG", "Logbook", 7),
    ("RPT", "Report", 7),
    ("OTH", "Other", 5),
)


@transaction.atomic
def document_types_sync() -> list[str]:
    changes = []
    for code, name, years in DOCUMENT_TYPES:
        doc_type, created = DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "default_retention_years": years}
        )
        if created:
            audit_event_record(
                action="document_type.create",
                object_type="document_type",
                object_id=doc_type.pk,
                changes={"code": [None, code], "name": [None, name]},
                reason="initial_setup",
            )
            changes.append(f"document type {name}: created")
    return changes


def _document_types_step(options: SetupOptions) -> StepResult:
    return StepResult(changes=document_types_sync())


def setup_steps_register() -> None:
    """From RecordsConfig.ready(): after the roles (10), before the first administrator (30)."""
    setup_step_register(order=20, title="Document types", run=_document_types_step)
