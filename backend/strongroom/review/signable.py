"""The canonical content of an audit-trail review, as its ``REVIEWED`` signature signs it (see
compliance.canonical): the unit and month reviewed and every flag with what was decided about it
(rule, the events flagged, the decision, its comment and who made it). A signed review changes no
more, so the signature stays valid for as long as nothing is altered outside the application."""

from typing import Any

from strongroom.compliance.canonical import signable
from strongroom.review.models import AuditReview, ReviewFlag


def review_content(review: AuditReview) -> dict[str, Any]:
    flags = ReviewFlag.objects.filter(review=review).order_by("key")
    return {
        "record": "audit_review",
        "unit": review.unit_id,
        "period": [review.period_start.isoformat(), review.period_end.isoformat()],
        "flags": [
            [f.key, f.rule, sorted(f.event_ids), f.state, f.comment, f.decided_by_id] for f in flags
        ],
    }


def register() -> None:
    signable("audit_review", model=AuditReview, content=review_content)
