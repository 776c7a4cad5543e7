"""Plugin configs becoming hog functions, on PostHog versions that retired the plugin server.

- posthog/cdp/legacy_plugins.py hog_function_from_plugin_config (PluginConfigSerializer.create): the plugin's
  `plugin-<id>` template, inputs from the config values, `enabled` defaulting to True, the config's order as
  execution order. Anything failing (no template, a plugin without URL, no `config` in the body) is the caller's
  400 "Plugin creation is no longer possible...".
- PluginConfigViewSet.migrate: the migrator of the plugin's URL (HOG_FUNCTION_MIGRATORS), enabled when the config
  was, which is then disabled.
"""

from simulator.areas.hog_functions.state import create_function
from simulator.areas.hog_functions.templates import legacy_plugin_template, migrated_inputs, migration_template
from simulator.areas.plugin_configs.state import KIND
from simulator.core.store import Store, now_iso

CREATION_RETIRED = (
    "Plugin creation is no longer possible. Please refer to the Hog Functions documentation for more information."
)
NO_MIGRATION = "No migration available for this plugin"


class CannotConvert(Exception):
    """hog_function_from_plugin_config failed: PostHog answers CREATION_RETIRED."""


def hog_function_from_config(
    store: Store, *, team_id: int, plugin: dict, values: dict | None, enabled: bool | None, order: int, user: dict
) -> dict:
    """The hog function a new config becomes (stored), or CannotConvert."""
    template = legacy_plugin_template(plugin)
    if template is None or values is None:  # no template; a JSON body has no `config` (plugin_config["config"])
        raise CannotConvert()
    return create_function(
        store,
        team_id=team_id,
        template=template,
        created_by=user,
        name=plugin.get("name"),
        description=template["description"],
        inputs=values,
        enabled=True if enabled is None else enabled,
        execution_order=order,
    )


def migrate(store: Store, *, config: dict, plugin: dict, user: dict) -> dict | None:
    """The hog function the config migrates to (stored), the config disabled if it was enabled; None when the
    plugin has no migrator."""
    template = migration_template(plugin.get("url"))
    if template is None:
        return None
    function = create_function(
        store,
        team_id=config["team_id"],
        template=template,
        created_by=user,
        inputs=migrated_inputs(template, config.get("config") or {}),
        enabled=bool(config["enabled"]),
    )
    if config["enabled"]:
        store.update(KIND, config["id"], {**config, "enabled": False, "updated_at": now_iso()})
    return function
