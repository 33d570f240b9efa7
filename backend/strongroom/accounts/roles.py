"""The permission matrix of PRODUCT.md §1 "Roles", declared once.

``initial_setup`` makes each group hold exactly these permissions; API permission classes,
consumers and selectors check the permissions (never the group names).
"""

from typing import Final

SYSTEM_ADMINISTRATOR: Final = "System Administrator"
UNIT_ADMIN: Final = "Unit Admin"
DOCUMENT_MANAGER: Final = "Document Manager"
APPROVER: Final = "Approver"
STORE_HEAD: Final = "Store Head"
VIEWER: Final = "Viewer"

ROLES: Final = (SYSTEM_ADMINISTRATOR, UNIT_ADMIN, DOCUMENT_MANAGER, APPROVER, STORE_HEAD, VIEWER)

# --- Capabilities: named sets of "app_label.codename" ------------------------------------------
ACCESS_ALL_UNITS = {"accounts.access_all_units"}
READ_RECORDS = {
    "accounts.view_unit",
    "accounts.view_department",
    "storage.view_location",
    "records.view_documenttype",
    "records.view_crate",
    "records.view_document",
    "records.view_attachment",
    "workflow.view_request",
    "workflow.view_sendback",
    "compliance.view_signature",
    "disposition.view_destructionbatch",
    "disposition.view_batchitem",
    "records.view_retentionrule",
    "records.view_retentionevent",
    "records.view_documentevent",
    "inventory.view_inventoryaudit",
}
MANAGE_USERS = {"accounts.view_user", "accounts.add_user", "accounts.change_user"}
MANAGE_UNITS = {"accounts.add_unit", "accounts.change_unit"}
MANAGE_DEPARTMENTS = {"accounts.add_department", "accounts.change_department"}
MANAGE_LOCATIONS = {"storage.add_location", "storage.change_location"}
MANAGE_DOCUMENT_TYPES = {
    "records.add_documenttype",
    "records.change_documenttype",
    "records.add_retentionevent",
    "records.change_retentionevent",
}
RAISE_REQUESTS = {
    "workflow.add_request",
    "workflow.change_request",
    "records.add_crate",
    "records.add_document",
    "records.change_document",
    "records.add_attachment",
}
APPROVE = {"workflow.approve_request"}
FULFIL = {"workflow.fulfil_request"}
WITNESS = {"workflow.witness_destruction"}
LEGAL_HOLD = {"records.place_legal_hold"}
PREPARE_BATCHES = {"disposition.prepare_batch"}
APPROVE_BATCHES = {"disposition.approve_batch"}
DESTROY_BATCH_ITEMS = {"disposition.destroy_batch_item"}
RUN_INVENTORY_AUDITS = {"inventory.run_inventory_audit"}
RECONCILE_INVENTORY_AUDITS = {"inventory.reconcile_inventory_audit"}
AUDIT_READ = {"compliance.view_auditevent", "compliance.view_audit_trail"}
REVIEW_AUDIT_TRAIL = {"review.review_audit_trail"}
AUDIT_VERIFY = {"compliance.verify_audit_chain", "compliance.view_auditcheckpoint"}
PRINT_LABELS = {"records.print_label"}
DRAFT_RETENTION_RULES = {"records.add_retentionrule", "records.change_retentionrule"}
APPROVE_RETENTION_RULES = {"records.approve_retention_rule"}
RECORD_EVENT_DATES = {"records.add_documentevent", "records.change_documentevent"}
MANAGE_SERVICE_TOKENS = {
    "accounts.view_servicetoken",
    "accounts.add_servicetoken",
    "accounts.change_servicetoken",
}
MANAGE_DIRECTORY_GROUPS = {
    f"accounts.{action}_directorygroupmapping" for action in ("view", "add", "change", "delete")
}
MANAGE_SCHEDULE = {
    f"django_celery_beat.{action}_{model}"
    for action in ("view", "change")
    for model in ("periodictask", "crontabschedule", "intervalschedule")
}

ROLE_PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    SYSTEM_ADMINISTRATOR: frozenset(
        ACCESS_ALL_UNITS
        | READ_RECORDS
        | MANAGE_USERS
        | MANAGE_UNITS
        | MANAGE_DEPARTMENTS
        | MANAGE_LOCATIONS
        | MANAGE_DOCUMENT_TYPES
        | LEGAL_HOLD
        | AUDIT_READ
        | AUDIT_VERIFY
        | PRINT_LABELS
        | MANAGE_SCHEDULE
        | MANAGE_SERVICE_TOKENS
        | MANAGE_DIRECTORY_GROUPS
    ),
    UNIT_ADMIN: frozenset(
        READ_RECORDS
        | MANAGE_USERS
        | MANAGE_DEPARTMENTS
        | MANAGE_LOCATIONS
        | WITNESS
        | LEGAL_HOLD
        | AUDIT_READ
        | REVIEW_AUDIT_TRAIL
        | PRINT_LABELS
        | PREPARE_BATCHES
        | DRAFT_RETENTION_RULES
        | RECORD_EVENT_DATES
    ),
    DOCUMENT_MANAGER: frozenset(
        READ_RECORDS
        | RAISE_REQUESTS
        | PRINT_LABELS
        | PREPARE_BATCHES
        | DRAFT_RETENTION_RULES
        | RECORD_EVENT_DATES
    ),
    APPROVER: frozenset(
        READ_RECORDS
        | APPROVE
        | WITNESS
        | AUDIT_READ
        | REVIEW_AUDIT_TRAIL
        | APPROVE_BATCHES
        | APPROVE_RETENTION_RULES
    ),
    STORE_HEAD: frozenset(
        READ_RECORDS
        | MANAGE_LOCATIONS
        | FULFIL
        | PRINT_LABELS
        | DESTROY_BATCH_ITEMS
        | RUN_INVENTORY_AUDITS
        | RECONCILE_INVENTORY_AUDITS
    ),
    VIEWER: frozenset(READ_RECORDS | AUDIT_READ),
}

# Permissions that reach beyond the people and records of one's own units. A role carrying any
# of them is granted, and its holders are managed, only by a user who holds every one of them the
# role carries (PRODUCT.md: a Unit Admin never creates or edits a System Administrator). Every
# other role may be granted by any user manager (``accounts.change_user``), within their units.
BEYOND_UNITS: Final = frozenset(
    ACCESS_ALL_UNITS
    | MANAGE_UNITS
    | AUDIT_VERIFY
    | MANAGE_SCHEDULE
    | MANAGE_SERVICE_TOKENS
    | MANAGE_DIRECTORY_GROUPS
)

# Roles that may sign in to the Django admin (staff). Everyone else uses the browser app only.
STAFF_ROLES: Final = frozenset({SYSTEM_ADMINISTRATOR})
