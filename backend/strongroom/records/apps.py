from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "strongroom.records"
    label = "records"
    verbose_name = "Records"
