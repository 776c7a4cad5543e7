"""Deleting through the file system and undoing it: posthog/api/file_system/file_system.py (`destroy`,
`_delete_file_system_entry`, `undo_delete`) and posthog/api/file_system/deletion.py.

Deleting an entry deletes its object when no other (non-shortcut) entry refers to it: softly (`deleted: true`)
for types with a `deleted` field, which `undo_delete` can restore, for good otherwise. Shortcuts and entries of
unregistered types just go. A folder takes everything under it along.
"""

from simulator.areas.file_system.paths import HARD_DELETED, is_restorable, split_path, undo_hint
from simulator.areas.file_system.state import assure_parent_folders, entries, file_object, new_entry
from simulator.core import context
from simulator.core.http import ApiError, Request

# record(request, team_id, entry, activity, changes=None): an entry is named by the last segment of its path.
record = context.ActivityRecorder("FileSystem", name=lambda entry: (split_path(entry["path"]) or [entry["path"]])[-1])


def _object_activity(kind: str) -> context.ActivityRecorder:
    """How the object an entry files logs its activity: under its type, by its name (an insight's derived one when it
    has none)."""
    return context.ActivityRecorder(
        kind.capitalize(), name=lambda found: found.get("name") or found.get("derived_name")
    )


def delete_entry(request: Request, team_id: int, entry: dict) -> list[dict]:
    """The `deleted` list of the answer: one item per object this deletion reached."""
    store = request.store
    if entry.get("shortcut"):
        store.delete("file_system", entry["id"])
        record(request, team_id, entry, "deleted")
        return []
    if entry["type"] == "folder":
        deleted = []
        for child in sorted(
            (e for e in entries(store, team_id) if e["path"].startswith(entry["path"] + "/")),
            key=lambda e: (e["depth"], e["path"]),
        ):
            if store.get("file_system", child["id"]) is not None:
                deleted += delete_entry(request, team_id, store.get("file_system", child["id"]))
        store.delete("file_system", entry["id"])
        record(request, team_id, entry, "deleted")
        return deleted
    kind = entry["type"] or ""
    restorable = is_restorable(kind)
    others = [
        e
        for e in entries(store, team_id)
        if e["id"] != entry["id"] and e["type"] == kind and e["ref"] == entry["ref"] and not e.get("shortcut")
    ]
    if (not restorable and kind not in HARD_DELETED) or others:
        store.delete("file_system", entry["id"])
        record(request, team_id, entry, "deleted")
        return []
    if not entry.get("ref"):
        raise ApiError(400, f"Cannot delete type '{kind}' without a reference.", type="validation_error", attr="detail")
    if restorable:
        store.update("file_system", entry["id"], {**entry, "_deleted": True})
        _soft_delete_object(request, team_id, kind, entry["ref"])
    else:
        store.delete("file_system", entry["id"])
    record(request, team_id, entry, "deleted")
    return [
        {
            "type": kind,
            "ref": entry["ref"],
            "mode": "soft" if restorable else "hard",
            "undo": undo_hint(kind),
            "path": entry["path"],
            "can_undo": restorable,
        }
    ]


def backing_object(request: Request, team_id: int, kind: str, ref: str) -> dict | None:
    """The object an entry stands for, among those the simulator keeps (cohorts, insights)."""
    if kind == "cohort" and ref.isdigit():
        return request.store.get("cohort", ref, parent=team_id)
    if kind == "insight":
        return next((i for i in request.store.all("insight", parent=team_id) if i.get("short_id") == ref), None)
    return None


def _soft_delete_object(request: Request, team_id: int, kind: str, ref: str) -> None:
    found = backing_object(request, team_id, kind, ref)
    if found is None or found.get("deleted"):
        return
    request.store.update(kind, found["id"], {**found, "deleted": True})
    _object_activity(kind)(request, team_id, found, "deleted")


def restore_object(request: Request, team_id: int, kind: str, ref: str) -> dict | None:
    found = backing_object(request, team_id, kind, ref)
    if found is None:
        return None
    if found.get("deleted"):
        found = {**found, "deleted": False}
        request.store.update(kind, found["id"], found)
        restored = {"type": kind.capitalize(), "action": "changed", "field": "deleted", "before": True, "after": False}
        _object_activity(kind)(request, team_id, found, "updated", [restored])
    return found


def restore_entries(request: Request, team_id: int, kind: str, ref: str, path: str | None, restored: dict | None):
    """File a restored object again: at `path` if given, else where its entry was. The entry is a new one (PostHog
    deleted the old row); other entries of the object that stayed are moved to `path`."""
    store = request.store
    creator = context.acting_user(request)["id"]
    found = [e for e in entries(store, team_id, deleted=None) if e["type"] == kind and e["ref"] == ref]
    if not found:
        if restored is None:
            return
        name = restored.get("name") or restored.get("derived_name") or "Untitled"
        folder = "/".join(path.split("/")[:-1]) if path else None
        found = [file_object(store, team_id, kind=kind, ref=ref, name=name, folder=folder, created_by=creator)]
    for entry in found:
        target = path or entry["path"]
        if path:
            assure_parent_folders(store, team_id, path, creator)
        if entry.get("_deleted"):
            store.delete("file_system", entry["id"])
            entry = new_entry(
                store,
                team_id,
                path=target,
                kind=kind,
                ref=ref,
                href=entry.get("href"),
                meta=entry.get("meta"),
                created_at=entry.get("created_at"),
                created_by=entry.get("_created_by"),
            )
            record(request, team_id, entry, "created")
        elif entry["path"] != target:
            moved = {**entry, "path": target, "depth": len(split_path(target))}
            store.update("file_system", entry["id"], moved)
            record(
                request,
                team_id,
                moved,
                "updated",
                [
                    {
                        "type": "FileSystem",
                        "action": "changed",
                        "field": "path",
                        "before": entry["path"],
                        "after": target,
                    }
                ],
            )
