"""Demo annotations (data/annotations.json): per project, days ago, content, scope, creator and deletion."""

import json
from pathlib import Path

from simulator.areas.roles.people import people, user_basic

PLANS = json.loads((Path(__file__).parent / "data" / "annotations.json").read_text())["projects"]


def seed(store, world) -> None:
    by_id = {p["id"]: p for p in people(world.user)}
    for project, plan in zip(world.projects, PLANS, strict=False):
        insights = [i for i in store.all("insight", parent=project["id"]) if not i.get("deleted")]
        for index, row in enumerate(plan):
            insight = insights[index % len(insights)] if row["scope"] == "dashboard_item" and insights else None
            marker = world.iso(days_ago=row["days_ago"], hours_ago=(index * 7) % 24)
            created = world.iso(days_ago=row["days_ago"], hours_ago=(index * 7) % 24 - 1)
            store.insert(
                "annotation",
                {
                    "content": row["content"],
                    "date_marker": marker,
                    "creation_type": "GIT" if "Deployed" in row["content"] else "USR",
                    "dashboard_item": insight["id"] if insight else None,
                    "dashboard_id": None,
                    "dashboard_name": None,
                    "insight_short_id": insight.get("short_id") if insight else None,
                    "insight_name": insight.get("name") if insight else None,
                    "insight_derived_name": insight.get("derived_name") if insight else None,
                    "created_by": user_basic(by_id[row["created_by"]]),
                    "created_at": created,
                    "updated_at": created,
                    "deleted": row["deleted"],
                    "scope": row["scope"],
                    "_team": project["id"],
                },
                parent=project["id"],
            )
