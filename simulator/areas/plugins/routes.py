"""Organization plugin routes: products/cdp/backend/api/plugin.py PluginViewSet (older: posthog/api/plugin.py).

`scope_object = "plugin"` and no read/write action lists: list and retrieve need `plugin:read`, create, update and
destroy `plugin:write`, every custom action is behind the scope wall (NO_SCOPE). Then PluginsAccessLevelPermission:
reads need the organization's plugins access level CONFIG, writes INSTALL. Departures from the 2023 schema.yaml
that PostHog makes too: `config_schema` is a list of field entries, `check_for_updates` answers `{"plugin": {...}}`.
"""

from simulator.areas.plugins.catalog import REPOSITORY
from simulator.areas.plugins.install import new_plugin, sources_after
from simulator.areas.plugins.state import (
    KIND,
    PUBLIC_FIELDS,
    can_install,
    can_manage_globally,
    forbidden,
    plugin_view,
    require_access,
    visible_plugin,
)
from simulator.areas.plugins.validation import validate_plugin_fields
from simulator.core import context
from simulator.core.http import ApiError, Request, Response, activity_page, method_not_allowed, not_found, paginate
from simulator.core.routing import NO_SCOPE, route
from simulator.core.store import now_iso

BASE = "/api/organizations/{parent_lookup_organization_id}/plugins"
RESERVED = ("activity", "repository")  # list-level actions: other methods on them answer 405, as DRF does
EDITABLE = (
    "plugin_type",
    "name",
    "description",
    "icon",
    "config_schema",
    "tag",
    "is_global",
    "capabilities",
    "metrics",
    "public_jobs",
)
GLOBAL_REFUSED = "This organization can't manage global plugins!"


def _organization(request: Request, organization_id: str) -> dict:
    """The URL's organization, once PluginsAccessLevelPermission lets the request through."""
    organization = context.organization(request, organization_id)
    require_access(request, organization["id"])
    return organization


def _get(request: Request, organization_id: str, id: str) -> tuple[dict, dict]:
    organization = _organization(request, organization_id)
    if id in RESERVED:
        raise method_not_allowed(request.method)
    plugin = visible_plugin(request.store, organization["id"], id) if id.isdigit() else None
    if plugin is None:
        raise not_found()
    if request.method not in ("GET", "HEAD") and plugin["organization_id"] != organization["id"]:
        # PluginsAccessLevelPermission.has_object_permission
        raise forbidden("This plugin installation is managed by another organization")
    return organization, plugin


def _with_permissions(request: Request, organization_id: str, id: str, reason: str) -> tuple[dict, dict]:
    """PluginViewSet.get_plugin_with_permissions: another organization's (global) plugin is not found here, and
    an organization below INSTALL may not touch a plugin's code."""
    organization, plugin = _get(request, organization_id, id)
    if plugin["organization_id"] != organization["id"]:
        raise not_found()
    if not can_install(request.store, organization["id"]):
        raise forbidden(f"Plugin {reason} is not available for the current organization!")
    return organization, plugin


_PLUGIN_ACTIVITY = context.ActivityRecorder("Plugin", name=lambda plugin: plugin.get("name"))


def _activity(request: Request, organization: dict, plugin: dict, activity: str, changes: list | None = None) -> None:
    _PLUGIN_ACTIVITY(request, organization["id"], plugin, activity, changes)


def _changes(before: dict, after: dict) -> list[dict]:
    return context.changes_between(
        {k: before.get(k) for k in PUBLIC_FIELDS}, {k: after.get(k) for k in PUBLIC_FIELDS}, kind="Plugin"
    )


def _view(request: Request, plugin: dict) -> dict:
    return plugin_view(request.store, plugin, request.profile)


# List-level actions first, so they win over {id} -----------------------------------------------------------


@route("GET", BASE + "/activity/", scope=NO_SCOPE)
def plugin_activity(request: Request, parent_lookup_organization_id: str):
    """all_activity: Plugin and PluginConfig activity of the key owner's current project (load_all_activity with
    request.user.team), whichever organization the URL names; newest first."""
    organization = _organization(request, parent_lookup_organization_id)
    team = request.key["current_team_id"]
    entries = request.store.activity_list(scope="Plugin", parent=organization["id"])
    entries += request.store.activity_list(scope="Plugin", parent=team)  # rearrange logs order_changed as Plugin
    entries += request.store.activity_list(scope="PluginConfig", parent=team)
    entries.sort(key=lambda e: (e["created_at"], int(e["id"])), reverse=True)
    return activity_page(request, entries)


@route("GET", BASE + "/repository/", scope=NO_SCOPE)
def plugin_repository(request: Request, parent_lookup_organization_id: str):
    """PostHog's plugin repository (integrations-repository plugins.json): what can be installed by URL."""
    _organization(request, parent_lookup_organization_id)
    return [dict(entry) for entry in REPOSITORY]


@route("GET", BASE + "/", scope="plugin:read")
def plugin_list(request: Request, parent_lookup_organization_id: str):
    organization = _organization(request, parent_lookup_organization_id)
    plugins = [p for p in request.store.all(KIND) if p["organization_id"] == organization["id"] or p.get("is_global")]
    return paginate(request, [_view(request, p) for p in plugins])


