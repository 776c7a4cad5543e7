from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "apps.saved_views"
    verbose_name = "Saved views"
    default_auto_field = "django.db.models.BigAutoField"
