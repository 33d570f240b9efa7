"""What ``manage.py initial_setup`` creates for records (steps of strongroom.core.setup): the
document types, the named retention events and a starter retention schedule.

The starter schedule is approved by the setup itself when there are no documents yet (a new
installation): there is no one to sign at that point, so each rule is recorded as approved by
the setup, without a signer or a signature, with an audit event saying so. On an installation
that already holds documents the starter rules are left as drafts: approving them recomputes
existing documents' retention, which a QA Approver decides and signs."""

from django.db import transaction

from strongroom.compliance.audit import audit_event_record
from strongroom.core.setup import SetupOptions, StepResult, setup_step_register
from strongroom.records.models import Document, DocumentType, RetentionEvent, RetentionRule
from strongroom.records.services.retention import retention_rule_approve_unsigned

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


RETENTION_EVENTS = (
    ("BATCH_EXPIRY", "Batch expiry", "The expiry date of the batch the record belongs to."),
    ("PRODUCT_DISCONTINUED", "Product discontinued", "The product's marketing ended."),
    ("STUDY_CLOSED", "Study closed", "The study (stability, validation, clinical) closed."),
    ("SUPERSEDED", "Superseded", "A new version of the document took effect."),
    ("EQUIPMENT_RETIRED", "Equipment retired", "The equipment or area was decommissioned."),
)

# code, title, type, trigger, event, years, months, action, citation
STARTER_SCHEDULE = (
    (
        "BMR-EXP+1Y",
        "Batch records: one year after batch expiry",
        "BMR",
        "EVENT",
        "BATCH_EXPIRY",
        1,
        0,
        "REVIEW",
        "21 CFR 211.180(a): at least 1 year after the expiration date of the batch. EU GMP "
        "Part I, Chapter 4, 4.10: at least one year after the expiry of the batch or at least "
        "five years after certification by the Qualified Person, whichever is longer — "
        "reviewed at the end of the period for the five-year minimum.",
    ),
    (
        "VAL-PERM",
        "Validation files: permanent",
        "VAL",
        "PERMANENT",
        None,
        0,
        0,
        "PERMANENT",
        "EU GMP Part I, Chapter 4, 4.12 and Annex 15: validation documentation supporting the "
        "marketing authorisation is kept while the authorisation is in force; site policy "
        "keeps it permanently.",
    ),
    (
        "SOP-SUP+5Y",
        "SOP masters: five years after superseded",
        "SOP",
        "EVENT",
        "SUPERSEDED",
        5,
        0,
        "DESTROY",
        "EU GMP Part I, Chapter 4, 4.11-4.12 (retention of procedures and records supporting "
        "the activity); 21 CFR 211.180(c) (records available for inspection). Site policy: "
        "five years after the version is superseded.",
    ),
    (
        "LOG-PREP+7Y",
        "Logbooks: seven years from the last entry",
        "LOG",
        "PREPARED",
        None,
        7,
        0,
        "DESTROY",
        "21 CFR 211.182 (equipment cleaning and use logs) with 211.180(a); EU GMP Part I, "
        "Chapter 4, 4.10 and 4.29. Site policy: seven years.",
    ),
    (
        "RPT-PREP+7Y",
        "Reports: seven years",
        "RPT",
        "PREPARED",
        None,
        7,
        0,
        "DESTROY",
        "EU GMP Part I, Chapter 4, 4.12 (retention depends on the activity the documentation "
        "supports). Site policy: seven years.",
    ),
)


@transaction.atomic
def retention_schedule_sync() -> list[str]:
    changes = []
    for code, name, description in RETENTION_EVENTS:
        event, created = RetentionEvent.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if created:
            audit_event_record(
                action="retention_event.create",
                object_type="retention_event",
                object_id=event.pk,
                changes={"code": [None, code], "name": [None, name]},
                reason="initial_setup",
            )
            changes.append(f"retention event {code}: created")
    approve = not Document.objects.exists()
    types = {t.code: t for t in DocumentType.objects.all()}
    events = {e.code: e for e in RetentionEvent.objects.all()}
    for (
        code,
        title,
        type_code,
        trigger,
        event_code,
        years,
        months,
        action,
        citation,
    ) in STARTER_SCHEDULE:
        doc_type = types.get(type_code)
        if doc_type is None or RetentionRule.objects.filter(code=code).exists():
            continue
        if RetentionRule.objects.filter(
            doc_type=doc_type, unit__isnull=True, status=RetentionRule.Status.APPROVED
        ).exists():
            continue  # the type already has a schedule of its own
        rule = RetentionRule.objects.create(
            code=code,
            title=title,
            doc_type=doc_type,
            trigger=trigger,
            event=events.get(event_code) if event_code else None,
            period_years=years,
            period_months=months,
            action=action,
            citation=citation,
        )
        audit_event_record(
            action="retention_rule.create",
            object_type="retention_rule",
            object_id=rule.pk,
            changes={"code": [None, code], "revision": [None, 1], "status": [None, "DRAFT"]},
            reason="initial_setup",
        )
        if approve:
            retention_rule_approve_unsigned(
                rule=rule,
                reason="initial_setup: starter schedule of a new installation, approved by the "
                "setup (no signer yet)",
            )
            changes.append(f"retention rule {code}: approved by the setup")
        else:
            changes.append(
                f"retention rule {code}: drafted (documents exist: a QA Approver approves it)"
            )
    return changes


def _retention_schedule_step(options: SetupOptions) -> StepResult:
    return StepResult(changes=retention_schedule_sync())


def setup_steps_register() -> None:
    """From RecordsConfig.ready(): after the roles (10), before the first administrator (30)."""
    setup_step_register(order=20, title="Document types", run=_document_types_step)
    setup_step_register(order=22, title="Retention schedule", run=_retention_schedule_step)
