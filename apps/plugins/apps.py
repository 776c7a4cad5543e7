from django.apps import AppConfig


class PluginsConfig(AppConfig):
    name = "apps.plugins"
    label = "plugins"
    verbose_name = "Plugins and plugin configs"
