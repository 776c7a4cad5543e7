"""How the groups API shapes what it answers (PostHog's serializers)."""

import json
from typing import Any

GROUP_TYPE_FIELDS = (  # posthog/models/group_type_mapping.py GROUP_TYPE_MAPPING_SERIALIZER_FIELDS
    "group_type",
    "group_type_index",
    "name_singular",
    "name_plural",
    "detail_dashboard",
    "default_columns",
    "created_at",
)


def group_type_view(group_type: dict) -> dict:
    return {name: group_type.get(name) for name in GROUP_TYPE_FIELDS}


def group_view(group: dict) -> dict:
    """ee/clickhouse/views/groups.py GroupSerializer."""
    return {
        "group_type_index": group["group_type_index"],
        "group_key": group["group_key"],
        "group_properties": group["group_properties"],
        "created_at": group["created_at"],
    }


def find_view(group: dict, notebook: dict | None) -> dict:
    """FindGroupSerializer: the group and the short id of its notebook, if it has one."""
    return {**group_view(group), "notebook": notebook["short_id"] if notebook else None}


def value_name(value: Any) -> str:
    """Property values as ClickHouse hands them back: raw JSON with the quotes of strings trimmed."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def definition_view(definition: dict) -> dict:
    """posthog/taxonomy/property_definition_api.py PropertyDefinitionSerializer; `is_seen_on_filtered_events` is
    null unless `event_names` was asked for, which group properties never are."""
    return {
        "id": definition["id"],
        "name": definition["name"],
        "is_numerical": definition["is_numerical"],
        "property_type": definition["property_type"],
        "tags": list(definition.get("tags") or []),
        "is_seen_on_filtered_events": None,
    }
