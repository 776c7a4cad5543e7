"""The demo file system (data/projects.json), per project: folders; where the insights and cohorts other areas
seeded are filed; other objects (some deleted, so `undo_delete` can bring them back); shortcuts; objects still
waiting to be filed (`unfiled`); and what the demo user viewed lately."""

import json
from pathlib import Path

from simulator.areas.file_system.paths import escape_segment
from simulator.areas.file_system.state import (
    fix_folders_and_depth,
    new_entry,
    object_entry,
    record_view,
    shortcut_entry,
)

PLANS = json.loads((Path(__file__).parent / "data" / "projects.json").read_text())["projects"]


def _put(store, world, team_id: int, item: dict) -> dict:
    """An object's entry: `item` has folder, type, ref, name, days_ago, created_by and deleted."""
    folder, type, ref, name = item["folder"], item["type"], item["ref"], item["name"]
    created_by = item["created_by"]
    days_ago, deleted = item["days_ago"], item["deleted"]
    created_at = world.iso(days_ago=days_ago)
    path = f"{folder}/{escape_segment(name)}" if folder else escape_segment(name)
    return object_entry(store, team_id, path, type, ref, created_at=created_at, created_by=created_by, deleted=deleted)


def seed(store, world) -> None:
    for project, plan in zip(world.projects, PLANS, strict=False):
        team_id = project["id"]
        for index, folder in enumerate(plan["folders"]):
            created_at = world.iso(days_ago=300 - index * 9)
            new_entry(store, team_id, path=folder, kind="folder", created_at=created_at, created_by=1 + index % 4)

        insights = [i for i in store.all("insight", parent=team_id) if not i.get("deleted")]
        for insight, folder in zip(insights, plan["insight_folders"], strict=False):
            if folder is not None:
                name = insight.get("name") or insight.get("derived_name") or "Untitled insight"
                item = {"folder": folder, "type": "insight", "ref": str(insight["short_id"]), "name": name}
                _put(store, world, team_id, {**item, "days_ago": 200, "created_by": 1, "deleted": False})
        for cohort in store.all("cohort", parent=team_id):
            if cohort["name"] in plan["cohort_folders"]:
                item = {"folder": plan["cohort_folders"][cohort["name"]], "type": "cohort", "ref": str(cohort["id"])}
                creator = (cohort.get("created_by") or {}).get("id", 1)
                item.update(name=cohort["name"], days_ago=150, created_by=creator, deleted=bool(cohort.get("deleted")))
                _put(store, world, team_id, item)
        shortcuts = {s["to"]: s for s in plan["shortcuts"]}
        for item in plan["objects"]:
            entry = _put(store, world, team_id, item)
            if item["name"] in shortcuts:
                shortcut = shortcuts[item["name"]]
                created_at = world.iso(days_ago=shortcut["days_ago"])
                by = shortcut["created_by"]
                shortcut_entry(store, team_id, shortcut["path"], entry, created_by=by, created_at=created_at)
        fix_folders_and_depth(store, team_id, 1)
        for item in plan["unfiled"]:
            store.insert(
                "file_system_unfiled",
                {
                    "type": item["type"],
                    "ref": item["ref"],
                    "name": item["name"],
                    "created_by": item["created_by"],
                    "created_at": world.iso(days_ago=item["days_ago"]),
                },
                parent=team_id,
            )
        _seed_views(store, world, team_id, plan["recently_viewed"])


def _seed_views(store, world, team_id: int, how_many: int) -> None:
    """What the demo user looked at lately: a bit of every kind first."""
    by_type: dict[str, list[dict]] = {}
    for item in store.all("file_system", parent=team_id):
        if item["type"] != "folder" and not item["_deleted"] and not item["shortcut"]:
            by_type.setdefault(item["type"], []).append(item)
    longest = max(map(len, by_type.values()), default=0)
    mixed = [group[i] for i in range(longest) for group in by_type.values() if i < len(group)]
    for index, entry in enumerate(mixed[:how_many]):
        record_view(store, team_id, world.user["id"], entry["type"], entry["ref"], world.iso(hours_ago=3 + index * 17))
