"""Organization plugins: list, install from a URL or as source, edit source, check for updates, upgrade, uninstall.

Follows products/cdp/backend/api/plugin.py PluginViewSet and PluginSerializer (older: posthog/api/plugin.py):
- scopes: list/retrieve `plugin:read`, create/update/destroy `plugin:write`, every custom action (activity,
  repository, check_for_updates, source, update_source, upgrade) behind the scope wall;
- PluginsAccessLevelPermission: the organization's `plugins_access_level` must be CONFIG for reads, INSTALL for
  writes ("Your organization's plugin access level is insufficient."); code and upgrades need INSTALL too
  (get_plugin_with_permissions), global plugins ROOT;
- uninstalling a global plugin is refused; another organization's global plugin is read-only.

Per profile: the seeded organization's access level is `profile.plugins_access_level` (CONFIG on today's cloud,
so every write answers 403; ROOT on a self-hosted install). `hog_function_migration_available` is in every plugin
answer only where PostHog has the `migrate` action (`profile.plugin_config_migrate`).

Modules: `catalog` (data/*.json: schemas, capabilities, sources, the repository), `state` (views, access level,
`State`), `validation`, `install`, `routes`, `seed`.
"""

from simulator.areas.plugins import routes  # noqa: F401
from simulator.areas.plugins.seed import seed
from simulator.areas.plugins.state import SECRET_MASK, plugin_view, schema_fields, secret_fields, visible_plugin

__all__ = ["SECRET_MASK", "plugin_view", "schema_fields", "secret_fields", "seed", "visible_plugin"]
