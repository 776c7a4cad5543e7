"""Organization plugins: install from a URL or as source, edit source, check for updates, upgrade, uninstall.

Shapes follow PostHog's PluginSerializer (`posthog/api/plugin.py`). Internal state that the API never shows
(source files, the newest tag upstream, the log category) lives in keys that start with `_`.

Departures from the 2023 schema.yaml that real PostHog makes too: `config_schema` is a list of field entries
(the schema types the JSONField as an object), and `check_for_updates` answers `{"plugin": {...}}`.
"""

import hashlib
import json
import re
from typing import Any

from simulator.core import context
from simulator.core.http import (
    ApiError,
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

KIND = "plugin"
PLUGIN_TYPES = ("local", "custom", "repository", "source")
FIELD_TYPES = ("string", "json", "choice", "attachment", "dictionary")
SECRET_MASK = "**************"
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
RESERVED = ("activity", "repository")  # list-level actions: other methods on them answer 405, as DRF does
BASE = "/api/organizations/{parent_lookup_organization_id}/plugins"


# Views and lookups (plugin_configs uses these too) ---------------------------------------------------------


def plugin_view(store: Store, plugin: dict) -> dict:
    organization = store.get("organization", plugin["organization_id"]) or {}
    view = {name: plugin.get(name) for name in PUBLIC_FIELDS}
    view["organization_name"] = organization.get("name", "posthog-inline")
    return view


def visible_plugin(store: Store, organization_id: str, plugin_id: Any) -> dict | None:
    """A plugin the organization can see: its own, or a global one."""
    if not str(plugin_id).isdigit():
        return None
    plugin = store.get(KIND, plugin_id)
    if plugin is None or (plugin["organization_id"] != organization_id and not plugin.get("is_global")):
        return None
    return plugin


def secret_fields(plugin: dict) -> set[str]:
    return {f["key"] for f in _schema_entries(plugin) if f.get("secret") and f.get("key")}


def schema_fields(plugin: dict) -> list[dict]:
    """Entries with a key (markdown-only entries carry none)."""
    return [f for f in _schema_entries(plugin) if f.get("key")]


def _schema_entries(plugin: dict) -> list[dict]:
    schema = plugin.get("config_schema") or []
    if isinstance(schema, dict):  # legacy plugins: {key: {name, type, ...}}
        return [{"key": key, **value} for key, value in schema.items() if isinstance(value, dict)]
    return [entry for entry in schema if isinstance(entry, dict)]


def _plugin_id(request: Request, id: str) -> str:
    if id in RESERVED:
        raise method_not_allowed(request.method)
    if not id.isdigit():
        raise not_found()
    return id


def _get(request: Request, organization_id: str, id: str) -> tuple[dict, dict]:
    organization = context.organization(request, organization_id)
    plugin = visible_plugin(request.store, organization["id"], _plugin_id(request, id))
    if plugin is None:
        raise not_found()
    return organization, plugin


def _own(request: Request, organization_id: str, id: str) -> tuple[dict, dict]:
    """A plugin the organization may change: a global plugin of another organization is read-only."""
    organization, plugin = _get(request, organization_id, id)
    if plugin["organization_id"] != organization["id"]:
        raise ApiError(403, "This plugin installation is managed by another organization", code="permission_denied")
    return organization, plugin


def _activity(
    request: Request, organization: dict, plugin: dict, activity: str, changes: list[dict] | None = None
) -> None:
    context.record_activity(
        request,
        scope="Plugin",
        parent=organization["id"],
        item_id=plugin["id"],
        activity=activity,
        name=plugin.get("name"),
        changes=changes,
    )


def _changes(before: dict, after: dict) -> list[dict]:
    return context.changes_between(
        {k: before.get(k) for k in PUBLIC_FIELDS}, {k: after.get(k) for k in PUBLIC_FIELDS}, kind="Plugin"
    )


# Validation ---------------------------------------------------------------------------------------------


def _check_string(data: dict, name: str, max_length: int | None, *, nullable: bool = True) -> None:
    if name not in data:
        return
    value = data[name]
    if value is None:
        if not nullable:
            raise validation_error(name, "This field may not be null.", "null")
        return
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise validation_error(name, "Not a valid string.", "invalid")
    if max_length is not None and len(str(value)) > max_length:
        raise validation_error(name, f"Ensure this field has no more than {max_length} characters.", "max_length")
    data[name] = str(value)  # DRF's CharField takes numbers and stores their text


def _check_object(data: dict, name: str, *, nullable: bool) -> None:
    if name not in data:
        return
    if data[name] is None and nullable:
        return
    if not isinstance(data[name], dict):
        raise validation_error(
            name, f'Expected a dictionary of items but got type "{_json_type(data[name])}".', "not_a_dict"
        )


def _json_type(value: Any) -> str:
    return {list: "list", str: "str", int: "int", float: "float", bool: "bool", type(None): "NoneType"}.get(
        type(value), "object"
    )


def validate_config_schema(schema: Any) -> None:
    """config_schema: a list of field entries (or a legacy {key: entry} object)."""
    if isinstance(schema, dict):
        entries = [(key, value) for key, value in schema.items()]
    elif isinstance(schema, list):
        entries = list(enumerate(schema))
    else:
        raise validation_error("config_schema", "Value must be valid JSON.", "invalid")
    seen: set[str] = set()
    for position, entry in entries:
        attr = f"config_schema__{position}"
        if not isinstance(entry, dict):
            raise validation_error(attr, "Each config_schema entry must be an object.", "invalid")
        key = entry.get("key", position if isinstance(schema, dict) else None)
        if key is None and "markdown" not in entry:
            raise validation_error(f"{attr}__key", "This field is required.", "required")
        if key is not None:
            if not isinstance(key, str) or not key:
                raise validation_error(f"{attr}__key", "Not a valid string.", "invalid")
            if key in seen:
                raise validation_error(f"{attr}__key", f'Duplicate config key "{key}".', "unique")
            seen.add(key)
        field_type = entry.get("type", "string" if key is not None else None)
        if field_type is not None and field_type not in FIELD_TYPES:
            raise validation_error(f"{attr}__type", f'"{field_type}" is not a valid choice.', "invalid_choice")
        if field_type == "choice":
            choices = entry.get("choices")
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
                raise validation_error(
                    f"{attr}__choices", "A choice field needs a non-empty list of strings.", "invalid"
                )
            if entry.get("default") not in (None, "") and entry["default"] not in choices:
                raise validation_error(
                    f"{attr}__default", f'"{entry["default"]}" is not a valid choice.', "invalid_choice"
                )
        for flag in ("required", "secret"):
            if flag in entry and not isinstance(entry[flag], bool):
                raise validation_error(f"{attr}__{flag}", "Must be a valid boolean.", "invalid")
        for condition in ("required_if", "visible_if"):
            value = entry.get(condition)
            if value is None:
                continue
            if not isinstance(value, list) or not all(
                isinstance(pair, list) and 1 <= len(pair) <= 2 and isinstance(pair[0], str) for pair in value
            ):
                raise validation_error(f"{attr}__{condition}", 'Expected a list of ["key", "value"] pairs.', "invalid")


def _validate_plugin_fields(data: dict) -> None:
    if "plugin_type" in data and data["plugin_type"] not in (*PLUGIN_TYPES, "", None):
        raise validation_error("plugin_type", f'"{data["plugin_type"]}" is not a valid choice.', "invalid_choice")
    _check_string(data, "name", 200)
    _check_string(data, "description", None)
    _check_string(data, "icon", 800)
    _check_string(data, "tag", 200)
    if "is_global" in data and not isinstance(data["is_global"], bool):
        raise validation_error("is_global", "Must be a valid boolean.", "invalid")
    if "config_schema" in data:
        validate_config_schema(data["config_schema"])
    _check_object(data, "capabilities", nullable=False)
    _check_object(data, "metrics", nullable=True)
    _check_object(data, "public_jobs", nullable=True)


_URL_PATTERNS = (
    re.compile(
        r"^https?://(www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)"
        r"(/(tree|commit|releases/tag)/(?P<tag>[\w.-]+))?/?$"
    ),
    re.compile(
        r"^https?://(www\.)?gitlab\.com/(?P<owner>[\w./-]+?)/(?P<repo>[\w.-]+)"
        r"(/-/(tree|commit)/(?P<tag>[\w.-]+))?/?$"
    ),
    re.compile(r"^https?://(www\.)?npmjs\.com/package/(?P<repo>(@[\w.-]+/)?[\w.-]+)(/v/(?P<tag>[\w.-]+))?/?$"),
)


def parse_plugin_url(url: str) -> dict | None:
    """Root URL and tag of a GitHub/GitLab repository or an npm package, as PostHog's parse_url."""
    bare = url.split("?")[0].rstrip("/")
    for pattern in _URL_PATTERNS:
        found = pattern.match(bare)
        if found:
            tag = found.group("tag")
            root = bare
            if tag:
                root = re.sub(r"(/-)?/(tree|commit|releases/tag|v)/[\w.-]+$", "", bare)
            return {"root_url": root, "repo": found.group("repo").split("/")[-1], "tag": tag}
    return None


def _title_from_repo(repo: str) -> str:
    words = re.sub(r"^(posthog-plugin-|posthog-)|(-posthog)?(-plugin|-app)$", "", repo.lower()).replace("_", "-")
    return " ".join(word.capitalize() for word in words.split("-") if word) or repo


def _sha(*parts: Any) -> str:
    return hashlib.sha1("/".join(str(p) for p in parts).encode()).hexdigest()


def _source_tag(sources: dict) -> str:
    return _sha(json.dumps(sources, sort_keys=True))[:12]


# Routes: list-level actions first, so they win over {id} -------------------------------------------------


@route("GET", BASE + "/activity/", scope=NO_SCOPE)
def plugin_activity(request: Request, parent_lookup_organization_id: str):
    """Plugin and plugin config activity of the organization, newest first."""
    organization = context.organization(request, parent_lookup_organization_id)
    entries = request.store.activity_list(scope="Plugin", parent=organization["id"])
    for project in request.store.all("project", parent=organization["id"]):
        entries += request.store.activity_list(scope="PluginConfig", parent=project["id"])
    entries.sort(key=lambda e: (e["created_at"], int(e["id"])), reverse=True)
    return activity_page(request, entries)


@route("GET", BASE + "/repository/", scope=NO_SCOPE)
def plugin_repository(request: Request, parent_lookup_organization_id: str):
    """PostHog's plugin repository (repository.json): what can be installed by URL."""
    context.organization(request, parent_lookup_organization_id)
    return [dict(entry) for entry in REPOSITORY]


@route("GET", BASE + "/", scope="plugin:read")
def plugin_list(request: Request, parent_lookup_organization_id: str):
    organization = context.organization(request, parent_lookup_organization_id)
    plugins = [p for p in request.store.all(KIND) if p["organization_id"] == organization["id"] or p.get("is_global")]
    return paginate(request, [plugin_view(request.store, p) for p in plugins])


@route("POST", BASE + "/", scope="plugin:write")
def plugin_create(request: Request, parent_lookup_organization_id: str):
    organization = context.organization(request, parent_lookup_organization_id)
    data = request.data()
    _validate_plugin_fields(data)
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
        "organization_id": organization["id"],
        "capabilities": data.get("capabilities") or {},
        "metrics": data.get("metrics") or {},
        "public_jobs": data.get("public_jobs") or {},
        "_category": "transform",
    }
    if plugin_type == "source":
        if not (plugin["name"] or "").strip():
            raise validation_error("name", "This field is required.", "required")
        sources = {
            "plugin.json": _plugin_json(plugin["name"], plugin["description"], None, plugin["config_schema"]),
            "index.ts": SOURCE_TEMPLATES["transform"],
        }
        plugin.update(
            {
                "_sources": sources,
                "tag": _source_tag(sources),
                "_remote_tag": None,
                "capabilities": plugin["capabilities"]
                or {"methods": ["processEvent"], "jobs": [], "scheduled_tasks": []},
            }
        )
        plugin["latest_tag"] = plugin["tag"]
    else:
        if not url:
            raise validation_error("url", "This field is required.", "required")
        bare = url.split("?")[0].rstrip("/")
        if bare.startswith("file:"):
            if len(bare) <= len("file:"):
                raise validation_error("url", f"Could not load plugin.json from: {bare[5:]}/plugin.json", "invalid")
            name = data.get("name") or _title_from_repo(bare.rstrip("/").split("/")[-1])
            plugin.update({"plugin_type": "local", "url": bare, "name": name})
            catalog = {}
        else:
            parsed = parse_plugin_url(url)
            if parsed is None:
                raise validation_error("url", "Must be a GitHub/GitLab repository or a npm package URL!", "invalid")
            bare = parsed["root_url"]
            catalog = catalog_entry(bare)
            tag = parsed["tag"] or _sha(bare, "head")
            plugin.update(
                {
                    "plugin_type": plugin_type if plugin_type in ("custom", "repository") else "custom",
                    "url": bare,
                    "tag": tag,
                    "latest_tag": tag,
                    "_remote_tag": tag,
                    "name": catalog.get("name") or data.get("name") or _title_from_repo(parsed["repo"]),
                    "description": catalog.get("description") or plugin["description"],
                    "icon": plugin["icon"] or catalog.get("icon"),
                }
            )
            if catalog.get("_category"):
                plugin["_category"] = catalog["_category"]
                plugin["capabilities"] = plugin["capabilities"] or CAPABILITIES[catalog["_category"]]
            if "config_schema" not in data and catalog.get("_schema") is not None:
                plugin["config_schema"] = catalog["_schema"]
        for existing in request.store.all(KIND):
            if existing.get("url") == bare:
                raise validation_error("url", f'Plugin from URL "{bare}" already installed!', "invalid")
        sources = {
            "plugin.json": _plugin_json(plugin["name"], plugin["description"], bare, plugin["config_schema"]),
            "index.ts": SOURCE_TEMPLATES.get(plugin["_category"], SOURCE_TEMPLATES["transform"]),
        }
        plugin["_sources"] = sources
        if plugin["plugin_type"] == "local":
            plugin["tag"] = plugin["latest_tag"] = _source_tag(sources)
            plugin["_remote_tag"] = None
    created = request.store.insert(KIND, plugin, parent=organization["id"])
    _activity(request, organization, created, "installed")
    return Response(201, plugin_view(request.store, created))


