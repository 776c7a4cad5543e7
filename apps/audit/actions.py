"""What a write did, as one verb: `disable`, `delete`, `restore`, `reorder`…, worked out when it is recorded from
its method, its path, its body and its area, so the trail reads "ada disabled the plugin config “S3 Export”" rather
than `PATCH /api/projects/1/plugin_configs/8/`. PostHog's own activity names map to the same verbs, so one filter
finds a change whichever source recorded it."""

from typing import Any
from urllib.parse import urlsplit

from apps.audit.naming import PARENT_PATH

# Every verb, in the order the trail's filter offers them, with how it reads after a person's name.
VERBS: dict[str, str] = {
    "create": "created",
    "edit": "edited",
    "delete": "deleted",
    "restore": "restored",
    "enable": "enabled",
    "disable": "disabled",
    "pause": "paused",
    "unpause": "unpaused",
    "reorder": "reordered",
    "move": "moved",
    "link": "linked",
    "install": "installed",
    "uninstall": "uninstalled",
    "upgrade": "upgraded",
    "migrate": "migrated",
    "run": "ran",
    "test": "tested",
    "retry": "retried",
    "cancel": "cancelled",
    "backfill": "backfilled",
    "refresh": "refreshed",
    "roll": "rolled",
    "rotate": "rotated",
    "reset": "reset",
    "view": "viewed",
    "count": "counted",
    "prune": "pruned",
    # The alerts' own verbs (apps/alerts): rule switches, acknowledgements and deliveries.
    "mute": "muted",
    "unmute": "unmuted",
    "snooze": "snoozed",
    "unsnooze": "unsnoozed",
    "acknowledge": "acknowledged",
    "deliver": "delivered",
}

# The action segments of PostHog's API (the last word of a path that is neither the area nor an id), whatever
# the method. A segment missing here is an action the table does not know yet: it reads as "run".
SEGMENT_VERBS: dict[str, str] = {
    "rearrange": "reorder",  # plugin configs, hog functions: {"orders": {...}}
    "undo_delete": "restore",  # file system
    "move": "move",
    "link": "link",
    "roll": "roll",  # secret API keys
    "upgrade": "upgrade",  # plugins
    "update_source": "edit",
    "job": "run",  # plugin configs (older PostHog)
    "migrate": "migrate",  # plugin config -> hog function
    "invocations": "test",  # hog functions: a test run
    "broadcast": "run",
    "pause": "pause",  # batch exports
    "unpause": "unpause",
    "retry": "retry",
    "cancel": "cancel",
    "backfills": "backfill",
    "run_test_step": "test",
    "refresh": "refresh",  # a sharing link
    "reset_token": "reset",  # project tokens
    "rotate_secret_token": "rotate",
    "delete_secret_token_backup": "delete",
    "generate_conversations_public_token": "create",
    "complete_product_onboarding": "edit",
    "update_property": "edit",  # groups
    "delete_property": "edit",
    # Reads PostHog serves as POST; never audited since the client knows them (apps/posthog/client.py), but older
    # rows of them exist.
    "log_view": "view",
    "count_by_path": "count",
}
# Segments whose verb follows the method: a sharing configuration is edited, a password added or removed.
METHOD_SEGMENTS = frozenset({"sharing", "passwords", "properties"})
METHOD_VERBS = {"POST": "create", "PATCH": "edit", "PUT": "edit", "DELETE": "delete"}
# What an area calls the plain verbs: a plugin is installed and uninstalled.
AREA_VERBS = {("plugins", "create"): "install", ("plugins", "delete"): "uninstall"}

# PostHog's activity names (posthog/models/activity_logging/activity_log.py `ActivityLog.activity`, as the plugin,
# plugin config and group entries use them) as the portal's verbs.
ACTIVITY_VERBS: dict[str, str] = {
    "created": "create",
    "updated": "edit",
    "config_updated": "edit",
    "source_updated": "edit",
    "attachment_created": "edit",
    "attachment_updated": "edit",
    "attachment_deleted": "edit",
    "deleted": "delete",
    "restored": "restore",
    "enabled": "enable",
    "disabled": "disable",
    "order_changed": "reorder",
    "installed": "install",
    "uninstalled": "uninstall",
    "upgraded": "upgrade",
    "job_triggered": "run",
}


def write_action(*, method: str, path: str, body: Any = None, area: str = "") -> str:
    """The verb of a write through the client: from its action segment, else its body (PostHog soft-deletes and
    switches many objects with a PATCH), else its method."""
    method = method.upper()
    segments = path_segments(path)
    action = action_segment(segments)
    if action in SEGMENT_VERBS:
        return SEGMENT_VERBS[action]
    if method in ("PATCH", "PUT") and (by_body := _body_verb(body)):
        return by_body
    if action and action not in METHOD_SEGMENTS:
        return "run"
    verb = METHOD_VERBS.get(method, "run")
    return AREA_VERBS.get((area or (segments[0] if segments else ""), verb), verb)


def local_action(*, method: str) -> str:
    """The verb of a change to the portal's own state, recorded with an HTTP-like method."""
    return METHOD_VERBS.get(method.upper(), "edit")


def event_action(*, action: str, method: str, path: str, area: str, body: Any = None) -> str:
    """An event's verb: the one recorded, or for an event recorded before verbs were, the one its method and path
    tell (a portal-state change's `path` is its description, which names no action)."""
    if action:
        return action
    if not path.startswith("/") and "://" not in path:
        return local_action(method=method)
    return write_action(method=method, path=path, body=body, area=area)


def verb_done(verb: str, *, happened: bool = True, unknown: bool = False) -> str:
    """How a verb reads after a person's name: "disabled"; of a write that did not happen (failed, or not kept by
    PostHog): "tried to disable"; of one whose outcome stayed unknown (its answer lost, reading back could not
    tell): "may have disabled"."""
    words = verb.replace("_", " ")
    if unknown:
        return f"may have {VERBS.get(verb, words)}"
    return VERBS.get(verb, words) if happened else f"tried to {words}"


def activities_of(verb: str) -> list[str]:
    """PostHog's activity names that read as `verb`."""
    return sorted(activity for activity, mapped in ACTIVITY_VERBS.items() if mapped == verb)


def path_segments(path: str) -> list[str]:
    """The segments below the organization, project or environment: `[plugin_configs, 8, job]`."""
    request_path = urlsplit(path).path if "://" in path else path.split("?", 1)[0]
    match = PARENT_PATH.match(request_path)
    rest = match["rest"] if match else request_path.removeprefix("/api/")
    return [segment for segment in rest.split("/") if segment]


def action_segment(segments: list[str]) -> str:
    """The last known action word of the path, or the last word that is neither the area nor an id ("" for the
    area's collection or one object)."""
    for segment in reversed(segments[1:]):
        if segment in SEGMENT_VERBS or segment in METHOD_SEGMENTS:
            return segment
    words = [segment for segment in segments[1:] if segment.replace("_", "").isalpha() and segment.islower()]
    return words[-1] if words else ""


def _body_verb(body: Any) -> str:
    """A PATCH that flips `deleted` is a delete or a restore; one that only flips `enabled`, a switch. Anything
    sent beside `enabled` makes it an edit (a settings form that also switches the object on)."""
    if not isinstance(body, dict):
        return ""
    if isinstance(body.get("deleted"), bool):
        return "delete" if body["deleted"] else "restore"
    if set(body) == {"enabled"} and isinstance(body["enabled"], bool):
        return "enable" if body["enabled"] else "disable"
    return ""
