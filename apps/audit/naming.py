"""What object an audit event is about: from a write's path, its query, its body or PostHog's answer."""

import re
from urllib.parse import parse_qs, urlsplit

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
