from django.urls import include, path
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from strongroom.records.api import PDFRenderer
from strongroom.review import api

router = SimpleRouter()
router.register("audit-reviews", api.AuditReviewViewSet, basename="audit-review")

urlpatterns = [
    path(
        "audit-reviews/coverage.pdf",
        api.AuditReviewViewSet.as_view(
            {"get": "coverage_pdf"}, renderer_classes=[JSONRenderer, PDFRenderer]
        ),
        name="audit-review-coverage-pdf",
    ),
    path("", include(router.urls)),
]
