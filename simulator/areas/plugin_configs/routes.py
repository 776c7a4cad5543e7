"""Plugin config routes: products/cdp/backend/api/plugin.py PluginConfigViewSet (older: posthog/api/plugin.py).

`scope_object = "plugin"` with no action lists: list/retrieve need `plugin:read`, create/update/destroy
`plugin:write`, every custom action (rearrange here; activity, frontend, job, migrate in actions.py) is behind the
scope wall. An organization below CONFIG (can_configure_plugins) sees no configs. The list hides deleted configs
and is ordered by (order, plugin). DELETE only disables. `config` is written only by form bodies (validation.py).
"""

from simulator.areas.plugin_configs.hog import CREATION_RETIRED, CannotConvert, hog_function_from_config
from simulator.areas.plugin_configs.state import KIND, config_view, sorted_configs
from simulator.areas.plugin_configs.validation import (
    attachments_after,
    bool_value,
    form_config,
    int_value,
    server_error,
    text,
    validate_config,
)
from simulator.areas.plugins.state import SECRET_MASK, access_level, secret_fields, visible_plugin
from simulator.core import context
from simulator.core.http import ApiError, Request, Response, method_not_allowed, not_found, paginate, validation_error
from simulator.core.routing import NO_SCOPE, route
from simulator.core.store import now_iso
from simulator.profiles import PLUGINS_ACCESS_CONFIG

BASE = "/api/projects/{project_id}/plugin_configs"
NOT_CONFIGURABLE = "Plugin configuration is not available for the current organization!"


# Lookups and activity (actions.py uses these too) ------------------------------------------------------------


def configurable(request: Request) -> bool:
    """posthog/plugins/access.py can_configure_plugins: the organization's access level is CONFIG or more."""
    return access_level(request.store, request.key["organization_id"]) >= PLUGINS_ACCESS_CONFIG


def get_config(request: Request, project_id: str, id: str) -> tuple[int, dict, dict]:
    """get_object(): the team, the config and its plugin; 404 for another team's, unknown or hidden configs."""
    team = context.team_id(request, project_id=project_id)
    if id == "rearrange":  # a list-level action: other methods on it answer 405, as DRF does
        raise method_not_allowed(request.method)
    config = request.store.get(KIND, id, parent=team) if id.isdigit() and configurable(request) else None
    if config is None:
        raise not_found()
    return team, config, request.store.get("plugin", config["plugin"]) or {}


def record(request: Request, team: int, config: dict, plugin: dict, activity: str, changes=None, *, scope=None):
    """log_activity as PluginConfigViewSet calls it: the detail names the plugin."""
    context.record_activity(
        request,
        scope=scope or "PluginConfig",
        parent=team,
        item_id=config["id"],
        activity=activity,
        name=plugin.get("name"),
        changes=changes,
    )


def config_changes(old: dict, new: dict, secrets: set[str]) -> list[dict]:
    """get_plugin_config_changes: dict_changes_between("Plugin", ...), secret fields masked and unnamed."""
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        action = "created" if key not in old else "deleted" if key not in new else "changed"
        if key in secrets:
            changes.append(
                {"type": "PluginConfig", "action": action, "field": None, "before": SECRET_MASK, "after": SECRET_MASK}
            )
        else:
            changes.append({"type": "Plugin", "action": action, "field": key, "before": before, "after": after})
    return changes


def _view(request: Request, config: dict, plugin: dict | None = None, *, detail=True, rates=False) -> dict:
    return config_view(request.store, config, request.profile, detail=detail, rates=rates, plugin=plugin)


# List-level actions first, so they win over {id} -----------------------------------------------------------


