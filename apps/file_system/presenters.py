"""What the file-system pages show that is neither a read nor a write: their URLs, the way into PostHog's own app,
and what a delete says."""

from urllib.parse import urlencode

from django.urls import reverse

from apps.connections.context import PostHogContext
from apps.file_system.forms import MOVE
from apps.file_system.paths import join_path, split_path
from apps.file_system.recently_deleted import Deleted
from apps.file_system.selectors import Item

# The counts URL's id for the folder shown itself (the others are its subfolders' entry ids).
CURRENT = "current"


def undo_url(key: str) -> str:
    return f"{reverse('file_system:undo_delete')}?{urlencode({'item': key})}"


def browse_url(folder: str) -> str:
    url = reverse("file_system:browse")
    return f"{url}?{urlencode({'path': folder})}" if folder else url


def unfiled_url(filed: int) -> str:
    """The "Unfiled" panel's URL, saying how many items PostHog filed for the page that loads it."""
    url = reverse("file_system:unfiled")
    return f"{url}?{urlencode({'filed': filed})}" if filed else url


def count_param(value: str | None) -> int:
    """A count in a URL: 0 unless it is a whole number."""
    return int(value) if value and value.isdigit() and len(value) < 10 else 0


def folder_param(value: str | None) -> str:
    """A folder path as typed in a URL, in PostHog's form (no leading, trailing or doubled "/")."""
    return join_path(split_path(value or ""))


def counts_url(items: list[Item], current: str = "") -> str:
    """The URL that fills in the counts of these folders (and of the folder shown, when given) once loaded."""
    pairs = [(CURRENT, current)] if current else []
    pairs += [(item.id, item.path) for item in items if item.is_folder]
    if not pairs:
        return ""
    query = urlencode([(name, value) for node_id, path in pairs for name, value in (("id", node_id), ("path", path))])
    return f"{reverse('file_system:counts')}?{query}"


def posthog_url(context: PostHogContext, item: Item) -> str:
    """The item in PostHog's own app: its `href` lives under the project's URL there."""
    connection, project = context.connection, context.project_id
    if connection is None or not item.href.startswith("/") or item.href.startswith("//") or not project.isdigit():
        return ""
    return f"{connection.host.rstrip('/')}/project/{project}{item.href}"


def placed_message(action: str, item: Item, folder: str) -> str:
    """What a move or a new shortcut says: where the item (or its shortcut) now is."""
    destination = folder or "the top level"
    if action == MOVE:
        return f"Moved “{item.name}” to “{destination}”."
    return f"Created a shortcut to “{item.name}” in “{destination}”."


def deleted_message(item: Item, restorable: list[Deleted]) -> str:
    if item.shortcut:
        return f"Removed the shortcut “{item.name}”; the {item.type_label.lower()} it pointed to is untouched."
    if item.is_folder:
        kept = f" {len(restorable)} item(s) in it can be restored under “Recently deleted”." if restorable else ""
        return f"Deleted the folder “{item.name}” and everything in it.{kept}"
    if restorable:
        return f"Deleted “{item.name}”. Undo it under “Recently deleted”."
    if item.hard_deleted:
        return f"Deleted “{item.name}” for good."
    return f"Removed “{item.name}” from the file system."
