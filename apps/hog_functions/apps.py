from django.apps import AppConfig


class HogFunctionsConfig(AppConfig):
    name = "apps.hog_functions"
    label = "hog_functions"
    verbose_name = "Hog functions"
