from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "apps.connections"
    label = "connections"
    verbose_name = "PostHog connections"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_default_connection, sender=self)


def _sync_default_connection(sender, **kwargs) -> None:
    from apps.connections.services import connection_ensure_default

    connection_ensure_default()
