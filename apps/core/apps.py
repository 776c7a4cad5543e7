from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Portal core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from apps.core import checks  # noqa: F401  (registers the deploy checks)

        # Runs after the permissions exist; also restores the roles after a test database flush.
        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(sender: AppConfig, **kwargs: Any) -> None:
    from apps.core.roles import roles_ensure

    roles_ensure()
