from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "strongroom.core"
    label = "core"
    verbose_name = "Core"
