"""Reads of the current project's groups: types, cursor pages, one group, property names and values, activity.

Group data is kept per environment, so every groups path goes through `team_path`; group types are the
project's.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from django.utils.dateparse import parse_datetime

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path
from apps.posthog.errors import EndpointNotFound

ACTIVITY_PAGE_SIZE = 20
MAX_PROPERTY_NAMES = 500
DEFAULT_COLUMNS = ("name",)


@dataclass(frozen=True)
class GroupType:
    index: int
    name: str
    singular: str
    plural: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class GroupPage:
    """One cursor page of groups, newest first; `next_cursor` is PostHog's, empty on the last page."""

    groups: list[dict]
    next_cursor: str


@dataclass(frozen=True)
class Suggestion:
    """A property name or value PostHog knows, and how many groups have it."""

    name: str
    count: int | None


@dataclass(frozen=True)
class ActivityPage:
    entries: list[dict]
    next_page: int | None


def group_type_list(*, context: PostHogContext) -> list[GroupType]:
    answer = context.client.get(api_path("projects", context.project_id, "groups_types"))
    entries = answer if isinstance(answer, list) else []
    types = [_group_type(entry) for entry in entries if isinstance(entry, dict) and _is_index(entry)]
    return sorted(types, key=lambda group_type: group_type.index)


def _is_index(entry: dict) -> bool:
    index = entry.get("group_type_index")
    return isinstance(index, int) and not isinstance(index, bool)


def _group_type(entry: dict) -> GroupType:
    name = str(entry.get("group_type") or f"type {entry['group_type_index']}")
    columns = entry.get("default_columns")
    return GroupType(
        index=int(entry["group_type_index"]),
        name=name,
        singular=str(entry.get("name_singular") or name),
        plural=str(entry.get("name_plural") or name),
        columns=tuple(str(c) for c in columns) if isinstance(columns, list) and columns else DEFAULT_COLUMNS,
    )


def group_page(*, context: PostHogContext, group_type_index: int, search: str = "", cursor: str = "") -> GroupPage:
    params: dict = {"group_type_index": group_type_index}
    if search:
        params["search"] = search
    if cursor:
        params["cursor"] = cursor
    answer = context.client.get(context.team_path("groups"), params=params)
    answer = answer if isinstance(answer, dict) else {}
    groups = [group for group in answer.get("results") or [] if isinstance(group, dict)]
    return GroupPage(groups=groups, next_cursor=_cursor_of(answer.get("next")))


def _cursor_of(next_url) -> str:
    """The `cursor` of PostHog's absolute `next` URL: the portal links its own pages, carrying only that."""
    if not isinstance(next_url, str):
        return ""
    return parse_qs(urlsplit(next_url).query).get("cursor", [""])[0]


def group_find(*, context: PostHogContext, group_type_index: int, group_key: str) -> dict:
    """The group of this type with exactly this key; NotFound when there is none. The portal only reads: without
    `skip_create_notebook`, PostHog may create a notebook for the group as a side effect."""
    params = {"group_type_index": group_type_index, "group_key": group_key, "skip_create_notebook": "true"}
    return context.client.get(context.team_path("groups", "find"), params=params)


def group_properties(group: dict) -> dict:
    """A group's properties; PostHog's schema allows null."""
    return group["group_properties"] if isinstance(group.get("group_properties"), dict) else {}


def group_created_at(group: dict) -> datetime | None:
    return parse_datetime(group["created_at"]) if isinstance(group.get("created_at"), str) else None


def group_property_names(*, context: PostHogContext, group_type_index: int) -> list[Suggestion]:
    """The property names groups of this type have, most used first where PostHog counts them.

    Older versions answer them from groups' own `property_definitions` (with counts); the newest no longer have that
    action (ee/clickhouse/views/groups.py), and the names come from PostHog's property definitions instead
    (`property_definitions?type=group&group_type_index=N`), which every version serves. The connection learns
    which this PostHog has at the first 404."""
    if context.unavailable.group_property_definitions is None:
        try:
            answer = context.client.get(context.team_path("groups", "property_definitions"))
        except EndpointNotFound:
            pass  # learned: from now on straight to the property definitions
        else:
            entries = answer.get(str(group_type_index)) if isinstance(answer, dict) else None
            return _suggestions(entries)
    definitions = context.client.paginate(
        api_path("projects", context.project_id, "property_definitions"),
        params={"type": "group", "group_type_index": group_type_index, "limit": 100},
        max_items=MAX_PROPERTY_NAMES,
    )
    return _suggestions(list(definitions))


def group_property_values(
    *, context: PostHogContext, group_type_index: int, key: str, value: str = ""
) -> list[Suggestion]:
    """Values groups of this type hold for the property `key`, most common first, narrowed to those containing
    `value`."""
    params = {"group_type_index": group_type_index, "key": key}
    if value:
        params["value"] = value
    answer = context.client.get(context.team_path("groups", "property_values"), params=params)
    # Newer PostHog answers {results, refreshing}; older versions a bare list.
    return _suggestions(answer.get("results") if isinstance(answer, dict) else answer)


def _suggestions(entries) -> list[Suggestion]:
    if not isinstance(entries, list):
        return []
    return [
        Suggestion(name=str(entry["name"]), count=entry.get("count") if isinstance(entry.get("count"), int) else None)
        for entry in entries
        if isinstance(entry, dict) and entry.get("name") is not None
    ]


def group_activity_page(
    *, context: PostHogContext, group_type_index: int, group_key: str, page: int = 1
) -> ActivityPage:
    """One group's activity, newest first. PostHog names the group by type and key: it keeps no activity list
    for a whole group type."""
    params = {"group_type_index": group_type_index, "group_key": group_key, "page": page, "limit": ACTIVITY_PAGE_SIZE}
    answer = context.client.get(context.team_path("groups", "activity"), params=params)
    answer = answer if isinstance(answer, dict) else {}
    entries = [entry for entry in answer.get("results") or [] if isinstance(entry, dict)]
    return ActivityPage(entries=entries, next_page=page + 1 if answer.get("next") else None)
