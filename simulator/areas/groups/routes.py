"""The groups API: ee/clickhouse/views/groups.py GroupsTypesViewSet and GroupsViewSet, served under both
`/api/projects/{project_id}/` and `/api/environments/{environment_id}/` (register_legacy_dual_route_...)."""

import re
from typing import Any

from simulator.areas.groups import paging, state, validation
from simulator.areas.groups.views import find_view, group_type_view, group_view, value_name
from simulator.core import context
from simulator.core.http import Request, Response, activity_page, not_found, validation_error
from simulator.core.routing import route
from simulator.profiles import Profile

PREFIXES = ("/api/projects/{project_id}", "/api/environments/{environment_id}")
VALUES_LIMIT = 20


def routes(method: str, suffix: str, *, scope: str | None, available=None):
    """Register one handler under the project and the environment prefix."""

    def register(handler):
        for prefix in PREFIXES:
            route(method, prefix + suffix, scope=scope, available=available)(handler)
        return handler

    return register


def keyset_list(profile: Profile) -> bool:
    return profile.groups_keyset_cursor


def honours_skip_create_notebook(profile: Profile) -> bool:
    # `skip_create_notebook` is read by the newest find only (str_to_bool); older ones create the CRM notebook
    # whatever the query says.
    return profile.group_find_skip_create_notebook


def team_and_project(request: Request, project_id: str | None, environment_id: str | None) -> tuple[int, int]:
    if environment_id is not None:
        environment = context.environment(request, environment_id)
        return environment["id"], environment["project_id"]
    project = context.project(request, project_id)
    return project["id"], project["id"]


def named_group(request: Request, team_id: int) -> dict:
    """The group named by ?group_type_index=&group_key= (_safely_get_query_params, then get_group_by_key)."""
    group_type_index = validation.int_param(request, "group_type_index")
    group_key = validation.str_param(request, "group_key")
    group = state.find(request.store, team_id, group_type_index, group_key)
    if group is None:
        raise not_found()
    return group


def record(request: Request, team_id: int, group: dict, activity: str, name: str, action: str, **change: Any):
    context.record_activity(
        request,
        scope="Group",
        parent=team_id,
        item_id=group["id"],
        activity=activity,
        name=name,
        changes=[
            {
                "type": "Group",
                "action": action,
                "field": None,
                "before": change.get("before"),
                "after": change.get("after"),
            }
        ],
    )


