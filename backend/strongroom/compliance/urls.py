from django.urls import include, path
from rest_framework.routers import SimpleRouter

from strongroom.compliance import api

router = SimpleRouter()
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("signatures/<int:pk>/", api.SignatureView.as_view(), name="signature-detail"),
    path("", include(router.urls)),
]
