from django.contrib import admin

from strongroom.core.admin import ReadOnlyAdmin
from strongroom.review.models import AuditReview, ReviewFlag


@admin.register(AuditReview)
class AuditReviewAdmin(ReadOnlyAdmin):
    """Reviews change only through the application (locked, audited, signed)."""

    list_display = ["id", "unit", "period_start", "status", "opened_by", "signed_by", "signed_at"]
    list_filter = ["status", "unit"]


@admin.register(ReviewFlag)
class ReviewFlagAdmin(ReadOnlyAdmin):
    list_display = ["id", "review", "rule", "summary", "state", "decided_by", "decided_at"]
    list_filter = ["rule", "state"]