@route("PATCH", BASE + "/rearrange/", scope=NO_SCOPE)
def config_rearrange(request: Request, project_id: str):
    """{"orders": {config id: order}}: reorders the team's enabled configs (unknown ids are skipped) and answers
    them all. Anything PostHog's code trips over (a non-numeric id or order, orders not an object) is a 500."""
    team = context.team_id(request, project_id=project_id)
    if not configurable(request):
        raise ApiError(400, NOT_CONFIGURABLE, type="validation_error")
    data = request.data()
    orders = data.get("orders", {})
    if not isinstance(orders, dict):
        raise server_error()
    enabled = {c["id"]: c for c in request.store.all(KIND, parent=team) if c["enabled"]}
    for config_id, order in orders.items():
        try:
            config = enabled.get(int(config_id))
            order = int_value(order, "order") if config is not None else order
        except (ValueError, ApiError):
            raise server_error() from None
        if config is None or config["order"] == order:
            continue
        change = {"type": "Plugin", "action": "changed", "field": "order", "before": config["order"], "after": order}
        config.update({"order": order, "updated_at": now_iso()})
        request.store.update(KIND, config["id"], config)
        plugin = request.store.get("plugin", config["plugin"]) or {}
        # "use the type plugin so we can also provide unified history"
        record(request, team, config, plugin, "order_changed", [change], scope="Plugin")
    return [_view(request, c, detail=False) for c in sorted_configs(list(enabled.values()))]


@route("GET", BASE + "/", scope="plugin:read")
def config_list(request: Request, project_id: str):
    team = context.team_id(request, project_id=project_id)
    configs = [c for c in request.store.all(KIND, parent=team) if not c.get("deleted")] if configurable(request) else []
    return paginate(request, [_view(request, c, detail=False, rates=True) for c in sorted_configs(configs)])


@route("POST", BASE + "/", scope="plugin:write")
def config_create(request: Request, project_id: str):
    team = context.team_id(request, project_id=project_id)
    data = request.data()
    plugin = _plugin_field(request, data)
    if data.get("order") in (None, ""):
        raise validation_error("order")
    order = int_value(data["order"], "order")
    enabled, deleted = bool_value(data, "enabled"), bool_value(data, "deleted")
    text(data, "name", 400)
    text(data, "description", 1000)
    if not configurable(request):
        raise ApiError(400, NOT_CONFIGURABLE, type="validation_error")
    values = form_config(request, data)
    fields = {
        "plugin": plugin["id"],
        "enabled": bool(enabled),
        "order": order,
        "team_id": team,
        "name": data.get("name") or None,
        "description": data.get("description") or None,
        "deleted": bool(deleted),
    }
    if request.profile.plugin_config_create_retired:
        return _create_as_hog_function(request, team, plugin, fields, values, enabled)
    values = {k: v for k, v in (values or {}).items() if v is not None}
    attachments = attachments_after(request, data, {})
    # PluginConfigSerializer checks no config value against the plugin's config_schema (a missing required value
    # fails only when the plugin runs): whatever the form sends is stored.
    now = now_iso()
    config = request.store.insert(
        KIND,
        {
            **fields,
            "enabled": bool(enabled) and not deleted,
            "config": values,
            "created_at": now,
            "updated_at": now,
            "_attachments": attachments,
            "_health": None,
            "_delivery_rate": None,
        },
        parent=team,
    )
    record(request, team, config, plugin, "installed", config_changes({}, values, secret_fields(plugin)))
    return Response(201, _view(request, config, plugin))


def _create_as_hog_function(request: Request, team: int, plugin: dict, fields: dict, values, enabled) -> Response:
    """PluginConfigSerializer.create on a PostHog that retired plugins: a hog function or a 400; the answer is the
    config, never saved (`id`, `created_at` and `updated_at` null)."""
    try:
        if values is not None:
            validate_config(plugin, values, {}, enabled=True)  # the hog function's inputs validation
        hog_function_from_config(
            request.store,
            team_id=team,
            plugin=plugin,
            values=values,
            enabled=enabled,
            order=fields["order"],
            user=context.user_basic(request),
        )
    except (CannotConvert, ApiError):
        raise ApiError(400, CREATION_RETIRED, type="validation_error") from None
    unsaved = {**fields, "id": None, "config": values, "created_at": None, "updated_at": None}
    return Response(201, _view(request, unsaved, plugin))


