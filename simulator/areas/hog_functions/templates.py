"""Hog function templates, the legacy plugins that have one, and the plugins with a migrator (data/templates.json).

- `migration_template(url)`: posthog/cdp/templates/__init__.py HOG_FUNCTION_MIGRATORS, keyed by the plugin's URL
  (what PluginSerializer.get_hog_function_migration_available and PluginConfigViewSet.migrate look up);
- `legacy_plugin_template(plugin)`: posthog/cdp/legacy_plugins.py hog_function_from_plugin_config looks up
  `plugin-<id>`, the id being the plugin's URL without `inline://` or `https://github.com/PostHog/`; its
  inputs_schema is the plugin's own config schema.
"""

import json
from pathlib import Path
from typing import Any

_DATA = json.loads((Path(__file__).parent / "data" / "templates.json").read_text(encoding="utf-8"))
MIGRATORS: dict[str, str] = _DATA["migrators"]
MIGRATION_INPUTS: dict[str, dict[str, list[str]]] = _DATA["migration_inputs"]
LEGACY_PLUGINS: tuple[str, ...] = tuple(_DATA["legacy_plugins"])
TEMPLATES: dict[str, dict] = _DATA["templates"]
INPUT_TYPES = {
    "string": "string",
    "choice": "choice",
    "json": "json",
    "dictionary": "dictionary",
    "attachment": "string",
}


def template(template_id: str) -> dict | None:
    found = TEMPLATES.get(template_id)
    return {"id": template_id, **found} if found else None


def migration_available(url: str | None) -> bool:
    """products/cdp/backend/api/plugin.py PluginSerializer: HOG_FUNCTION_MIGRATORS.get(plugin.url) is not None."""
    return bool(url) and url in MIGRATORS


def migration_template(url: str | None) -> dict | None:
    return template(MIGRATORS[url]) if migration_available(url) else None


def migrated_inputs(found: dict, values: dict) -> dict[str, Any]:
    """A migrator's inputs: each template input from the first of its plugin config keys that is set, else the
    input's default (the migrators' migrate() read the config's keys one by one)."""
    inputs: dict[str, Any] = {}
    sources = MIGRATION_INPUTS.get(found["id"], {})
    for item in found.get("inputs_schema") or []:
        value = next((values[key] for key in sources.get(item["key"], []) if values.get(key) not in (None, "")), None)
        if value is None:
            value = item.get("default")
        if value is not None:
            inputs[item["key"]] = value
    return inputs


def legacy_plugin_id(url: str | None) -> str | None:
    """posthog/cdp/legacy_plugins.py: the plugin's URL without `inline://` or `https://github.com/PostHog/`
    (a plugin without a URL makes PostHog's code fail: None here)."""
    if not url:
        return None
    return url.replace("inline://", "").replace("https://github.com/PostHog/", "")


def legacy_plugin_template(plugin: dict) -> dict | None:
    """The `plugin-<id>` template of a plugin (None when PostHog has none), its inputs_schema from the plugin."""
    plugin_id = legacy_plugin_id(plugin.get("url"))
    if plugin_id not in LEGACY_PLUGINS:
        return None
    kind = "transformation" if (plugin.get("_category") or "transform") == "transform" else "destination"
    return {
        "id": f"plugin-{plugin_id}",
        "type": kind,
        "name": plugin.get("name"),
        "description": plugin.get("description") or "",
        "icon_url": plugin.get("icon"),
        "category": ["Custom"],
        "status": "deprecated",
        "free": kind == "transformation",
        "code": "return event" if kind == "transformation" else "// runs the legacy plugin's onEvent",
        "inputs_schema": inputs_schema_from_plugin(plugin),
    }


def inputs_schema_from_plugin(plugin: dict) -> list[dict]:
    """A plugin's config fields as hog function input schema items (the legacy plugin templates mirror them)."""
    from simulator.areas.plugins.state import schema_fields  # plugins imports this module: import late

    items = []
    for entry in schema_fields(plugin):
        item: dict[str, Any] = {
            "key": entry["key"],
            "type": INPUT_TYPES.get(entry.get("type") or "string", "string"),
            "label": entry.get("name") or entry["key"],
            "secret": bool(entry.get("secret")),
            "required": bool(entry.get("required")),
        }
        if entry.get("default") not in (None, ""):
            item["default"] = entry["default"]
        if entry.get("choices"):
            item["choices"] = [{"label": choice, "value": choice} for choice in entry["choices"]]
        if entry.get("hint"):
            item["description"] = entry["hint"]
        items.append(item)
    return items


def template_view(found: dict | None) -> dict | None:
    """HogFunctionTemplateSerializer, as nested in a hog function (`template`)."""
    if found is None:
        return None
    return {
        "id": found["id"],
        "name": found["name"],
        "description": found.get("description") or "",
        "code": found.get("code") or "",
        "code_language": found.get("code_language") or "hog",
        "inputs_schema": found.get("inputs_schema") or [],
        "type": found["type"],
        "status": found.get("status") or "stable",
        "category": found.get("category") or [],
        "free": bool(found.get("free")),
        "icon_url": found.get("icon_url"),
        "filters": found.get("filters"),
        "masking": None,
        "mapping_templates": None,
    }
