"""Writes to the project's file system. Every write goes through the connection's client, which audits it in the
signed-in person's name."""

from typing import Any

from apps.connections.cached import cached_forget, cached_read
from apps.connections.context import PostHogContext
from apps.file_system.paths import file_system_api_path
from apps.file_system.selectors import RECENT_VIEWS_KEPT

# That PostHog filed the unfiled lately, kept briefly (apps.connections.cached) under this name.
FILED_LATELY = "file_system_filed"


def file_system_move(*, context: PostHogContext, entry_id: str, new_path: str) -> dict[str, Any]:
    """`new_path` is the item's whole new path, its name included; missing folders are made, a folder moves
    with everything in it."""
    try:
        return context.client.post(
            file_system_api_path(context.project_id, entry_id, "move"), json={"new_path": new_path}
        )
    finally:
        _recent_views_forget(context)


def file_system_link(*, context: PostHogContext, entry_id: str, new_path: str) -> dict[str, Any]:
    """A shortcut to the item at `new_path` (for a folder, shortcuts to everything in it); answers the shortcut."""
    try:
        return context.client.post(
            file_system_api_path(context.project_id, entry_id, "link"), json={"new_path": new_path}
        )
    finally:
        _recent_views_forget(context)


def file_system_delete(*, context: PostHogContext, entry_id: str) -> list[dict[str, Any]]:
    """Deletes the entry and the object behind it; answers what was deleted, [{type, ref, path, can_undo, ...}]
    (a shortcut, or a folder holding nothing restorable, answers nothing)."""
    try:
        answer = context.client.delete(file_system_api_path(context.project_id, entry_id), capture_before=True)
    finally:
        _recent_views_forget(context)
    deleted = answer.get("deleted") if isinstance(answer, dict) else None
    return [item for item in deleted or [] if isinstance(item, dict)]


def file_system_undo_delete(*, context: PostHogContext, items: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Restores deleted objects, [{type, ref, path}], at `path` (or where they were when it is empty)."""
    try:
        answer = context.client.post(file_system_api_path(context.project_id, "undo_delete"), json={"items": items})
    finally:
        _recent_views_forget(context)
    undone = answer.get("undone") if isinstance(answer, dict) else None
    return undone or []


def file_system_view_log(*, context: PostHogContext, kind: str, ref: str) -> None:
    """Records that the item was opened, for the "Recently viewed" lists here and in PostHog."""
    try:
        context.client.post(file_system_api_path(context.project_id, "log_view"), json={"type": kind, "ref": ref})
    finally:
        _recent_views_forget(context)


def file_system_unfiled_file(*, context: PostHogContext) -> int:
    """Asks PostHog to file every object that has no folder under "Unfiled/<Type>", as its own tree does on
    load; answers how many were filed now. PostHog serves this as a read (GET), so it is not audited."""
    answer = context.client.get(file_system_api_path(context.project_id, "unfiled"))
    count = answer.get("count") if isinstance(answer, dict) else None
    return count if isinstance(count, int) else 0


def file_system_unfiled_file_lately(*, context: PostHogContext) -> int:
    """`file_system_unfiled_file` once in a while (POSTHOG_READ_CACHE_SECONDS) for the project rather than on every
    view of the top level: an object made in PostHog since then is filed on a view after that. Answers how many
    this call filed (0 when it was done lately)."""
    filed: list[int] = []

    def file() -> bool:
        filed.append(file_system_unfiled_file(context=context))
        return True

    cached_read(context=context, name=FILED_LATELY, read=file)
    return filed[0] if filed else 0


def _recent_views_forget(context: PostHogContext) -> None:
    """The recent views kept (`selectors.file_system_recent_views`) are out of date: a view recorded here, or an
    item moved, linked, deleted or restored (where each is filed)."""
    if context.connection is not None:
        cached_forget(connection=context.connection, name=RECENT_VIEWS_KEPT)
