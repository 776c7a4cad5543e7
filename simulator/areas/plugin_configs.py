"""Project plugin configs: install a plugin into a project, configure it, order it, run its jobs, read its logs.

Shapes follow PostHog's PluginConfigSerializer. Secret config values are masked in every read; sending `null`
(or leaving a secret out) keeps the stored value, as PostHog does. DELETE only disables a config (it stays in
the list); PATCH `deleted: true` hides it from the list and disables it. `plugin_info` is the plugin on
single reads and null in lists; `delivery_rate_24h` is a float 0..1, or null for configs without metrics.

`live_tick` is the living part: living.py calls it inside a store transaction every few seconds.
"""

import functools
import hashlib
import json
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.areas.plugins import (
    SECRET_MASK,
    plugin_view,
    schema_fields,
    secret_fields,
    visible_plugin,
)
from simulator.core import context
from simulator.core.http import (
    Request,
    Response,
    activity_page,
    method_not_allowed,
    not_found,
    paginate,
    validation_error,
)
from simulator.core.routing import NO_SCOPE, route
from simulator.core.store import Store, now_iso

KIND = "plugin_config"
BASE = "/api/projects/{project_id}/plugin_configs"
LOG_SOURCES = ("SYSTEM", "PLUGIN", "CONSOLE")
LOG_TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
LOG_RETENTION = timedelta(days=7)  # PostHog keeps plugin logs for a week
INT_MIN, INT_MAX = -2147483648, 2147483647
TRUE_VALUES = {True, "true", "True", "TRUE", "1", "yes", "on"}
FALSE_VALUES = {False, "false", "False", "FALSE", "0", "no", "off"}
ATTACHMENT_FIELD = re.compile(r"^add_attachment\[(?P<key>[^\]]+)\]$")
REMOVE_ATTACHMENT_FIELD = re.compile(r"^remove_attachment\[(?P<key>[^\]]+)\]$")


# Views --------------------------------------------------------------------------------------------------


def config_view(store: Store, config: dict, *, detail: bool = True, plugin: dict | None = None) -> dict:
    plugin = plugin or store.get("plugin", config["plugin"]) or {}
    secrets = secret_fields(plugin) if plugin else set()
    values = dict(config.get("config") or {})
    for key in secrets:
        if values.get(key):
            values[key] = SECRET_MASK
    for key, meta in (config.get("_attachments") or {}).items():
        values[key] = (
            meta
            if key not in secrets
            else {"uid": -1, "saved": True, "size": -1, "name": SECRET_MASK, "type": "application/octet-stream"}
        )
    return {
        "id": config["id"],
        "plugin": config["plugin"],
        "enabled": config["enabled"],
        "order": config["order"],
        "config": values,
        "error": config.get("error"),
        "team_id": config["team_id"],
        "plugin_info": plugin_view(store, plugin) if detail and plugin else None,
        "delivery_rate_24h": config.get("delivery_rate_24h"),
        "created_at": config["created_at"],
        "updated_at": config.get("updated_at"),
        "name": config.get("name") or plugin.get("name"),
        "description": config.get("description") or plugin.get("description"),
        "deleted": bool(config.get("deleted")),
        "filters": config.get("filters"),
    }


def _sorted(configs: list[dict]) -> list[dict]:
    return sorted(configs, key=lambda c: (c["order"], c["plugin"], c["id"]))


def _config_id(request: Request, id: str) -> str:
    if id == "rearrange":  # a list-level action: other methods on it answer 405, as DRF does
        raise method_not_allowed(request.method)
    if not id.isdigit():
        raise not_found()
    return id


def _get(request: Request, project_id: str, id: str) -> tuple[int, dict]:
    team = context.team_id(request, project_id=project_id)
    config = request.store.get(KIND, _config_id(request, id), parent=team)
    if config is None:
        raise not_found()
    return team, config


def _activity(
    request: Request,
    team: int,
    config: dict,
    plugin: dict,
    activity: str,
    changes: list[dict] | None = None,
    trigger: dict | None = None,
) -> None:
    context.record_activity(
        request,
        scope="PluginConfig",
        parent=team,
        item_id=config["id"],
        activity=activity,
        name=config.get("name") or plugin.get("name"),
        changes=changes,
        trigger=trigger,
    )


def _set_field(request: Request, team: int, config: dict, field: str, value, *, activity: str) -> None:
    """Changes one field of a stored config and records the change as PostHog would."""
    change = {"type": "PluginConfig", "action": "changed", "field": field, "before": config[field], "after": value}
    config.update({field: value, "updated_at": now_iso()})
    request.store.update(KIND, config["id"], config)
    plugin = request.store.get("plugin", config["plugin"]) or {}
    _activity(request, team, config, plugin, activity, [change])


# Validation ---------------------------------------------------------------------------------------------


def _bool(data: dict, name: str) -> bool | None:
    if name not in data:
        return None
    value = data[name]
    if isinstance(value, bool | int | str) and value in TRUE_VALUES:
        return True
    if isinstance(value, bool | int | str) and value in FALSE_VALUES:
        return False
    raise validation_error(name, "Must be a valid boolean.", "invalid")


