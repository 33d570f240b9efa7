from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ComplianceConfig(AppConfig):
    name = "strongroom.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from strongroom.compliance import signals  # noqa: F401  (audits third-party admin changes)
        from strongroom.compliance.privileges import (
            app_role_privileges_after_migrate,
            serving_role_check,
        )

        # Once per migrate (post_migrate is sent for each app: this one is enough), as the owner.
        post_migrate.connect(
            app_role_privileges_after_migrate,
            sender=self,
            dispatch_uid="strongroom.compliance.app_role_privileges",
        )
        checks.register(serving_role_check, checks.Tags.database, deploy=True)
