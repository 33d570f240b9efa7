from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "strongroom.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from strongroom.records import realtime, setup, signable
        from strongroom.records.models import Crate
        from strongroom.storage.occupancy import occupants_register

        signable.register()
        setup.setup_steps_register()
        realtime.register()
        # A crate takes its shelf's slot while in storage; one not destroyed still belongs there.
        occupants_register(
            stored=lambda: Crate.objects.filter(status=Crate.Status.IN_STORAGE),
            present=lambda: Crate.objects.exclude(status=Crate.Status.DESTROYED).filter(
                location__isnull=False
            ),
        )