def _int(value: Any, attr: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise validation_error(attr, "A valid integer is required.", "invalid")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except ValueError:
        number = None
    if number is None:
        raise validation_error(attr, "A valid integer is required.", "invalid")
    if number < INT_MIN:
        raise validation_error(attr, f"Ensure this value is greater than or equal to {INT_MIN}.", "min_value")
    if number > INT_MAX:
        raise validation_error(attr, f"Ensure this value is less than or equal to {INT_MAX}.", "max_value")
    return number


def _text(data: dict, name: str, max_length: int | None) -> None:
    value = data.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise validation_error(name, "Not a valid string.", "invalid")
    if max_length and len(str(value)) > max_length:
        raise validation_error(name, f"Ensure this field has no more than {max_length} characters.", "max_length")
    data[name] = str(value)


def _condition_holds(values: dict, conditions: list) -> bool:
    """PostHog's doFieldRequirementsMatch: [key] means "key is set", [key, value] means equality; all must hold."""
    for pair in conditions:
        actual = values.get(pair[0]) or ""
        if len(pair) == 1:
            if not actual:
                return False
        elif actual != pair[1]:
            return False
    return True


def validate_config(plugin: dict, values: dict, attachments: dict, *, enabled: bool) -> None:
    """Types of known fields always; required fields (and required_if) once the config is enabled."""
    for entry in schema_fields(plugin):
        key, kind = entry["key"], entry.get("type") or "string"
        value, attr = values.get(key), f"config__{entry['key']}"
        if value is None or value == "":
            continue
        if kind == "choice" and value not in (entry.get("choices") or []):
            raise validation_error(attr, f'"{value}" is not a valid choice.', "invalid_choice")
        if kind == "json":
            if isinstance(value, str):
                try:
                    json.loads(value)
                except ValueError:
                    raise validation_error(attr, "Value must be valid JSON.", "invalid") from None
            elif not isinstance(value, dict | list):
                raise validation_error(attr, "Value must be valid JSON.", "invalid")
        if kind == "dictionary" and not isinstance(value, dict):
            raise validation_error(
                attr, f'Expected a dictionary of items but got type "{type(value).__name__}".', "not_a_dict"
            )
        if kind == "string" and (isinstance(value, bool) or not isinstance(value, str | int | float)):
            raise validation_error(attr, "Not a valid string.", "invalid")
    if not enabled:
        return
    for entry in schema_fields(plugin):
        if entry.get("visible_if") and not _condition_holds(values, entry["visible_if"]):
            continue
        needed = entry.get("required") or (entry.get("required_if") and _condition_holds(values, entry["required_if"]))
        if not needed:
            continue
        present = (
            entry["key"] in attachments
            if entry.get("type") == "attachment"
            else values.get(entry["key"]) not in (None, "", {}, [])
        )
        if not present:
            raise validation_error(f"config__{entry['key']}", "This field is required.", "required")


def _check_filters(data: dict) -> None:
    if data.get("filters") is not None and not isinstance(data["filters"], dict):
        raise validation_error("filters", "Value must be valid JSON.", "invalid")


def _check_config_object(request: Request, data: dict) -> dict | None:
    if "config" not in data:
        return None
    if request.form:
        # Multipart bodies (those with attachments) carry the config as JSON text, as PostHog's
        # _fix_formdata_config_json reads it.
        try:
            data["config"] = json.loads(data["config"])
        except ValueError:
            raise validation_error("config", "Value must be valid JSON.", "invalid") from None
    if not isinstance(data["config"], dict):
        raise validation_error(
            "config", f'Expected a dictionary of items but got type "{type(data["config"]).__name__}".', "not_a_dict"
        )
    return dict(data["config"])


def _attachments_after(request: Request, data: dict, attachments: dict) -> dict:
    """`add_attachment[key]` files replace an attachment; `remove_attachment[key]` fields drop one."""
    result = dict(attachments)
    for name, (filename, content, content_type) in request.files.items():
        if match := ATTACHMENT_FIELD.match(name):
            result[match["key"]] = {
                "uid": int(hashlib.sha1(content).hexdigest()[:8], 16),
                "saved": True,
                "size": len(content),
                "name": filename,
                "type": content_type,
            }
    for name in data:
        if (match := REMOVE_ATTACHMENT_FIELD.match(name)) and match["key"] not in request.files:
            result.pop(match["key"], None)
    return result


# Routes: list-level actions first, so they win over {id} -------------------------------------------------


@route("PATCH", BASE + "/rearrange/", scope=NO_SCOPE)
def config_rearrange(request: Request, project_id: str):
    """{"orders": {config id: order}}: changes the order of the project's enabled configs."""
    team = context.team_id(request, project_id=project_id)
    data = request.data()
    orders = data.get("orders")
    if orders is None:
        raise validation_error("orders")
    if not isinstance(orders, dict):
        raise validation_error(
            "orders", f'Expected a dictionary of items but got type "{type(orders).__name__}".', "not_a_dict"
        )
    configs = {str(c["id"]): c for c in request.store.all(KIND, parent=team)}
    wanted: dict[str, int] = {}
    for config_id, order in orders.items():
        if str(config_id) not in configs:
            raise validation_error("orders", f'Invalid pk "{config_id}" - object does not exist.', "does_not_exist")
        wanted[str(config_id)] = _int(order, f"orders__{config_id}")
    for config_id, order in wanted.items():
        config = configs[config_id]
        # PostHog reorders enabled configs only; disabled ones keep their place.
        if not config["enabled"] or config["order"] == order:
            continue
        _set_field(request, team, config, "order", order, activity="order_changed")
    enabled = [c for c in configs.values() if c["enabled"] and not c.get("deleted")]
    return [config_view(request.store, c, detail=False) for c in _sorted(enabled)]


@route("GET", BASE + "/", scope="plugin:read")
def config_list(request: Request, project_id: str):
    team = context.team_id(request, project_id=project_id)
    configs = [c for c in request.store.all(KIND, parent=team) if not c.get("deleted")]
    return paginate(request, [config_view(request.store, c, detail=False) for c in _sorted(configs)])


@route("POST", BASE + "/", scope="plugin:write")
def config_create(request: Request, project_id: str):
    team = context.team_id(request, project_id=project_id)
    data = request.data()
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
    if data.get("order") is None:
        raise validation_error("order")
    order = _int(data["order"], "order")
    enabled = _bool(data, "enabled") or False
    deleted = _bool(data, "deleted") or False
    _text(data, "name", 400)
    _text(data, "description", 1000)
    _check_filters(data)
    values = _check_config_object(request, data) or {}
    values = {k: v for k, v in values.items() if v is not None}
    attachments = _attachments_after(request, data, {})
    validate_config(plugin, values, attachments, enabled=enabled and not deleted)
    now = now_iso()
    config = request.store.insert(
        KIND,
        {
            "plugin": plugin["id"],
            "enabled": enabled and not deleted,
            "order": order,
            "config": values,
            "error": None,
            "team_id": team,
            "delivery_rate_24h": None,
            "created_at": now,
            "updated_at": now,
            "name": data.get("name") or None,
            "description": data.get("description") or None,
            "deleted": deleted,
            "filters": data.get("filters"),
            "_attachments": attachments,
        },
        parent=team,
    )
    secrets = secret_fields(plugin)
    _activity(
        request,
        team,
        config,
        plugin,
        "installed",
        context.changes_between({}, values, kind="PluginConfig", secret_fields=secrets),
    )
    return Response(201, config_view(request.store, config, plugin=plugin))


@route("GET", BASE + "/{id}/", scope="plugin:read")
def config_get(request: Request, project_id: str, id: str):
    _, config = _get(request, project_id, id)
    return config_view(request.store, config)


@route("PATCH", BASE + "/{id}/", scope="plugin:write")
def config_update(request: Request, project_id: str, id: str):
    team, config = _get(request, project_id, id)
    plugin = request.store.get("plugin", config["plugin"]) or {}
    data = request.data()
    after = dict(config)
    if "order" in data:
        after["order"] = _int(data["order"], "order")
    enabled, deleted = _bool(data, "enabled"), _bool(data, "deleted")
    if enabled is not None:
        after["enabled"] = enabled
    if deleted is not None:
        after["deleted"] = deleted
        if deleted:  # a deleted config is always disabled
            after["enabled"] = False
    _text(data, "name", 400)
    _text(data, "description", 1000)
    for name in ("name", "description"):
        if name in data:
            after[name] = data[name] or None
    _check_filters(data)
    if "filters" in data:
        after["filters"] = data["filters"]
    secrets = secret_fields(plugin)
    new_values = _check_config_object(request, data)
    if new_values is not None:
        # The new config replaces the old one, except that secrets sent as null (or left out) keep their value.
        old_values = config.get("config") or {}
        for key in secrets:
            if new_values.get(key) is None and old_values.get(key) is not None:
                new_values[key] = old_values[key]
        after["config"] = {k: v for k, v in new_values.items() if v is not None}
    after["_attachments"] = _attachments_after(request, data, config.get("_attachments") or {})
    validate_config(plugin, after["config"], after["_attachments"], enabled=after["enabled"])
    after["updated_at"] = now_iso()
    request.store.update(KIND, config["id"], after)

    config_changes = context.changes_between(
        config.get("config") or {}, after["config"], kind="PluginConfig", secret_fields=secrets
    )
    if config_changes:
        _activity(request, team, after, plugin, "config_updated", config_changes)
    if after["enabled"] != config["enabled"]:
        _activity(request, team, after, plugin, "enabled" if after["enabled"] else "disabled")
    other = {k: config.get(k) for k in ("order", "name", "description", "deleted", "filters")}
    other_changes = context.changes_between(other, {k: after.get(k) for k in other}, kind="PluginConfig")
    if other_changes:
        _activity(request, team, after, plugin, "updated", other_changes)
    return config_view(request.store, after, plugin=plugin)


@route("DELETE", BASE + "/{id}/", scope="plugin:write")
def config_delete(request: Request, project_id: str, id: str):
    """PostHog only disables the config: it stays, with `enabled: false`."""
    team, config = _get(request, project_id, id)
    if config["enabled"]:
        _set_field(request, team, config, "enabled", False, activity="disabled")


@route("GET", BASE + "/{id}/activity/", scope=NO_SCOPE)
def config_activity(request: Request, project_id: str, id: str):
    team, config = _get(request, project_id, id)
    return activity_page(request, request.store.activity_list(scope="PluginConfig", parent=team, item_id=config["id"]))


@route("GET", BASE + "/{id}/frontend/", scope=NO_SCOPE)
def config_frontend(request: Request, project_id: str, id: str):
    """JavaScript, as PostHog serves it: the transpiled frontend.tsx, or a stub saying there is none."""
    _, config = _get(request, project_id, id)
    plugin = request.store.get("plugin", config["plugin"]) or {}
    source = (plugin.get("_sources") or {}).get("frontend.tsx")
    if source:
        body = '"use strict";\n/* transpiled from frontend.tsx */\n' + source.replace(
            "import React from 'react'", "const React = require('react')"
        )
    else:
        body = "export function getFrontendApp () { return " + json.dumps({"no_frontend": True}) + " }"
    return Response(200, None, headers={"Content-Type": "application/javascript"}, raw=body.encode())


@route("POST", BASE + "/{id}/job/", scope=NO_SCOPE, available=lambda profile: profile.plugin_config_job)
def config_job(request: Request, project_id: str, id: str):
    """{"job": {"type", "payload", "operation"}}: queues a job of the plugin; PostHog answers 200."""
    team, config = _get(request, project_id, id)
    plugin = request.store.get("plugin", config["plugin"]) or {}
    job = request.data().get("job", {})
    if not isinstance(job, dict):
        raise validation_error(
            "job", f'Expected a dictionary of items but got type "{type(job).__name__}".', "not_a_dict"
        )
    job_type = job.get("type")
    if job_type in (None, ""):
        raise validation_error("job__type", "The job type must be specified!", "required")
    if not isinstance(job_type, str):
        raise validation_error("job__type", "Not a valid string.", "invalid")
    payload = job.get("payload", {})
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise validation_error("job__payload", "Expected a dictionary of items.", "not_a_dict")
    operation = job.get("operation", "start")
    if operation not in ("start", "stop"):
        raise validation_error("job__operation", f'"{operation}" is not a valid choice.', "invalid_choice")
    job_id = str(uuid.uuid4())
    request.store.logs_add(
        [
            _log_entry(
                config,
                _instance_ids(team)[0],
                datetime.now(UTC),
                "SYSTEM",
                "INFO",
                f'{"Starting" if operation == "start" else "Stopping"} job "{job_type}" ({job_id}) '
                f"with payload {json.dumps(payload, ensure_ascii=False)}",
                str(uuid.uuid4()),
            )
        ]
    )
    _activity(
        request,
        team,
        config,
        plugin,
        "job_triggered",
        trigger={"job_type": job_type, "job_id": job_id, "payload": payload},
    )
    return {"success": True}


@route("GET", BASE + "/{plugin_config_id}/logs/", scope="plugin:read")
def config_logs(request: Request, project_id: str, plugin_config_id: str):
    """Newest first; `after`/`before` (ISO timestamps), `search` (case-insensitive), repeated `type_filter`."""
    team = context.team_id(request, project_id=project_id)
    if not plugin_config_id.isdigit():
        raise not_found()
    types = [t.strip() for value in request.params("type_filter") for t in value.split(",") if t.strip()]
    for value in types:
        if value not in LOG_TYPES:
            raise validation_error("type_filter", f'"{value}" is not a valid choice.', "invalid_choice")
    entries = request.store.logs_query(
        plugin_config_id=int(plugin_config_id),
        after=_instant(request, "after"),
        before=_instant(request, "before"),
        types=types or None,
    )
    entries = [e for e in entries if e["team_id"] == team]
    search = (request.param("search") or "").casefold()
    if search:
        entries = [e for e in entries if search in e["message"].casefold()]
    return paginate(request, entries)


def _instant(request: Request, name: str) -> str | None:
    value = request.param(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "+") if "T" in value else value.strip())
    except ValueError:
        raise validation_error(name, "Datetime has wrong format. Use an ISO 8601 timestamp.", "invalid") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _stamp(moment)


