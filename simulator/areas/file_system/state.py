"""What the file system keeps: `file_system` entries (folders, objects, shortcuts) per team, the objects still
waiting to be filed (`file_system_unfiled`) and who viewed what (`file_system_view`); `State` is the area's part
of the public API.

An entry whose object was deleted through the file system is kept hidden (`_deleted`), so that `undo_delete`
can put the object back where it was; PostHog deletes the row and files the restored object anew.
"""

import uuid
from typing import Any

from simulator.areas.file_system.paths import UNFILED_FOLDERS, escape_segment, href_for, join_path, split_path
from simulator.core.seed import DEMO_KEY
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

# posthog/api/file_system/file_system.py FileSystemSerializer.Meta.fields, `last_viewed_at` added by entry_view.
FIELDS = ("id", "path", "depth", "type", "ref", "href", "meta", "shortcut", "created_at")
# posthog/api/file_system/file_system.py DELETE_PREVIEW_ENTRY_LIMIT (count and count_by_path, newest code).
PREVIEW_LIMIT = 200


def newest_code(profile: Profile) -> bool:
    """Whether `profile` plays the newest posthog/api/file_system/file_system.py: its actions listed in
    `scope_object_read_actions` / `scope_object_write_actions` (older versions list none, so scoped personal API
    keys meet the scope wall there), `count`/`count_by_path` answering a preview of the entries, and one refusal
    for every `undo_delete` that cannot be done."""
    return profile.file_system_action_scopes


def entries(store: Store, team_id: int, *, deleted: bool | None = False) -> list[dict]:
    """The team's entries; `deleted=None` includes the hidden ones."""
    items = store.all("file_system", parent=team_id)
    return items if deleted is None else [i for i in items if bool(i.get("_deleted")) == deleted]


def new_entry(
    store: Store,
    team_id: int,
    *,
    path: str,
    kind: str,
    ref: Any = None,
    href: str | None = None,
    meta: dict | None = None,
    shortcut: bool = False,
    created_at: str | None = None,
    created_by: int | None = None,
    deleted: bool = False,
) -> dict:
    entry_id = str(uuid.uuid4())
    entry = {
        "id": entry_id,
        "path": path,
        "depth": len(split_path(path)),
        "type": kind,
        "ref": None if ref is None else str(ref),
        "href": href,
        "meta": meta if meta is not None else {},
        "shortcut": shortcut,
        "created_at": created_at or now_iso(),
        "_deleted": deleted,
        "_created_by": created_by,
        "_team": team_id,
    }
    return store.insert("file_system", entry, parent=team_id, id=entry_id)


def object_entry(
    store: Store,
    team_id: int,
    path: str,
    kind: str,
    ref: Any,
    *,
    created_at: str,
    created_by: int | None,
    deleted: bool = False,
) -> dict:
    """The entry filing an object at `path`, with its link (`href`) and `meta` (who filed it, and when, as the entry
    itself says)."""
    filed = {"created_at": created_at, "created_by": created_by}
    href = href_for(kind, ref)
    return new_entry(store, team_id, path=path, kind=kind, ref=ref, href=href, meta=filed, deleted=deleted, **filed)


def shortcut_entry(
    store: Store, team_id: int, path: str, source: dict, *, created_by: int | None, created_at: str | None = None
) -> dict:
    """A shortcut at `path` (an entry of its own, `shortcut: true`) to the object the entry `source` files."""
    return new_entry(
        store,
        team_id,
        path=path,
        kind=source["type"],
        ref=source.get("ref"),
        href=source.get("href"),
        meta=source.get("meta"),
        shortcut=True,
        created_at=created_at,
        created_by=created_by,
    )


def assure_parent_folders(store: Store, team_id: int, path: str, created_by: int | None) -> None:
    """FileSystemViewSet._assure_parent_folders: "a/b/c" needs folders "a" and "a/b"."""
    segments = split_path(path)
    existing = {e["path"] for e in entries(store, team_id)}
    for depth in range(1, len(segments)):
        parent = join_path(segments[:depth])
        if parent not in existing:
            new_entry(store, team_id, path=parent, kind="folder", created_by=created_by)
            existing.add(parent)


def fix_folders_and_depth(store: Store, team_id: int, creator: int | None) -> None:
    """FileSystemViewSet._retroactively_fix_folders_and_depth."""
    for entry in entries(store, team_id):
        depth = len(split_path(entry["path"]))
        if entry.get("depth") != depth:
            store.update("file_system", entry["id"], {**entry, "depth": depth})
        assure_parent_folders(store, team_id, entry["path"], creator)


