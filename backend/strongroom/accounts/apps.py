from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "strongroom.accounts"
    label = "accounts"
    verbose_name = "Accounts"