# Logs ---------------------------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    """Every log timestamp has microseconds, so they compare as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.cache
def _instance_ids(team: int) -> tuple[str, ...]:
    """The plugin server instances of a team's region: stable ids, so entries group by instance."""
    return tuple(str(uuid.uuid5(uuid.NAMESPACE_URL, f"plugin-server/{team}/{n}")) for n in range(3))


def _log_entry(
    config: dict, instance_id: str, moment: datetime, source: str, type: str, message: str, entry_id: str
) -> dict:
    return {
        "id": entry_id,
        "team_id": config["team_id"],
        "plugin_id": config["plugin"],
        "plugin_config_id": config["id"],
        "timestamp": _stamp(moment),
        "source": source,
        "type": type,
        "message": message,
        "instance_id": instance_id,
    }


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


DESTINATIONS = {
    "BigQuery": "bigquery.googleapis.com",
    "S3": "s3.eu-central-1.amazonaws.com",
    "Snowflake": "hh12345.eu-central-1.snowflakecomputing.com",
    "Postgre": "db.hedgehog.internal:5432",
    "Redshift": "redshift.hedgehog.internal:5439",
    "HubSpot": "api.hubapi.com",
    "Customer.io": "track-eu.customer.io",
    "Intercom": "api.intercom.io",
    "Slack": "hooks.slack.com",
    "Discord": "discord.com",
    "Braze": "rest.fra-01.braze.eu",
    "Zendesk": "hedgehog.zendesk.com",
    "PagerDuty": "events.pagerduty.com",
    "Salesforce": "hedgehog.my.salesforce.com",
}


