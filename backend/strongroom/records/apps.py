from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "strongroom.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from strongroom.records import signable

        signable.register()
