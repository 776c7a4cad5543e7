"""What the groups pages show: a list's rows, a group's property rows, and the links between the pages."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse

from apps.groups.links import group_url
from apps.groups.selectors import Group, GroupType
from apps.groups.values import PropertyValue, value_shown


@dataclass(frozen=True)
class GroupRow:
    key: str
    url: str
    # (column, its value): the column names each cell when the table stacks into cards at phone width.
    cells: list[tuple[str, PropertyValue | None]]
    created_at: datetime | None


@dataclass(frozen=True)
class PropertyRow:
    key: str
    value: PropertyValue | None
    dom_id: str
    edit_url: str
    delete_url: str
    values_url: str


def group_row(group: Group, group_type: GroupType) -> GroupRow:
    """A list's row: the type's default columns, filled from the group's properties."""
    properties = group.properties
    return GroupRow(
        key=group.key,
        url=group_url("groups:detail", type_index=group_type.index, key=group.key),
        cells=[
            (column, value_shown(properties[column]) if column in properties else None) for column in group_type.columns
        ],
        created_at=group.created_at,
    )


def property_row(type_index: int, group_key: str, name: str, properties: dict) -> PropertyRow:
    """A row of the group page's property table (no value when the group does not have the property)."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:12]
    return PropertyRow(
        key=name,
        value=value_shown(properties[name]) if name in properties else None,
        dom_id=f"property-{digest}",
        edit_url=group_url("groups:property_edit", type_index=type_index, key=group_key, property=name),
        delete_url=group_url("groups:property_delete", type_index=type_index, key=group_key, property=name),
        values_url=f"{reverse('groups:property_values', args=[type_index])}?{urlencode({'property': name})}",
    )


def chosen_type(group_types: list[GroupType], wanted: str | None) -> GroupType | None:
    """The type named in the URL, else the first one."""
    by_index = {str(group_type.index): group_type for group_type in group_types}
    return by_index.get(str(wanted)) or (group_types[0] if group_types else None)


def more_url(group_type: GroupType, query: str, cursor: str | None) -> str:
    """The list's next page ("Load more"), or "" on the last."""
    if not cursor:
        return ""
    return f"{reverse('groups:list')}?{urlencode({'type': group_type.index, 'q': query, 'cursor': cursor})}"


def add_form_urls(*, type_index: int, key: str) -> dict[str, str]:
    """Where the form adding a property posts, and where its fields ask for names and values while typing."""
    return {
        "add_url": group_url("groups:property_add", type_index=type_index, key=key),
        "keys_url": reverse("groups:property_keys", args=[type_index]),
        "values_url": reverse("groups:property_values", args=[type_index]),
    }
