"""PostHog's published API description, read for the simulator's cross-cutting tests.

Shared by test_endpoints.py (every row of endpoints.tsv answers as the reference pages say) and
test_contract.py (responses match the OpenAPI schemas). The specification lives outside the
repository, in `shared/posthog-api/` beside the clone (override with POSTHOG_API_SPEC_DIR).
"""

from __future__ import annotations

import copy
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

# Differences from the OpenAPI schemas that the simulator keeps on purpose, each with its reason.
# Key (method, endpoints.tsv path): that response is not validated at all (the test skips it).
# Key (method, endpoints.tsv path, JSON pointer): errors at or below that pointer are ignored and
# the rest of the response is still validated; `*` in a pointer stands for any array index or key.
# simulator/CONTRACT.md lists the same entries for people.
DELIBERATE_DIFFERENCES: dict[tuple[str, ...], str] = {}


def _differ(endpoints: list[tuple[str, str]], pointers: list[str], reason: str) -> None:
    for method, path in endpoints:
        for at in pointers or [None]:
            DELIBERATE_DIFFERENCES[(method, path) if at is None else (method, path, at)] = reason


METHOD_FIELD = "drf-spectacular typed this SerializerMethodField as a string; PostHog answers {}"
_PC = "/api/projects/:project_id/plugin_configs/"
_PLUGINS = "/api/organizations/:parent_lookup_organization_id/plugins/"
_PROJECT = "/api/organizations/:organization_id/projects/:id/"
_ROLES = "/api/organizations/:organization_id/roles/"
_SHARING = [
    "/api/projects/:project_id/insights/:insight_id/sharing/",
    "/api/environments/:environment_id/insights/:insight_id/sharing/",
    "/api/environments/:environment_id/session_recordings/:recording_id/sharing/",
]

# organizations (openapi.yaml), read by the portal to navigate
for _org_path, _at in [("/api/organizations/", "/results/*"), ("/api/organizations/:organization_id/", "")]:
    _differ([("GET", _org_path)], [f"{_at}/member_count"], METHOD_FIELD.format("the number of members"))
    _differ([("GET", _org_path)], [f"{_at}/metadata"], METHOD_FIELD.format("an object"))

# plugin_configs (schema.yaml, 2023)
for _field, _what in [
    ("config", "the config object (secret values masked)"),
    ("plugin_info", "the plugin object (or null)"),
    ("delivery_rate_24h", "a float 0..1, or null when there are no metrics"),
]:
    _differ([("GET", _PC)], [f"/results/*/{_field}"], METHOD_FIELD.format(_what))
    _differ([("POST", _PC), ("GET", _PC + ":id/"), ("PATCH", _PC + ":id/")], [f"/{_field}"], METHOD_FIELD.format(_what))
_differ(
    [("GET", _PC + ":id/frontend/")],
    [],
    "schema.yaml repeats the plugin config; PostHog answers the site app's JavaScript",
)
_differ([("POST", _PC + ":id/job/")], [], "schema.yaml repeats the plugin config; PostHog answers 200 with no body")
_differ(
    [("PATCH", _PC + "rearrange/")],
    [],
    "schema.yaml shows one plugin config; PostHog answers the list of re-ordered configs",
)

# plugins (schema.yaml, 2023)
_CONFIG_SCHEMA = (
    "schema.yaml types the JSONField config_schema as an object; PostHog stores plugin.json's "
    "config_schema, a list of field entries"
)
_differ([("GET", _PLUGINS)], ["/results/*/config_schema"], _CONFIG_SCHEMA)
_differ(
    [("POST", _PLUGINS), ("GET", _PLUGINS + ":id/"), ("PATCH", _PLUGINS + ":id/"), ("POST", _PLUGINS + ":id/upgrade/")],
    ["/config_schema"],
    _CONFIG_SCHEMA,
)
_differ(
    [("GET", _PLUGINS + ":id/check_for_updates/")],
    [],
    "schema.yaml repeats the plugin; PostHog answers {plugin: {...}} with the new latest_tag",
)
_differ(
    [("GET", _PLUGINS + ":id/source/"), ("PATCH", _PLUGINS + ":id/update_source/")],
    [],
    "schema.yaml repeats the plugin; PostHog answers the source files, {filename: text}",
)
_differ([("GET", _PLUGINS + "activity/")], [], "schema.yaml repeats the plugin; PostHog answers an activity page")
_differ(
    [("GET", _PLUGINS + "repository/")],
    [],
    "schema.yaml repeats the plugin; PostHog answers the list of plugins in its repository",
)

# sharing (openapi.yaml)
_differ(
    [("GET", path) for path in _SHARING],
    [],
    "openapi.yaml declares a list (the viewset's list action); PostHog answers the one sharing configuration "
    "object, as the reference page shows; its shape is validated on refresh",
)
_differ(
    [("POST", path + "passwords/") for path in _SHARING],
    [],
    "openapi.yaml repeats the sharing configuration; PostHog answers 201 with the new password "
    "{id, password, note, created_at, created_by_email}",
)
_differ(
    [("POST", path + "refresh/") for path in _SHARING[:2]],
    ["/share_passwords"],
    METHOD_FIELD.format("the list of active passwords"),
)

