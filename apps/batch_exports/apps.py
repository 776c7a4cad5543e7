from django.apps import AppConfig


class BatchExportsConfig(AppConfig):
    name = "apps.batch_exports"
    label = "batch_exports"
    verbose_name = "Batch exports"
