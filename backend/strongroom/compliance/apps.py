from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "strongroom.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from strongroom.compliance import signals  # noqa: F401  (audits third-party admin changes)
