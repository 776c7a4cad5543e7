"""What object an audit event is about: from a write's path, its query, its body or PostHog's answer."""

import re
from urllib.parse import parse_qs, urlsplit

from apps.audit.masking import MASK

# Path segments that name an action on a collection rather than an object.
COLLECTION_ACTIONS = {
    "rearrange",
    "find",
    "activity",
    "delete_property",
    "update_property",
    "count_by_path",
    "log_view",
    "undo_delete",
    "unfiled",
    "repository",
    "property_definitions",
    "property_values",
}
PARENT_PATH = re.compile(r"^/?api/(?:organizations|projects|environments)/[^/]+/(?P<rest>.*)$")


def area_and_object_from_path(path: str) -> tuple[str, str]:
    """`/api/projects/1/plugin_configs/7/job/` -> ("plugin_configs", "7")."""
    path = path.split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
    match = PARENT_PATH.match(path)
    segments = [s for s in (match["rest"] if match else path.removeprefix("/api/")).split("/") if s]
    if not segments:
        return "", ""
    area = segments[0]
    object_id = segments[1] if len(segments) > 1 and segments[1] not in COLLECTION_ACTIONS else ""
    return area, object_id


def group_object_id(group_type_index, group_key) -> str:
    """How the audit trail names a group: PostHog's activity names it by an id its API never shows."""
    return f"{group_type_index}:{group_key}"


def write_object_id(*, area: str, path: str, body, response) -> str:
    """The object a write without an id in its path is about: a group named in its query or body, or the object
    PostHog's answer describes (one just created)."""
    if area == "groups":
        named = {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}
        if "group_key" not in named and isinstance(body, dict):
            named = body
        if named.get("group_key") not in (None, "") and named.get("group_type_index") not in (None, ""):
            return group_object_id(named["group_type_index"], named["group_key"])[:200]
        return ""
    if isinstance(response, dict) and response.get("id") not in (None, ""):
        return str(response["id"])[:200]
    return ""


# Where each area's objects keep their name (dotted for nested keys), first found wins; the rest use DEFAULT_NAMES.
NAME_KEYS: dict[str, tuple[str, ...]] = {
    "annotations": ("content",),
    # A config's own name, else its plugin's (PostHog's answer falls back the same way; older ones send null).
    "plugin_configs": ("name", "plugin_info.name"),
    "groups": ("group_properties.name", "group_key"),
    "project_secret_api_keys": ("label",),
    "file_system": ("path",),
    "insights": ("name", "derived_name", "short_id"),
}
DEFAULT_NAMES = ("name", "title", "label", "content")
NAME_LENGTH = 200


def object_name_of(*, area: str, before=None, after=None, body=None) -> str:
    """The object's name when the write was made: as it was before (what the person knew it by), else as
    PostHog answered, else as sent. "" when none of them names it (a sharing configuration, a failed write)."""
    for state in (before, after, body):
        if isinstance(state, dict) and (name := _name_in(state, NAME_KEYS.get(area, DEFAULT_NAMES))):
            if area == "file_system":
                name = _last_path_segment(name)
            return name[:NAME_LENGTH]
    return ""


def _name_in(state: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value: object = state
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            text = " ".join(str(value).split())
            if MASK not in text:  # a masked value names nothing
                return text
    return ""


def _last_path_segment(path: str) -> str:
    """A file-system item is named by the end of its path ("Product/Product KPIs"); "\\/" is a "/" in a name."""
    return path.replace("\\/", "\0").rsplit("/", 1)[-1].replace("\0", "/")
