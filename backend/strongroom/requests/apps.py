from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "strongroom.requests"
    # The label must not be "requests": that name belongs to a well-known library and
    # would be ambiguous in migrations, permissions ("workflow.approve_request") and logs.
    label = "workflow"
    verbose_name = "Requests"

    def ready(self) -> None:
        from strongroom.requests import realtime, signable

        signable.register()
        realtime.register()