def _destination(plugin: dict) -> str:
    name = plugin.get("name") or ""
    return next((host for word, host in DESTINATIONS.items() if word in name), "api.partner.example")


def _message(rng: random.Random, plugin: dict, source: str, type: str) -> str:
    host = _destination(plugin)
    category = plugin.get("_category", "transform")
    n = rng.randint(2, 900)
    ms = rng.randint(40, 4800)
    user = f"user_{rng.getrandbits(32):08x}"
    if type == "ERROR":
        return rng.choice(ERROR_MESSAGES).format(host=host, n=n, ms=ms, user=user)
    if source == "SYSTEM":
        return rng.choice(
            {
                "DEBUG": ["Plugin VM ready in {ms} ms", "Loaded {n} attachments and config keys"],
                "LOG": ["Plugin loaded", "setupPlugin completed in {ms} ms"],
                "INFO": [
                    "Plugin loaded (instance {short})",
                    "Reloading plugin after a config change",
                    "Plugin server restarted: loading {n} plugins",
                    "Plugin unloaded from an idle instance",
                ],
                "WARN": [
                    "setupPlugin took {ms} ms, longer than the 30 s target",
                    "Plugin VM is close to its memory limit",
                    "Scheduled task runEveryMinute overlapped the previous run",
                ],
            }[type]
        ).format(ms=ms, n=n, short=f"{rng.getrandbits(24):06x}")
    if source == "CONSOLE":
        return rng.choice(
            {
                "DEBUG": [
                    "console.debug: payload keys: event, distinct_id, properties, timestamp",
                    "console.debug: cache hit for {user}",
                ],
                "LOG": [
                    "console.log: processed $pageview for {user}",
                    "console.log: batch size {n}",
                    "console.log: 🦔 hedgehog spotted in properties.mood",
                ],
                "INFO": ["console.info: {n} events buffered", "console.info: next flush in {ms} ms"],
                "WARN": [
                    "console.warn: property $email missing on $identify from {user}",
                    'console.warn: unknown plan <b>enterprise & co</b>, tagging as "other"',
                ],
            }[type]
        ).format(user=user, n=n, ms=ms)
    pool = {
        "export": {
            "DEBUG": "Buffer holds {n} events ({kb} kB)",
            "LOG": "Flushing {n} events to {host}",
            "INFO": "Exported {n} events to {host} in {ms} ms",
            "WARN": "Retrying export of {n} events in 30 s (attempt 2 of 5): {host} answered 429",
        },
        "crm": {
            "DEBUG": "Mapped {n} properties for {user}",
            "LOG": "Looking up contact for {user}",
            "INFO": "Upserted contact for {user} at {host}",
            "WARN": "Skipped {user}: no email on the person",
        },
        "webhook": {
            "DEBUG": "Composed webhook body of {kb} kB",
            "LOG": "Sending webhook to {host}",
            "INFO": "Webhook delivered: 200 OK in {ms} ms",
            "WARN": "Slow webhook: {host} took {ms} ms",
        },
        "import": {
            "DEBUG": "Cursor at row {n}",
            "LOG": "Fetching the next {n} rows",
            "INFO": "Imported {n} rows from {host}",
            "WARN": "Source {host} returned an empty page; retrying",
        },
        "site": {
            "DEBUG": "Site app bundle is {kb} kB",
            "LOG": "Site app served",
            "INFO": "Site app injected on {n} pages",
            "WARN": "Site app config has no domains: showing on every domain",
        },
        "transform": {
            "DEBUG": "Event {user}/$pageview unchanged",
            "LOG": "processEvent ran on {n} events",
            "INFO": "Processed {n} events in the last minute, dropped {d}",
            "WARN": "Event without properties from {user}; passed through unchanged",
        },
    }
    template = pool.get(category, pool["transform"])[type]
    return template.format(n=n, host=host, ms=ms, user=user, kb=rng.randint(1, 2048), d=rng.randint(0, 30))


