"""Reads of the current project's groups: types, cursor pages, one group, property names and values, activity."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from apps.audit.attribution import activity_timeline_page
from apps.audit.naming import group_object_id
from apps.connections.cached import GROUP_TYPES, PROPERTY_DEFINITIONS, cached_read
from apps.connections.context import PostHogContext
from apps.core.activity import ActivityItem, activity_items
from apps.core.paging import CursorPage
from apps.groups.paths import group_types_path, groups_path, property_definitions_path
from apps.posthog.errors import EndpointNotFound
from apps.posthog.values import moment

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
class Group:
    key: str
    properties: dict[str, Any]
    created_at: datetime | None


@dataclass(frozen=True)
class Suggestion:
    """A property name or value PostHog knows, and how many groups have it."""

    name: str
    count: int | None


def group_type_list(*, context: PostHogContext) -> list[GroupType]:
    """The project's group types by index, cached briefly (they change when someone adds a type in PostHog)."""
    answer = cached_read(context=context, name=GROUP_TYPES, read=lambda: context.client.get(group_types_path(context)))
    entries = answer if isinstance(answer, list) else []
    types = [_group_type(entry) for entry in entries if isinstance(entry, dict) and _is_index(entry)]
    return sorted(types, key=lambda group_type: group_type.index)


def group_type_get(*, context: PostHogContext, type_index: int) -> GroupType:
    """The type of this index; one named "type N" when PostHog lists none such (a group can outlive its type's
    listing, and the pages still show it)."""
    known = {group_type.index: group_type for group_type in group_type_list(context=context)}
    fallback = f"type {type_index}"
    return known.get(type_index) or GroupType(type_index, fallback, fallback, fallback, ())


def group_page(
    *, context: PostHogContext, group_type_index: int, search: str = "", cursor: str = ""
) -> CursorPage[Group, str]:
    """One cursor page of groups, newest first; `next` is PostHog's cursor, None on the last page.

    PostHog's list (`GroupsViewSet.list` in ee/clickhouse/views/groups.py) takes only `group_type_index`, `search`,
    `group_key` and `cursor`: a forward-only keyset on (created_at, group_key), newest first, with no ordering
    parameter. So a list longer than a page cannot be sorted (the page says so); sorting the rows read so far would
    pretend to sort them all."""
    params: dict[str, Any] = {"group_type_index": group_type_index}
    if search:
        params["search"] = search
    if cursor:
        params["cursor"] = cursor
    answer = context.client.get(groups_path(context), params=params)
    answer = answer if isinstance(answer, dict) else {}
    groups = [_group(group) for group in answer.get("results") or [] if isinstance(group, dict)]
    return CursorPage(items=groups, next=_cursor_of(answer.get("next")))


def group_find(*, context: PostHogContext, group_type_index: int, group_key: str) -> Group:
    """The group of this type with exactly this key; NotFound when there is none. The portal only reads: without
    `skip_create_notebook`, PostHog may create a notebook for the group as a side effect."""
    params = {"group_type_index": group_type_index, "group_key": group_key, "skip_create_notebook": "true"}
    return _group(context.client.get(groups_path(context, "find"), params=params))


def group_property_names(*, context: PostHogContext, group_type_index: int) -> list[Suggestion]:
    """The property names groups of this type have, most used first where PostHog counts them.

    Older versions answer them from groups' own `property_definitions` (with counts); the newest no longer have that
    action (ee/clickhouse/views/groups.py), and the names come from PostHog's property definitions instead
    (`property_definitions?type=group&group_type_index=N`), which every version serves. The connection learns
    which this PostHog has at the first 404. Cached briefly; the portal's writes to groups forget it."""
    return cached_read(
        context=context,
        name=PROPERTY_DEFINITIONS,
        read=lambda: _property_names(context, group_type_index),
        parts=(group_type_index,),
    )


def _property_names(context: PostHogContext, group_type_index: int) -> list[Suggestion]:
    if context.unavailable.group_property_definitions is None:
        try:
            answer = context.client.get(groups_path(context, "property_definitions"))
        except EndpointNotFound:
            pass  # learned: from now on straight to the property definitions
        else:
            entries = answer.get(str(group_type_index)) if isinstance(answer, dict) else None
            return _suggestions(entries)
    definitions = context.client.paginate(
        property_definitions_path(context),
        params={"type": "group", "group_type_index": group_type_index, "limit": 100},
        max_items=MAX_PROPERTY_NAMES,
    )
    return _suggestions(list(definitions))


def group_property_values(
    *, context: PostHogContext, group_type_index: int, key: str, value: str = ""
) -> list[Suggestion]:
    """Values groups of this type hold for the property `key`, most common first, narrowed to those containing
    `value`."""
    params: dict[str, Any] = {"group_type_index": group_type_index, "key": key}
    if value:
        params["value"] = value
    answer = context.client.get(groups_path(context, "property_values"), params=params)
    # Newer PostHog answers {results, refreshing}; older versions a bare list.
    return _suggestions(answer.get("results") if isinstance(answer, dict) else answer)


def group_activity_page(
    *, context: PostHogContext, group_type_index: int, group_key: str, page: int = 1
) -> CursorPage[ActivityItem, int]:
    """One group's activity, newest first; `next` is the following page's number. PostHog names the group by type
    and key: it keeps no activity list for a whole group type."""
    params = {"group_type_index": group_type_index, "group_key": group_key, "page": page, "limit": ACTIVITY_PAGE_SIZE}
    answer = context.client.get(groups_path(context, "activity"), params=params)
    answer = answer if isinstance(answer, dict) else {}
    entries = [entry for entry in answer.get("results") or [] if isinstance(entry, dict)]
    return CursorPage(items=activity_items(entries), next=page + 1 if answer.get("next") else None)


def group_timeline_page(
    *, context: PostHogContext, group_type_index: int, group_key: str, page: int = 1
) -> CursorPage[ActivityItem, int]:
    """The group's activity and the portal's writes to it as one timeline, newest first, each change credited to
    the person who made it."""
    entries = group_activity_page(context=context, group_type_index=group_type_index, group_key=group_key, page=page)
    connection_id = context.connection.pk if context.connection else None
    areas: dict[str, str | None] = {"groups": group_object_id(group_type_index, group_key)}
    return activity_timeline_page(connection_id=connection_id, areas=areas, page=entries, number=page)


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


def _group(group: Any) -> Group:
    group = group if isinstance(group, dict) else {}
    properties = group.get("group_properties")
    return Group(
        key=str(group.get("group_key") or ""),
        # PostHog's schema allows null.
        properties=properties if isinstance(properties, dict) else {},
        created_at=moment(group.get("created_at")),
    )


def _cursor_of(next_url: Any) -> str | None:
    """The `cursor` of PostHog's absolute `next` URL: the portal links its own pages, carrying only that."""
    if not isinstance(next_url, str):
        return None
    return parse_qs(urlsplit(next_url).query).get("cursor", [""])[0] or None


def _suggestions(entries: Any) -> list[Suggestion]:
    if not isinstance(entries, list):
        return []
    return [
        Suggestion(name=str(entry["name"]), count=entry.get("count") if isinstance(entry.get("count"), int) else None)
        for entry in entries
        if isinstance(entry, dict) and entry.get("name") is not None
    ]
