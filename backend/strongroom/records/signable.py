"""The canonical content of a crate, as its signatures (legal holds) sign it: its identity and
the documents in it (see compliance.canonical).

Schemes 1-3 also signed the crate's retention (``destroy_after``, ``retain_permanently``) and
its documents' (``retention_until``, ``retain_permanently``); the retention schedule changes
those after a hold is signed (a rule approved, an event date recorded), so since scheme 4 a
crate's signature leaves them out, and the earlier schemes' content reads them back as they
were at the signing time (``as_of``) from the retention history
(:mod:`strongroom.records.retention_history`)."""

import datetime as dt
from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.records.models import Crate, RetentionRule
from strongroom.records.retention_history import crate_retention_as_of, documents_retention_as_of


def crate_content_scheme_3(crate: Crate, *, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """Schemes 1-3: with the crate's and its documents' retention (as of ``as_of``)."""
    documents = list(crate.documents.order_by("number"))
    retention = {d.pk: (d.retention_until, d.retain_permanently) for d in documents}
    crate_retention = (crate.destroy_after, crate.retain_permanently)
    if as_of is not None:
        if documents:
            retention = documents_retention_as_of(current=retention, as_of=as_of)
        crate_retention = crate_retention_as_of(
            crate_id=crate.pk, current=crate_retention, as_of=as_of
        )
    return {
        "record": "crate",
        "code": crate.code,
        "unit": crate.unit_id,
        "department": crate.department_id,
        "description": crate.description,
        "destroy_after": crate_retention[0],
        "retain_permanently": crate_retention[1],
        "documents": [[d.number, d.title, d.doc_type_id, *retention[d.pk]] for d in documents],
    }


def crate_content(crate: Crate) -> dict[str, Any]:
    """Scheme 4 (current): the crate's identity and its documents' number, title and type."""
    return {
        "record": "crate",
        "code": crate.code,
        "unit": crate.unit_id,
        "department": crate.department_id,
        "description": crate.description,
        "documents": [
            [d.number, d.title, d.doc_type_id] for d in crate.documents.order_by("number")
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
    # The crate's content was the same from scheme 1 to 3; scheme 4 leaves the retention out.
    signable(
        "crate",
        model=Crate,
        content=crate_content,
        earlier_contents={3: crate_content_scheme_3},
        link="crate",
    )
    signable("retention_rule", model=RetentionRule, content=retention_rule_content)
