"""The project's file system: folders, shortcuts and the objects filed in them.

Paths are "/"-separated; a "/" inside a name is escaped as "\\/". As on PostHog:
- `move` and `link` take the full `new_path`; parent folders are created as needed; moving a folder moves
  everything under it; linking makes shortcut copies (`shortcut: true`).
- `count_by_path` counts everything below a path (the path comes in the query string on PostHog; the
  reference page lists it as a body field, so both are read).
- deleting an entry soft-deletes its object (insight, dashboard, cohort, ...): the entry is kept here in a
  deleted state and `undo_delete` restores it, at the path given or where it was.
- `unfiled` files every object that has no entry yet under "Unfiled/<Type>" and answers `{count}`.
- `log_view` records (POST) and lists (GET, newest first) what the key's user viewed.
"""

import shlex
import uuid
from typing import Any

from simulator.areas.roles import people, user_basic
from simulator.core import context
from simulator.core.fields import MISSING, datetime_field, text_field
from simulator.core.http import (
    ApiError,
    Request,
    method_not_allowed,
    not_found,
    paginate,
    validation_error,
)
from simulator.core.routing import route
from simulator.core.store import now_iso

BASE = "/api/projects/{project_id}/file_system"
HOG_FUNCTION_TYPES = ("broadcast", "campaign", "destination", "site_app", "source", "transformation")
RESTORABLE = (
    "action",
    "dashboard",
    "feature_flag",
    "experiment",
    "insight",
    "notebook",
    "session_recording_playlist",
    "cohort",
)
HARD_DELETED = ("link", "survey", "early_access_feature")
UNDO_HINTS = {
    "action": "Send PATCH /api/projects/@current/actions/{id} with deleted=false.",
    "dashboard": "Send PATCH /api/projects/@current/dashboards/{id} with deleted=false.",
    "feature_flag": "Send PATCH /api/projects/@current/feature_flags/{id} with deleted=false.",
    "experiment": "Send PATCH /api/projects/@current/experiments/{id} with deleted=false.",
    "insight": "Send PATCH /api/projects/@current/insights/{id} with deleted=false.",
    "notebook": "Send PATCH /api/projects/@current/notebooks/{id} with deleted=false.",
    "session_recording_playlist": "Send PATCH /api/projects/@current/session_recordings/playlists/{id} with "
    "deleted=false.",
    "cohort": "Send PATCH /api/projects/@current/cohorts/{id} with deleted=false.",
    "hog_function/": "Send PATCH /api/projects/@current/hog_functions/{id} with deleted=false.",
    "link": "Create a new link with the same details.",
    "survey": "Create a new survey using the saved configuration.",
    "early_access_feature": "Recreate the early access feature and reapply any filters.",
}
UNFILED_FOLDERS = {
    "insight": "Insights",
    "dashboard": "Dashboards",
    "feature_flag": "Feature flags",
    "experiment": "Experiments",
    "notebook": "Notebooks",
    "cohort": "Cohorts",
    "survey": "Surveys",
    "action": "Actions",
    "session_recording_playlist": "Replay playlists",
    "early_access_feature": "Early access features",
    "link": "Links",
    "hog_function/destination": "Destinations",
    "hog_function/transformation": "Transformations",
    "hog_function/site_app": "Site apps",
    "hog_function/source": "Sources",
}
HREFS = {
    "insight": "/insights/{ref}",
    "dashboard": "/dashboard/{ref}",
    "feature_flag": "/feature_flags/{ref}",
    "experiment": "/experiments/{ref}",
    "notebook": "/notebooks/{ref}",
    "cohort": "/cohorts/{ref}",
    "survey": "/surveys/{ref}",
    "action": "/data-management/actions/{ref}",
    "session_recording_playlist": "/replay/playlists/{ref}",
    "early_access_feature": "/early_access_features/{ref}",
    "link": "/links/{ref}",
    "hog_function/destination": "/pipeline/destinations/hog-{ref}",
    "hog_function/transformation": "/pipeline/transformations/hog-{ref}",
}
FIELDS = ("id", "path", "depth", "type", "ref", "href", "meta", "shortcut", "created_at")
FIXED_POST_PATHS = ("count_by_path", "undo_delete")


# Paths -----------------------------------------------------------------------------------