@route("POST", BASE + "/", scope="plugin:write")
def plugin_create(request: Request, parent_lookup_organization_id: str):
    organization = _organization(request, parent_lookup_organization_id)
    data = request.data()
    validate_plugin_fields(data)
    if data.get("is_global") and not can_manage_globally(request.store, organization["id"]):
        raise forbidden(GLOBAL_REFUSED)  # PluginSerializer.create
    plugin = new_plugin(request.store, organization["id"], data)
    created = request.store.insert(KIND, plugin, parent=organization["id"])
    _activity(request, organization, created, "installed")
    return Response(201, _view(request, created))


@route("GET", BASE + "/{id}/", scope="plugin:read")
def plugin_get(request: Request, parent_lookup_organization_id: str, id: str):
    _, plugin = _get(request, parent_lookup_organization_id, id)
    return _view(request, plugin)


@route("PATCH", BASE + "/{id}/", scope="plugin:write")
def plugin_update(request: Request, parent_lookup_organization_id: str, id: str):
    organization, plugin = _get(request, parent_lookup_organization_id, id)
    data = request.data()
    validate_plugin_fields(data)
    if "is_global" in data and not can_manage_globally(request.store, organization["id"]):
        raise forbidden(GLOBAL_REFUSED)  # PluginSerializer.update: ROOT only
    after = dict(plugin)
    after.update({name: data[name] for name in EDITABLE if name in data})
    if after.get("plugin_type") == "":
        after["plugin_type"] = None
    changes = _changes(plugin, after)
    request.store.update(KIND, plugin["id"], after)
    if changes:
        _activity(request, organization, after, "updated", changes)
    return _view(request, after)


@route("DELETE", BASE + "/{id}/", scope="plugin:write")
def plugin_delete(request: Request, parent_lookup_organization_id: str, id: str):
    organization, plugin = _get(request, parent_lookup_organization_id, id)
    if plugin.get("is_global"):
        # PluginViewSet.destroy: a bare ValidationError (attr null).
        raise ApiError(
            400, "This plugin is marked as global! Make it local before uninstallation", type="validation_error"
        )
    # Deleting a plugin deletes its configs in every project (a database cascade on PostHog).
    for config in request.store.all("plugin_config"):
        if config["plugin"] == plugin["id"]:
            request.store.delete("plugin_config", config["id"])
    request.store.delete(KIND, plugin["id"])
    _activity(request, organization, plugin, "uninstalled")


@route("GET", BASE + "/{id}/check_for_updates/", scope=NO_SCOPE)
def plugin_check_for_updates(request: Request, parent_lookup_organization_id: str, id: str):
    """Looks upstream for the newest tag; repository and custom plugins only have an upstream."""
    _, plugin = _with_permissions(request, parent_lookup_organization_id, id, "installation")
    if plugin.get("plugin_type") in ("repository", "custom") and plugin.get("_remote_tag"):
        plugin = {**plugin, "latest_tag": plugin["_remote_tag"], "latest_tag_checked_at": now_iso()}
        request.store.update(KIND, plugin["id"], plugin)
    return {"plugin": _view(request, plugin)}


@route("GET", BASE + "/{id}/source/", scope=NO_SCOPE)
def plugin_source(request: Request, parent_lookup_organization_id: str, id: str):
    _, plugin = _with_permissions(request, parent_lookup_organization_id, id, "source editing")
    return dict(plugin.get("_sources") or {})


@route("PATCH", BASE + "/{id}/update_source/", scope=NO_SCOPE)
def plugin_update_source(request: Request, parent_lookup_organization_id: str, id: str):
    """{filename: content}: sets files, `null` removes one; plugin.json's name and config update the plugin."""
    organization, plugin = _with_permissions(request, parent_lookup_organization_id, id, "source editing")
    before = plugin.get("_sources") or {}
    sources, after = sources_after(plugin, request.data())
    if sources != before or after != plugin:
        request.store.update(KIND, plugin["id"], after)
        changed = sorted(set(sources) ^ set(before) | {f for f in sources if sources[f] != before.get(f)})
        changes = [
            {"type": "Plugin", "action": "changed", "field": filename, "before": None, "after": None}
            for filename in changed
        ] + _changes(plugin, after)
        _activity(request, organization, after, "source_updated", changes)
    return sources


@route("POST", BASE + "/{id}/upgrade/", scope=NO_SCOPE)
def plugin_upgrade(request: Request, parent_lookup_organization_id: str, id: str):
    """Installs the newest tag upstream; source and local plugins have nothing to upgrade to."""
    organization, plugin = _with_permissions(request, parent_lookup_organization_id, id, "upgrading")
    request.data()
    if plugin.get("plugin_type") not in ("source", "local") and plugin.get("_remote_tag"):
        remote = plugin["_remote_tag"]
        if remote != plugin.get("tag"):
            after = {**plugin, "tag": remote, "latest_tag": remote, "latest_tag_checked_at": now_iso()}
            request.store.update(KIND, plugin["id"], after)
            _activity(request, organization, after, "upgraded", _changes(plugin, after))
            plugin = after
    return _view(request, plugin)
