"""Writes to the current project's groups: create a group, set or remove one of its properties.

Every write goes through the connection's client, which audits it in the signed-in person's name. PostHog
names the group of a property edit in the query string; it stays in the path the audit trail records.
"""

from collections.abc import Callable
from typing import Any

from apps.audit.masking import is_secret_key
from apps.connections.context import PostHogContext
from apps.groups.paths import group_action_path, groups_path
from apps.posthog.errors import NotFound


def group_create(*, context: PostHogContext, group_type_index: int, group_key: str, properties: dict) -> Any:
    data = {"group_type_index": group_type_index, "group_key": group_key, "group_properties": properties}
    find = group_finder(context=context, group_type_index=group_type_index, group_key=group_key)
    return context.client.post(groups_path(context), json=data, find_created=find)


def group_finder(*, context: PostHogContext, group_type_index: int, group_key: str) -> Callable[[], Any]:
    """The group a lost create made, if any: ee/clickhouse/views/groups.py `find` looks one up by type and key,
    which PostHog keeps unique, so no list needs reading."""

    def find() -> Any:
        try:
            return context.client.get(
                groups_path(context, "find"),
                params={"group_type_index": group_type_index, "group_key": group_key, "skip_create_notebook": "true"},
            )
        except NotFound:
            return None

    return find


def group_property_update(
    *, context: PostHogContext, group_type_index: int, group_key: str, key: str, value: Any
) -> Any:
    """Sets (or adds) one property; answers the group as PostHog now holds it."""
    # A property named like a secret has its value masked in the audit trail, as PostHog's answer is.
    secret_keys = frozenset({"value"}) if is_secret_key(key) else frozenset()
    return context.client.post(
        group_action_path(context, "update_property", group_type_index=group_type_index, group_key=group_key),
        json={"key": key, "value": value},
        before_path=group_action_path(context, "find", group_type_index=group_type_index, group_key=group_key),
        secret_keys=secret_keys,
    )


def group_property_delete(*, context: PostHogContext, group_type_index: int, group_key: str, key: str) -> Any:
    return context.client.post(
        group_action_path(context, "delete_property", group_type_index=group_type_index, group_key=group_key),
        json={"$unset": key},
        before_path=group_action_path(context, "find", group_type_index=group_type_index, group_key=group_key),
    )
