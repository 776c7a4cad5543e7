"""File system routes: posthog/api/file_system/file_system.py `FileSystemViewSet` (scope_object "file_system").

Fixed paths come first, so "log_view" and "unfiled" never read as ids.
"""

from simulator.areas.file_system import deletion, state, validation
from simulator.areas.file_system.paths import RESTORABLE, split_path
from simulator.areas.file_system.search import search
from simulator.areas.roles.people import people, user_basic
from simulator.core import context
from simulator.core.http import ApiError, Request, method_not_allowed, not_found, paginate
from simulator.core.routing import NO_SCOPE, route

BASE = "/api/projects/{project_id}/file_system"
FIXED_POST_PATHS = ("count_by_path", "undo_delete")
# posthog/api/file_system/file_system.py UNDO_DELETE_REFUSED (newest code)
UNDO_DELETE_REFUSED = "Couldn't restore this. It may already be restored, or you may not have access to it."


def _older(profile) -> bool:
    return not state.newest_code(profile)


def action(method: str, template: str, *, scope: str):
    """An action the newest viewset lists in `scope_object_read_actions` / `scope_object_write_actions` (with
    `scope`); older viewsets list none, so there scoped personal API keys meet the scope wall."""

    def register(handler):
        route(method, template, scope=scope, available=state.newest_code)(handler)
        route(method, template, scope=NO_SCOPE, available=_older)(handler)
        return handler

    return register


def _find(request: Request, project_id: str, entry_id: str) -> tuple[int, dict]:
    team_id = context.team_id(request, project_id=project_id)
    found = request.store.get("file_system", entry_id, parent=team_id)
    if found is None or found.get("_deleted"):
        raise not_found()
    return team_id, found


def _views(request: Request, team_id: int) -> dict:
    return state.last_views(request.store, team_id, context.acting_user(request)["id"])


def _counted(request: Request, team_id: int, path: str) -> dict:
    """`count` and `count_by_path`: everything under the path; the newest code adds a preview of the entries."""
    found = state.below(request.store, team_id, path)
    if not state.newest_code(request.profile):
        return {"count": len(found)}
    preview = found[: state.PREVIEW_LIMIT]
    views = _views(request, team_id)
    return {
        "count": len(found),
        "entries": [state.entry_view(e, views) for e in preview],
        "has_more": len(found) > len(preview),
    }


# Fixed paths -----------------------------------------------------------------------------------


@action("GET", BASE + "/log_view/", scope="file_system:write")  # listed as a write action, even for GET
def log_view_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    limit = validation.view_limit(request)
    views = state.views_of(request.store, team_id, context.acting_user(request)["id"], request.param("type"))
    return views[:limit] if limit is not None else views