def ilike(pattern: str, text: str) -> bool:
    """ClickHouse ILIKE '%pattern%': `%` and `_` in the pattern are wildcards."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.search(regex, text, flags=re.IGNORECASE | re.DOTALL) is not None


@routes("GET", "/groups_types/", scope="group:read")
def group_type_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    _, project = team_and_project(request, project_id, environment_id)
    return [group_type_view(t) for t in state.group_types(request.store, project)]


@routes("GET", "/groups/", scope="group:read")
def group_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = team_and_project(request, project_id, environment_id)
    group_type_index = validation.int_param(request, "group_type_index", missing=validation.LIST_HINT)
    groups = state.groups(request.store, team, group_type_index)
    key_filter = request.param("group_key") or ""
    if key_filter:  # group_key__icontains
        groups = [g for g in groups if key_filter.lower() in g["group_key"].lower()]
    search = request.param("search") or ""
    if search:
        needle = search.lower()
        groups = [
            g for g in groups if needle in g["group_key"].lower() or needle in value_name(g["group_properties"]).lower()
        ]
    if keyset_list(request.profile):
        page = paging.keyset_page(
            request, groups, group_type_index=group_type_index, search=search, group_key=key_filter
        )
    else:
        page = paging.drf_cursor_page(request, groups)
    return {**page, "results": [group_view(g) for g in page["results"]]}


@routes("POST", "/groups/", scope="group:write")
def group_create(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, project = team_and_project(request, project_id, environment_id)
    group_type_index, group_key, properties = validation.create_body(request.data())
    if state.find(request.store, team, group_type_index, group_key) is not None:
        raise validation_error("detail", "A group with this key already exists", "invalid")
    group = state.group_insert(request.store, team, group_type_index, group_key, properties)
    if state.group_type(request.store, project, group_type_index) is None:
        # trigger_group_identify needs the group type (get_group_type_mapping_or_404) and runs after
        # create_group: the group is stored, the answer is a 404 (answered, not raised, so it is not rolled back).
        return Response(404, not_found().body())
    for name, value in properties.items():
        state.definition_record(
            request.store, project, group_type_index, str(name), state.api_property_type(value), overwrite=True
        )
        # One activity entry per property; a group created without properties logs none.
        record(request, team, group, "create_group", str(name), "created", after=value)
    return Response(201, group_view(group))


@routes("GET", "/groups/find/", scope="group:read")
def group_find(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = team_and_project(request, project_id, environment_id)
    group = named_group(request, team)
    skip = honours_skip_create_notebook(request.profile) and validation.str_to_bool(
        request.param("skip_create_notebook")
    )
    # The CRM notebook is created lazily, as a side effect of reading the group (crm-iteration-one is on here).
    if not skip and state.notebook_of(request.store, group) is None:
        state.notebook_create(request.store, team, group)
    return find_view(group, state.notebook_of(request.store, group))


@routes("POST", "/groups/update_property/", scope="group:write")
def group_update_property(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, project = team_and_project(request, project_id, environment_id)
    group = named_group(request, team)
    key, value = validation.update_property_body(request.data())
    key = str(key)
    existed = key in group["group_properties"]
    before = group["group_properties"].get(key)
    group["group_properties"][key] = value
    state.group_save(request.store, group)
    state.definition_record(
        request.store, project, group["group_type_index"], key, state.api_property_type(value), overwrite=True
    )
    if existed:
        record(request, team, group, "update_property", key, "changed", before=before, after=value)
    else:
        record(request, team, group, "create_property", key, "created", before=before, after=value)
    return group_view(group)


@routes("POST", "/groups/delete_property/", scope="group:write")
def group_delete_property(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, project = team_and_project(request, project_id, environment_id)
    group = named_group(request, team)
    key = validation.unset_key(request.data(), group["group_properties"])
    if state.group_type(request.store, project, group["group_type_index"]) is None:
        raise not_found()  # get_group_type_mapping_or_404, before anything changes
    before = group["group_properties"].pop(key)
    state.group_save(request.store, group)
    # The property definition stays: PostHog never deletes one when a property goes.
    record(request, team, group, "update_property", key, "deleted", before=before)
    return group_view(group)


@routes("GET", "/groups/activity/", scope="activity_log:read")
def group_activity(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = team_and_project(request, project_id, environment_id)
    group = named_group(request, team)
    return activity_page(request, request.store.activity_list(scope="Group", parent=team, item_id=group["id"]))


# Gone from the newest version: property names come from the property definitions API instead.
@routes("GET", "/groups/property_definitions/", scope="group:read", available=lambda p: p.group_property_definitions)
def group_property_definitions(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = team_and_project(request, project_id, environment_id)
    counts: dict[int, dict[str, int]] = {}
    for group in state.groups(request.store, team):
        per_type = counts.setdefault(group["group_type_index"], {})
        for name in group["group_properties"]:
            per_type[name] = per_type.get(name, 0) + 1
    # ORDER BY group_type_index ASC, count DESC, key ASC; keyed by the index as a string.
    return {
        str(index): [
            {"name": name, "count": count}
            for name, count in sorted(per_type.items(), key=lambda item: (-item[1], item[0]))
        ]
        for index, per_type in sorted(counts.items())
    }


@routes("GET", "/groups/property_values/", scope="group:read")
def group_property_values(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = team_and_project(request, project_id, environment_id)
    envelope = request.profile.group_property_values_envelope
    raw_index, key = request.param("group_type_index"), request.param("key")
    if envelope:
        if not raw_index:
            raise validation_error("group_type_index", validation.REQUIRED_PARAMETER, "invalid")
        if not key:
            raise validation_error("key", validation.REQUIRED_PARAMETER, "invalid")
    elif raw_index is None or key is None:
        raise validation.server_error()  # the older code reads request.GET[...]: a KeyError
    try:
        group_type_index = int(raw_index)
    except ValueError:
        raise validation.server_error() from None
    value_filter = request.param("value") or ""
    counts: dict[str, int] = {}
    for group in state.groups(request.store, team, group_type_index):
        if group["group_properties"].get(key) is None:
            continue
        name = value_name(group["group_properties"][key])
        if value_filter and not ilike(value_filter, name):
            continue
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:VALUES_LIMIT]
    results = [{"name": name, "count": count} for name, count in ranked]
    return {"results": results, "refreshing": False} if envelope else results
