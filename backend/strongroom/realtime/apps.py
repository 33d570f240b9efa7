from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "strongroom.realtime"
    label = "realtime"
    verbose_name = "Real-time"

    def ready(self) -> None:
        from strongroom.realtime import signals

        signals.connect()