# project actions (openapi.yaml)
_PROJECT_ACTIONS = [
    ("PATCH", _PROJECT + "complete_product_onboarding/"),
    ("PATCH", _PROJECT + "delete_secret_token_backup/"),
    ("PATCH", _PROJECT + "reset_token/"),
    ("PATCH", _PROJECT + "rotate_secret_token/"),
]
# The project shape, answered by the actions and by the navigation reads (single and in lists).
for _endpoints, _at in [
    (_PROJECT_ACTIONS + [("GET", _PROJECT)], ""),
    (
        [("GET", "/api/organizations/:organization_id/projects/"), ("GET", "/api/projects/:project_id/environments/")],
        "/results/*",
    ),
]:
    _differ(_endpoints, [f"{_at}/default_modifiers"], METHOD_FIELD.format("an object of HogQL modifiers"))
    _differ(_endpoints, [f"{_at}/person_on_events_querying_enabled"], METHOD_FIELD.format("a boolean"))
    _differ(_endpoints, [f"{_at}/product_intents"], METHOD_FIELD.format("a list of product intents"))
    _differ(
        _endpoints,
        [f"{_at}/week_start_day"],
        "openapi-generator flattened oneOf [WeekStartDayEnum, NullEnum] to the enum; PostHog answers null "
        "until the week start is set",
    )
_differ(
    [("GET", _PROJECT + "is_generating_demo_data/")],
    [],
    "openapi.yaml repeats the project; PostHog answers {is_generating_demo_data: bool}",
)

# roles (openapi.yaml)
_differ([("GET", _ROLES)], ["/results/*/members"], METHOD_FIELD.format("a list of role memberships"))
_differ([("GET", _ROLES)], ["/results/*/is_default"], METHOD_FIELD.format("a boolean"))
_differ(
    [("POST", _ROLES), ("GET", _ROLES + ":id/"), ("PATCH", _ROLES + ":id/")],
    ["/members"],
    METHOD_FIELD.format("a list of role memberships"),
)
_differ(
    [("POST", _ROLES), ("GET", _ROLES + ":id/"), ("PATCH", _ROLES + ":id/")],
    ["/is_default"],
    METHOD_FIELD.format("a boolean"),
)


CONTRACT_MD = Path(__file__).resolve().parents[2] / "simulator" / "CONTRACT.md"


# Locating the specification -----------------------------------------------------------------


