from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "strongroom.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from strongroom.notifications import realtime

        realtime.register()
