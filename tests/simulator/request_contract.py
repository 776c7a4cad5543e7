"""The request side of the contract: every request the portal sends in the end-to-end suite, checked against
PostHog's OpenAPI description of that operation (method and path, query parameters, body fields and types).

The `simulator` fixture (tests/conftest.py) runs `problems_in` over the requests the portal sent (its User-Agent)
when a test ends, so a request PostHog would not understand fails the test that made the portal send it.

What PostHog's code reads beyond its published schemas (REAL-BEHAVIOUR.md) is listed in UNDOCUMENTED with the
reason; operations no schema describes are listed in NOT_DESCRIBED.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from tests.simulator import spec

PORTAL_AGENT = "posthog-ops-portal"
_ANY = r"[^/]+"


def _op(method: str, path: str) -> tuple[str, re.Pattern]:
    return method, re.compile(path.replace("{}", _ANY))


# Query parameters and body fields PostHog's code reads though its schemas do not list them, with the source.
UNDOCUMENTED: list[tuple[tuple[str, re.Pattern], set[str], str]] = [
    (
        _op("GET", r"/api/projects/{}/plugin_configs/{}/logs/"),
        {"after", "before", "search", "type_filter"},
        "posthog/api/plugin_log_entry.py reads them; the schema lists only limit/offset",
    ),
    (
        _op("GET", r"/api/organizations/{}/roles/"),
        set(),
        "the portal sends no query parameter here: some versions filter roles by every one",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/session_recordings/"),
        {"session_ids", "limit", "offset", "date_from"},
        "session_recording_api.py reads RecordingsQuery (limit, offset, session_ids) from the query",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/groups/find/"),
        {"skip_create_notebook"},
        "ee/clickhouse/views/groups.py reads it so that a read creates no notebook",
    ),
    (
        _op("GET", r"/api/projects/{}/app_metrics/{}/"),
        {"date_from", "date_to", "category"},
        "posthog/api/app_metrics.py AppMetricsRequestSerializer",
    ),
    (
        _op("GET", r"/api/projects/{}/file_system/"),
        {"type", "parent", "depth", "path", "ref", "order_by", "not_type", "type__startswith"},
        "posthog/api/file_system/file_system.py safely_get_queryset reads them",
    ),
    (
        _op("POST", r"/api/projects/{}/file_system/count_by_path/"),
        {"path"},
        "file_system.py count_by_path reads the folder from the query",
    ),
    (_op("GET", r"/api/projects/{}/file_system/log_view/"), {"limit"}, "file_system.py log_view reads `limit`"),
    (
        _op("GET", r"/api/organizations/{}/plugins/activity/"),
        {"page", "limit"},
        "activity lists read page/limit (posthog/api/shared activity pagination)",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/groups/activity/"),
        {"page", "limit", "group_key", "group_type_index"},
        "ee/clickhouse/views/groups.py activity reads the group and activity pagination",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/groups/property_values/"),
        {"group_type_index", "key", "value"},
        "ee/clickhouse/views/groups.py property_values reads them",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/groups/property_definitions/"),
        {"group_type_index"},
        "the older groups property_definitions action ignores it; sent so a version that reads it narrows",
    ),
    (
        _op("GET", r"/api/projects/{}/annotations/"),
        {"date_from", "date_to", "scope", "search"},
        "posthog/api/annotation.py filters by them",
    ),
    (_op("GET", r"/api/projects/{}/insights/"), {"search", "short_id"}, "posthog/api/insight.py filters by them"),
    (_op("GET", r"/api/projects/{}/cohorts/"), {"search"}, "posthog/api/cohort.py filters by it"),
    (
        _op("GET", r"/api/projects/{}/hog_functions/{}/logs/"),
        {"limit", "after", "before", "level", "search", "instance_id"},
        "posthog/api/log_entries.py LogEntryRequestSerializer reads them (the Nov 2025 schema lists none)",
    ),
    (
        _op("GET", r"/api/projects/{}/hog_functions/{}/metrics/(?:totals/)?"),
        {"after", "before", "interval", "breakdown_by", "name", "kind", "instance_id"},
        "posthog/api/app_metrics2.py AppMetricsRequestSerializer reads them (the Nov 2025 schema lists none)",
    ),
    (
        _op("GET", r"/api/(?:projects|environments)/{}/batch_exports/{}/(?:runs/{}/)?logs/"),
        {"limit", "before", "after", "level", "search"},
        "posthog/api/log_entries.py LogEntryRequestSerializer reads them; the schema lists no parameter",
    ),
]
# Body fields of actions drf-spectacular documents with the viewset's own serializer, and fields newer than the
# schema that describes them: what PostHog's code reads, with the source.
BODY_UNDOCUMENTED: list[tuple[tuple[str, re.Pattern], set[str], str]] = [
    (
        _op("POST", r"/api/(?:projects|environments)/{}/groups/update_property/"),
        {"key", "value", "group_key", "group_type_index"},
        "ee/clickhouse/views/groups.py update_property reads key and value",
    ),
    (
        _op("POST", r"/api/(?:projects|environments)/{}/groups/delete_property/"),
        {"$unset", "group_key", "group_type_index"},
        "ee/clickhouse/views/groups.py delete_property reads $unset",
    ),
    (_op("PATCH", r"/api/projects/{}/plugin_configs/rearrange/"), {"orders"}, "plugin.py rearrange reads `orders`"),
    (_op("POST", r"/api/projects/{}/plugin_configs/{}/job/"), {"job"}, "plugin.py job reads `job`"),
    (
        _op("PATCH", r"/api/projects/{}/hog_functions/rearrange/"),
        {"orders"},
        "products/cdp/backend/api/hog_function.py rearrange reads `orders` (HogFunctionRearrangeSerializer)",
    ),
    (
        _op("POST", r"/api/projects/{}/hog_functions/{}/invocations/"),
        {"configuration", "globals", "mock_async_functions"},
        "hog_function.py invocations reads HogFunctionInvocationSerializer; the schema repeats HogFunction",
    ),
    (
        _op("PATCH", r"/api/projects/{}/hog_functions/{}/"),
        {"inputs"},
        "openapi.yaml's InputsItem types `value` as text and requires the read-only bytecode/order/transpiled; "
        "posthog/cdp/validation.py InputsItemSerializer takes any value (AnyInputField) and derives those",
    ),
    (
        _op("(?:PATCH|POST)", r"/api/projects/{}/plugin_configs/(?:{}/)?"),
        {"name", "description"},
        "PluginConfigSerializer gained name and description after the 2023 schema.yaml",
    ),
    (
        _op("POST", r"/api/projects/{}/file_system/{}/(?:move|link)/"),
        {"new_path"},
        "file_system.py move and link read new_path",
    ),
    (
        _op("POST", r"/api/(?:projects|environments)/{}/(?:insights|session_recordings)/{}/sharing/passwords/"),
        {"raw_password", "note"},
        "posthog/api/sharing.py passwords reads raw_password and note",
    ),
    (
        _op("PATCH", r"/api/organizations/{}/projects/{}/complete_product_onboarding/"),
        {"product_type"},
        "posthog/api/project.py complete_product_onboarding reads product_type",
    ),
    (
        _op("PATCH", r"/api/organizations/{}/plugins/{}/update_source/"),
        {"*"},
        "plugin.py update_source takes {file name: content}",
    ),
    (
        _op("POST", r"/api/organizations/{}/plugins/"),
        {"url"},
        "PluginSerializer.create reads initial_data['url'] though the field answers read-only",
    ),
    (
        _op("(?:POST|PATCH)", r"/api/projects/{}/annotations/(?:{}/)?"),
        {"dashboard_id"},
        "the newest AnnotationSerializer takes dashboard_id; the portal checks PostHog kept it (ChangeNotKept)",
    ),
]
# Multipart fields PostHog reads beside the serializer's own (plugin configs' _update_plugin_attachments).
FORM_FIELD_PATTERNS = (re.compile(r"^add_attachment\[[^\]]+\]$"), re.compile(r"^remove_attachment\[[^\]]+\]$"))
# Read-only fields PostHog reads anyway from a multipart body: `_fix_formdata_config_json` takes `config` there.
READ_ONLY_READ_FROM_FORM = {("plugin_configs", "config")}
# Operations the portal uses that neither schema describes, with the reason.
NOT_DESCRIBED: list[tuple[tuple[str, re.Pattern], str]] = [
    (_op("GET", r"/api/environments/{}/project_secret_api_keys/"), "neither schema has project secret API keys"),
    (_op("POST", r"/api/environments/{}/project_secret_api_keys/"), "neither schema has project secret API keys"),
    (_op("GET", r"/api/environments/{}/project_secret_api_keys/{}/"), "neither schema has project secret API keys"),
    (_op("PATCH", r"/api/environments/{}/project_secret_api_keys/{}/"), "neither schema has project secret API keys"),
    (_op("DELETE", r"/api/environments/{}/project_secret_api_keys/{}/"), "neither schema has project secret API keys"),
    (
        _op("POST", r"/api/environments/{}/project_secret_api_keys/{}/roll/"),
        "neither schema has project secret API keys",
    ),
    (
        _op("POST", r"/api/organizations/{}/projects/{}/generate_conversations_public_token/"),
        "openapi.yaml (Nov 2025) predates it",
    ),
    (_op("POST", r"/api/projects/{}/file_system/undo_delete/"), "openapi.yaml (Nov 2025) predates it"),
    (_op("GET", r"/api/personal_api_keys/@current/"), "openapi.yaml leaves out personal API keys"),
    (_op("GET", r"/api/projects/{}/plugin_configs/{}/activity/"), "schema.yaml (2023) predates it"),
    (_op("POST", r"/api/projects/{}/plugin_configs/{}/migrate/"), "schema.yaml (2023) predates it"),
    (_op("GET", r"/api/projects/{}/app_metrics/{}/"), "openapi.yaml leaves out app metrics"),
    (
        _op("GET", r"/api/projects/{}/"),
        "openapi.yaml describes a project only under its organization; PostHog serves /api/projects/{id}/ too",
    ),
    (_op("GET", r"/api/environments/{}/"), "openapi.yaml leaves out the environment (team) itself"),
    (
        _op("PATCH", r"/api/(?:projects|environments)/{}/(?:insights|session_recordings)/{}/sharing/"),
        "posthog/api/sharing.py takes a PATCH of the sharing configuration; openapi.yaml lists only its reads",
    ),
]


def portal_requests(entries: list[dict]) -> list[dict]:
    return [entry for entry in entries if str(entry.get("user_agent", "")).startswith(PORTAL_AGENT)]


def problems_in(entries: list[dict]) -> list[str]:
    """Every problem of every portal request, as "METHOD path: what is wrong"."""
    found: list[str] = []
    for entry in portal_requests(entries):
        for problem in request_problems(entry):
            found.append(f"{entry['method']} {entry['path']}: {problem}")
    return sorted(set(found))


def request_problems(entry: dict) -> list[str]:
    method, path = entry["method"], entry["path"]
    if method in ("OPTIONS", "HEAD"):
        return []  # asks whether an endpoint exists; no schema describes it and PostHog answers any routed URL
    operation = _operation(method, path)
    if operation is None:
        if _matches(NOT_DESCRIBED, method, path) is not None:
            return []
        return ["neither of PostHog's schemas describes this operation (list it in NOT_DESCRIBED with a reason)"]
    file, path_item, op = operation
    problems = _query_problems(file, path_item, op, method, path, entry.get("query") or {})
    problems += _body_problems(file, op, path, entry)
    return problems


def _matches(table: list, method: str, path: str):
    for item in table:
        (want_method, pattern), *rest = item
        if want_method == method and pattern.fullmatch(path):
            return rest
    return None


@cache
def _templates(name: str) -> list[tuple[re.Pattern, str]]:
    """The schema's paths as patterns over concrete paths, fewest parameters first (`rearrange/` before `{id}/`)."""
    paths = spec.openapi(name).get("paths", {})
    ordered = sorted(paths, key=lambda path: (path.count("{"), -len(path)))
    return [(re.compile(re.sub(r"\{\w+\}", "[^/]+", path.rstrip("/")) + "/?"), path) for path in ordered]


