"""Writes to the project's file system. Every write goes through the connection's client, which audits it in the
signed-in person's name."""

from typing import Any

from apps.connections.context import PostHogContext
from apps.file_system.paths import file_system_api_path


def file_system_move(*, context: PostHogContext, entry_id: str, new_path: str) -> dict[str, Any]:
    """`new_path` is the item's whole new path, its name included; missing folders are made, a folder moves
    with everything in it."""
    return context.client.post(file_system_api_path(context.project_id, entry_id, "move"), json={"new_path": new_path})


def file_system_link(*, context: PostHogContext, entry_id: str, new_path: str) -> dict[str, Any]:
    """A shortcut to the item at `new_path` (for a folder, shortcuts to everything in it); answers the shortcut."""
    return context.client.post(file_system_api_path(context.project_id, entry_id, "link"), json={"new_path": new_path})


def file_system_delete(*, context: PostHogContext, entry_id: str) -> list[dict[str, Any]]:
    """Deletes the entry and the object behind it; answers what was deleted, [{type, ref, path, can_undo, ...}]
    (a shortcut, or a folder holding nothing restorable, answers nothing)."""
    answer = context.client.delete(file_system_api_path(context.project_id, entry_id), capture_before=True)
    deleted = answer.get("deleted") if isinstance(answer, dict) else None
    return [item for item in deleted or [] if isinstance(item, dict)]


def file_system_undo_delete(*, context: PostHogContext, items: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Restores deleted objects, [{type, ref, path}], at `path` (or where they were when it is empty)."""
    answer = context.client.post(file_system_api_path(context.project_id, "undo_delete"), json={"items": items})
    undone = answer.get("undone") if isinstance(answer, dict) else None
    return undone or []


def file_system_view_log(*, context: PostHogContext, kind: str, ref: str) -> None:
    """Records that the item was opened, for the "Recently viewed" lists here and in PostHog."""
    context.client.post(file_system_api_path(context.project_id, "log_view"), json={"type": kind, "ref": ref})


def file_system_unfiled_file(*, context: PostHogContext) -> int:
    """Asks PostHog to file every object that has no folder under "Unfiled/<Type>", as its own tree does on
    load; answers how many were filed now. PostHog serves this as a read (GET), so it is not audited."""
    answer = context.client.get(file_system_api_path(context.project_id, "unfiled"))
    count = answer.get("count") if isinstance(answer, dict) else None
    return count if isinstance(count, int) else 0
