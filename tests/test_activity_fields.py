"""A PostHog activity change without a `field` is named by what it changed: a group property edit names the property
(ee/clickhouse/views/groups.py logs Change(type="Group") with the property key as detail.name), not "Group"."""

from apps.audit.diff import activity_field_changes
from apps.core.activity import activity_items

SEATS = {
    "scope": "Group",
    "activity": "update_property",
    "item_id": "1",
    "detail": {"name": "seats", "changes": [{"type": "Group", "action": "changed", "before": 25, "after": 40}]},
}


def test_a_group_property_change_is_named_by_the_property():
    assert [(change.field, change.before, change.after) for change in activity_items([SEATS])[0].changes] == [
        ("seats", "25", "40")
    ]
    assert [(change.key, change.before, change.after) for change in activity_field_changes(SEATS)] == [
        ("seats", "25", "40")
    ]


def test_a_change_with_a_field_keeps_it():
    entry = {**SEATS, "activity": "updated", "detail": {"name": "S3", "changes": [{"type": "X", "field": "enabled"}]}}
    assert activity_items([entry])[0].changes[0].field == "enabled"