def spec_dir() -> Path:
    override = os.environ.get("POSTHOG_API_SPEC_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "posthog-api"


def spec_missing_reason() -> str | None:
    directory = spec_dir()
    needed = ["endpoints.tsv", "docs", "openapi/openapi.yaml", "openapi/schema.yaml"]
    absent = [name for name in needed if not (directory / name).exists()]
    if absent:
        return (
            f"PostHog API specification not found at {directory} (missing: {', '.join(absent)}); "
            "set POSTHOG_API_SPEC_DIR or place shared/posthog-api beside the repository"
        )
    return None


def skip_or_fail(reason: str) -> None:
    """Local runs skip when something outside the repository is absent; CI must not."""
    if os.environ.get("CI_REQUIRE_SERVICES") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# endpoints.tsv -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    area: str
    method: str
    path: str  # "/api/projects/:project_id/plugin_configs/:id/"
    scope: str  # "plugin:read" or "-"
    doc_file: str

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def params(self) -> list[str]:
        return re.findall(r":(\w+)", self.path)

    @property
    def required_scope(self) -> str | None:
        return None if self.scope == "-" else self.scope

    def url_path(self, values: dict[str, Any]) -> str:
        return re.sub(r":(\w+)", lambda m: str(values[m.group(1)]), self.path)


@cache
def rows() -> tuple[Row, ...]:
    lines = (spec_dir() / "endpoints.tsv").read_text().splitlines()
    header, *body = [line.split("\t") for line in lines if line.strip()]
    assert header[:5] == ["area", "method", "path", "scope", "doc_file"], header
    return tuple(Row(*cells[:5]) for cells in body)


# The reference pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class DocExample:
    status: int | None  # None where the page names no status (plugins.txt)
    body: Any = None  # the example response, parsed; None where the page shows none
    has_body: bool = False


REQUEST_LINE = re.compile(r"^(GET|POST|PATCH|PUT|DELETE) (/api/\S+)$")
STATUS_LINE = re.compile(r"^Status (\d{3})")


@cache
def doc_examples(doc_file: str) -> dict[tuple[str, str], DocExample]:
    """(method, path with trailing slash) -> the page's example response."""
    lines = (spec_dir() / "docs" / doc_file).read_text().splitlines()
    found: dict[tuple[str, str], DocExample] = {}
    current: tuple[str, str] | None = None
    status: int | None = None
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        request = REQUEST_LINE.match(line)
        if request:
            current = (request.group(1), request.group(2).rstrip("/") + "/")
            status = None
            found[current] = DocExample(None)
        elif current and (match := STATUS_LINE.match(line)):
            status = int(match.group(1))
            found[current] = DocExample(status)
        elif current and line == "RESPONSE":
            text, depth, index = [], 0, index + 1
            while index < len(lines):
                chunk = lines[index]
                text.append(chunk)
                depth += _bracket_depth(chunk)
                if depth == 0 and "".join(text).strip():
                    break
                index += 1
            found[current] = DocExample(status, json.loads("\n".join(text)), True)
            current = None
        index += 1
    return found


def _bracket_depth(line: str) -> int:
    # Brackets inside JSON strings must not count: strip the strings first.
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
    return stripped.count("{") + stripped.count("[") - stripped.count("}") - stripped.count("]")


def doc_example(row: Row) -> DocExample | None:
    return doc_examples(row.doc_file).get(row.key)


# What each row should answer ------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    body: str  # "object", "list", "empty", "any"
    keys: frozenset[str] = frozenset()  # top-level keys (object)
    item_keys: frozenset[str] = frozenset()  # keys of each element of `results` or of the list
    reason: str = ""  # why this differs from the reference page's example, when it does


ACTIVITY_PAGE_KEYS = frozenset({"results", "next", "previous"})
ACTIVITY_ENTRY_KEYS = frozenset({"user", "activity", "scope", "item_id", "detail", "created_at"})
GROUP_KEYS = frozenset({"group_type_index", "group_key", "group_properties", "created_at"})
PLUGIN_CONFIG_KEYS = frozenset(
    {
        "id",
        "plugin",
        "enabled",
        "order",
        "config",
        "error",
        "team_id",
        "plugin_info",
        "delivery_rate_24h",
        "created_at",
        "updated_at",
        "name",
        "description",
        "deleted",
    }
)

# Where the reference page's example is drf-spectacular's placeholder (the viewset's serializer
# repeated for an action that answers something else) or shows no body, the real API's answer.
EXPECT_OVERRIDES: dict[tuple[str, str], Expect] = {
    ("GET", "/api/projects/:project_id/plugin_configs/:id/activity/"): Expect(
        200,
        "object",
        ACTIVITY_PAGE_KEYS,
        ACTIVITY_ENTRY_KEYS,
        "the page repeats the plugin config; PostHog answers an activity page",
    ),
    ("GET", "/api/projects/:project_id/plugin_configs/:id/frontend/"): Expect(
        200, "any", reason="the page repeats the plugin config; PostHog answers the site app's JavaScript"
    ),
    ("POST", "/api/projects/:project_id/plugin_configs/:id/job/"): Expect(
        200, "any", reason="the page repeats the plugin config; PostHog answers 200 with no useful body"
    ),
    ("PATCH", "/api/projects/:project_id/plugin_configs/rearrange/"): Expect(
        200,
        "list",
        item_keys=PLUGIN_CONFIG_KEYS - {"name", "description", "deleted"},
        reason="the page shows one plugin config; PostHog answers the list of re-ordered configs",
    ),
    ("DELETE", "/api/organizations/:parent_lookup_organization_id/plugins/:id/"): Expect(
        204, "empty", reason="the page names no status"
    ),
    ("GET", "/api/organizations/:parent_lookup_organization_id/plugins/:id/check_for_updates/"): Expect(
        200, "object", frozenset({"plugin"}), reason="PostHog answers {plugin: {...}} with the new latest_tag"
    ),
    ("GET", "/api/organizations/:parent_lookup_organization_id/plugins/:id/source/"): Expect(
        200, "object", reason="PostHog answers the source files, {filename: text}"
    ),
    ("PATCH", "/api/organizations/:parent_lookup_organization_id/plugins/:id/update_source/"): Expect(
        200, "object", reason="PostHog answers the source files, {filename: text}"
    ),
    ("GET", "/api/organizations/:parent_lookup_organization_id/plugins/activity/"): Expect(
        200,
        "object",
        ACTIVITY_PAGE_KEYS,
        ACTIVITY_ENTRY_KEYS,
        "the page repeats the plugin; PostHog answers an activity page",
    ),
    ("GET", "/api/organizations/:parent_lookup_organization_id/plugins/repository/"): Expect(
        200,
        "list",
        item_keys=frozenset({"name", "url", "description"}),
        reason="the page repeats the plugin; PostHog answers the list of plugins in its repository",
    ),
    ("GET", "/api/organizations/:organization_id/projects/:id/is_generating_demo_data/"): Expect(
        200,
        "object",
        frozenset({"is_generating_demo_data"}),
        reason="the page repeats the project; PostHog answers {is_generating_demo_data: bool}",
    ),
    ("POST", "/api/projects/:project_id/file_system/log_view/"): Expect(
        204,
        "empty",
        reason="the page shows drf-spectacular's default 200 for actions; PostHog's log_view "
        "answers 204 No Content to a POST",
    ),
    ("DELETE", "/api/projects/:project_id/annotations/:id/"): Expect(
        405, "empty", reason="annotations cannot be hard-deleted: PostHog answers 405 with no body"
    ),
}
for _path in (
    "/api/projects/:project_id/insights/:insight_id/sharing/passwords/",
    "/api/environments/:environment_id/insights/:insight_id/sharing/passwords/",
    "/api/environments/:environment_id/session_recordings/:recording_id/sharing/passwords/",
):
    EXPECT_OVERRIDES[("POST", _path)] = Expect(
        201,
        "object",
        frozenset({"id", "password", "note", "created_at", "created_by_email"}),
        reason="the page repeats the sharing configuration; PostHog answers 201 with the new password, "
        "the raw password shown this once",
    )
for _prefix in ("/api/projects/:project_id", "/api/environments/:environment_id"):
    EXPECT_OVERRIDES.update(
        {
            ("GET", f"{_prefix}/groups/activity/"): Expect(
                200, "object", ACTIVITY_PAGE_KEYS, ACTIVITY_ENTRY_KEYS, "the page shows no body"
            ),
            ("GET", f"{_prefix}/groups/find/"): Expect(200, "object", GROUP_KEYS, reason="the page shows no body"),
            ("POST", f"{_prefix}/groups/update_property/"): Expect(
                200, "object", GROUP_KEYS, reason="the page shows no body; PostHog answers the group"
            ),
            ("POST", f"{_prefix}/groups/delete_property/"): Expect(
                200, "object", GROUP_KEYS, reason="the page shows no body; PostHog answers the group"
            ),
            ("GET", f"{_prefix}/groups/property_definitions/"): Expect(
                200, "object", reason="the page shows no body; PostHog answers {group_type_index: [{name, count}]}"
            ),
            ("GET", f"{_prefix}/groups/property_values/"): Expect(
                200,
                "object",
                frozenset({"results"}),
                frozenset({"name", "count"}),
                reason="the page shows no body; PostHog answers {results: [{name, count}], refreshing}",
            ),
        }
    )


# The cohort example on the reference page includes request-only fields; openapi.yaml marks them
# writeOnly, and PostHog never answers them.
WRITE_ONLY_KEYS = frozenset({"_create_in_folder", "_create_static_person_ids"})


# What PostHog's code declares for rows whose page names no scope ("-"): the object's scope for CRUD (derived
# from the viewset's scope_object), or None where the action declares none, which refuses every scoped personal
# API key (posthog/permissions.py; REAL-BEHAVIOUR.md section 1).
_PLUGINS_ROWS = "/api/organizations/:parent_lookup_organization_id/plugins/"
SCOPES_BEHIND_DASH: dict[tuple[str, str], str] = {
    ("GET", _PLUGINS_ROWS): "plugin:read",
    ("POST", _PLUGINS_ROWS): "plugin:write",
    ("GET", _PLUGINS_ROWS + ":id/"): "plugin:read",
    ("PATCH", _PLUGINS_ROWS + ":id/"): "plugin:write",
    ("DELETE", _PLUGINS_ROWS + ":id/"): "plugin:write",
    # posthog/api/project_secret_api_key.py lists roll among scope_object_write_actions (newest versions).
    ("POST", "/api/environments/:environment_id/project_secret_api_keys/:id/roll/"): "project:write",
    # file system actions are listed in FileSystemViewSet's scope_object_*_actions; log_view as a write.
    ("GET", "/api/projects/:project_id/file_system/log_view/"): "file_system:write",
    ("POST", "/api/projects/:project_id/file_system/log_view/"): "file_system:write",
    ("POST", "/api/projects/:project_id/file_system/undo_delete/"): "file_system:write",
    ("POST", "/api/projects/:project_id/file_system/count_by_path/"): "file_system:read",
    ("GET", "/api/projects/:project_id/file_system/unfiled/"): "file_system:read",
    ("POST", "/api/projects/:project_id/file_system/:id/move/"): "file_system:write",
    ("POST", "/api/projects/:project_id/file_system/:id/link/"): "file_system:write",
}


def declared_scope(row: Row, profile=None) -> str | None:
    """The scope PostHog's code requires for a row: the page's, else SCOPES_BEHIND_DASH, else none (the wall).
    Older file_system.py lists none of its actions (the reference pages' "-")."""
    if row.area == "file_system" and profile is not None and not profile.file_system_action_scopes:
        return row.required_scope
    return row.required_scope or SCOPES_BEHIND_DASH.get(row.key)


def retired_in(row: Row, profile) -> bool:
    """Rows whose endpoint this PostHog version does not have (404 "Endpoint not found.")."""
    if row.path.endswith("/plugin_configs/:id/job/"):
        return not profile.plugin_config_job
    if row.path.endswith("/groups/property_definitions/"):
        return not profile.group_property_definitions
    return False


def expectation(row: Row, profile=None) -> Expect:
    if profile is not None and (found := _profile_expectation(row, profile)) is not None:
        return found
    if row.key in EXPECT_OVERRIDES:
        return EXPECT_OVERRIDES[row.key]
    example = doc_example(row)
    status = example.status if example and example.status else _default_status(row)
    if example is None or not example.has_body:
        return Expect(status, "empty" if status == 204 else "any")
    body = example.body
    if isinstance(body, list):
        first = body[0] if body and isinstance(body[0], dict) else {}
        return Expect(status, "list", item_keys=frozenset(first) - WRITE_ONLY_KEYS)
    results = body.get("results")
    item_keys = (
        frozenset(results[0]) if isinstance(results, list) and results and isinstance(results[0], dict) else frozenset()
    )
    return Expect(status, "object", frozenset(body) - WRITE_ONLY_KEYS, item_keys - WRITE_ONLY_KEYS)


def _profile_expectation(row: Row, profile) -> Expect | None:
    """Where the two PostHog versions answer differently (simulator/profiles.py names the source of each)."""
    config_keys = (
        PLUGIN_CONFIG_KEYS if profile.plugin_config_delivery_rate else PLUGIN_CONFIG_KEYS - {"delivery_rate_24h"}
    )
    configs = "/api/projects/:project_id/plugin_configs/"
    if row.key == ("POST", configs) and profile.plugin_config_create_retired:
        return Expect(
            400, "object", frozenset({"detail"}), reason="newer PostHog no longer creates plugin configs from JSON"
        )
    if row.key in (("GET", configs + ":id/"), ("PATCH", configs + ":id/"), ("POST", configs)):
        return Expect(200 if row.method != "POST" else 201, "object", config_keys)
    if row.key == ("GET", configs):
        return Expect(200, "object", frozenset({"count", "next", "previous", "results"}), config_keys)
    if row.key == ("PATCH", configs + "rearrange/"):
        return Expect(200, "list", item_keys=config_keys - {"name", "description", "deleted"})
    if row.path.endswith("/groups/property_values/") and not profile.group_property_values_envelope:
        return Expect(200, "list", item_keys=frozenset({"name", "count"}), reason="older PostHog answers a bare list")
    return None


def _default_status(row: Row) -> int:
    if row.method == "DELETE":
        return 204
    if row.method == "POST" and row.path.rstrip("/").rsplit("/", 1)[-1] in ("plugins", "plugin_configs", "groups"):
        return 201
    return 200


def check_shape(expect: Expect, response) -> list[str]:
    """Human-readable problems with a response's shape; empty when it fits."""
    problems = []
    if expect.body == "empty":
        if response.content.strip():
            problems.append(f"expected no body, got {response.text[:200]!r}")
        return problems
    if expect.body == "any":
        return problems
    try:
        body = response.json()
    except ValueError:
        return [f"expected JSON, got {response.text[:200]!r}"]
    if expect.body == "object":
        if not isinstance(body, dict):
            return [f"expected an object, got {type(body).__name__}"]
        if missing := sorted(expect.keys - set(body)):
            problems.append(f"missing keys {missing}")
        items = body.get("results") if expect.item_keys else None
    else:
        if not isinstance(body, list):
            return [f"expected a list, got {type(body).__name__}"]
        items = body
    for position, item in enumerate(items or []):
        if not isinstance(item, dict):
            problems.append(f"item {position} is a {type(item).__name__}, not an object")
            break
        if missing := sorted(expect.item_keys - set(item)):
            problems.append(f"item {position} misses keys {missing}")
            break
    return problems


# Simulator routes outside endpoints.tsv that the portal reads and the schemas describe; the
# contract test validates them too.
EXTRA_READS = tuple(
    Row("navigation", "GET", path, "-", "")
    for path in (
        "/api/organizations/",
        "/api/organizations/:organization_id/",
        "/api/organizations/:organization_id/projects/",
        "/api/organizations/:organization_id/projects/:id/",
        "/api/projects/",
        "/api/projects/:project_id/",
        "/api/projects/:project_id/environments/",
    )
)


# Filling in a row: real ids from the simulator, and a sensible body -------------------------------


class Ids:
    """Ids of the seeded data, discovered through the API as a client would (list endpoints first)."""

    def __init__(self, call) -> None:
        self.call = call
        self._cache: dict[str, Any] = {}

    def _get(self, path: str, **params) -> Any:
        answer = self.call("GET", path, params=params)
        assert answer.status_code == 200, f"GET {path} answered {answer.status_code}: {answer.text[:300]}"
        return answer.json()

    def _once(self, name: str, find) -> Any:
        if name not in self._cache:
            self._cache[name] = find()
        return self._cache[name]

    @property
    def organization_id(self) -> str:
        return self._once("organization", lambda: self._get("/api/organizations/")["results"][0]["id"])

    @property
    def project_id(self) -> int:
        return self._once("project", lambda: self._get("/api/projects/")["results"][0]["id"])

    @property
    def environment_id(self) -> int:
        def find():
            answer = self.call("GET", f"/api/projects/{self.project_id}/environments/")
            if answer.status_code == 403:  # newer PostHog: one environment per project, sharing its id
                return self.project_id
            assert answer.status_code == 200, f"listing environments answered {answer.status_code}: {answer.text}"
            return answer.json()["results"][0]["id"]

        return self._once("environment", find)

    def plugins(self) -> list[dict]:
        return self._once(
            "plugins", lambda: self._get(f"/api/organizations/{self.organization_id}/plugins/", limit=1000)["results"]
        )

    def plugin_configs(self) -> list[dict]:
        return self._once(
            "plugin_configs",
            lambda: self._get(f"/api/projects/{self.project_id}/plugin_configs/", limit=1000)["results"],
        )

    def plugin(self, *, types: tuple[str, ...] = (), deletable: bool = False) -> dict:
        candidates = [p for p in self.plugins() if not types or p.get("plugin_type") in types]
        if deletable:
            used = {c["plugin"] for c in self.plugin_configs()}
            candidates = [p for p in candidates if not p.get("is_global")]
            candidates.sort(key=lambda p: p["id"] in used)
        assert candidates, f"no seeded plugin of type {types or 'any'} (deletable={deletable})"
        return candidates[0]

    def plugin_config(self, *, with_jobs: bool = False) -> dict:
        configs = self.plugin_configs()
        if with_jobs:
            by_id = {p["id"]: p for p in self.plugins()}
            jobs = [c for c in configs if (by_id.get(c["plugin"]) or {}).get("public_jobs")]
            configs = jobs or configs
        assert configs, "no seeded plugin config"
        return configs[0]

    def group(self) -> dict:
        def find():
            for index in range(5):
                results = self._get(f"/api/projects/{self.project_id}/groups/", group_type_index=index)["results"]
                if results:
                    return results[0]
            raise AssertionError("no seeded group in group types 0..4")

        return self._once("group", find)

    def first(self, path: str) -> dict:
        def find():
            body = self._get(path)
            results = body["results"] if isinstance(body, dict) else body
            assert results, f"GET {path} lists nothing"
            return results[0]

        return self._once(path, find)

    def insight_id(self) -> Any:
        return self.first(f"/api/projects/{self.project_id}/insights/")["id"]

    def recording_id(self) -> Any:
        return self.first(f"/api/environments/{self.environment_id}/session_recordings/")["id"]

    def file_system_item(self) -> dict:
        """A filed object (not a folder), from the project's file system list."""

        def find():
            listed = self._get(f"/api/projects/{self.project_id}/file_system/", limit=1000)["results"]
            items = [e for e in listed if e.get("type") != "folder" and e.get("ref") and not e.get("shortcut")]
            assert items, "the file system lists no filed object"
            return items[0]

        return self._once("file_system_item", find)

    def file_system_id(self) -> Any:
        return self.file_system_item()["id"]


def path_values(row: Row, ids: Ids) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in row.params:
        if name == "project_id":
            values[name] = ids.project_id
        elif name == "environment_id":
            values[name] = ids.environment_id
        elif name in ("organization_id", "parent_lookup_organization_id"):
            values[name] = ids.organization_id
        elif name == "plugin_config_id":
            values[name] = ids.plugin_config()["id"]
        elif name == "insight_id":
            values[name] = ids.insight_id()
        elif name == "recording_id":
            values[name] = ids.recording_id()
        elif name == "password_id":
            values[name] = _password_id(row, ids, values)
        elif name == "id":
            values[name] = _object_id(row, ids)
        else:
            raise AssertionError(f"no way to fill :{name} in {row.id}")
    return values


def _object_id(row: Row, ids: Ids) -> Any:
    path = row.path
    if row.area == "plugin_configs":
        return ids.plugin_config(with_jobs=path.endswith("/job/"))["id"]
    if row.area == "plugins":
        if path.endswith(("/source/", "/update_source/")):
            return ids.plugin(types=("source",))["id"]
        if path.endswith(("/check_for_updates/", "/upgrade/")):
            return ids.plugin(types=("repository", "custom"))["id"]
        return ids.plugin(deletable=row.method == "DELETE")["id"]
    if row.area in ("project_actions", "navigation"):
        return ids.project_id
    if row.area == "secret_api_keys":
        return ids.first(f"/api/environments/{ids.environment_id}/project_secret_api_keys/")["id"]
    if row.area == "roles":
        return ids.first(f"/api/organizations/{ids.organization_id}/roles/")["id"]
    if row.area == "annotations":
        return ids.first(f"/api/projects/{ids.project_id}/annotations/")["id"]
    if row.area == "file_system":
        return ids.file_system_id()
    raise AssertionError(f"no way to fill :id in {row.id}")


def _protect_with_passwords(ids: Ids, sharing: str) -> None:
    """Passwords can be added only once password protection is on, as in PostHog's sharing modal."""
    answer = ids.call("PATCH", sharing, json={"enabled": True, "password_required": True})
    assert answer.status_code == 200, f"PATCH {sharing} answered {answer.status_code}: {answer.text[:300]}"


def _password_id(row: Row, ids: Ids, values: dict[str, Any]) -> Any:
    sharing = row.url_path({**values, "password_id": "-"}).split("/sharing/")[0] + "/sharing/"
    config = ids.call("GET", sharing).json()
    if isinstance(config, list):
        config = config[0] if config else {}
    passwords = config.get("share_passwords") or []
    if not passwords:
        _protect_with_passwords(ids, sharing)
        created = ids.call("POST", sharing + "passwords/", json=password_body())
        assert created.status_code in (200, 201), f"creating a share password: {created.text[:300]}"
        config = ids.call("GET", sharing).json()
        if isinstance(config, list):
            config = config[0]
        passwords = config.get("share_passwords") or []
    assert passwords and isinstance(passwords, list), f"no share password on {sharing}: {config}"
    return passwords[0]["id"]


def password_body() -> dict:
    return {"raw_password": "hedgehog-endpoint-test", "note": "Endpoint test"}


def request_for(row: Row, ids: Ids) -> tuple[str, dict[str, Any], Any]:
    """The concrete path, query parameters and JSON body that exercise `row` as a client would."""
    values = path_values(row, ids)
    path = row.url_path(values)
    params: dict[str, Any] = {}
    body: Any = None
    suffix = row.path.split("/api/", 1)[1]
    unique = uuid.uuid4().hex[:8]

    if row.area == "plugin_configs":
        if row.method == "POST" and suffix.endswith("plugin_configs/"):
            configured = {c["plugin"] for c in ids.plugin_configs()}
            plugin = next((p for p in ids.plugins() if p["id"] not in configured), ids.plugins()[0])
            body = {"plugin": plugin["id"], "enabled": False, "order": 99, "config": _config_for(plugin)}
        elif row.method == "PATCH" and suffix.endswith(":id/"):
            body = {"name": f"Endpoint test {unique}"}
        elif suffix.endswith("/job/"):
            config = ids.plugin_config(with_jobs=True)
            plugin = next((p for p in ids.plugins() if p["id"] == config["plugin"]), {})
            job_names = list((plugin.get("public_jobs") or {}) or ["Export historical events"])
            body = {"job": {"type": job_names[0], "payload": {}}}
        elif suffix.endswith("/rearrange/"):
            configs = ids.plugin_configs()
            orders = {str(c["id"]): c["order"] for c in configs}
            if len(configs) >= 2:
                orders[str(configs[0]["id"])], orders[str(configs[1]["id"])] = configs[1]["order"], configs[0]["order"]
            body = {"orders": orders}
    elif row.area == "plugins":
        if row.method == "POST" and suffix.endswith("plugins/"):
            body = {"plugin_type": "source", "name": f"Endpoint test app {unique}"}
        elif row.method == "PATCH" and suffix.endswith(":id/"):
            body = {"is_global": False}
        elif suffix.endswith("/update_source/"):
            body = {"index.ts": f"// endpoint test {unique}\nexport function processEvent(event) {{ return event }}\n"}
        elif suffix.endswith("/upgrade/"):
            body = {}
    elif row.area == "groups":
        if suffix.endswith("groups/") and row.method == "GET":
            params = {"group_type_index": ids.group()["group_type_index"]}
        elif suffix.endswith("groups/") and row.method == "POST":
            body = {
                "group_type_index": ids.group()["group_type_index"],
                "group_key": f"endpoint-test-{unique}",
                "group_properties": {"name": f"Endpoint test {unique}"},
            }
        elif suffix.endswith("/property_definitions/"):
            params = {}
        elif suffix.endswith("/property_values/"):
            group = ids.group()
            key = next(iter(group.get("group_properties") or {"name": ""}))
            params = {"group_type_index": group["group_type_index"], "key": key}
        else:  # find, activity, update_property, delete_property: one group
            group = ids.group()
            params = {"group_type_index": group["group_type_index"], "group_key": group["group_key"]}
            if suffix.endswith("/activity/"):  # the page names the key `id`; PostHog's code reads group_key
                params = {**params, "id": group["group_key"]}
            if suffix.endswith("/update_property/"):
                body = {**params, "key": "endpoint_test", "value": unique}
            if suffix.endswith("/delete_property/"):
                key = next(iter(group.get("group_properties") or {"name": ""}))
                body = {**params, "$unset": key}
    elif row.area in ("insight_sharing", "recording_sharing"):
        if suffix.endswith("/passwords/") and row.method == "POST":
            _protect_with_passwords(ids, path.removesuffix("passwords/"))
            body = password_body()
        elif suffix.endswith("/refresh/"):
            body = {}
    elif row.area == "secret_api_keys":
        if row.method == "POST" and suffix.endswith("project_secret_api_keys/"):
            body = {"label": f"Endpoint test {unique}", "scopes": ["feature_flag:read"]}
        elif row.method == "PATCH":
            body = {"label": f"Renamed {unique}"}
        elif suffix.endswith("/roll/"):
            body = {}
    elif row.area == "project_actions":
        body = (
            {"product_type": "session_replay"}
            if suffix.endswith("/complete_product_onboarding/")
            else (None if row.method == "GET" else {})
        )
    elif row.area == "roles":
        if row.method in ("POST", "PATCH"):
            body = {"name": f"Endpoint test role {unique}"}
    elif row.area == "annotations":
        if row.method == "POST":
            body = {
                "content": f"Endpoint test {unique}",
                "date_marker": datetime.now().astimezone().isoformat(),
                "scope": "project",
            }
        elif row.method == "PATCH":
            body = {"content": f"Edited by the endpoint test {unique}"}
    elif row.area == "cohorts":
        if row.method == "POST":
            body = {"name": f"Endpoint test cohort {unique}", "is_static": True}
    elif row.area == "file_system":
        item = ids.file_system_item()
        if suffix.endswith("/link/"):
            body = {"new_path": f"Shortcuts/Endpoint test {unique}"}
        elif suffix.endswith("/move/"):
            body = {"new_path": f"Archive/Endpoint test {unique}"}
        elif suffix.endswith("/count_by_path/"):
            folder = item["path"].rsplit("/", 1)[0] if "/" in item.get("path", "") else item.get("path", "")
            params = {"path": folder}
            body = {"path": folder}
        elif suffix.endswith("/log_view/") and row.method == "POST":
            body = {"type": item.get("type"), "ref": item.get("ref")}
        elif suffix.endswith("/undo_delete/"):  # undo what was just deleted, as PostHog's toast does
            deleted = ids.call("DELETE", f"/api/projects/{ids.project_id}/file_system/{item['id']}/")
            assert deleted.status_code in (200, 204), f"deleting {item['id']}: {deleted.text[:300]}"
            body = {"items": [{"type": item.get("type"), "ref": item.get("ref"), "path": item.get("path")}]}
    return path, params, body


def _config_for(plugin: dict) -> dict:
    entries = plugin.get("config_schema") or []
    if isinstance(entries, dict):
        entries = list(entries.values())
    config = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("required"):
            continue
        if entry.get("choices"):
            config[entry["key"]] = entry["choices"][0]
        elif entry.get("default") not in (None, ""):
            config[entry["key"]] = entry["default"]
        elif entry.get("type") == "json":
            config[entry["key"]] = "{}"
        else:
            config[entry["key"]] = "endpoint-test"
    return config


# The OpenAPI schemas --------------------------------------------------------------------------

SCHEMA_FILES = ("openapi.yaml", "schema.yaml")  # the first that has a path wins


def _schema_files_for(path: str) -> tuple[str, ...]:
    """schema.yaml (2023) is consulted only for what openapi.yaml lacks: plugins and plugin_configs."""
    return SCHEMA_FILES if re.search(r"/(plugins|plugin_configs)/", path) else SCHEMA_FILES[:1]


@cache
def openapi(name: str) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(spec_dir() / "openapi" / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def _shape(path: str) -> str:
    return re.sub(r"\{\w+\}|:\w+", "{}", path.rstrip("/") + "/")


@cache
def _path_index(name: str) -> dict[str, str]:
    return {_shape(path): path for path in openapi(name).get("paths", {})}


@dataclass(frozen=True)
class Operation:
    file: str
    path: str  # as the schema spells it
    method: str
    status: str  # the documented success status
    schema: dict | None = field(default=None, hash=False, compare=False)  # JSON response schema, if any


def schema_operation(method: str, path: str) -> Operation | None:
    """The schema's operation for a simulator path (`:name` or `{name}` parameters alike)."""
    for name in _schema_files_for(path):
        schema_path = _path_index(name).get(_shape(path))
        if schema_path is None:
            continue
        operation = openapi(name)["paths"][schema_path].get(method.lower())
        if operation is None:
            continue
        responses = operation.get("responses", {})
        codes = sorted(code for code in responses if str(code)[:1] in "2")
        code = str(codes[0] if codes else min(responses, key=str))
        content = (responses.get(code) or responses.get(int(code)) or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        return Operation(name, schema_path, method, code, schema)
    return None


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects to JSON Schema: `nullable: true` allows null."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _to_json_schema(value)
        for key, value in node.items()
        if key not in ("nullable", "example", "examples", "discriminator", "xml", "externalDocs")
    }
    if node.get("nullable") is True:
        if "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components(name: str) -> dict:
    return _to_json_schema(copy.deepcopy(openapi(name).get("components", {})))


def validator_for(operation: Operation):
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    checker.checks("uuid", raises=ValueError)(lambda value: not isinstance(value, str) or bool(uuid.UUID(value)))
    checker.checks("date", raises=ValueError)(
        lambda value: not isinstance(value, str) or bool(datetime.strptime(value, "%Y-%m-%d"))
    )
    schema = {**_to_json_schema(operation.schema), "components": _components(operation.file)}
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    datetime.fromisoformat(value)  # Python 3.11+ reads a trailing Z
    return "T" in value or " " in value


def pointer(parts) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts) if parts else ""


def counts(error, ignored: list[str]) -> bool:
    """Is this validation error more than a listed difference? An anyOf fails only through
    ignored pointers when one of its alternatives fails only through them."""
    if any(pointer_matches(pattern, pointer(error.absolute_path)) for pattern in ignored):
        return False
    if error.validator == "anyOf" and error.context:
        branches: dict[Any, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        if any(not any(counts(sub, ignored) for sub in subs) for subs in branches.values()):
            return False
    return True


def pointer_matches(pattern: str, actual: str) -> bool:
    """Does the error at `actual` lie at or below `pattern` (`*` = any one segment)?"""
    want = pattern.strip("/").split("/") if pattern.strip("/") else []
    have = actual.strip("/").split("/") if actual.strip("/") else []
    return len(have) >= len(want) and all(w in ("*", h) for w, h in zip(want, have, strict=False))
