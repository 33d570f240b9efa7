"""The canonical content of a crate, as its signatures (legal holds) sign it: its identity,
retention and the documents in it (see compliance.canonical)."""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.records.models import Crate, RetentionRule


def crate_content(crate: Crate) -> dict[str, Any]:
    return {
        "record": "crate",
        "code": crate.code,
        "unit": crate.unit_id,
        "department": crate.department_id,
        "description": crate.description,
        "destroy_after": crate.destroy_after,
        "retain_permanently": crate.retain_permanently,
        "documents": [
            [d.number, d.title, d.doc_type_id, d.retention_until, d.retain_permanently]
            for d in crate.documents.order_by("number")
        ],
    }


def retention_rule_content(rule: RetentionRule) -> dict[str, Any]:
    """What the approver of a rule signs: the rule's substance, not its status (a signature stays
    valid when a later version supersedes the rule)."""
    return {
        "record": "retention_rule",
        "code": rule.code,
        "revision": rule.revision,
        "title": rule.title,
        "doc_type": rule.doc_type_id,
        "unit": rule.unit_id,
        "department": rule.department_id,
        "trigger": rule.trigger,
        "event": rule.event_id,
        "period_years": rule.period_years,
        "period_months": rule.period_months,
        "action": rule.action,
        "citation": rule.citation,
    }


def register() -> None:
    # The content has not changed since scheme 1: both schemes use it.
    signable("crate", model=Crate, content=crate_content, link="crate")
    signable("retention_rule", model=RetentionRule, content=retention_rule_content)
