from django.apps import AppConfig


class SecretKeysConfig(AppConfig):
    name = "apps.secret_keys"
    label = "secret_keys"
    verbose_name = "Project secret API keys"
