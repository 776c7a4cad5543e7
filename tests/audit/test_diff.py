"""A change field by field: nested objects as dotted keys, each marked added, removed, changed or unchanged."""

from apps.audit.diff import FieldChange, activity_field_changes, field_changes


def test_nested_objects_are_flattened_and_every_key_marked():
    before = {"name": "S3", "config": {"bucket": "a", "retries": 3, "auth": {"region": "eu"}}, "tags": [1, 2]}
    after = {"name": "S3", "config": {"bucket": "b", "auth": {"region": "eu", "role": "x"}}, "tags": [1, 2, 3]}

    assert field_changes(before, after) == [
        FieldChange("config.auth.region", "unchanged", "eu", "eu"),
        FieldChange("config.auth.role", "added", after="x"),
        FieldChange("config.bucket", "changed", "a", "b"),
        FieldChange("config.retries", "removed", before="3"),
        FieldChange("name", "unchanged", "S3", "S3"),
        FieldChange("tags", "changed", "[1, 2]", "[1, 2, 3]"),
    ]


def test_values_of_another_type_are_a_change_and_missing_sides_have_no_keys():
    assert [change.kind for change in field_changes({"a": 1, "b": "1"}, {"a": True, "b": 1})] == ["changed"] * 2
    assert field_changes(None, {"id": 4}) == [FieldChange("id", "added", after="4")]
    assert field_changes({"id": 4}, None) == [FieldChange("id", "removed", before="4")]
    assert field_changes(None, [1]) == [FieldChange("(whole value)", "added", after="[1]")]


def test_posthogs_recorded_changes_are_flattened_under_their_field():
    entry = {
        "detail": {
            "changes": [
                {"field": "config", "action": "changed", "before": {"url": "a"}, "after": {"url": "b", "n": 1}},
                {"field": "enabled", "action": "created", "before": None, "after": True},
                {"field": "legacy", "action": "deleted", "before": "x", "after": None},
                "not a change",
            ]
        }
    }
    assert activity_field_changes(entry) == [
        FieldChange("config.n", "added", after="1"),
        FieldChange("config.url", "changed", "a", "b"),
        FieldChange("enabled", "added", after="true"),
        FieldChange("legacy", "removed", before="x"),
    ]
    assert activity_field_changes({"detail": None}) == activity_field_changes("garbled") == []