def _plugin_field(request: Request, data: dict) -> dict:
    """The `plugin` primary key field."""
    plugin_id = data.get("plugin")
    if plugin_id is None or plugin_id == "":
        raise validation_error("plugin")
    if isinstance(plugin_id, bool) or not isinstance(plugin_id, int | str):
        raise validation_error(
            "plugin", f"Incorrect type. Expected pk value, received {type(plugin_id).__name__}.", "incorrect_type"
        )
    plugin = visible_plugin(request.store, request.key["organization_id"], plugin_id)
    if plugin is None:
        raise validation_error("plugin", f'Invalid pk "{plugin_id}" - object does not exist.', "does_not_exist")
    return plugin


@route("GET", BASE + "/{id}/", scope="plugin:read")
def config_get(request: Request, project_id: str, id: str):
    _, config, plugin = get_config(request, project_id, id)
    return _view(request, config, plugin, rates=True)


@route("PATCH", BASE + "/{id}/", scope="plugin:write")
def config_update(request: Request, project_id: str, id: str):
    team, config, plugin = get_config(request, project_id, id)
    data = request.data()
    after = dict(config)
    if "order" in data:
        after["order"] = int_value(data["order"], "order")
    enabled, deleted = bool_value(data, "enabled"), bool_value(data, "deleted")
    if enabled is not None:
        after["enabled"] = enabled
    if deleted is not None:
        after["deleted"] = deleted
        if deleted:  # "if deleted is set to true we always want to disable the app"
            after["enabled"] = False
    text(data, "name", 400)
    text(data, "description", 1000)
    after.update({name: data[name] or None for name in ("name", "description") if name in data})
    secrets = secret_fields(plugin)
    new_values = form_config(request, data)  # a JSON body's `config` is dropped
    if new_values is not None:
        old_values = config.get("config") or {}
        for key in secrets:  # "Keep old value for secret fields if no new value in the request"
            if new_values.get(key) is None:
                new_values[key] = old_values.get(key)
        after["config"] = {k: v for k, v in new_values.items() if v is not None}
    after["_attachments"] = attachments_after(request, data, config.get("_attachments") or {})
    # No check of the values against the plugin's config_schema, as in PostHog (see create).
    after["updated_at"] = now_iso()
    request.store.update(KIND, config["id"], after)
    # log_config_update_activity, then _update_plugin_attachments' entries.
    changes = config_changes(config.get("config") or {}, after["config"], secrets)
    if changes:
        record(request, team, after, plugin, "config_updated", changes)
    if after["enabled"] != config["enabled"]:
        record(request, team, after, plugin, "enabled" if after["enabled"] else "disabled")
    _attachment_activity(request, team, after, plugin, config.get("_attachments") or {}, after["_attachments"])
    return _view(request, after, plugin)


def _attachment_activity(request: Request, team: int, config: dict, plugin: dict, before: dict, after: dict) -> None:
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            activity, change = "attachment_created", ("created", None, new["name"])
        elif new is None:
            activity, change = "attachment_deleted", ("deleted", old["name"], None)
        else:
            activity, change = "attachment_updated", ("changed", old["name"], new["name"])
        action, was, now = change
        record(
            request,
            team,
            config,
            plugin,
            activity,
            [{"type": "PluginConfig", "action": action, "field": None, "before": was, "after": now}],
        )


@route("DELETE", BASE + "/{id}/", scope="plugin:write")
def config_delete(request: Request, project_id: str, id: str):
    """PluginConfigViewSet.destroy: no get_object(); PluginConfig.objects.get(team, pk) sets enabled=False and
    answers 204 (an unknown id raises DoesNotExist: a 500). No activity is logged."""
    team = context.team_id(request, project_id=project_id)
    if id == "rearrange":
        raise method_not_allowed(request.method)
    if not configurable(request):
        raise not_found()
    config = request.store.get(KIND, id, parent=team) if id.isdigit() else None
    if config is None:
        raise server_error()
    if config["enabled"]:
        request.store.update(KIND, config["id"], {**config, "enabled": False, "updated_at": now_iso()})
