"""PostHog activity entries as sentences a person reads: "Ada enabled S3 Export", field by field changes."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apps.posthog.values import moment

# How PostHog's activity names read after a person's name; anything else reads as its words.
VERBS = {
    "installed": "installed",
    "uninstalled": "uninstalled",
    "enabled": "enabled",
    "disabled": "disabled",
    "config_updated": "changed the settings of",
    "order_changed": "moved",
    "job_triggered": "ran a job on",
    "source_updated": "edited the source of",
    "upgraded": "upgraded",
    "updated": "updated",
    "created": "created",
    "deleted": "deleted",
    "attachment_created": "added an attachment to",
    "attachment_updated": "replaced an attachment of",
    "attachment_deleted": "removed an attachment from",
}
LONG_VALUE = 200


@dataclass(frozen=True)
class Change:
    field: str
    action: str
    before: str
    after: str


@dataclass(frozen=True)
class ActivityItem:
    when: datetime | None
    who: str
    verb: str
    name: str
    scope: str
    item_id: str
    changes: list[Change] = field(default_factory=list)
    trigger: str = ""
    source: str = "posthog"  # or "portal": a write through the portal PostHog has no entry of
    # For an entry a portal write caused: whom PostHog credits (the API key's owner; `who` is the real person).
    posthog_who: str = ""
    portal_event_id: int | None = None
    failed: bool = False  # a portal write that did not happen
    error: str = ""

    @property
    def via_portal(self) -> bool:
        return self.portal_event_id is not None


# Activities whose changes carry no `field`: the property they change is named in `detail.name`
# (ee/clickhouse/views/groups.py update_property and delete_property log_activity a Change(type="Group") with no
# field, and the property key as the detail's name).
PROPERTY_ACTIVITIES = frozenset({"create_property", "update_property", "delete_property"})


def change_field(change: dict[str, Any], entry: dict[str, Any]) -> str:
    """The name of what one change of an activity entry changed: its `field`, or the property a property activity
    names in `detail.name`, or else the `type` of the object (a change to the whole object)."""
    if change.get("field"):
        return str(change["field"])
    detail = entry.get("detail")
    if str(entry.get("activity") or "") in PROPERTY_ACTIVITIES and isinstance(detail, dict) and detail.get("name"):
        return str(detail["name"])
    return str(change.get("type") or "")


def activity_items(entries: list[Any]) -> list[ActivityItem]:
    return [_item(entry) for entry in entries if isinstance(entry, dict)]


def _item(entry: dict[str, Any]) -> ActivityItem:
    detail = entry.get("detail")
    if not isinstance(detail, dict):
        detail = {}
    activity = str(entry.get("activity") or "")
    return ActivityItem(
        when=moment(entry.get("created_at")),
        who=_who(entry),
        verb=VERBS.get(activity, activity.replace("_", " ")),
        name=str(detail.get("name") or entry.get("item_id") or ""),
        scope=str(entry.get("scope") or ""),
        item_id=str(entry.get("item_id") or ""),
        changes=[_change(c, entry) for c in detail.get("changes") or [] if isinstance(c, dict)],
        trigger=_trigger(detail.get("trigger")),
    )


def _who(entry: dict[str, Any]) -> str:
    if entry.get("is_system") or not isinstance(entry.get("user"), dict):
        return "PostHog"
    user = entry["user"]
    return str(user.get("first_name") or user.get("email") or "Someone")


def _change(change: dict[str, Any], entry: dict[str, Any]) -> Change:
    return Change(
        field=change_field(change, entry),
        action=str(change.get("action") or "changed"),
        before=_text(change.get("before")),
        after=_text(change.get("after")),
    )


def _trigger(trigger: Any) -> str:
    if not isinstance(trigger, dict):
        return ""
    job = trigger.get("job_type")
    return f"job “{job}”" if job else ", ".join(f"{k}: {_text(v)}" for k, v in trigger.items())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return text if len(text) <= LONG_VALUE else text[:LONG_VALUE] + "…"
