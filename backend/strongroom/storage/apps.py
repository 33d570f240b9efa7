from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "strongroom.storage"
    label = "storage"
    verbose_name = "Storage"

    def ready(self) -> None:
        from strongroom.storage import realtime

        realtime.register()
