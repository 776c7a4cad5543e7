"""Reads of the project's file system: folders and what is filed in them, counts below a path, recent views."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from apps.connections.cached import cached_read
from apps.connections.context import PostHogContext
from apps.core.outcome import Outcome
from apps.core.paging import OffsetPage
from apps.core.parallel import attempt_all, together
from apps.file_system.paths import file_system_api_path, name_of, parent_of, split_path
from apps.posthog.values import moment, person_name

CHILDREN_PAGE_SIZE = 100
SEARCH_LIMIT = 100
UNFILED_FOLDER = "Unfiled"
UNFILED_SHOWN = 10
RECENT_VIEWS = 10
# The recent views are kept briefly under this name (apps.connections.cached); the portal's file-system writes and
# the views it records forget them.
RECENT_VIEWS_KEPT = "file_system_recent_views"
# Entries read beside the recent views, by their last view: more than the views, as an object can have shortcuts.
RECENT_FILED = 3 * RECENT_VIEWS
MAX_FOLDERS = 2000
FOLDER_PAGE_SIZE = 500

TYPE_LABELS = {
    "folder": "Folder",
    "insight": "Insight",
    "dashboard": "Dashboard",
    "feature_flag": "Feature flag",
    "experiment": "Experiment",
    "notebook": "Notebook",
    "cohort": "Cohort",
    "survey": "Survey",
    "action": "Action",
    "session_recording_playlist": "Replay playlist",
    "early_access_feature": "Early access feature",
    "link": "Link",
    "hog_function/destination": "Destination",
    "hog_function/transformation": "Transformation",
    "hog_function/site_app": "Site app",
    "hog_function/source": "Source",
    "hog_function/broadcast": "Broadcast",
    "hog_function/campaign": "Campaign",
}
# What PostHog soft-deletes, so that `undo_delete` can bring it back; the rest is gone for good.
RESTORABLE_TYPES = frozenset(
    {
        "action",
        "dashboard",
        "feature_flag",
        "experiment",
        "insight",
        "notebook",
        "session_recording_playlist",
        "cohort",
    }
)
HARD_DELETED_TYPES = frozenset({"link", "survey", "early_access_feature"})


class Filed:
    """What an entry's path and type tell, whether it is listed (Item) or remembered as deleted
    (recently_deleted.Deleted)."""

    path: str
    type: str

    @property
    def folder(self) -> str:
        """The path of the folder it lies in; "" at the top level."""
        return parent_of(self.path)

    @property
    def type_label(self) -> str:
        return type_label(self.type)


@dataclass(frozen=True)
class Item(Filed):
    """A file-system entry: a folder, or a shortcut or the home of a PostHog object."""

    id: str
    path: str
    type: str
    ref: str
    href: str
    shortcut: bool
    created_at: datetime | None
    last_viewed_at: datetime | None
    created_by: str = ""

    @property
    def name(self) -> str:
        return name_of(self.path) or self.path

    @property
    def is_folder(self) -> bool:
        return self.type == "folder"

    @property
    def undoable(self) -> bool:
        """Whether deleting it can be undone: PostHog soft-deletes the object behind it."""
        return undoable_type(self.type) and not self.shortcut

    @property
    def hard_deleted(self) -> bool:
        return self.type in HARD_DELETED_TYPES and not self.shortcut


@dataclass(frozen=True)
class RecentView:
    type: str
    ref: str
    viewed_at: datetime | None
    item: Item | None

    @property
    def type_label(self) -> str:
        return type_label(self.type)


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind) or kind.rsplit("/", 1)[-1].replace("_", " ").capitalize() or "Item"


def undoable_type(kind: str) -> bool:
    return kind in RESTORABLE_TYPES or kind.startswith("hog_function/")


def _user_names(answer: dict[str, Any]) -> dict[Any, str]:
    """{user id: name} from the `users` PostHog sends beside a list page."""
    users = answer.get("users") or []
    return {user["id"]: person_name(user) for user in users if isinstance(user, dict) and "id" in user}


def item_from(entry: dict[str, Any], users: dict[Any, str] | None = None) -> Item:
    meta = entry.get("meta")
    creator = meta.get("created_by") if isinstance(meta, dict) else None
    return Item(
        id=str(entry["id"]),
        path=str(entry.get("path") or ""),
        type=str(entry.get("type") or ""),
        ref=str(entry.get("ref") or ""),
        href=str(entry.get("href") or ""),
        shortcut=bool(entry.get("shortcut")),
        created_at=moment(entry.get("created_at")),
        last_viewed_at=moment(entry.get("last_viewed_at")),
        created_by=(users or {}).get(creator, ""),
    )


def _page(context: PostHogContext, params: dict[str, Any], offset: int = 0) -> OffsetPage[Item]:
    answer = context.client.get(file_system_api_path(context.project_id), params={**params, "offset": offset})
    answer = answer if isinstance(answer, dict) else {}
    users = _user_names(answer)
    items = [item_from(entry, users) for entry in answer.get("results") or [] if isinstance(entry, dict)]
    return OffsetPage.of_answer(answer, items=items, offset=offset, limit=params["limit"])


def file_system_children(*, context: PostHogContext, folder: str, offset: int = 0) -> OffsetPage[Item]:
    """What lies directly in `folder` ("" for the top level): folders first, then by name."""
    params: dict[str, Any] = {"depth": len(split_path(folder)) + 1, "limit": CHILDREN_PAGE_SIZE}
    if folder:
        params["parent"] = folder
    return _page(context, params, offset)


def file_system_search(*, context: PostHogContext, query: str) -> OffsetPage[Item]:
    """PostHog's search: words, "quoted phrases", `-word`, and `type:`, `name:`, `path:`, `user:` filters."""
    return _page(context, {"search": query, "limit": SEARCH_LIMIT})


