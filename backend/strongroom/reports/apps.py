from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "strongroom.reports"
    label = "reports"
    verbose_name = "Reports"
