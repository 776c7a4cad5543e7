"""Before and after of a write, field by field: nested objects flattened to dotted keys (`config.webhook.url`)."""

import json
from dataclasses import dataclass
from typing import Any

from apps.audit.masking import MASK
from apps.core.activity import change_field

ROOT = "(whole value)"


@dataclass(frozen=True)
class FieldChange:
    key: str
    kind: str  # "added" | "removed" | "changed" | "unchanged"
    before: str = ""
    after: str = ""
    # A secret sent with the write: PostHog never answers its value, so only that it changed is known.
    secret: bool = False


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "c": [1]} -> {"a.b": 1, "c": [1]}; lists and empty objects stay whole values."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or ROOT: value}


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """Every flattened key of either side, in order, marked added / removed / changed / unchanged. A side that is
    None (nothing before a create, nothing after a delete) has no keys."""
    old = flatten(before) if before is not None else {}
    new = flatten(after) if after is not None else {}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            changes.append(FieldChange(key, "added", after=value_text(new[key])))
        elif key not in new:
            changes.append(FieldChange(key, "removed", before=value_text(old[key])))
        else:
            kind = "unchanged" if _json(old[key]) == _json(new[key]) else "changed"
            changes.append(FieldChange(key, kind, value_text(old[key]), value_text(new[key])))
    return changes


SECRET_CHANGED = "changed (secret)"


def with_secrets_sent(changes: list[FieldChange], body: Any) -> list[FieldChange]:
    """`changes` with every secret the write's body carried (stored as `mask`) marked "changed (secret)": PostHog
    answers a secret masked or not at all, before and after alike, so its being sent is all that says it changed.
    Never its value: the row says only that it changed."""
    sent = flatten(body) if isinstance(body, dict) else {}
    shown = {change.key: change.kind for change in changes}
    # A secret both sides show masked (or neither shows) reads as changed; one shown added or removed stays so.
    secrets = {key for key, value in sent.items() if value == MASK and shown.get(key, "unchanged") == "unchanged"}
    if not secrets:
        return changes
    kept = [change for change in changes if change.key not in secrets]
    marked = [FieldChange(key, "changed", MASK, SECRET_CHANGED, secret=True) for key in secrets]
    return sorted([*kept, *marked], key=lambda change: change.key)


def activity_field_changes(entry: Any) -> list[FieldChange]:
    """The `detail.changes` of a PostHog activity entry, field by field, nested values flattened under the field."""
    detail = entry.get("detail") if isinstance(entry, dict) else None
    changes = detail.get("changes") if isinstance(detail, dict) else None
    rows = []
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, dict):
            continue
        name = change_field(change, entry)
        action = change.get("action")
        before = None if action == "created" else {name: change.get("before")}
        after = None if action == "deleted" else {name: change.get("after")}
        rows += [row for row in field_changes(before, after) if row.kind != "unchanged"]
    return rows


def value_text(value: Any) -> str:
    return value if isinstance(value, str) else _json(value)


def _json(value: Any) -> str:
    """Compared as JSON text: 1 and true, or "1" and 1, are different values."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
