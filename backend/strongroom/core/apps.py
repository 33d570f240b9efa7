from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "strongroom.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from strongroom.core import signals  # noqa: F401  (counts Celery task failures)
        from strongroom.core.database import pool_reconnect_delay_cap

        pool_reconnect_delay_cap()
