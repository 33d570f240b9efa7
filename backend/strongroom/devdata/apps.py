from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "strongroom.devdata"
    label = "devdata"
    verbose_name = "Development data"

    def ready(self) -> None:
        from strongroom.devdata.setup import setup_steps_register

        setup_steps_register()