ERROR_MESSAGES = [
    "Error: Request failed with status code 503 (Service Unavailable) from https://{host}",
    "RetryError: Export of {n} events to {host} failed after 5 attempts",
    "TypeError: Cannot read properties of undefined (reading 'properties')\n    at processEvent (index.ts:14:31)",
    "Error: connect ECONNREFUSED {host}",
    "Error: 401 Unauthorized from {host}: check the API key in the config",
    "TimeoutError: fetch to https://{host} timed out after 10000 ms",
    "Error: getaddrinfo ENOTFOUND {host}",
    "SyntaxError: Unexpected token < in JSON at position 0 (HTML error page from {host})",
]

TYPE_WEIGHTS = {
    "healthy": (18, 22, 50, 9, 1),
    "degraded": (15, 20, 42, 16, 7),
    "failing": (10, 15, 30, 20, 25),
    None: (18, 22, 48, 10, 2),
}


def _random_entry(rng: random.Random, config: dict, plugin: dict, moment: datetime, *, type: str | None = None) -> dict:
    type = type or rng.choices(LOG_TYPES, weights=TYPE_WEIGHTS.get(config.get("_health"), TYPE_WEIGHTS[None]))[0]
    source = rng.choices(LOG_SOURCES, weights=(2, 6, 3))[0]
    if source == "SYSTEM" and type == "LOG":
        source = "PLUGIN"
    return _log_entry(
        config,
        rng.choice(_instance_ids(config["team_id"])),
        moment,
        source,
        type,
        _message(rng, plugin, source, type),
        _uuid(rng),
    )


