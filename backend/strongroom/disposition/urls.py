from django.urls import include, path
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from strongroom.disposition import api
from strongroom.records.api import PDFRenderer

router = SimpleRouter()
router.register("destruction-batches", api.DestructionBatchViewSet, basename="destruction-batch")

_PDF = [JSONRenderer, PDFRenderer]

urlpatterns = [
    path(
        "destruction-batches/<int:pk>/pick-list.pdf",
        api.DestructionBatchViewSet.as_view({"get": "pick_list"}, renderer_classes=_PDF),
        name="destruction-batch-pick-list-pdf",
    ),
    path(
        "destruction-batches/<int:pk>/certificate.pdf",
        api.DestructionBatchViewSet.as_view({"get": "certificate"}, renderer_classes=_PDF),
        name="destruction-batch-certificate-pdf",
    ),
    path("", include(router.urls)),
]
