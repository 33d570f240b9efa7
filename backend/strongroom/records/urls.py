from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from strongroom.records import api, forecast_api, retention_api

router = SimpleRouter()
router.register("crates", api.CrateViewSet, basename="crate")
router.register("documents", api.DocumentViewSet, basename="document")
router.register("document-types", api.DocumentTypeViewSet, basename="document-type")
router.register("retention-rules", retention_api.RetentionRuleViewSet, basename="retention-rule")
router.register("retention-events", retention_api.RetentionEventViewSet, basename="retention-event")
router.register("document-events", retention_api.DocumentEventViewSet, basename="document-event")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "crates/<int:pk>/label.pdf",
        api.CrateViewSet.as_view(
            {"get": "label"}, renderer_classes=[api.JSONRenderer, api.PDFRenderer]
        ),
        name="crate-label-pdf",
    ),
    path(
        "attachments/<int:pk>/download/",
        api.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "retention/forecast/",
        forecast_api.RetentionForecastView.as_view(),
        name="retention-forecast",
    ),
    path(
        "retention/forecast.csv",
        forecast_api.RetentionForecastCSVView.as_view(),
        name="retention-forecast-csv",
    ),
    path(
        "retention/eligible-crates/",
        forecast_api.EligibleCrateListView.as_view(),
        name="retention-eligible-crates",
    ),
    path(
        "integrations/document-events/",
        retention_api.IntegrationDocumentEventsView.as_view(),
        name="integration-document-events",
    ),
    path("", include(router.urls)),
]
