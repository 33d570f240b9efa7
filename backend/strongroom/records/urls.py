from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from strongroom.records import api

router = SimpleRouter()
router.register("crates", api.CrateViewSet, basename="crate")
router.register("documents", api.DocumentViewSet, basename="document")
router.register("document-types", api.DocumentTypeViewSet, basename="document-type")

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
    path("", include(router.urls)),
]