def file_system_unfiled_items(*, context: PostHogContext) -> OffsetPage[Item]:
    """The newest items PostHog filed under "Unfiled" because nobody gave them a folder. The page's `count` is
    every item below "Unfiled" at any depth, folders not counted: the same number the tree shows beside it."""
    params = {"parent": UNFILED_FOLDER, "not_type": "folder", "order_by": "-created_at", "limit": UNFILED_SHOWN}
    return _page(context, params)


def file_system_get(*, context: PostHogContext, entry_id: str) -> Item:
    return item_from(context.client.get(file_system_api_path(context.project_id, entry_id)))


def file_system_folder(*, context: PostHogContext, path: str) -> Item | None:
    """The folder entry at exactly this path, if there is one."""
    return _first(context, {"path": path, "type": "folder"})


def file_system_entry_for(*, context: PostHogContext, kind: str, ref: str) -> Item | None:
    """Where an object (a cohort, say) is filed; its original rather than a shortcut to it."""
    return _first(context, {"type": kind, "ref": ref})


def _first(context: PostHogContext, params: dict[str, str]) -> Item | None:
    answer = context.client.get(file_system_api_path(context.project_id), params={**params, "limit": 1})
    results = answer.get("results") if isinstance(answer, dict) else None
    return item_from(results[0]) if results and isinstance(results[0], dict) else None


def file_system_folder_paths(*, context: PostHogContext) -> list[str]:
    """Every folder's path, for choosing where to move or link an item."""
    folders = context.client.paginate(
        file_system_api_path(context.project_id),
        params={"type": "folder", "limit": FOLDER_PAGE_SIZE},
        max_items=MAX_FOLDERS,
    )
    return sorted({str(folder.get("path") or "") for folder in folders} - {""}, key=str.casefold)


@dataclass(frozen=True)
class FolderCount:
    """What lies below a folder, at any depth. `items` counts what the "Unfiled" panel and search count too
    (everything but folders, shortcuts included), so the tree, the panel and the folder's own page agree."""

    items: int
    folders: int


def file_system_count(*, context: PostHogContext, path: str) -> FolderCount:
    """What lies below `path`. PostHog's `count_by_path` (answered to a POST, which reads the path from the query
    string) counts every entry, subfolders included (posthog/api/file_system/file_system.py); newer versions add
    a preview of the entries, which tells the folders apart when it holds them all. Otherwise one more read
    counts the folders."""
    answer = context.client.post(
        file_system_api_path(context.project_id, "count_by_path"), params={"path": path}, reads_only=True
    )
    answer = answer if isinstance(answer, dict) else {}
    count = answer.get("count")
    total = count if isinstance(count, int) else 0
    preview = answer.get("entries")
    if isinstance(preview, list) and answer.get("has_more") is False and len(preview) == total:
        folders = sum(1 for entry in preview if isinstance(entry, dict) and entry.get("type") == "folder")
    else:
        folders = _folder_count(context, path) if total else 0
    return FolderCount(items=max(total - folders, 0), folders=min(folders, total))


