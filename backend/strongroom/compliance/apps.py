from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "strongroom.compliance"
    label = "compliance"
    verbose_name = "Compliance"