def file_object(
    store: Store,
    team_id: int,
    *,
    kind: str,
    ref: Any,
    name: str,
    folder: str | None = None,
    created_by: int | None = None,
    created_at: str | None = None,
) -> dict:
    """File a new object, as PostHog does when one is created (`_create_in_folder`, else "Unfiled/<Type>")."""
    base = folder.strip("/") if folder and folder.strip("/") else f"Unfiled/{UNFILED_FOLDERS.get(kind, 'Other')}"
    path = f"{base}/{escape_segment(name or 'Untitled')}"
    assure_parent_folders(store, team_id, path, created_by)
    return object_entry(store, team_id, path, kind, ref, created_at=created_at or now_iso(), created_by=created_by)


def below(store: Store, team_id: int, path: str) -> list[dict]:
    """Everything under a folder's path, by depth then path (count, count_by_path, folder deletion)."""
    prefix = path + "/"
    return sorted(
        (e for e in entries(store, team_id) if e["path"].startswith(prefix)), key=lambda e: (e["depth"], e["path"])
    )


# Views -----------------------------------------------------------------------------------------


def last_views(store: Store, team_id: int, user_id: int) -> dict[tuple[str, str], str]:
    return {
        (v["type"], v["ref"]): v["viewed_at"]
        for v in store.all("file_system_view", parent=team_id)
        if v["user_id"] == user_id
    }


def record_view(store: Store, team_id: int, user_id: int, kind: str, ref: str, viewed_at: str | None = None) -> dict:
    """posthog/models/file_system/file_system_view_log.py: one row per user and object, its latest view."""
    view_id = f"{team_id}:{user_id}:{kind}:{ref}"
    record = {"id": view_id, "type": kind, "ref": ref, "user_id": user_id, "viewed_at": viewed_at or now_iso()}
    if store.get("file_system_view", view_id) is None:
        return store.insert("file_system_view", record, parent=team_id, id=view_id)
    return store.update("file_system_view", view_id, record)


def views_of(store: Store, team_id: int, user_id: int, kind: str | None = None) -> list[dict]:
    """A user's views, newest first, as `log_view` lists them."""
    found = [v for v in store.all("file_system_view", parent=team_id) if v["user_id"] == user_id]
    if kind:
        found = [v for v in found if v["type"] == kind]
    found.sort(key=lambda v: v["viewed_at"], reverse=True)
    return [{"type": v["type"], "ref": v["ref"], "viewed_at": v["viewed_at"]} for v in found]


def entry_view(entry: dict, views: dict[tuple[str, str], str]) -> dict:
    view = {name: entry.get(name) for name in FIELDS}
    view["last_viewed_at"] = views.get((entry.get("type"), entry.get("ref"))) if entry.get("ref") else None
    return view


# The public API --------------------------------------------------------------------------------


class State(AreaState):
    """The file system as a test or bench sees and arranges it; `last_viewed_at` is the demo user's."""

    def _user_id(self) -> int:
        return self._store.get("personal_api_key", DEMO_KEY)["user"]["id"]

    def _view(self, entry: dict) -> dict:
        return entry_view(entry, last_views(self._store, entry["_team"], self._user_id()))

    def all(self, project_id: int) -> list[dict]:
        """Every entry of the project (not those of deleted objects), ordered by path as the list orders them."""
        views = last_views(self._store, int(project_id), self._user_id())
        found = sorted(entries(self._store, int(project_id)), key=lambda e: e["path"].lower())
        return [entry_view(e, views) for e in found]

    def get(self, id: str) -> dict | None:
        """One entry as PostHog shapes it; None if there is none (or its object was deleted)."""
        found = self._store.get("file_system", id)
        return self._view(found) if found and not found.get("_deleted") else None

    def by_path(self, project_id: int, path: str) -> dict | None:
        """The entry at `path` (the object itself rather than a shortcut, if both are there); None if none."""
        found = [e for e in entries(self._store, int(project_id)) if e["path"] == path]
        found.sort(key=lambda e: bool(e.get("shortcut")))
        return self._view(found[0]) if found else None

    def add(self, project_id: int, *, path: str, type: str, ref: Any = None, shortcut: bool = False) -> dict:
        """A new entry (`type` "folder" or an object type), its parent folders made as needed."""
        with self._store.transaction():
            assure_parent_folders(self._store, int(project_id), path, self._user_id())
            made = new_entry(
                self._store, int(project_id), path=path, kind=type, ref=ref, href=href_for(type, ref), shortcut=shortcut
            )
        return self._view(made)

    def views(self, project_id: int) -> list[dict]:
        """What the demo user viewed (`log_view`), newest first."""
        return views_of(self._store, int(project_id), self._user_id())

    def activity(self, id: str, *, project_id: int) -> list[dict]:
        """An entry's activity entries, newest first (kept after the entry itself is gone)."""
        return self._store.activity_list(scope="FileSystem", parent=int(project_id), item_id=id)