def file_system_counts(*, context: PostHogContext, paths: list[str]) -> list[FolderCount]:
    """What lies below each of `paths`, in their order; the folders are counted side by side."""
    counted = attempt_all([partial(_count_of, context, path) for path in paths])
    return [count for outcome in counted if (count := _value_or_raise(outcome)) is not None]


def _count_of(context: PostHogContext, path: str) -> FolderCount:
    return file_system_count(context=context, path=path)


def _folder_count(context: PostHogContext, path: str) -> int:
    params = {"parent": path, "type": "folder", "limit": 1}
    answer = context.client.get(file_system_api_path(context.project_id), params=params)
    count = answer.get("count") if isinstance(answer, dict) else None
    return count if isinstance(count, int) else 0


def file_system_recent_views(*, context: PostHogContext) -> list[RecentView]:
    """What the API key's user opened lately, newest first, each with where it is filed (if it still is).

    Two reads side by side: the log of views, and the file system ordered by the same user's last view
    (`order_by=-last_viewed_at`, posthog/api/file_system/file_system.py: the newest code answers only what was
    viewed, older code what was viewed first, newest first, then the rest), which holds where each is filed. A view
    that answer cannot vouch for (it was cut short before reaching it) is looked up on its own afterwards. Kept
    briefly: views in PostHog's own app show within POSTHOG_READ_CACHE_SECONDS."""
    return cached_read(context=context, name=RECENT_VIEWS_KEPT, read=partial(_recent_views, context))


def _recent_views(context: PostHogContext) -> list[RecentView]:
    reads = together(
        views=partial(_view_log, context),
        filed=partial(_page, context, {"order_by": "-last_viewed_at", "not_type": "folder", "limit": RECENT_FILED}),
    )
    views = reads.value("views")
    filed = reads.value("filed")
    found: dict[tuple[str, str], Item | None] = {}
    for view in views:
        key = (str(view["type"]), str(view["ref"]))
        found[key] = _filed_entry(filed, key, moment(view.get("viewed_at")))
    unknown = [key for key, entry in found.items() if entry is _UNKNOWN]
    looked_up = attempt_all([partial(file_system_entry_for, context=context, kind=k, ref=r) for k, r in unknown])
    found.update({key: _value_or_raise(entry) for key, entry in zip(unknown, looked_up, strict=True)})
    return [
        RecentView(
            type=str(view["type"]),
            ref=str(view["ref"]),
            viewed_at=moment(view.get("viewed_at")),
            item=found[(str(view["type"]), str(view["ref"]))],
        )
        for view in views
    ]


def _view_log(context: PostHogContext) -> list[dict[str, Any]]:
    answer = context.client.get(file_system_api_path(context.project_id, "log_view"), params={"limit": RECENT_VIEWS})
    views = [view for view in answer or [] if isinstance(view, dict) and view.get("type") and view.get("ref")]
    return views[:RECENT_VIEWS]


_UNKNOWN: Any = object()  # the answer ordered by views does not tell: looked up on its own


def _filed_entry(filed: OffsetPage[Item], key: tuple[str, str], viewed_at: datetime | None) -> Item | None:
    """Where the viewed object is filed, from the entries ordered by their last view: its own entry before a
    shortcut to it; None when that answer shows it is not filed; _UNKNOWN when it cannot tell."""
    matching = [item for item in filed.items if (item.type, item.ref) == key]
    if matching:
        return min(matching, key=lambda item: item.shortcut)
    seen = [item.last_viewed_at for item in filed.items]
    stamps = [stamp for stamp in seen if stamp is not None]
    by_view = seen[: len(stamps)] == stamps and stamps == sorted(stamps, reverse=True)
    if not by_view:
        return _UNKNOWN  # a PostHog that ignores this ordering: the answer says nothing about what was viewed
    if len(filed.items) < RECENT_FILED:
        return None  # it holds every entry there is, or every viewed one, and not this one
    if stamps and len(stamps) < len(seen):
        return None  # the viewed entries, then some never viewed: it holds every viewed one, and not this one
    if viewed_at is not None and stamps and stamps[-1] < viewed_at:
        return None  # it holds every entry viewed since this view, and not this one
    return _UNKNOWN


def _value_or_raise[T](outcome: Outcome[T]) -> T | None:
    """A lookup PostHog failed is not "not filed": the page says what failed instead of guessing."""
    if outcome.error is not None:
        raise outcome.error
    return outcome.value
