from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "strongroom.review"
    label = "review"
    verbose_name = "Audit-trail review"

    def ready(self) -> None:
        from strongroom.review import realtime, signable

        signable.register()
        realtime.register()
