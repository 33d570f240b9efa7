from django.urls import include, path
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from strongroom.records.api import PDFRenderer
from strongroom.requests import api

router = SimpleRouter()
router.register("requests", api.RequestViewSet, basename="request")

urlpatterns = [
    path(
        "requests/<int:pk>/certificate.pdf",
        api.RequestViewSet.as_view(
            {"get": "certificate"}, renderer_classes=[JSONRenderer, PDFRenderer]
        ),
        name="request-certificate-pdf",
    ),
    path("", include(router.urls)),
]