def _burst(rng: random.Random, config: dict, plugin: dict, start: datetime) -> list[dict]:
    """A run of the same failure: a warning, then ERRORs a few seconds apart."""
    message = rng.choice(ERROR_MESSAGES).format(
        host=_destination(plugin), n=rng.randint(50, 500), ms=rng.randint(100, 9000), user=""
    )
    instance = rng.choice(_instance_ids(config["team_id"]))
    entries = [
        _log_entry(
            config,
            instance,
            start,
            "SYSTEM",
            "WARN",
            f"Error rate above threshold for {plugin.get('name')}: retrying with backoff",
            _uuid(rng),
        )
    ]
    moment = start
    for _ in range(rng.randint(4, 9)):
        moment += timedelta(seconds=rng.uniform(0.5, 20))
        entries.append(
            _log_entry(
                config, instance, moment, rng.choice(("PLUGIN", "PLUGIN", "CONSOLE")), "ERROR", message, _uuid(rng)
            )
        )
    return entries


def live_tick(store: Store, profile, rng: random.Random) -> dict:
    """Enabled configs log a little (now and then a burst of errors), delivery rates drift, old logs go."""
    now = datetime.now(UTC)
    plugins = {p["id"]: p for p in store.all("plugin")}
    entries: list[dict] = []
    ticked = 0
    for config in store.all(KIND):
        changed = False
        plugin = plugins.get(config["plugin"])
        if config["enabled"] and not config.get("deleted") and plugin is not None:
            ticked += 1
            for _ in range(rng.randint(0, 3)):
                entries.append(_random_entry(rng, config, plugin, now - timedelta(milliseconds=rng.randint(0, 4000))))
            burst_chance = {"failing": 0.08, "degraded": 0.04}.get(config.get("_health"), 0.01)
            if rng.random() < burst_chance:
                burst = _burst(rng, config, plugin, now - timedelta(seconds=rng.uniform(30, 60)))
                entries += burst
                # PostHog keeps a config's latest error on the config itself.
                last = burst[-1]
                config["error"] = {
                    "message": last["message"],
                    "time": last["timestamp"],
                    "name": last["message"].split(":")[0],
                    "stack": f"{last['message']}\n    at onEvent (index.ts:23:15)",
                }
                changed = True
        rate = config.get("delivery_rate_24h")
        if isinstance(rate, int | float):
            config["delivery_rate_24h"] = _drift(rng, float(rate), config.get("_health") or _band(rate))
            changed = config["delivery_rate_24h"] != rate
        if changed:
            store.update(KIND, config["id"], config)
    store.logs_add(entries)
    store.logs_prune(older_than=_stamp(now - LOG_RETENTION))
    return {"logs_added": len(entries), "configs": ticked}


def _band(rate: float) -> str:
    return "healthy" if rate >= 0.99 else "degraded" if rate >= 0.75 else "failing"


BANDS = {"healthy": (0.99, 1.0, 0.002), "degraded": (0.75, 0.985, 0.01), "failing": (0.05, 0.74, 0.02)}


def _drift(rng: random.Random, rate: float, band: str) -> float:
    """A small step that keeps the config in its band: degraded and failing ones stay lower."""
    low, high, step = BANDS.get(band, BANDS["healthy"])
    moved = rate + rng.uniform(-step, step)
    if band == "healthy" and rng.random() < 0.3:
        moved = 1.0  # healthy configs often deliver everything
    return round(min(high, max(low, moved, 0.0), 1.0), 4)


# Seed data ----------------------------------------------------------------------------------------------

