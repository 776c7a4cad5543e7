"""Plugins in the store, their answers (PluginSerializer), the organization's plugin access level, and `State`.

products/cdp/backend/api/plugin.py (older: posthog/api/plugin.py). Internal state the API never shows (source
files, the newest tag upstream, the category) lives in keys that start with `_`.
"""

from typing import Any

from simulator.areas.hog_functions.templates import migration_available
from simulator.core.http import ApiError, Request
from simulator.core.state import AreaState
from simulator.core.store import Store
from simulator.profiles import PLUGINS_ACCESS_CONFIG, PLUGINS_ACCESS_INSTALL, PLUGINS_ACCESS_ROOT, Profile

KIND = "plugin"
# products/cdp/backend/api/plugin.py SECRET_FIELD_VALUE ("Keep this in sync with: frontend/scenes/plugins/utils.ts").
SECRET_MASK = "**************** POSTHOG SECRET FIELD ****************"
PUBLIC_FIELDS = (
    "id",
    "plugin_type",
    "name",
    "description",
    "url",
    "icon",
    "config_schema",
    "tag",
    "latest_tag",
    "is_global",
    "organization_id",
    "organization_name",
    "capabilities",
    "metrics",
    "public_jobs",
)
# PluginsAccessLevelPermission.message
ACCESS_INSUFFICIENT = "Your organization's plugin access level is insufficient."


def plugin_view(store: Store, plugin: dict, profile: Profile) -> dict:
    """PluginSerializer. `hog_function_migration_available` exists in the PostHog versions that have the `migrate`
    action (the field and the action came together)."""
    organization = store.get("organization", plugin["organization_id"]) or {}
    view = {name: plugin.get(name) for name in PUBLIC_FIELDS}
    view["url"] = plugin["url"].split("?")[0] if plugin.get("url") else None  # get_url strips ?private_token=
    view["organization_name"] = organization.get("name", "posthog-inline")
    if profile.plugin_config_migrate:
        view["hog_function_migration_available"] = migration_available(plugin.get("url"))
    return view


def visible_plugin(store: Store, organization_id: str, plugin_id: Any) -> dict | None:
    """A plugin the organization can see: its own, or a global one."""
    if isinstance(plugin_id, bool) or not str(plugin_id).isdigit():
        return None
    plugin = store.get(KIND, plugin_id)
    if plugin is None or (plugin["organization_id"] != organization_id and not plugin.get("is_global")):
        return None
    return plugin


def _schema_entries(plugin: dict) -> list[dict]:
    schema = plugin.get("config_schema") or []
    if isinstance(schema, dict):  # legacy plugins: {key: {name, type, ...}}
        return [{"key": key, **value} for key, value in schema.items() if isinstance(value, dict)]
    return [entry for entry in schema if isinstance(entry, dict)]


def schema_fields(plugin: dict) -> list[dict]:
    """Entries with a key (markdown-only entries carry none)."""
    return [f for f in _schema_entries(plugin) if f.get("key")]


def secret_fields(plugin: dict) -> set[str]:
    """_get_secret_fields_for_plugin: the keys of config fields with `secret: true`."""
    return {f["key"] for f in _schema_entries(plugin) if f.get("secret") and f.get("key")}


# The organization's plugin access level ------------------------------------------------------------------


def access_level(store: Store, organization_id: str) -> int:
    return int((store.get("organization", organization_id) or {}).get("plugins_access_level", 0))


def require_access(request: Request, organization_id: str) -> None:
    """PluginsAccessLevelPermission.has_permission: reads need CONFIG, writes (any unsafe method) INSTALL."""
    needed = PLUGINS_ACCESS_CONFIG if request.method in ("GET", "HEAD", "OPTIONS") else PLUGINS_ACCESS_INSTALL
    if access_level(request.store, organization_id) < needed:
        raise forbidden(ACCESS_INSUFFICIENT)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, detail, type="authentication_error", code="permission_denied")


def can_install(store: Store, organization_id: str) -> bool:
    """posthog/plugins/access.py can_install_plugins."""
    return access_level(store, organization_id) >= PLUGINS_ACCESS_INSTALL


def can_manage_globally(store: Store, organization_id: str) -> bool:
    """posthog/plugins/access.py can_globally_manage_plugins."""
    return access_level(store, organization_id) >= PLUGINS_ACCESS_ROOT


class State(AreaState):
    """Plugins as tests and benches see them: stored documents, with their internal `_` keys."""

    def get(self, id: int) -> dict | None:
        """One stored plugin (any organization's), or None."""
        return self._store.get(KIND, id)

    def by_name(self, name: str) -> dict | None:
        """The first plugin with this exact name, or None."""
        return next((p for p in self._store.all(KIND) if p["name"] == name), None)

    def all(self, *, organization_id: str | None = None) -> list[dict]:
        """Every stored plugin, in install order; only one organization's own ones when given."""
        plugins = self._store.all(KIND)
        return [p for p in plugins if organization_id is None or p["organization_id"] == organization_id]

    def view(self, id: int) -> dict | None:
        """The plugin as the API answers it."""
        found = self.get(id)
        return plugin_view(self._store, found, self._profile) if found else None

    def update(self, id: int, **changes: Any) -> dict:
        """Changes stored fields (public or internal ones such as `_remote_tag`); returns the stored plugin."""
        plugin = self.get(id)
        if plugin is None:
            raise KeyError(f"no plugin {id}")
        return self._store.update(KIND, id, {**plugin, **changes})

    def access_level(self, *, organization_id: str | None = None) -> int:
        """The organization's plugins_access_level (the seeded organization's by default)."""
        return access_level(self._store, organization_id or self._default_organization())

    def set_access_level(self, level: int, *, organization_id: str | None = None) -> None:
        """Sets the organization's plugins_access_level: 0 NONE, 3 CONFIG, 6 INSTALL, 9 ROOT."""
        organization_id = organization_id or self._default_organization()
        organization = self._store.get("organization", organization_id)
        if organization is None:
            raise KeyError(f"no organization {organization_id}")
        self._store.update("organization", organization_id, {**organization, "plugins_access_level": level})

    @staticmethod
    def _default_organization() -> str:
        from simulator.core.seed import ORGANIZATION_ID

        return ORGANIZATION_ID