@action("POST", BASE + "/log_view/", scope="file_system:write")
def log_view_record(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    kind, ref, viewed_at = validation.view_record(request.data())
    state.record_view(request.store, team_id, context.acting_user(request)["id"], kind, ref, viewed_at)


@action("POST", BASE + "/count_by_path/", scope="file_system:read")
def count_by_path(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    return _counted(request, team_id, validation.count_path(request).rstrip("/"))


@action("POST", BASE + "/undo_delete/", scope="file_system:write")
def undo_delete(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    items = validation.undo_items(request.data())
    newest = state.newest_code(request.profile)
    for kind, _ref, _path in items:
        if kind not in RESTORABLE and not kind.startswith("hog_function/"):
            detail = UNDO_DELETE_REFUSED if newest else f"Undo for type '{kind}' is not supported."
            raise ApiError(400, detail, type="validation_error", attr="detail")
    undone = []
    for kind, ref, path in items:
        known = deletion.backing_object(request, team_id, kind, ref)
        filed = [e for e in state.entries(request.store, team_id, deleted=None) if (e["type"], e["ref"]) == (kind, ref)]
        if newest and not (any(e["_deleted"] for e in filed) or (known and known.get("deleted"))):
            # _ensure_can_restore: a missing object and one that is not deleted are refused alike.
            raise ApiError(400, UNDO_DELETE_REFUSED, type="validation_error", attr="detail")
        if not filed and known is None:
            raise not_found()
        restored = deletion.restore_object(request, team_id, kind, ref)
        deletion.restore_entries(request, team_id, kind, ref, path, restored)
        undone.append({"type": kind, "ref": ref})
    return {"undone": undone}


@action("GET", BASE + "/unfiled/", scope="file_system:read")
def unfiled(request: Request, project_id: str):
    """posthog/models/file_system/unfiled_file_saver.py `save_unfiled_files`: file every object that has no entry
    yet under "Unfiled/<Type>"; answers how many it filed."""
    team_id = context.team_id(request, project_id=project_id)
    store = request.store
    wanted = request.param("type") or None
    creator = context.acting_user(request)["id"]
    filed = {(e["type"], e["ref"]) for e in state.entries(store, team_id, deleted=None)}
    waiting = [
        (w["type"], w["ref"], w["name"], w.get("created_by"), w.get("created_at"))
        for w in store.all("file_system_unfiled", parent=team_id)
        if not wanted or w["type"] == wanted
    ]
    for doc in store.all("file_system_unfiled", parent=team_id):
        if not wanted or doc["type"] == wanted:
            store.delete("file_system_unfiled", doc["id"])
    for insight in store.all("insight", parent=team_id):
        if not insight.get("deleted"):
            name = insight.get("name") or insight.get("derived_name") or "Untitled insight"
            waiting.append(
                ("insight", str(insight.get("short_id")), name, _creator(insight, creator), insight.get("created_at"))
            )
    for cohort in store.all("cohort", parent=team_id):
        if not cohort.get("deleted"):
            name = cohort.get("name") or "Untitled cohort"
            waiting.append(("cohort", str(cohort["id"]), name, _creator(cohort, creator), cohort.get("created_at")))
    created = 0
    for kind, ref, name, by, created_at in waiting:
        if (wanted and kind != wanted) or (kind, ref) in filed:
            continue
        state.file_object(store, team_id, kind=kind, ref=ref, name=name, created_by=by, created_at=created_at)
        filed.add((kind, ref))
        created += 1
    state.fix_folders_and_depth(store, team_id, creator)
    return {"count": created}


def _creator(obj: dict, fallback: int) -> int:
    return obj["created_by"].get("id") if isinstance(obj.get("created_by"), dict) else fallback


# The collection and its items ------------------------------------------------------------------


def _ordered(request: Request, entries: list[dict], views: dict, depth: str | None) -> list[dict]:
    """FileSystemViewSet.safely_get_queryset's ordering."""
    order = request.param("order_by")
    if request.param("ref"):
        return sorted((e for e in entries if e["ref"] == request.param("ref")), key=lambda e: e["shortcut"])
    if order in ("path", "-path"):
        return sorted(entries, key=lambda e: e["path"], reverse=order.startswith("-"))
    if order in ("created_at", "-created_at"):
        return sorted(entries, key=lambda e: e["created_at"], reverse=order.startswith("-"))
    if order in ("last_viewed_at", "-last_viewed_at"):
        entries = sorted(entries, key=lambda e: e["created_at"], reverse=order.startswith("-"))
        seen = [e for e in entries if views.get((e["type"], e["ref"]))]
        unseen = [e for e in entries if not views.get((e["type"], e["ref"]))]
        seen.sort(key=lambda e: views[(e["type"], e["ref"])], reverse=order.startswith("-"))
        return seen + unseen if order.startswith("-") else unseen + seen
    if order:
        return sorted(entries, key=lambda e: e["created_at"], reverse=True)
    if depth not in (None, ""):
        return sorted(entries, key=lambda e: (e["type"] != "folder", e["path"].lower()))
    return sorted(entries, key=lambda e: e["path"].lower())


@route("GET", BASE + "/", scope="file_system:read")
def file_system_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    entries = state.entries(request.store, team_id)
    depth = request.param("depth")
    if depth not in (None, "") and depth.lstrip("-").isdigit():
        entries = [e for e in entries if e.get("depth") == int(depth)]
    exact = {"path": "path", "type": "type"}
    for param, field in exact.items():
        if request.param(param):
            entries = [e for e in entries if e[field] == request.param(param)]
    if request.param("parent"):
        entries = [e for e in entries if e["path"].startswith(request.param("parent") + "/")]
    if request.param("not_type"):
        entries = [e for e in entries if e["type"] != request.param("not_type")]
    if request.param("type__startswith"):
        entries = [e for e in entries if (e["type"] or "").startswith(request.param("type__startswith"))]
    if request.param("created_at__gt"):
        entries = [e for e in entries if e["created_at"] > request.param("created_at__gt")]
    if request.param("created_at__lt"):
        entries = [e for e in entries if e["created_at"] < request.param("created_at__lt")]
    me = context.acting_user(request)
    users = {p["id"]: p for p in people(me)}
    if request.param("search"):
        entries = search(entries, request.param("search"), me=me["id"], users=users)
    views = _views(request, team_id)
    page = paginate(request, [state.entry_view(e, views) for e in _ordered(request, entries, views, depth)])
    creators = {(e.get("meta") or {}).get("created_by") for e in page["results"]}
    page["users"] = [user_basic(users[c]) for c in sorted(c for c in creators if isinstance(c, int) and c in users)]
    return page


@route("GET", BASE + "/{id}/", scope="file_system:read")
def file_system_get(request: Request, project_id: str, id: str):
    if id in FIXED_POST_PATHS:
        raise method_not_allowed("GET")
    team_id, entry = _find(request, project_id, id)
    return state.entry_view(entry, _views(request, team_id))


@route("DELETE", BASE + "/{id}/", scope="file_system:write")
def file_system_delete(request: Request, project_id: str, id: str):
    """200 with what it deleted (`{"deleted": [...]}`) when it reached objects, else 204."""
    if id in FIXED_POST_PATHS + ("log_view", "unfiled"):
        raise method_not_allowed("DELETE")
    team_id, entry = _find(request, project_id, id)
    deleted = deletion.delete_entry(request, team_id, entry)
    if entry["type"] == "folder":
        state.fix_folders_and_depth(request.store, team_id, context.acting_user(request)["id"])
    return {"deleted": deleted} if deleted else None


@action("POST", BASE + "/{id}/count/", scope="file_system:read")
def file_system_count(request: Request, project_id: str, id: str):
    team_id, entry = _find(request, project_id, id)
    if entry["type"] != "folder":
        raise validation.bare_400("Count can only be called on folders")
    return _counted(request, team_id, entry["path"])


@action("POST", BASE + "/{id}/move/", scope="file_system:write")
def file_system_move(request: Request, project_id: str, id: str):
    """Moving a folder moves everything under it; onto a folder of the same path, the two merge. Only a move onto
    its own path is refused (a folder can go into its own subfolder: the tree is repaired afterwards)."""
    team_id, entry = _find(request, project_id, id)
    new_path = validation.new_path(request)
    store = request.store
    creator = context.acting_user(request)["id"]
    old_path = entry["path"]
    state.assure_parent_folders(store, team_id, new_path, creator)
    result = {**entry, "path": new_path, "depth": len(split_path(new_path))}
    if entry["type"] == "folder":
        if new_path == old_path:
            raise validation.bare_400("Cannot move folder into itself")
        for child in state.entries(store, team_id, deleted=None):
            if child["path"].startswith(old_path + "/"):
                moved = new_path + child["path"][len(old_path) :]
                store.update("file_system", child["id"], {**child, "path": moved, "depth": len(split_path(moved))})
        merged = any(
            e["path"] == new_path and e["type"] == "folder" and e["id"] != entry["id"]
            for e in state.entries(store, team_id)
        )
        if merged:
            store.delete("file_system", entry["id"])
        else:
            store.update("file_system", entry["id"], result)
    else:
        store.update("file_system", entry["id"], result)
    leftover = state.below(store, team_id, old_path)
    if leftover:
        state.assure_parent_folders(store, team_id, leftover[0]["path"], entry.get("_created_by"))
    deletion.record(
        request,
        team_id,
        result,
        "updated",
        [{"type": "FileSystem", "action": "changed", "field": "path", "before": old_path, "after": new_path}],
    )
    return state.entry_view(result, _views(request, team_id))


@action("POST", BASE + "/{id}/link/", scope="file_system:write")
def file_system_link(request: Request, project_id: str, id: str):
    """Shortcut copies (`shortcut: true`, new ids) of the entry, and of everything under a folder."""
    team_id, entry = _find(request, project_id, id)
    new_path = validation.new_path(request)
    store = request.store
    creator = context.acting_user(request)["id"]
    state.assure_parent_folders(store, team_id, new_path, creator)
    if entry["type"] == "folder" and new_path == entry["path"]:
        raise validation.bare_400("Cannot link folder into itself")

    def copy(source: dict, path: str) -> dict:
        made = state.shortcut_entry(store, team_id, path, source, created_by=creator)
        deletion.record(request, team_id, made, "created")
        return made

    result = entry
    if entry["type"] == "folder":
        for child in state.entries(store, team_id):
            if child["path"].startswith(entry["path"] + "/"):
                copy(child, new_path + child["path"][len(entry["path"]) :])
        if not any(e["path"] == new_path and e["type"] == "folder" for e in state.entries(store, team_id)):
            result = copy(entry, new_path)
    else:
        result = copy(entry, new_path)
    return state.entry_view(result, _views(request, team_id))