@cache
def _operation(method: str, path: str) -> tuple[str, dict, dict] | None:
    for name in spec._schema_files_for(path):
        for pattern, schema_path in _templates(name):
            if not pattern.fullmatch(path):
                continue
            path_item = spec.openapi(name)["paths"][schema_path]
            if method.lower() in path_item:
                return name, path_item, path_item[method.lower()]
    return None


def _resolve(file: str, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].lstrip("#/").split("/")
        node = spec.openapi(file)
        for part in parts:
            node = node[part]
    return node


def _query_problems(file: str, path_item: dict, op: dict, method: str, path: str, query: dict) -> list[str]:
    documented = {
        parameter["name"]
        for parameter in (_resolve(file, p) for p in [*path_item.get("parameters", []), *op.get("parameters", [])])
        if isinstance(parameter, dict) and parameter.get("in") == "query"
    }
    extra: set[str] = set()
    for (want_method, pattern), names, _reason in UNDOCUMENTED:
        if want_method == method and pattern.fullmatch(path):
            extra |= names
    unknown = sorted(set(query) - documented - extra)
    return [f"query parameter “{name}” is not one PostHog documents for this operation" for name in unknown]


def _body_problems(file: str, op: dict, path: str, entry: dict) -> list[str]:
    body = entry.get("body")
    if body in (None, "", {}) or not isinstance(body, dict):
        return []
    content = (_resolve(file, op.get("requestBody")) or {}).get("content") or {}
    content_type = entry.get("content_type") or "application/json"
    media = content.get(content_type) or content.get("application/json")
    if media is None:
        return [f"PostHog documents no {content_type} body for this operation"]
    schema = _resolve(file, media.get("schema"))
    properties = _properties(file, schema)
    area = _area(path)
    allowed: set[str] = set()
    for (want_method, pattern), names, _reason in BODY_UNDOCUMENTED:
        if re.fullmatch(want_method, entry["method"]) and pattern.fullmatch(path):
            allowed |= names
    if "*" in allowed:
        return []
    problems = []
    for name in body:
        if content_type == "multipart/form-data" and any(p.fullmatch(name) for p in FORM_FIELD_PATTERNS):
            continue
        if name in allowed:
            continue
        field = properties.get(name)
        if field is None:
            if properties and not _open(schema):
                problems.append(f"body field “{name}” is not one PostHog documents for this operation")
            continue
        field = _resolve(file, field)
        if field.get("readOnly") and not (
            content_type == "multipart/form-data" and (area, name) in READ_ONLY_READ_FROM_FORM
        ):
            problems.append(f"body field “{name}” is read-only: PostHog ignores it and answers as if it saved it")
    if content_type == "application/json" and not problems:
        problems += _json_problems(file, schema, {k: v for k, v in body.items() if k not in allowed})
    return problems


def _properties(file: str, schema: Any) -> dict:
    schema = _resolve(file, schema) or {}
    properties = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        properties.update(_properties(file, part))
    return properties


def _open(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("additionalProperties") not in (None, False)


def _json_problems(file: str, schema: dict, body: dict) -> list[str]:
    import jsonschema

    # What PostHog checks of a body's values: types and formats; required fields of a create are its business.
    relaxed = {key: value for key, value in schema.items() if key != "required"}
    document = {**spec._to_json_schema(relaxed), "components": spec._components(file)}
    validator = jsonschema.Draft4Validator(document)
    return [
        f"body {spec.pointer(error.absolute_path) or '(whole)'}: {error.message[:200]}"
        for error in validator.iter_errors(json.loads(json.dumps(body)))
        if error.validator != "readOnly"
    ][:5]


def _area(path: str) -> str:
    match = re.match(r"^/api/(?:organizations|projects|environments)/[^/]+/([^/]+)/", path)
    return match.group(1) if match else ""