# (plugin name, enabled, health, config overrides, custom name, description)
PROJECT_CONFIGS = [
    [
        ("GeoIP", True, "healthy", {}, None, None),
        ("Property Filter", True, "healthy", {"properties": "$ip,$email,$set.email,$raw_user_agent"}, None, None),
        ("Internal IP Filter", True, "healthy", {}, None, None),
        ("Currency Normalization", True, "degraded", {"normalizedCurrency": "EUR"}, None, None),
        ("Hedgehog <b>pricing</b> & plan tagger", True, "degraded", {}, None, None),
        ("PII Scrubber", True, "healthy", {}, "PII scrubber (GDPR) – hashes emails & IPs", None),
        (
            "BigQuery Export",
            True,
            "healthy",
            {"datasetId": "hedgehog-analytics.posthog_eu"},
            "BigQuery Export (EU warehouse)",
            None,
        ),
        (
            "S3 Export",
            True,
            "failing",
            {"sse": "aws:kms", "uploadFormat": "parquet"},
            None,
            (
                "Nightly lake load for the data team. The KMS key was rotated on Monday – if this keeps failing, check the "
                "key policy grants kms:GenerateDataKey to the posthog-export role, then re-run the historical export job "
                "for the missing days. Owner: Jonas (data platform) & Priya (on call)."
            ),
        ),
        ("Snowflake Export", False, None, {"stageToUse": "Google Cloud Storage"}, None, None),
        ("HubSpot", True, "degraded", {"authMethod": "OAuth token", "apiHost": "https://api.hubapi.com"}, None, None),
        ("Slack Alerts for Hedgehog", True, "healthy", {}, "Slack #growth alerts 🦔", None),
        ("PagerDuty Incidents", True, None, {}, None, None),
        ("Zendesk Tickets → Events", True, "failing", {"host": "hedgehog.zendesk.com"}, None, None),
        ("Cookie banner site app", True, None, {"domains": "hedgehog.example,app.hedgehog.example"}, None, None),
        (
            "Über-long name for the nightly re-export of everything the finance team needs for their quarterly close",
            False,
            None,
            {},
            None,
            None,
        ),
        ("Emoji 🦔 property tagger", True, None, {}, None, None),
        ("Taxonomy", False, None, {"defaultNamingConvention": "camelCase"}, None, None),
        ("Ökosystem Tagger <b>beta</b> & friends", True, "healthy", {"percentage": "25"}, None, None),
    ],
    [
        ("GeoIP", True, "healthy", {}, None, None),
        ("Semver Flattener", True, "healthy", {}, None, None),
        ("Timestamp Fixer", True, "healthy", {}, None, None),
        ("Customer.io", True, "degraded", {"apiHost": "https://track-eu.customer.io"}, None, None),
        ("Intercom", False, None, {}, None, None),
        (
            "PostgreSQL Export",
            True,
            "failing",
            {"databaseUrl": "postgres://posthog:S3cr3t-hedgehog@db.hedgehog.internal:5432/mobile"},
            None,
            None,
        ),
        ("Braze Export", True, "healthy", {}, "Braze (push campaigns)", None),
        ("Webhook to Discord", True, "degraded", {"messageFormat": "Discord embed"}, None, None),
        ("Session Stitcher", False, None, {}, None, None),
        (
            "Redshift Export",
            True,
            None,
            {"host": "redshift.hedgehog.internal", "dbUsername": "posthog_export"},
            None,
            None,
        ),
        ("Daily digest (scheduled)", True, "healthy", {"tableName": "digest.daily_kpis"}, None, None),
    ],
]


def _fake_value(rng: random.Random, entry: dict) -> Any:
    key = entry["key"].lower()
    hexed = f"{rng.getrandbits(96):024x}"
    if entry.get("type") == "choice":
        return (entry.get("choices") or [""])[0]
    if entry.get("type") == "dictionary":
        return {"email": "email", "plan": "subscription_plan"}
    if entry.get("type") == "json":
        return '{"signed_up": "Signed up"}'
    if "webhookurl" in key:
        return f"https://hooks.slack.com/services/T024BE7LD/B08HEDGEHOG/{hexed}"
    if "databaseurl" in key:
        return f"postgres://posthog:{hexed[:12]}@db.hedgehog.internal:5432/analytics"
    if "password" in key:
        return f"Tr0ub4dor&3-{hexed[:10]}"
    if entry.get("secret"):
        return f"sk_live_{hexed}"
    return {
        "host": "warehouse.hedgehog.internal",
        "apihost": "https://api.partner.example",
        "account": "hh12345.eu-central-1",
        "username": "posthog_export",
        "dbusername": "posthog_export",
        "bucketname": "hedgehog-posthog-stage",
        "s3bucketname": "hedgehog-posthog-events",
        "datasetid": "hedgehog-analytics.posthog",
        "tablename": "analytics.orders",
        "ssekmskeyid": "arn:aws:kms:eu-central-1:123456789012:key/1f2e3d4c-hedge-hog0-0000-000000000042",
        "notification": "<b>New:</b> dashboards & alerts – try them →",
    }.get(key, "hedgehog")


def seed_values(rng: random.Random, plugin: dict, overrides: dict) -> tuple[dict, dict]:
    """Config values and attachments that satisfy the plugin's schema (so the config can be enabled)."""
    values: dict[str, Any] = {}
    attachments: dict[str, dict] = {}
    fields = schema_fields(plugin)
    for entry in fields:
        if entry["key"] in overrides:
            values[entry["key"]] = overrides[entry["key"]]
        elif entry.get("type") != "attachment" and entry.get("default") not in (None, ""):
            values[entry["key"]] = entry["default"]
    for entry in fields:
        key = entry["key"]
        if key in values or (entry.get("visible_if") and not _condition_holds(values, entry["visible_if"])):
            continue
        needed = entry.get("required") or (entry.get("required_if") and _condition_holds(values, entry["required_if"]))
        if entry.get("type") == "attachment":
            if needed or rng.random() < 0.5:
                name = "service-account.json" if entry.get("secret") else "column-mapping.json"
                attachments[key] = {
                    "uid": rng.randint(100, 9999),
                    "saved": True,
                    "size": rng.randint(800, 4200),
                    "name": name,
                    "type": "application/json",
                }
        elif needed or entry.get("secret"):
            values[key] = _fake_value(rng, entry)
    return values, attachments


