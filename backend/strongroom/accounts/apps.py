from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "strongroom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from strongroom.accounts import schema  # noqa: F401  (registers the OpenAPI auth scheme)
        from strongroom.accounts.setup import setup_steps_register

        setup_steps_register()
