from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "strongroom.notifications"
    label = "notifications"
    verbose_name = "Notifications"
