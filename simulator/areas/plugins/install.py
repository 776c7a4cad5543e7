"""Installing a plugin (PluginSerializer.create with Plugin.objects.install) and editing a plugin's source files
(PluginViewSet.update_source), as products/cdp/backend/api/plugin.py does them, minus the downloads: a URL's
plugin.json comes from the simulator's repository catalog."""

import json
from typing import Any

from simulator.areas.plugins.catalog import CAPABILITIES, SOURCE_TEMPLATES, catalog_entry, plugin_json, sha, source_tag
from simulator.areas.plugins.state import KIND
from simulator.areas.plugins.validation import parse_plugin_url, title_from_repo, validate_config_schema
from simulator.core.http import ApiError, validation_error
from simulator.core.store import Store


def new_plugin(store: Store, organization_id: str, data: dict) -> dict:
    """The plugin a validated install body describes (not yet stored): a source plugin, or one from a URL."""
    plugin_type = data.get("plugin_type") or None
    url = data.get("url")
    if url is not None and not isinstance(url, str):
        raise validation_error("url", "Not a valid string.", "invalid")
    plugin: dict[str, Any] = {
        "plugin_type": plugin_type,
        "name": data.get("name"),
        "description": data.get("description") or "",
        "url": None,
        "icon": data.get("icon"),
        "config_schema": data.get("config_schema", []),
        "tag": None,
        "latest_tag": None,
        "is_global": bool(data.get("is_global", False)),
        "organization_id": organization_id,
        "capabilities": data.get("capabilities") or {},
        "metrics": data.get("metrics") or {},
        "public_jobs": data.get("public_jobs") or {},
        "_category": "transform",
    }
    if plugin_type == "source":
        return _source_plugin(plugin)
    if not url:
        raise validation_error("url", "This field is required.", "required")
    bare = url.split("?")[0].rstrip("/")
    if bare.startswith("file:"):
        if len(bare) <= len("file:"):
            raise validation_error("url", f"Could not load plugin.json from: {bare[5:]}/plugin.json", "invalid")
        name = data.get("name") or title_from_repo(bare.rstrip("/").split("/")[-1])
        plugin.update({"plugin_type": "local", "url": bare, "name": name})
    else:
        bare = _from_catalog(plugin, data, url)
    for existing in store.all(KIND):
        if existing.get("url") == bare:
            raise validation_error("url", f'Plugin from URL "{bare}" already installed!', "invalid")
    sources = {
        "plugin.json": plugin_json(plugin["name"], plugin["description"], bare, plugin["config_schema"]),
        "index.ts": SOURCE_TEMPLATES.get(plugin["_category"], SOURCE_TEMPLATES["transform"]),
    }
    plugin["_sources"] = sources
    if plugin["plugin_type"] == "local":
        plugin["tag"] = plugin["latest_tag"] = source_tag(sources)
        plugin["_remote_tag"] = None
    return plugin


def _source_plugin(plugin: dict) -> dict:
    if not (plugin["name"] or "").strip():
        raise validation_error("name", "This field is required.", "required")
    sources = {
        "plugin.json": plugin_json(plugin["name"], plugin["description"], None, plugin["config_schema"]),
        "index.ts": SOURCE_TEMPLATES["transform"],
    }
    plugin.update(
        {
            "_sources": sources,
            "tag": source_tag(sources),
            "_remote_tag": None,
            "capabilities": plugin["capabilities"] or {"methods": ["processEvent"], "jobs": [], "scheduled_tasks": []},
        }
    )
    plugin["latest_tag"] = plugin["tag"]
    return plugin


def _from_catalog(plugin: dict, data: dict, url: str) -> str:
    """Fills a custom or repository plugin from its URL (and the catalog's plugin.json); its root URL."""
    parsed = parse_plugin_url(url)
    if parsed is None:
        raise validation_error("url", "Must be a GitHub/GitLab repository or a npm package URL!", "invalid")
    bare = parsed["root_url"]
    catalog = catalog_entry(bare)
    tag = parsed["tag"] or sha(bare, "head")
    plugin.update(
        {
            "plugin_type": plugin["plugin_type"] if plugin["plugin_type"] in ("custom", "repository") else "custom",
            "url": bare,
            "tag": tag,
            "latest_tag": tag,
            "_remote_tag": tag,
            "name": catalog.get("name") or data.get("name") or title_from_repo(parsed["repo"]),
            "description": catalog.get("description") or plugin["description"],
            "icon": plugin["icon"] or catalog.get("icon"),
        }
    )
    if catalog.get("_category"):
        plugin["_category"] = catalog["_category"]
        plugin["capabilities"] = plugin["capabilities"] or CAPABILITIES[catalog["_category"]]
    if "config_schema" not in data and catalog.get("_schema") is not None:
        plugin["config_schema"] = catalog["_schema"]
    return bare


def sources_after(plugin: dict, data: dict) -> tuple[dict, dict]:
    """update_source: {filename: content} sets files and `null` removes one; plugin.json's name and config update
    the plugin. The new source files and the plugin after the change."""
    sources = dict(plugin.get("_sources") or {})
    for filename, content in data.items():
        if not filename or "/" in filename or len(filename) > 200:
            raise validation_error(filename or "non_field_errors", "Not a valid file name.", "invalid")
        if content is not None and not isinstance(content, str):
            raise validation_error(filename, "Not a valid string.", "invalid")
    after = dict(plugin)
    for filename, content in data.items():
        if content is None:
            sources.pop(filename, None)
        else:
            sources[filename] = content
    if sources.get("plugin.json"):
        try:
            parsed = json.loads(sources["plugin.json"])
        except ValueError as error:
            raise validation_error("plugin.json", f"plugin.json is not valid JSON: {error}", "invalid") from None
        if not isinstance(parsed, dict):
            raise validation_error("plugin.json", "plugin.json must be a JSON object.", "invalid")
        if isinstance(parsed.get("name"), str) and parsed["name"].strip():
            after["name"] = parsed["name"][:200]
        if "config" in parsed:
            try:
                validate_config_schema(parsed["config"])
            except ApiError as error:
                raise validation_error("plugin.json", f"config: {error.detail} ({error.attr})", "invalid") from None
            after["config_schema"] = parsed["config"]
    after["_sources"] = sources
    if after.get("plugin_type") in ("source", "local"):
        after["tag"] = after["latest_tag"] = source_tag(sources)
    return sources, after