def seed(store: Store, world) -> None:
    rng = random.Random(20240611)
    plugins_by_name = {p["name"]: p for p in store.all("plugin")}
    now = world.now
    people = [
        {"first_name": world.user["first_name"], "email": world.user["email"]},
        {"first_name": "Priya", "email": "priya@hedgehog.example"},
        {"first_name": "Jonas", "email": "jonas@hedgehog.example"},
    ]
    logs: list[dict] = []
    for project, rows in zip(world.projects, PROJECT_CONFIGS, strict=False):
        team = project["id"]
        order = 0
        for position, (name, enabled, health, overrides, custom_name, description) in enumerate(rows):
            plugin = plugins_by_name[name]
            order += 1 if position == 0 else rng.choice((1, 1, 1, 2, 5))
            values, attachments = seed_values(rng, plugin, overrides)
            rate = {
                "healthy": lambda: 1.0 if rng.random() < 0.4 else round(rng.uniform(0.991, 0.9999), 4),
                "degraded": lambda: round(rng.uniform(0.78, 0.975), 4),
                "failing": lambda: round(rng.uniform(0.18, 0.7), 4),
            }.get(health, lambda: None)()
            created = world.iso(days_ago=rng.randint(20, 200))
            error = None
            if health == "failing":
                message = rng.choice(ERROR_MESSAGES[:2] + ERROR_MESSAGES[3:6]).format(
                    host=_destination(plugin), n=rng.randint(50, 500), ms=5000, user=""
                )
                error = {
                    "message": message,
                    "time": world.iso(hours_ago=rng.uniform(0.2, 6)),
                    "name": message.split(":")[0],
                    "stack": f"{message}\n    at onEvent (index.ts:23:15)",
                }
            config = store.insert(
                KIND,
                {
                    "plugin": plugin["id"],
                    "enabled": enabled,
                    "order": order,
                    "config": values,
                    "error": error,
                    "team_id": team,
                    "delivery_rate_24h": rate,
                    "created_at": created,
                    "updated_at": world.iso(days_ago=rng.uniform(0, 15)),
                    "name": custom_name,
                    "description": description,
                    "deleted": False,
                    "filters": None,
                    "_attachments": attachments,
                    "_health": health,
                },
                parent=team,
            )
            _seed_history(store, rng, world, config, plugin, people, created)
            logs += _seed_logs(rng, now, config, plugin)
    store.logs_add(logs)


def _seed_history(
    store: Store, rng: random.Random, world, config: dict, plugin: dict, people: list[dict], created: str
) -> None:
    name = config.get("name") or plugin["name"]

    def add(activity: str, at: str, changes: list | None = None, user: dict | None = None) -> None:
        entry = context.activity_entry(user=user, activity=activity, name=name, changes=changes, created_at=at)
        store.activity_add(scope="PluginConfig", parent=config["team_id"], item_id=config["id"], entry=entry)

    add("installed", created, user=rng.choice(people))
    secrets = secret_fields(plugin)
    keys = [k for k in config["config"] if isinstance(config["config"][k], str)]
    if keys and rng.random() < 0.7:
        key = rng.choice(keys)
        masked = key in secrets
        add(
            "config_updated",
            world.iso(days_ago=rng.uniform(2, 19)),
            [
                {
                    "type": "PluginConfig",
                    "action": "changed",
                    "field": key,
                    "before": SECRET_MASK if masked else "",
                    "after": SECRET_MASK if masked else config["config"][key],
                }
            ],
            user=rng.choice(people),
        )
    if config["enabled"]:
        add("enabled", world.iso(days_ago=rng.uniform(1, 18)), user=rng.choice(people))
    else:
        add("disabled", world.iso(days_ago=rng.uniform(2, 6)), user=rng.choice(people))
    if config.get("_health") == "failing":
        add(
            "config_updated",
            world.iso(hours_ago=rng.uniform(2, 30)),
            [{"type": "PluginConfig", "action": "changed", "field": "error", "before": None, "after": "detected"}],
        )


def _seed_logs(rng: random.Random, now: datetime, config: dict, plugin: dict) -> list[dict]:
    """A week and a day of history (older than a week goes at the first tick), with bursts of ERRORs."""
    health = config.get("_health")
    span = timedelta(days=8)
    if config["enabled"]:
        count, start, end = rng.randint(90, 220), now - span, now - timedelta(minutes=2)
    else:  # disabled a few days ago: its logs stop then
        count, start, end = rng.randint(10, 35), now - span, now - timedelta(days=2, hours=rng.uniform(0, 48))
    window = (end - start).total_seconds()
    entries = [
        _random_entry(rng, config, plugin, start + timedelta(seconds=rng.uniform(0, window))) for _ in range(count)
    ]
    bursts = {"failing": rng.randint(3, 6), "degraded": rng.randint(1, 3)}.get(health, rng.randint(0, 1))
    for _ in range(bursts):
        entries += _burst(rng, config, plugin, start + timedelta(seconds=rng.uniform(0, window - 600)))
    if health == "failing":  # the latest burst is recent: what an operator would look into now
        entries += _burst(rng, config, plugin, now - timedelta(minutes=rng.uniform(8, 40)))
    return entries
