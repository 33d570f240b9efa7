from django.apps import AppConfig


class DispositionConfig(AppConfig):
    name = "strongroom.disposition"
    label = "disposition"
    verbose_name = "Disposition"

    def ready(self) -> None:
        from strongroom.disposition import realtime, signable
        from strongroom.disposition.services import batch_items_drop_ineligible
        from strongroom.records.disposal import ineligibility_listen

        signable.register()
        realtime.register()
        # A crate that stops being eligible (hold placed, request opened, rule changed) leaves
        # every open batch it is in, with the reason.
        ineligibility_listen("disposition.batches", batch_items_drop_ineligible)
