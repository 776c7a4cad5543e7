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
from apps.posthog.settle import same_value


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
        find_created=_holding(
            context=context,
            group_type_index=group_type_index,
            group_key=group_key,
            made=lambda properties: key in properties and same_value(value, properties[key]),
        ),
    )


def group_property_delete(*, context: PostHogContext, group_type_index: int, group_key: str, key: str) -> Any:
    return context.client.post(
        group_action_path(context, "delete_property", group_type_index=group_type_index, group_key=group_key),
        json={"$unset": key},
        before_path=group_action_path(context, "find", group_type_index=group_type_index, group_key=group_key),
        find_created=_holding(
            context=context,
            group_type_index=group_type_index,
            group_key=group_key,
            made=lambda properties: key not in properties,
        ),
    )


def _holding(
    *, context: PostHogContext, group_type_index: int, group_key: str, made: Callable[[dict], bool]
) -> Callable[[], Any]:
    """How a property edit whose answer was lost is settled: PostHog answers both update_property and
    delete_property with the group as it now holds it (ee/clickhouse/views/groups.py), and `find` serves that same
    group, so the group read back is the answer when it holds the change (applied), and None when it does not (not
    applied: PostHog saves the whole property set at once, so a group without the change was left as it was). A
    group that cannot be read back raises, and the outcome stays unknown. The client calls this for a POST whose
    answer was lost (`find_created`), never sending the POST again."""

    def read_back() -> Any:
        held = context.client.get(
            group_action_path(context, "find", group_type_index=group_type_index, group_key=group_key),
            params={"skip_create_notebook": "true"},
        )
        properties = held.get("group_properties") if isinstance(held, dict) else None
        return held if isinstance(properties, dict) and made(properties) else None

    return read_back
