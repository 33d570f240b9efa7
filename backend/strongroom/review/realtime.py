"""How audit-trail reviews appear on the live stream (strongroom.realtime.signals): on their
unit's topic, like inventory audits, and only to the users who may read them (the review API's
``compliance.view_audit_trail``): a unit's Store Head is not told a review exists. Refreshing the
flags, every decision on a flag and the signature save the review (version + 1), so the review's
event is the one the client refetches on."""

from typing import Any

from strongroom.realtime.models import EventTopic
from strongroom.realtime.signals import realtime_follow
from strongroom.review.models import AuditReview

# The permission that reads reviews (strongroom.review.api.VIEW).
READ_PERMISSION = "compliance.view_audit_trail"


def _describe_review(review: AuditReview) -> dict[str, Any]:
    return {
        "unit_id": review.unit_id,
        "version": review.version,
        "data": {"period": review.period, "status": review.status},
    }


def register() -> None:
    """From ReviewConfig.ready()."""
    realtime_follow(
        AuditReview,
        topic=EventTopic.REVIEW,
        describe=_describe_review,
        permission=READ_PERMISSION,
    )