@route("GET", BASE + "/{id}/", scope="plugin:read")
def plugin_get(request: Request, parent_lookup_organization_id: str, id: str):
    _, plugin = _get(request, parent_lookup_organization_id, id)
    return plugin_view(request.store, plugin)


@route("PATCH", BASE + "/{id}/", scope="plugin:write")
def plugin_update(request: Request, parent_lookup_organization_id: str, id: str):
    organization, plugin = _own(request, parent_lookup_organization_id, id)
    data = request.data()
    _validate_plugin_fields(data)
    after = dict(plugin)
    for name in (
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
    ):
        if name in data:
            after[name] = data[name]
    if after.get("plugin_type") == "":
        after["plugin_type"] = None
    changes = _changes(plugin, after)
    request.store.update(KIND, plugin["id"], after)
    if changes:
        _activity(request, organization, after, "updated", changes)
    return plugin_view(request.store, after)


@route("DELETE", BASE + "/{id}/", scope="plugin:write")
def plugin_delete(request: Request, parent_lookup_organization_id: str, id: str):
    organization, plugin = _own(request, parent_lookup_organization_id, id)
    if plugin.get("is_global"):
        raise ApiError(
            400,
            "This plugin is marked as global! Make it local before uninstallation",
            type="validation_error",
            code="invalid",
            attr="is_global",
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
    _, plugin = _own(request, parent_lookup_organization_id, id)
    if plugin.get("plugin_type") in ("repository", "custom") and plugin.get("_remote_tag"):
        plugin = {**plugin, "latest_tag": plugin["_remote_tag"], "latest_tag_checked_at": now_iso()}
        request.store.update(KIND, plugin["id"], plugin)
    return {"plugin": plugin_view(request.store, plugin)}


@route("GET", BASE + "/{id}/source/", scope=NO_SCOPE)
def plugin_source(request: Request, parent_lookup_organization_id: str, id: str):
    _, plugin = _own(request, parent_lookup_organization_id, id)
    return dict(plugin.get("_sources") or {})


@route("PATCH", BASE + "/{id}/update_source/", scope=NO_SCOPE)
def plugin_update_source(request: Request, parent_lookup_organization_id: str, id: str):
    """{filename: content}: sets files, `null` removes one; plugin.json's name and config update the plugin."""
    organization, plugin = _own(request, parent_lookup_organization_id, id)
    data = request.data()
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
            plugin_json = json.loads(sources["plugin.json"])
        except ValueError as error:
            raise validation_error("plugin.json", f"plugin.json is not valid JSON: {error}", "invalid") from None
        if not isinstance(plugin_json, dict):
            raise validation_error("plugin.json", "plugin.json must be a JSON object.", "invalid")
        if isinstance(plugin_json.get("name"), str) and plugin_json["name"].strip():
            after["name"] = plugin_json["name"][:200]
        if "config" in plugin_json:
            try:
                validate_config_schema(plugin_json["config"])
            except ApiError as error:
                raise validation_error("plugin.json", f"config: {error.detail} ({error.attr})", "invalid") from None
            after["config_schema"] = plugin_json["config"]
    after["_sources"] = sources
    if after.get("plugin_type") in ("source", "local"):
        after["tag"] = after["latest_tag"] = _source_tag(sources)
    if sources != (plugin.get("_sources") or {}) or after != plugin:
        request.store.update(KIND, plugin["id"], after)
        changed = sorted(
            set(sources) ^ set(plugin.get("_sources") or {})
            | {f for f in sources if sources[f] != (plugin.get("_sources") or {}).get(f)}
        )
        changes = [
            {"type": "Plugin", "action": "changed", "field": filename, "before": None, "after": None}
            for filename in changed
        ] + _changes(plugin, after)
        _activity(request, organization, after, "source_updated", changes)
    return sources


@route("POST", BASE + "/{id}/upgrade/", scope=NO_SCOPE)
def plugin_upgrade(request: Request, parent_lookup_organization_id: str, id: str):
    """Installs the newest tag upstream; source and local plugins have nothing to upgrade to."""
    organization, plugin = _own(request, parent_lookup_organization_id, id)
    request.data()
    if plugin.get("plugin_type") not in ("source", "local") and plugin.get("_remote_tag"):
        remote = plugin["_remote_tag"]
        if remote != plugin.get("tag"):
            after = {**plugin, "tag": remote, "latest_tag": remote, "latest_tag_checked_at": now_iso()}
            request.store.update(KIND, plugin["id"], after)
            _activity(request, organization, after, "upgraded", _changes(plugin, after))
            plugin = after
    return plugin_view(request.store, plugin)


# Seed data ----------------------------------------------------------------------------------------------


def field(
    key: str,
    name: str,
    type: str = "string",
    *,
    default: Any = None,
    hint: str | None = None,
    required: bool = False,
    secret: bool = False,
    choices: list[str] | None = None,
    required_if: list | None = None,
    visible_if: list | None = None,
) -> dict:
    entry: dict[str, Any] = {
        "key": key,
        "name": name,
        "type": type,
        "default": default,
        "hint": hint,
        "required": required,
        "secret": secret,
    }
    if choices is not None:
        entry["choices"] = choices
    if required_if is not None:
        entry["required_if"] = required_if
    if visible_if is not None:
        entry["visible_if"] = visible_if
    return entry


def markdown(text: str) -> dict:
    return {"markdown": text}


def ordered(*entries: dict) -> list[dict]:
    return [{**entry, "order": position} for position, entry in enumerate(entries)]


YES_NO = ["Yes", "No"]

SCHEMAS: dict[str, list[dict]] = {
    "geoip": [],
    "currency": ordered(
        markdown(
            "Normalizes `$revenue` to one currency with rates from "
            "[Open Exchange Rates](https://openexchangerates.org/)."
        ),
        field(
            "openExchangeRatesApiKey",
            "Open Exchange Rates API key",
            required=True,
            secret=True,
            hint="Get one at https://openexchangerates.org/signup/free",
        ),
        field(
            "normalizedCurrency",
            "Currency to normalize to",
            "choice",
            default="EUR",
            choices=["EUR", "USD", "GBP", "CHF", "JPY"],
            required=True,
        ),
        field("normalizedTotalProperty", "Property to store the normalized amount in", default="normalized_amount"),
    ),
    "bigquery": ordered(
        field(
            "googleCloudKeyJson",
            "JSON file with your Google Cloud key",
            "attachment",
            required=True,
            secret=True,
            hint="A service account key with the BigQuery Data Editor role.",
        ),
        field("datasetId", "Dataset ID", required=True, hint="In the form `project.dataset`."),
        field("tableId", "Table ID", default="posthog_events", required=True),
        field(
            "exportEventsToIgnore",
            "Events to ignore",
            default="$feature_flag_called,$pageleave",
            hint="Comma-separated list of event names.",
        ),
        field("deduplicateEvents", "Attempt deduplicating events", "choice", default="Yes", choices=YES_NO),
    ),
    "s3": ordered(
        field("awsAccessKey", "AWS access key", required=True, secret=True),
        field("awsSecretAccessKey", "AWS secret access key", required=True, secret=True),
        field("s3BucketName", "S3 bucket name", required=True),
        field(
            "awsRegion",
            "AWS region",
            "choice",
            default="eu-central-1",
            required=True,
            choices=["us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "ap-southeast-2"],
        ),
        field("prefix", "S3 key prefix", default="posthog/", hint="With a trailing slash for a folder."),
        field("uploadFormat", "Format of uploaded files", "choice", default="jsonl", choices=["jsonl", "parquet"]),
        field("compression", "Compression", "choice", default="gzip", choices=["gzip", "brotli", "no compression"]),
        field("sse", "Server-side encryption", "choice", default="disabled", choices=["disabled", "AES256", "aws:kms"]),
        field(
            "sseKmsKeyId",
            "SSE KMS key ID",
            hint="Only used with aws:kms encryption.",
            visible_if=[["sse", "aws:kms"]],
            required_if=[["sse", "aws:kms"]],
        ),
        field("eventsToIgnore", "Events to ignore", default="$feature_flag_called"),
    ),
    "snowflake": ordered(
        field("account", "Snowflake account", required=True, hint="e.g. `xy12345.eu-central-1`"),
        field("username", "Snowflake username", required=True),
        field("password", "Snowflake password", required=True, secret=True),
        field("database", "Database", default="ANALYTICS", required=True),
        field("dbschema", "Schema", default="PUBLIC", required=True),
        field("table", "Table", default="POSTHOG_EVENTS", required=True),
        field("role", "Role", hint="Leave empty for the user's default role."),
        field(
            "stageToUse", "Stage type", "choice", default="S3", choices=["S3", "Google Cloud Storage"], required=True
        ),
        field("bucketName", "Bucket name", required=True),
        field(
            "awsAccessKeyId",
            "AWS access key ID",
            secret=True,
            visible_if=[["stageToUse", "S3"]],
            required_if=[["stageToUse", "S3"]],
        ),
        field(
            "awsSecretAccessKey",
            "AWS secret access key",
            secret=True,
            visible_if=[["stageToUse", "S3"]],
            required_if=[["stageToUse", "S3"]],
        ),
        field(
            "gcsCredentials",
            "GCS credentials file",
            "attachment",
            secret=True,
            visible_if=[["stageToUse", "Google Cloud Storage"]],
            required_if=[["stageToUse", "Google Cloud Storage"]],
        ),
        field("copyCadenceMinutes", "COPY INTO cadence (minutes)", default="10"),
    ),
    "postgres": ordered(
        markdown("Either a **database URL** or the host, port, user and password below."),
        field(
            "databaseUrl",
            "Database URL",
            secret=True,
            hint="Overrides the fields below, e.g. `postgres://user:pass@host:5432/db`.",
        ),
        field("host", "Host", required_if=[["databaseUrl", ""]]),
        field("port", "Port", default="5432"),
        field("dbName", "Database name", default="posthog"),
        field("tableName", "Table name", default="posthog_event", required=True),
        field("dbUsername", "Username", required_if=[["databaseUrl", ""]]),
        field("dbPassword", "Password", secret=True, required_if=[["databaseUrl", ""]]),
        field("isSslEnabled", "Enable SSL", "choice", default="Yes", choices=YES_NO),
        field("eventsToIgnore", "Events to ignore", default="$feature_flag_called"),
    ),
    "crm": ordered(
        field("apiHost", "API host", default="https://api.example.com", required=True),
        field(
            "authMethod",
            "Authentication",
            "choice",
            default="API key",
            choices=["API key", "OAuth token"],
            required=True,
        ),
        field(
            "apiKey",
            "API key",
            secret=True,
            visible_if=[["authMethod", "API key"]],
            required_if=[["authMethod", "API key"]],
        ),
        field(
            "oauthToken",
            "OAuth access token",
            secret=True,
            visible_if=[["authMethod", "OAuth token"]],
            required_if=[["authMethod", "OAuth token"]],
        ),
        field(
            "triggeringEvents",
            "Triggering events",
            default="$identify,signed_up",
            hint="Comma-separated event names that create or update a contact.",
        ),
        field(
            "propertyMapping",
            "Property mapping",
            "dictionary",
            default={"email": "email", "name": "firstname"},
            hint="PostHog person property → CRM field.",
        ),
        field("eventMapping", "Event mapping (JSON)", "json", default='{"signed_up": "Signed up"}'),
        field("ignoredEmailDomains", "Ignored email domains", default="hedgehog.example"),
    ),
    "webhook": ordered(
        markdown("Posts every matching event to a webhook. <b>Careful</b>: secrets are sent in headers."),
        field("webhookUrl", "Webhook URL", required=True, secret=True),
        field("events", "Events to send", default="$pageview,purchase"),
        field(
            "messageFormat",
            "Message format",
            "choice",
            default="Slack blocks",
            choices=["Slack blocks", "Plain text", "Discord embed"],
        ),
        field(
            "messageTemplate",
            "Message template (JSON)",
            "json",
            default='{"text": "[event] by [person] on [properties.$current_url]"}',
        ),
        field("headers", "Extra headers", "dictionary", default={}),
    ),
    "filter": ordered(
        field(
            "properties",
            "Properties to filter out",
            required=True,
            default="$ip,$email",
            hint="Comma-separated; nested properties with dots, e.g. `$set.email`.",
        ),
        field("dropEventsMatching", "Drop events whose name matches (regex)"),
    ),
    "taxonomy": ordered(
        field(
            "defaultNamingConvention",
            "Event name convention",
            "choice",
            default="snake_case",
            required=True,
            choices=["camelCase", "PascalCase", "snake_case", "kebab-case", "spaces in between"],
        ),
    ),
    "site": ordered(
        field("domains", "Domains", hint="Comma-separated; empty means every domain."),
        field(
            "notification", "HTML to show", default="<b>We are live!</b> Try the new dashboards &rarr;", required=True
        ),
        field("position", "Position", "choice", default="sticky", choices=["sticky", "top-of-page"]),
        field("backgroundColor", "Background colour", default="#ebebeb"),
        field("rememberClose", "Remember closing", "choice", default="yes", choices=["yes", "no"]),
    ),
    "import": ordered(
        field("host", "Redshift host", required=True),
        field("port", "Port", default="5439", required=True),
        field("dbName", "Database name", default="dev", required=True),
        field("tableName", "Table to import from", required=True),
        field("dbUsername", "Username", required=True),
        field("dbPassword", "Password", required=True, secret=True),
        field("eventsToIncrement", "Events to increment (JSON)", "json", default='["page_view"]'),
        field(
            "transformationName",
            "Transformation",
            "choice",
            default="default",
            choices=["default", "JSON Map", "Cohort membership"],
        ),
        field("importMapping", "Column mapping", "attachment", hint="A JSON file mapping columns to properties."),
    ),
    "sampler": ordered(
        field("percentage", "Sampling percentage", default="100", required=True),
        field("samplingMethod", "Sampling method", "choice", default="Distinct ID", choices=["Distinct ID", "Random"]),
        field("triggeringEvents", "Events to sample", hint="Empty samples everything."),
    ),
    "scrubber": ordered(
        field("salt", "Hashing salt", required=True, secret=True),
        field("propertiesToHash", "Properties to hash", default="email,$ip,phone"),
        field("rules", "Custom rules (JSON)", "json", default='[{"match": "^\\\\+?[0-9 ]{7,}$", "replace": "***"}]'),
        field("replacements", "Replacements", "dictionary", default={"$ip": "0.0.0.0"}),
    ),
}

CAPABILITIES = {
    "transform": {"methods": ["setupPlugin", "processEvent"], "jobs": [], "scheduled_tasks": []},
    "export": {
        "methods": ["setupPlugin", "onEvent"],
        "jobs": ["Export historical events V2"],
        "scheduled_tasks": ["runEveryMinute"],
    },
    "webhook": {"methods": ["composeWebhook"], "jobs": [], "scheduled_tasks": []},
    "crm": {"methods": ["setupPlugin", "onEvent"], "jobs": [], "scheduled_tasks": []},
    "import": {
        "methods": ["setupPlugin"],
        "jobs": ["Import historical data"],
        "scheduled_tasks": ["runEveryMinute", "runEveryDay"],
    },
    "site": {},
}

PUBLIC_JOBS = {
    "export": {"Export historical events V2": {"payload": {"dateRange": {"type": "daterange", "required": True}}}},
    "import": {
        "Import historical data": {
            "payload": {
                "startDate": {"type": "date", "required": True},
                "batchSize": {"type": "number", "default": 500},
            }
        }
    },
}

METRICS = {"export": {"events_exported": "sum", "export_retries": "sum"}, "import": {"rows_imported": "sum"}}

SOURCE_TEMPLATES = {
    "transform": (
        "import { Plugin } from '@posthog/plugin-scaffold'\n\n"
        "export const processEvent: Plugin['processEvent'] = (event, { config }) => {\n"
        "    if (!event.properties) {\n        return event\n    }\n"
        "    event.properties['processed_by'] = 'hedgehog'\n"
        "    return event\n}\n"
    ),
    "export": (
        "import { Plugin, PluginEvent, RetryError } from '@posthog/plugin-scaffold'\n\n"
        "export const onEvent: Plugin['onEvent'] = async (event, { config, global }) => {\n"
        "    const response = await fetch(global.exportUrl, {\n"
        "        method: 'POST',\n        body: JSON.stringify(event),\n"
        "        headers: { 'Content-Type': 'application/json' },\n    })\n"
        "    if (response.status >= 500) {\n"
        "        throw new RetryError(`Export failed with ${response.status}`)\n    }\n}\n"
    ),
    "webhook": (
        "export function composeWebhook(event, { config }) {\n"
        "    return {\n        url: config.webhookUrl,\n"
        "        body: JSON.stringify({ text: `${event.event} by ${event.distinct_id}` }),\n"
        "        headers: { 'Content-Type': 'application/json' },\n        method: 'POST',\n    }\n}\n"
    ),
    "crm": (
        "export async function onEvent(event, { config }) {\n"
        "    if (!config.triggeringEvents.split(',').includes(event.event)) {\n        return\n    }\n"
        "    await fetch(`${config.apiHost}/contacts`, {\n        method: 'POST',\n"
        "        headers: { Authorization: `Bearer ${config.apiKey || config.oauthToken}` },\n"
        "        body: JSON.stringify({ email: event.properties?.$set?.email }),\n    })\n}\n"
    ),
    "import": (
        "export async function runEveryMinute({ config, storage, jobs }) {\n"
        "    const cursor = (await storage.get('cursor', 0)) as number\n"
        "    await jobs['Import historical data']({ startDate: new Date(cursor).toISOString() }).runNow()\n}\n"
    ),
    "site": (
        "export function inject({ config, posthog }) {\n"
        "    const bar = document.createElement('div')\n"
        "    bar.innerHTML = config.notification\n"
        "    bar.style.background = config.backgroundColor\n"
        "    document.body.prepend(bar)\n}\n"
    ),
}

FRONTEND_TSX = (
    "import React from 'react'\n\n"
    "export const scene = {\n    title: 'Hedgehog overview',\n"
    "    component: function Overview({ config }) {\n"
    "        return <div className=\"hedgehog\">Hello from {config.apiHost || 'the plugin'} 🦔</div>\n    },\n}\n"
)


def _plugin_json(name: str, description: str, url: str | None, schema: Any) -> str:
    return json.dumps(
        {"name": name, "description": description, "url": url, "main": "index.ts", "config": schema},
        indent=2,
        ensure_ascii=False,
    )


# (name, description, repo or path, category, schema, icon?, global?)
REPOSITORY_PLUGINS = [
    (
        "GeoIP",
        "Enrich PostHog events and persons with IP location data",
        "posthog-plugin-geoip",
        "transform",
        "geoip",
        True,
    ),
    (
        "Currency Normalization",
        "Normalizes event revenue to one currency.",
        "currency-normalization-plugin",
        "transform",
        "currency",
        False,
    ),
    (
        "BigQuery Export",
        "Sends events to a BigQuery database on ingestion.",
        "bigquery-plugin",
        "export",
        "bigquery",
        False,
    ),
    ("S3 Export", "Sends events to an S3 bucket on ingestion, in batches.", "s3-export-plugin", "export", "s3", False),
    (
        "Snowflake Export",
        "Exports events to Snowflake through an S3 or GCS stage.",
        "snowflake-export-plugin",
        "export",
        "snowflake",
        False,
    ),
    (
        "PostgreSQL Export",
        "Exports events to a PostgreSQL table on ingestion.",
        "postgres-plugin",
        "export",
        "postgres",
        False,
    ),
    ("Redshift Export", "Exports events to Amazon Redshift.", "redshift-plugin", "export", "postgres", False),
    (
        "HubSpot",
        "Sends identified users and their properties to HubSpot contacts.",
        "hubspot-plugin",
        "crm",
        "crm",
        False,
    ),
    ("Customer.io", "Sends events and person properties to Customer.io.", "customerio-plugin", "crm", "crm", False),
    ("Intercom", "Sends event data to Intercom on PostHog events.", "posthog-intercom-plugin", "crm", "crm", False),
    (
        "Property Filter",
        "Filters out properties (IP, email…) from events before they are stored.",
        "posthog-property-filter-plugin",
        "transform",
        "filter",
        True,
    ),
    (
        "Taxonomy",
        "Standardizes event names into a single naming convention.",
        "taxonomy-plugin",
        "transform",
        "taxonomy",
        False,
    ),
]

CUSTOM_PLUGINS = [
    (
        "Slack Alerts for Hedgehog",
        "Posts signups and failed payments to #growth.",
        "https://github.com/hedgehog-analytics/posthog-slack-alerts",
        "webhook",
        "webhook",
    ),
    (
        "Salesforce Lead Sync",
        "Creates Salesforce leads from identified persons.",
        "https://gitlab.com/hedgehog-analytics/integrations/posthog-salesforce-plugin",
        "crm",
        "crm",
    ),
    (
        "Zendesk Tickets → Events",
        "Imports Zendesk ticket updates as PostHog events every minute.",
        "https://github.com/hedgehog-analytics/zendesk-import-plugin",
        "import",
        "import",
    ),
    (
        "ClickHouse Mirror",
        "Mirrors raw events into the data team's own ClickHouse cluster.",
        "https://github.com/quill-data/posthog-clickhouse-mirror",
        "export",
        "postgres",
    ),
    (
        "Braze Export",
        "Tracks PostHog events as Braze custom events.",
        "https://www.npmjs.com/package/@hedgehog/posthog-braze-plugin",
        "crm",
        "crm",
    ),
    (
        "Pipedrive Deals",
        "Updates Pipedrive deals when trials convert.",
        "https://github.com/hedgehog-analytics/posthog-pipedrive",
        "crm",
        "crm",
    ),
    (
        "Mailchimp Audience Sync",
        "Adds identified users to a Mailchimp audience.",
        "https://github.com/mailfox/posthog-mailchimp-plugin",
        "crm",
        "crm",
    ),
    (
        "PagerDuty Incidents",
        "Opens a PagerDuty incident when the `checkout_failed` event spikes. "
        * 4
        + "Runs on every event and keeps a sliding window of the last 15 minutes in plugin storage, so a restart "
        "of the plugin server loses at most one window.",
        "https://github.com/hedgehog-analytics/posthog-pagerduty",
        "webhook",
        "webhook",
    ),
    (
        "Kafka Forwarder",
        "Forwards events to the `analytics.events` Kafka topic.",
        "https://gitlab.com/streamworks/posthog-kafka-forwarder",
        "export",
        "s3",
    ),
    (
        "Unduplicator",
        "Prevents duplicate events with the same UUID from being ingested.",
        "https://www.npmjs.com/package/posthog-unduplicates-plugin",
        "transform",
        "filter",
    ),
    (
        "User Agent Populator",
        "Adds browser, OS and device properties parsed from $useragent.",
        "https://github.com/weyert/posthog-useragent-plugin",
        "transform",
        "taxonomy",
    ),
    (
        "Ökosystem Tagger <b>beta</b> & friends",
        "Tags events from partner domains – “Öko”, “Naïve” & <i>co</i>.",
        "https://github.com/hedgehog-analytics/oekosystem-tagger",
        "transform",
        "sampler",
    ),
]

LOCAL_PLUGINS = [
    ("Internal IP Filter", "Drops events from office and VPN IP ranges.", "internal-ip-filter", "transform", "filter"),
    ("Staging Event Sampler", "Keeps 10 % of staging traffic.", "staging-sampler", "transform", "sampler"),
    ("Release Annotator", "Creates annotations from deploy events.", "release-annotator", "webhook", "webhook"),
    ("Bot Detector", "Flags events from known crawlers with `$is_bot`.", "bot-detector", "transform", "filter"),
    (
        "Local Debug Logger",
        "Logs every event it sees to the console. Development only!",
        "debug-logger",
        "transform",
        "taxonomy",
    ),
    (
        "Schema Validator",
        "Checks events against the tracking plan and logs violations.",
        "schema-validator",
        "transform",
        "scrubber",
    ),
    ("Consent Enforcer", "Drops events from persons who withdrew consent.", "consent-enforcer", "transform", "filter"),
    ("Event Renamer", "Renames legacy event names to the new taxonomy.", "event-renamer", "transform", "taxonomy"),
    (
        "Timestamp Fixer",
        "Corrects client clocks that are more than a day off.",
        "timestamp-fixer",
        "transform",
        "sampler",
    ),
    ("Session Stitcher", "Stitches mobile and web sessions by device id.", "session-stitcher", "transform", "sampler"),
    ("PII Scrubber", "Hashes emails, phone numbers and IPs before storage.", "pii-scrubber", "transform", "scrubber"),
    ("Feature Flag Auditor", "Exports flag evaluations to the audit warehouse.", "flag-auditor", "export", "s3"),
]

SOURCE_PLUGINS = [
    ("Drop internal traffic", "Drops events whose $current_url is on an internal host.", "transform", "filter"),
    ("Flatten nested properties", "Flattens nested objects into `parent__child` properties.", "transform", "taxonomy"),
    ("Hedgehog <b>pricing</b> & plan tagger", "Adds the person's plan & price to every event.", "transform", "sampler"),
    ("Add $geo_country from CDN header", "Reads the CDN's country header into $geo_country.", "transform", "geoip"),
    ("Route EU events → eu-cluster", "Marks events of EU persons for the EU cluster.", "transform", "filter"),
    ("Lowercase emails", "Lowercases $set.email and $set_once.email.", "transform", "geoip"),
    ("Cookie banner site app", "Shows the cookie banner and records the choice.", "site", "site"),
    ("Checkout funnel annotator", "Adds `funnel_step` to checkout events.", "transform", "taxonomy"),
    (
        "Über-long name for the nightly re-export of everything the finance team needs for their quarterly close",
        "Re-exports the previous day's purchases to the finance bucket. " * 6,
        "export",
        "s3",
    ),
    ("Webhook to Discord", "Posts new signups to the #hedgehogs Discord channel.", "webhook", "webhook"),
    ("Daily digest (scheduled)", "Sends a daily digest of key events to the team inbox.", "import", "import"),
    ("Emoji 🦔 property tagger", "Adds `mood: 🦔` to events from the hedgehog fan club.", "transform", "scrubber"),
]

REPOSITORY_EXTRA = [
    ("Airbyte Export", "Exports events to any Airbyte destination.", "airbyte-export-plugin", "export", "s3"),
    ("Sendgrid", "Sends emails and contacts to Sendgrid.", "sendgrid-plugin", "crm", "crm"),
    ("Zapier", "Triggers Zaps from PostHog events.", "posthog-zapier-plugin", "webhook", "webhook"),
    ("Notification Bar", "Shows a notification bar on your website.", "notification-bar-app", "site", "site"),
    (
        "Automatic Cohort Creator",
        "Creates cohorts from event properties.",
        "automatic-cohort-creator",
        "import",
        "import",
    ),
    (
        "First Time Event Tracker",
        "Marks the first time a person does an event.",
        "first-time-event-tracker",
        "transform",
        "sampler",
    ),
    (
        "Rudderstack Import",
        "Imports events sent through Rudderstack.",
        "rudderstack-posthog-plugin",
        "import",
        "import",
    ),
    (
        "Avo Inspector",
        "Sends event schemas to Avo's tracking plan inspector.",
        "posthog-avo-plugin",
        "webhook",
        "webhook",
    ),
]


def _repository_entry(name: str, description: str, repo: str, category: str, schema: str) -> dict:
    url = f"https://github.com/PostHog/{repo}"
    kind = {
        "export": "data_out",
        "crm": "data_out",
        "webhook": "data_out",
        "import": "data_in",
        "site": "site_app",
    }.get(category, "transformation")
    return {
        "name": name,
        "url": url,
        "description": description,
        "icon": f"https://raw.githubusercontent.com/PostHog/{repo}/main/logo.png",
        "verified": True,
        "maintainer": "official",
        "type": kind,
        "_category": category,
        "_schema": SCHEMAS[schema],
    }


def _build_repository() -> list[dict]:
    entries = [_repository_entry(n, d, r, c, s) for n, d, r, c, s, _ in REPOSITORY_PLUGINS]
    entries += [_repository_entry(*row) for row in REPOSITORY_EXTRA]
    for position, entry in enumerate(entries):
        entry["maintainer"] = "community" if position % 5 == 4 else "official"
    return entries


_REPOSITORY_ALL = _build_repository()
# What the repository endpoint shows: repository.json's keys, without the internal ones.
REPOSITORY = [{k: v for k, v in entry.items() if not k.startswith("_")} for entry in _REPOSITORY_ALL]


def catalog_entry(url: str) -> dict:
    return next((entry for entry in _REPOSITORY_ALL if entry["url"] == url), {})


def seed(store: Store, world) -> None:
    organization_id = world.organization_id
    plugins: list[dict] = []

    def add(
        plugin_type: str,
        name: str,
        description: str,
        url: str | None,
        category: str,
        schema_name: str,
        *,
        icon: str | None = None,
        is_global: bool = False,
        organization: str = organization_id,
        number: int = 0,
    ) -> dict:
        schema = SCHEMAS[schema_name]
        sources = {
            "plugin.json": _plugin_json(name, description, url, schema),
            "index.ts": SOURCE_TEMPLATES[category] if category != "site" else "export {}\n",
        }
        if category == "site":
            sources["site.ts"] = SOURCE_TEMPLATES["site"]
        if number % 4 == 1 and category in ("export", "crm", "import"):  # a settings scene in the app
            sources["frontend.tsx"] = FRONTEND_TSX
        if plugin_type in ("repository", "custom"):
            npm = url is not None and "npmjs.com" in url
            tag = f"1.{number % 7}.{number % 3}" if npm else _sha(url, "installed")
            # Some are up to date, some know of an update, some have one nobody has checked for yet.
            remote = tag if number % 3 == 0 else (f"1.{number % 7 + 1}.0" if npm else _sha(url, "latest"))
            latest = remote if number % 3 == 1 else tag
        else:
            tag = latest = _source_tag(sources)
            remote = None
        plugin = {
            "plugin_type": plugin_type,
            "name": name,
            "description": description,
            "url": url,
            "icon": icon,
            "config_schema": schema,
            "tag": tag,
            "latest_tag": latest,
            "is_global": is_global,
            "organization_id": organization,
            "capabilities": CAPABILITIES.get(category, {}),
            "metrics": METRICS.get(category, {}) if number % 2 == 0 else None,
            "public_jobs": PUBLIC_JOBS.get(category, {}),
            "_category": category,
            "_sources": sources,
            "_remote_tag": remote,
        }
        created = store.insert(KIND, plugin, parent=organization)
        plugins.append(created)
        return created

    number = 0
    for name, description, repo, category, schema_name, is_global in REPOSITORY_PLUGINS:
        number += 1
        add(
            "repository",
            name,
            description,
            f"https://github.com/PostHog/{repo}",
            category,
            schema_name,
            icon=f"https://raw.githubusercontent.com/PostHog/{repo}/main/logo.png",
            is_global=is_global,
            number=number,
        )
    for name, description, url, category, schema_name in CUSTOM_PLUGINS:
        number += 1
        add(
            "custom",
            name,
            description,
            url,
            category,
            schema_name,
            number=number,
            is_global=name.startswith("Unduplicator"),
        )
    for name, description, path, category, schema_name in LOCAL_PLUGINS:
        number += 1
        add("local", name, description, f"file:../plugins/{path}", category, schema_name, number=number)
    for name, description, category, schema_name in SOURCE_PLUGINS:
        number += 1
        add("source", name, description, None, category, schema_name, number=number)
    # Another organization's global plugin (visible, read-only here) and a private one (invisible).
    from simulator.core.seed import OTHER_ORGANIZATION_ID

    add(
        "repository",
        "Semver Flattener",
        "Flattens semantic versions into major, minor and patch properties.",
        "https://github.com/PostHog/flatten-properties-plugin",
        "transform",
        "taxonomy",
        is_global=True,
        organization=OTHER_ORGANIZATION_ID,
        number=99,
    )
    add(
        "custom",
        "Someone Else's Secret Exporter",
        "Not yours to see.",
        "https://github.com/someone-else/secret-exporter",
        "export",
        "s3",
        organization=OTHER_ORGANIZATION_ID,
        number=98,
    )

    # A little history: who installed what, and some edits.
    people = [
        {"first_name": world.user["first_name"], "email": world.user["email"]},
        {"first_name": "Priya", "email": "priya@hedgehog.example"},
        {"first_name": "Jonas", "email": "jonas@hedgehog.example"},
    ]
    for position, plugin in enumerate(p for p in plugins if p["organization_id"] == organization_id):
        created_at = world.iso(days_ago=120 - position * 2, hours_ago=position % 7)
        installed = context.activity_entry(
            user=people[position % 3], activity="installed", name=plugin["name"], created_at=created_at
        )
        store.activity_add(scope="Plugin", parent=organization_id, item_id=plugin["id"], entry=installed)
        if position % 5 == 2:
            tag_change = {
                "type": "Plugin",
                "action": "changed",
                "field": "tag",
                "before": _sha(plugin["name"], "old")[:40],
                "after": plugin["tag"],
            }
            upgraded = context.activity_entry(
                user=people[(position + 1) % 3],
                activity="upgraded",
                name=plugin["name"],
                changes=[tag_change],
                created_at=world.iso(days_ago=30 - position % 20),
            )
            store.activity_add(scope="Plugin", parent=organization_id, item_id=plugin["id"], entry=upgraded)