def split_path(path: str) -> list[str]:
    """Segments of a path, unescaped; empty segments are dropped."""
    segments, current, index = [], "", 0
    while index < len(path):
        char = path[index]
        if char == "\\" and index + 1 < len(path) and path[index + 1] in "/\\":
            current += path[index + 1]
            index += 2
            continue
        if char == "/":
            segments.append(current)
            current = ""
        else:
            current += char
        index += 1
    segments.append(current)
    return [s for s in segments if s != ""]


def escape_segment(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def join_path(segments: list[str]) -> str:
    return "/".join(escape_segment(s) for s in segments)


def href_for(kind: str, ref: Any) -> str | None:
    pattern = HREFS.get(kind)
    return pattern.format(ref=ref) if pattern and ref is not None else None


# Entries ---------------------------------------------------------------------------------


def _entries(store, team_id: int, *, deleted: bool | None = False) -> list[dict]:
    items = store.all("file_system", parent=team_id)
    return items if deleted is None else [i for i in items if bool(i.get("_deleted")) == deleted]


def _new_entry(
    store,
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
    }
    return store.insert("file_system", entry, parent=team_id, id=entry_id)


def assure_parent_folders(store, team_id: int, path: str, created_by: int | None) -> None:
    segments = split_path(path)
    existing = {e["path"] for e in _entries(store, team_id)}
    for depth in range(1, len(segments)):
        parent = join_path(segments[:depth])
        if parent not in existing:
            _new_entry(store, team_id, path=parent, kind="folder", created_by=created_by)
            existing.add(parent)


def file_object(
    store,
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
    created_at = created_at or now_iso()
    return _new_entry(
        store,
        team_id,
        path=path,
        kind=kind,
        ref=ref,
        href=href_for(kind, ref),
        meta={"created_at": created_at, "created_by": created_by},
        created_at=created_at,
        created_by=created_by,
    )


def _last_views(request: Request, team_id: int) -> dict[tuple[str, str], str]:
    user_id = context.acting_user(request)["id"]
    return {
        (v["type"], v["ref"]): v["viewed_at"]
        for v in request.store.all("file_system_view", parent=team_id)
        if v["user_id"] == user_id
    }


def entry_view(entry: dict, views: dict[tuple[str, str], str]) -> dict:
    view = {name: entry.get(name) for name in FIELDS}
    view["last_viewed_at"] = views.get((entry.get("type"), entry.get("ref"))) if entry.get("ref") else None
    return view


def _find(request: Request, project_id: str, entry_id: str) -> tuple[int, dict]:
    team_id = context.team_id(request, project_id=project_id)
    found = request.store.get("file_system", entry_id, parent=team_id)
    if found is None or found.get("_deleted"):
        raise not_found()
    return team_id, found


def _record(request: Request, team_id: int, entry: dict, activity: str, changes: list[dict] | None = None) -> None:
    name = (split_path(entry["path"]) or [entry["path"]])[-1]
    context.record_activity(
        request, scope="FileSystem", parent=team_id, item_id=entry["id"], activity=activity, name=name, changes=changes
    )


def _raw_400(detail: str) -> ApiError:
    """PostHog answers these with a bare `{"detail": ...}` body."""
    return ApiError(400, detail, raw={"detail": detail})


# Search ----------------------------------------------------------------------------------


def _tokens(search: str) -> list[str]:
    for quotes in ("'\"", '"'):
        lexer = shlex.shlex(search, posix=True)
        lexer.whitespace_split, lexer.commenters, lexer.quotes = True, "", quotes
        if "'" not in quotes:
            lexer.wordchars += "'"
        try:
            return list(lexer)
        except ValueError:
            continue
    return search.split()


def _token_matches(request: Request, entry: dict, token: str, users: dict[int, dict]) -> bool:
    path, kind = entry["path"].lower(), (entry.get("type") or "").lower()
    segments = [s.lower() for s in split_path(entry["path"])]
    if ":" in token:
        field, value = token.split(":", 1)
        field, value = field.lower(), value.strip().strip("\"'")
        low = value.lower()
        if field == "path":
            return any(low in s for s in segments[:-1])
        if field == "name":
            return bool(segments) and low in segments[-1]
        if field in ("user", "author"):
            creator = entry.get("_created_by")
            if low == "me":
                return creator == context.acting_user(request)["id"]
            person = users.get(creator) or {}
            full = f"{person.get('first_name', '')} {person.get('last_name', '')}".lower()
            return low in full or low in person.get("email", "").lower()
        if field == "type":
            if value.endswith("/"):
                return (entry.get("type") or "").startswith(value)
            return entry.get("type") == ("hog_function/" + value if value in HOG_FUNCTION_TYPES else value)
        if field == "ref":
            return entry.get("ref") == value
    low = token.lower()
    return low in path or low in kind or low.replace("/", "\\/") in path


def _search(request: Request, entries: list[dict], search: str, users: dict[int, dict]) -> list[dict]:
    for raw in _tokens(search):
        negated = raw.startswith(("-", "!"))
        token = raw[1:] if negated else raw
        token = token[1:-1] if len(token) > 1 and token[0] == token[-1] and token[0] in "\"'" else token
        if not token:
            continue
        entries = [e for e in entries if _token_matches(request, e, token, users) != negated]
    return entries


# Routes: fixed paths first, so "log_view" and "unfiled" never read as ids -----------------


@route("GET", BASE + "/log_view/", scope="file_system:write")
def log_view_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    limit = request.param("limit")
    if limit not in (None, ""):
        try:
            limit_value = int(limit)
        except ValueError:
            raise validation_error("limit", "A valid integer is required.", "invalid") from None
        if limit_value < 1:
            raise validation_error("limit", "Ensure this value is greater than or equal to 1.", "min_value")
    user_id = context.acting_user(request)["id"]
    views = [v for v in request.store.all("file_system_view", parent=team_id) if v["user_id"] == user_id]
    if request.param("type"):
        views = [v for v in views if v["type"] == request.param("type")]
    views.sort(key=lambda v: v["viewed_at"], reverse=True)
    if limit not in (None, ""):
        views = views[: int(limit)]
    return [{"type": v["type"], "ref": v["ref"], "viewed_at": v["viewed_at"]} for v in views]


@route("POST", BASE + "/log_view/", scope="file_system:write")
def log_view_record(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    data = request.data()
    kind = text_field(data, "type", required=True)
    ref = text_field(data, "ref", required=True)
    viewed_at = datetime_field(data, "viewed_at", allow_null=False)
    user_id = context.acting_user(request)["id"]
    view_id = f"{team_id}:{user_id}:{kind}:{ref}"
    record = {
        "id": view_id,
        "type": kind,
        "ref": ref,
        "user_id": user_id,
        "viewed_at": now_iso() if viewed_at is MISSING else viewed_at,
    }
    if request.store.get("file_system_view", view_id) is None:
        request.store.insert("file_system_view", record, parent=team_id, id=view_id)
    else:
        request.store.update("file_system_view", view_id, record)


@route("POST", BASE + "/count_by_path/", scope="file_system:read")
def count_by_path(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    path = request.param("path")
    if not path:
        body = request.data()
        path = body.get("path") if isinstance(body.get("path"), str) else None
    if not path:
        raise _raw_400("path parameter is required")
    prefix = path.rstrip("/") + "/"
    return {"count": sum(1 for e in _entries(request.store, team_id) if e["path"].startswith(prefix))}


@route("POST", BASE + "/undo_delete/", scope="file_system:write")
def undo_delete(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    data = request.data()
    items = data.get("items")
    if "items" not in data:
        raise validation_error("items")
    if not isinstance(items, list):
        raise validation_error(
            "items", f'Expected a list of items but got type "{type(items).__name__}".', "not_a_list"
        )
    if not items:
        raise validation_error("items", "This list may not be empty.", "empty")
    checked = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise validation_error(
                f"items__{index}__non_field_errors", "Invalid data. Expected a dictionary, but got str.", "invalid"
            )
        kind = text_field(item, "type", required=True, attr=f"items__{index}__type")
        ref = text_field(item, "ref", required=True, attr=f"items__{index}__ref")
        path = text_field(item, "path", allow_blank=True, attr=f"items__{index}__path")
        if kind not in RESTORABLE and not kind.startswith("hog_function/"):
            raise ApiError(
                400, f"Undo for type '{kind}' is not supported.", type="validation_error", code="invalid", attr="detail"
            )
        checked.append((kind, ref, None if path in (MISSING, "") else path))

    creator = context.acting_user(request)["id"]
    undone = []
    for kind, ref, path in checked:
        entries = [e for e in _entries(request.store, team_id, deleted=None) if e["type"] == kind and e["ref"] == ref]
        restored_object = _restore_object(request, team_id, kind, ref)
        if not entries:
            if restored_object is None:
                raise not_found()
            name = restored_object.get("name") or restored_object.get("derived_name") or "Untitled"
            folder = "/".join(path.split("/")[:-1]) if path else None
            entries = [
                file_object(request.store, team_id, kind=kind, ref=ref, name=name, folder=folder, created_by=creator)
            ]
        for entry in entries:
            after = {**entry, "_deleted": False}
            if path:
                assure_parent_folders(request.store, team_id, path, creator)
                after.update({"path": path, "depth": len(split_path(path))})
            request.store.update("file_system", entry["id"], after)
            if entry.get("_deleted") or after["path"] != entry["path"]:
                _record(
                    request,
                    team_id,
                    after,
                    "updated",
                    [{"type": "FileSystem", "action": "changed", "field": "deleted", "before": True, "after": False}],
                )
        undone.append({"type": kind, "ref": ref})
    return {"undone": undone}


@route("GET", BASE + "/unfiled/", scope="file_system:read")
def unfiled(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    wanted = request.param("type") or None
    creator = context.acting_user(request)["id"]
    filed = {(e["type"], e["ref"]) for e in _entries(request.store, team_id, deleted=None)}
    created = 0
    for waiting in request.store.all("file_system_unfiled", parent=team_id):
        if wanted and waiting["type"] != wanted:
            continue
        if (waiting["type"], waiting["ref"]) not in filed:
            file_object(
                request.store,
                team_id,
                kind=waiting["type"],
                ref=waiting["ref"],
                name=waiting["name"],
                created_by=waiting.get("created_by"),
                created_at=waiting.get("created_at"),
            )
            created += 1
        request.store.delete("file_system_unfiled", waiting["id"])
    # Objects other areas keep that have no entry yet.
    found: list[tuple[str, str, str, dict]] = []
    for insight in request.store.all("insight", parent=team_id):
        if not insight.get("deleted"):
            found.append(
                (
                    "insight",
                    str(insight.get("short_id")),
                    insight.get("name") or insight.get("derived_name") or "Untitled insight",
                    insight,
                )
            )
    for cohort in request.store.all("cohort", parent=team_id):
        if not cohort.get("deleted"):
            found.append(("cohort", str(cohort["id"]), cohort.get("name") or "Untitled cohort", cohort))
    for kind, ref, name, obj in found:
        if (wanted and kind != wanted) or (kind, ref) in filed:
            continue
        by = (obj.get("created_by") or {}).get("id") if isinstance(obj.get("created_by"), dict) else creator
        file_object(
            request.store, team_id, kind=kind, ref=ref, name=name, created_by=by, created_at=obj.get("created_at")
        )
        filed.add((kind, ref))
        created += 1
    _fix_folders_and_depth(request.store, team_id, creator)
    return {"count": created}


def _fix_folders_and_depth(store, team_id: int, creator: int | None) -> None:
    for entry in _entries(store, team_id):
        depth = len(split_path(entry["path"]))
        if entry.get("depth") != depth:
            store.update("file_system", entry["id"], {**entry, "depth": depth})
        assure_parent_folders(store, team_id, entry["path"], creator)


@route("GET", BASE + "/", scope="file_system:read")
def file_system_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    entries = _entries(request.store, team_id)
    depth = request.param("depth")
    if depth not in (None, "") and depth.lstrip("-").isdigit():
        entries = [e for e in entries if e.get("depth") == int(depth)]
    if request.param("path"):
        entries = [e for e in entries if e["path"] == request.param("path")]
    if request.param("parent"):
        entries = [e for e in entries if e["path"].startswith(request.param("parent") + "/")]
    if request.param("type"):
        entries = [e for e in entries if e["type"] == request.param("type")]
    if request.param("not_type"):
        entries = [e for e in entries if e["type"] != request.param("not_type")]
    if request.param("type__startswith"):
        entries = [e for e in entries if (e["type"] or "").startswith(request.param("type__startswith"))]
    if request.param("created_at__gt"):
        entries = [e for e in entries if e["created_at"] > request.param("created_at__gt")]
    if request.param("created_at__lt"):
        entries = [e for e in entries if e["created_at"] < request.param("created_at__lt")]
    users = {p["id"]: p for p in people(context.acting_user(request))}
    if request.param("search"):
        entries = _search(request, entries, request.param("search"), users)
    views = _last_views(request, team_id)

    order = request.param("order_by")
    if request.param("ref"):
        entries = sorted((e for e in entries if e["ref"] == request.param("ref")), key=lambda e: e["shortcut"])
    elif order in ("path", "-path"):
        entries.sort(key=lambda e: e["path"], reverse=order.startswith("-"))
    elif order in ("created_at", "-created_at"):
        entries.sort(key=lambda e: e["created_at"], reverse=order.startswith("-"))
    elif order in ("last_viewed_at", "-last_viewed_at"):
        entries.sort(key=lambda e: e["created_at"], reverse=order.startswith("-"))
        seen = [e for e in entries if views.get((e["type"], e["ref"]))]
        unseen = [e for e in entries if not views.get((e["type"], e["ref"]))]
        seen.sort(key=lambda e: views[(e["type"], e["ref"])], reverse=order.startswith("-"))
        entries = seen + unseen if order.startswith("-") else unseen + seen
    elif order:
        entries.sort(key=lambda e: e["created_at"], reverse=True)
    elif depth not in (None, ""):
        entries.sort(key=lambda e: (e["type"] != "folder", e["path"].lower()))
    else:
        entries.sort(key=lambda e: e["path"].lower())

    page = paginate(request, [entry_view(e, views) for e in entries])
    creators = {(e.get("meta") or {}).get("created_by") for e in page["results"]}
    page["users"] = [user_basic(users[c]) for c in sorted(c for c in creators if isinstance(c, int) and c in users)]
    return page


@route("GET", BASE + "/{id}/", scope="file_system:read")
def file_system_get(request: Request, project_id: str, id: str):
    if id in FIXED_POST_PATHS:
        raise method_not_allowed("GET")
    team_id, entry = _find(request, project_id, id)
    return entry_view(entry, _last_views(request, team_id))


@route("DELETE", BASE + "/{id}/", scope="file_system:write")
def file_system_delete(request: Request, project_id: str, id: str):
    if id in FIXED_POST_PATHS + ("log_view", "unfiled"):
        raise method_not_allowed("DELETE")
    team_id, entry = _find(request, project_id, id)
    deleted = _delete_entry(request, team_id, entry)
    if entry["type"] == "folder":
        _fix_folders_and_depth(request.store, team_id, context.acting_user(request)["id"])
    return {"deleted": deleted} if deleted else None


def _undo_hint(kind: str) -> str:
    return UNDO_HINTS.get(kind) or UNDO_HINTS["hog_function/"]


def _delete_entry(request: Request, team_id: int, entry: dict) -> list[dict]:
    if entry.get("shortcut"):
        request.store.delete("file_system", entry["id"])
        _record(request, team_id, entry, "deleted")
        return []
    if entry["type"] == "folder":
        deleted = []
        below = [e for e in _entries(request.store, team_id) if e["path"].startswith(entry["path"] + "/")]
        for child in sorted(below, key=lambda e: (e["depth"], e["path"])):
            if request.store.get("file_system", child["id"]) is not None:
                deleted += _delete_entry(request, team_id, request.store.get("file_system", child["id"]))
        request.store.delete("file_system", entry["id"])
        _record(request, team_id, entry, "deleted")
        return deleted
    kind = entry["type"] or ""
    restorable = kind in RESTORABLE or kind.startswith("hog_function/")
    others = [
        e
        for e in _entries(request.store, team_id)
        if e["id"] != entry["id"] and e["type"] == kind and e["ref"] == entry["ref"] and not e.get("shortcut")
    ]
    if (not restorable and kind not in HARD_DELETED) or others:
        request.store.delete("file_system", entry["id"])
        _record(request, team_id, entry, "deleted")
        return []
    if not entry.get("ref"):
        raise ApiError(
            400,
            f"Cannot delete type '{kind}' without a reference.",
            type="validation_error",
            code="invalid",
            attr="detail",
        )
    if restorable:
        request.store.update("file_system", entry["id"], {**entry, "_deleted": True})
        _soft_delete_object(request, team_id, kind, entry["ref"])
    else:
        request.store.delete("file_system", entry["id"])
    _record(request, team_id, entry, "deleted")
    return [
        {
            "type": kind,
            "ref": entry["ref"],
            "mode": "soft" if restorable else "hard",
            "undo": _undo_hint(kind),
            "path": entry["path"],
            "can_undo": restorable,
        }
    ]


def _object(request: Request, team_id: int, kind: str, ref: str) -> dict | None:
    if kind == "cohort" and ref.isdigit():
        return request.store.get("cohort", ref, parent=team_id)
    if kind == "insight":
        return next((i for i in request.store.all("insight", parent=team_id) if i.get("short_id") == ref), None)
    return None


def _soft_delete_object(request: Request, team_id: int, kind: str, ref: str) -> None:
    found = _object(request, team_id, kind, ref)
    if found is None or found.get("deleted"):
        return
    request.store.update(kind, found["id"], {**found, "deleted": True})
    context.record_activity(
        request,
        scope=kind.capitalize(),
        parent=team_id,
        item_id=found["id"],
        activity="deleted",
        name=found.get("name") or found.get("derived_name"),
    )


def _restore_object(request: Request, team_id: int, kind: str, ref: str) -> dict | None:
    found = _object(request, team_id, kind, ref)
    if found is None:
        return None
    if found.get("deleted"):
        found = {**found, "deleted": False}
        request.store.update(kind, found["id"], found)
        context.record_activity(
            request,
            scope=kind.capitalize(),
            parent=team_id,
            item_id=found["id"],
            activity="updated",
            name=found.get("name") or found.get("derived_name"),
            changes=[
                {"type": kind.capitalize(), "action": "changed", "field": "deleted", "before": True, "after": False}
            ],
        )
    return found


def _new_path(request: Request) -> str:
    data = request.data()
    new_path = data.get("new_path")
    if not isinstance(new_path, str) or not new_path.strip("/"):
        raise _raw_400("new_path is required")
    return new_path.strip("/")


@route("POST", BASE + "/{id}/move/", scope="file_system:write")
def file_system_move(request: Request, project_id: str, id: str):
    team_id, entry = _find(request, project_id, id)
    new_path = _new_path(request)
    creator = context.acting_user(request)["id"]
    old_path = entry["path"]
    if entry["type"] == "folder" and (new_path == old_path or new_path.startswith(old_path + "/")):
        raise _raw_400("Cannot move folder into itself")
    assure_parent_folders(request.store, team_id, new_path, creator)
    result = {**entry, "path": new_path, "depth": len(split_path(new_path))}
    if entry["type"] == "folder":
        for child in _entries(request.store, team_id, deleted=None):
            if child["path"].startswith(old_path + "/"):
                moved = new_path + child["path"][len(old_path) :]
                request.store.update(
                    "file_system", child["id"], {**child, "path": moved, "depth": len(split_path(moved))}
                )
        target_folder = any(
            e["path"] == new_path and e["type"] == "folder" and e["id"] != entry["id"]
            for e in _entries(request.store, team_id)
        )
        if target_folder:  # moved into a folder of the same name: the two merge
            request.store.delete("file_system", entry["id"])
        else:
            request.store.update("file_system", entry["id"], result)
    else:
        request.store.update("file_system", entry["id"], result)
    _record(
        request,
        team_id,
        result,
        "updated",
        [{"type": "FileSystem", "action": "changed", "field": "path", "before": old_path, "after": new_path}],
    )
    return entry_view(result, _last_views(request, team_id))


@route("POST", BASE + "/{id}/link/", scope="file_system:write")
def file_system_link(request: Request, project_id: str, id: str):
    team_id, entry = _find(request, project_id, id)
    new_path = _new_path(request)
    creator = context.acting_user(request)["id"]
    if entry["type"] == "folder" and new_path == entry["path"]:
        raise _raw_400("Cannot link folder into itself")
    assure_parent_folders(request.store, team_id, new_path, creator)

    def copy(source: dict, path: str) -> dict:
        made = _new_entry(
            request.store,
            team_id,
            path=path,
            kind=source["type"],
            ref=source.get("ref"),
            href=source.get("href"),
            meta=source.get("meta"),
            shortcut=True,
            created_by=creator,
        )
        _record(request, team_id, made, "created")
        return made

    result = entry
    if entry["type"] == "folder":
        for child in _entries(request.store, team_id):
            if child["path"].startswith(entry["path"] + "/"):
                copy(child, new_path + child["path"][len(entry["path"]) :])
        if not any(e["path"] == new_path and e["type"] == "folder" for e in _entries(request.store, team_id)):
            result = copy(entry, new_path)
    else:
        result = copy(entry, new_path)
    return entry_view(result, _last_views(request, team_id))


# Demo data ---------------------------------------------------------------------------------

FOLDERS_ONE = [
    "Marketing",
    "Marketing/Campaigns 2025",
    "Marketing/SEO & content",
    "Product",
    "Product/Onboarding",
    "Product/Onboarding/Experiments",
    "Product/Mobile app",
    "Engineering",
    "Engineering/Reliability",
    "Growth <beta>",
    "Customer Success",
    "Archive",
]
# Where the insights other areas seeded are filed, in their order; None leaves one unfiled.
INSIGHT_FOLDERS_ONE = [
    "Product",
    "Product/Onboarding",
    "Customer Success",
    "Growth <beta>",
    "Marketing/Campaigns 2025",
    "Product/Onboarding/Experiments",
    "Marketing/SEO & content",
    "Archive",
    None,
    "Engineering/Reliability",
    None,
    "Product/Mobile app",
]
COHORT_FOLDERS_ONE = {
    "Power users (7d)": "Growth <beta>",
    "Paying customers <b>EU</b> & UK": "Customer Success",
    "Churn risk – no login for 30 days": "Customer Success",
    "Signed up via referral “Igel-Freunde”": "Marketing",
    "Trial users who hit the paywall": "Product/Onboarding",
    "Internal & test accounts": "Engineering",
    "Old segment (replaced by Power users)": "Archive",
}
OBJECTS_ONE = [
    # folder, type, ref, name, days ago, creator, deleted
    ("", "dashboard", "1", "Hedgehog Web — home dashboard", 280, 1, False),
    ("Marketing", "dashboard", "2", "Marketing overview", 200, 6, False),
    ("Marketing/Campaigns 2025", "dashboard", "3", "Spring campaign “Igel-Freunde”", 80, 6, False),
    ("Marketing/Campaigns 2025", "feature_flag", "14", "spring-banner", 78, 6, False),
    (
        "Marketing/Campaigns 2025",
        "survey",
        "0190c1d2-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        "Campaign landing page NPS",
        70,
        7,
        False,
    ),
    ("Marketing/Campaigns 2025", "dashboard", "9", "Black Friday 2024", 330, 6, True),
    ("Marketing/SEO & content", "notebook", "nB4kQ2xe", "Keyword research notes (Q3)", 110, 6, False),
    ("Product", "dashboard", "4", "Product KPIs", 260, 3, False),
    (
        "Product",
        "notebook",
        "Rm8Hq1Zt",
        (
            "Roadmap discussion 2025-H2 — a very long notebook title that keeps going "
            "so the portal's tree has to truncate or wrap it gracefully"
        ),
        40,
        3,
        False,
    ),
    ("Product", "notebook", "dr4FtN0t", "Draft: pricing interview notes", 33, 3, True),
    ("Product/Onboarding", "feature_flag", "21", "onboarding-checklist-v2", 60, 2, False),
    ("Product/Onboarding", "session_recording_playlist", "pl9Rage1", "Onboarding rage clicks", 50, 4, False),
    ("Product/Onboarding/Experiments", "experiment", "7", "Short signup form", 58, 3, False),
    (
        "Product/Onboarding/Experiments",
        "experiment",
        "8",
        "Checklist copy <strong>bold</strong> vs plain",
        25,
        3,
        False,
    ),
    ("Product/Onboarding/Experiments", "insight", "xPeR1mNt", "Experiment results: A/B signup form", 57, 4, False),
    ("Product/Mobile app", "dashboard", "5", "Mobile health", 150, 2, False),
    ("Product/Mobile app", "feature_flag", "33", "new-feed", 36, 2, False),
    (
        "Engineering",
        "hog_function/destination",
        "0190c1d2-aaaa-7bbb-8ccc-000000000001",
        "Slack #alerts webhook",
        90,
        2,
        False,
    ),
    ("Engineering", "action", "12", "Checkout completed", 240, 8, False),
    ("Engineering/Reliability", "dashboard", "6", "Error budget & SLOs", 100, 2, False),
    ("Engineering/Reliability", "notebook", "Inc2291x", "INC-2291 post-mortem", 10, 2, False),
    ("Growth <beta>", "early_access_feature", "0190c1d2-bbbb-7ccc-8ddd-000000000002", "Dark mode beta", 20, 5, False),
    ("Customer Success", "dashboard", "10", "Account health", 130, 7, False),
    ("Archive", "dashboard", "11", "Q4 2024 board deck", 320, 5, False),
]
UNFILED_ONE = [
    ("dashboard", "15", "Sales pipeline (draft)", 6, 7),
    ("feature_flag", "41", "pricing-page-v3", 3, 3),
    ("notebook", "Unt1tLd0", "Untitled notebook", 1, 1),
    ("survey", "0190c1d2-cccc-7ddd-8eee-000000000003", "Cancellation reasons", 12, 7),
]
OBJECTS_TWO = [
    ("Releases", "dashboard", "21", "Release health — iOS & Android", 120, 2, False),
    ("Releases", "feature_flag", "5", "new-feed", 40, 3, False),
    ("Releases/2.x", "notebook", "rel23Not", "Release 2.3 checklist", 14, 8, False),
    ("Growth", "experiment", "3", "Push copy test “Spring into hedgehogs”", 9, 6, False),
]


def _put(
    store,
    world,
    team_id: int,
    folder: str,
    kind: str,
    ref: str,
    name: str,
    days_ago: float,
    creator: int,
    deleted: bool,
) -> dict:
    created_at = world.iso(days_ago=days_ago)
    path = f"{folder}/{escape_segment(name)}" if folder else escape_segment(name)
    return _new_entry(
        store,
        team_id,
        path=path,
        kind=kind,
        ref=ref,
        href=href_for(kind, ref),
        meta={"created_at": created_at, "created_by": creator},
        created_at=created_at,
        created_by=creator,
        deleted=deleted,
    )


def seed(store, world) -> None:
    for project, folders, insight_folders, cohort_folders, objects, waiting in (
        (world.projects[0], FOLDERS_ONE, INSIGHT_FOLDERS_ONE, COHORT_FOLDERS_ONE, OBJECTS_ONE, UNFILED_ONE),
        (
            world.projects[1],
            ["Releases", "Releases/2.x", "Growth"],
            ["Releases", "Releases/2.x", None],
            {"iOS 17+ users": "Growth", "Push opt-in": "Growth"},
            OBJECTS_TWO,
            [],
        ),
    ):
        team_id = project["id"]
        for index, folder in enumerate(folders):
            _new_entry(
                store,
                team_id,
                path=folder,
                kind="folder",
                created_at=world.iso(days_ago=300 - index * 9),
                created_by=1 + index % 4,
            )

        insights = [i for i in store.all("insight", parent=team_id) if not i.get("deleted")]
        for insight, folder in zip(insights, insight_folders, strict=False):
            if folder is not None:
                name = insight.get("name") or insight.get("derived_name") or "Untitled insight"
                _put(store, world, team_id, folder, "insight", str(insight["short_id"]), name, 200, 1, False)
        for cohort in store.all("cohort", parent=team_id):
            if cohort["name"] in cohort_folders:
                _put(
                    store,
                    world,
                    team_id,
                    cohort_folders[cohort["name"]],
                    "cohort",
                    str(cohort["id"]),
                    cohort["name"],
                    150,
                    (cohort.get("created_by") or {}).get("id", 1),
                    bool(cohort.get("deleted")),
                )
        for folder, kind, ref, name, days_ago, creator, deleted in objects:
            entry = _put(store, world, team_id, folder, kind, ref, name, days_ago, creator, deleted)
            if name == "Product KPIs":  # a shortcut to it lives with the growth team
                _new_entry(
                    store,
                    team_id,
                    path="Growth <beta>/Product KPIs",
                    kind=kind,
                    ref=ref,
                    href=entry["href"],
                    meta=entry["meta"],
                    shortcut=True,
                    created_at=world.iso(days_ago=30),
                    created_by=5,
                )
        _fix_folders_and_depth(store, team_id, 1)
        for kind, ref, name, days_ago, creator in waiting:
            store.insert(
                "file_system_unfiled",
                {
                    "type": kind,
                    "ref": ref,
                    "name": name,
                    "created_by": creator,
                    "created_at": world.iso(days_ago=days_ago),
                },
                parent=team_id,
            )
        # What the demo user looked at lately.
        by_type: dict[str, list[dict]] = {}
        for item in store.all("file_system", parent=team_id):
            if item["type"] != "folder" and not item["_deleted"] and not item["shortcut"]:
                by_type.setdefault(item["type"], []).append(item)
        live = [
            group[i]
            for i in range(max(map(len, by_type.values()), default=0))
            for group in by_type.values()
            if i < len(group)
        ]  # a bit of every kind first
        for index, entry in enumerate(live[: 9 if team_id == world.projects[0]["id"] else 3]):
            view_id = f"{team_id}:{world.user['id']}:{entry['type']}:{entry['ref']}"
            store.insert(
                "file_system_view",
                {
                    "id": view_id,
                    "type": entry["type"],
                    "ref": entry["ref"],
                    "user_id": world.user["id"],
                    "viewed_at": world.iso(hours_ago=3 + index * 17),
                },
                parent=team_id,
                id=view_id,
            )
