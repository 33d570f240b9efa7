from django.urls import URLPattern, URLResolver, path

from strongroom.reports import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/dashboard/", api.DashboardView.as_view(), name="report-dashboard"),
    path("reports/inventory/", api.InventoryReportView.as_view(), name="report-inventory"),
    path("reports/overdue/", api.OverdueReportView.as_view(), name="report-overdue"),
    path(
        "reports/destruction-schedule/",
        api.DestructionScheduleReportView.as_view(),
        name="report-destruction-schedule",
    ),
    path("reports/activity/", api.ActivityReportView.as_view(), name="report-activity"),
]
