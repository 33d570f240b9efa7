from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "strongroom.inventory"
    label = "inventory"
    verbose_name = "Inventory audits"

    def ready(self) -> None:
        from strongroom.inventory import realtime, signable

        signable.register()
        realtime.register()
