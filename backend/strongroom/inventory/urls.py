from django.urls import include, path
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from strongroom.core.csv_export import CSVRenderer
from strongroom.inventory import api
from strongroom.records.api import PDFRenderer

router = SimpleRouter()
router.register("inventory-audits", api.InventoryAuditViewSet, basename="inventory-audit")

View = api.InventoryAuditViewSet

urlpatterns = [
    path(
        "inventory-audits/<int:pk>/report.pdf",
        View.as_view({"get": "report_pdf"}, renderer_classes=[JSONRenderer, PDFRenderer]),
        name="inventory-audit-report-pdf",
    ),
    path(
        "inventory-audits/<int:pk>/report.csv",
        View.as_view({"get": "report_csv"}, renderer_classes=[CSVRenderer, JSONRenderer]),
        name="inventory-audit-report-csv",
    ),
    path(
        "inventory-audits/<int:pk>/scans/",
        View.as_view({"get": "scans_list", "post": "scans"}, pagination_class=None),
        name="inventory-audit-scans",
    ),
    path("", include(router.urls)),
]
