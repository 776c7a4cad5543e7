"""Seeded hog functions (data/functions.json), in PostHog versions that have them: the GeoIP transformation PostHog
creates for every new team (posthog/models/team/team.py enabled_default_hog_functions_for_new_team) and a few
destinations made from templates."""

import json
from pathlib import Path

from simulator.areas.hog_functions.state import create_function
from simulator.areas.hog_functions.templates import template
from simulator.core.store import Store

FUNCTIONS = json.loads((Path(__file__).parent / "data" / "functions.json").read_text(encoding="utf-8"))["projects"]


def seed(store: Store, world) -> None:
    if not world.profile.hog_functions:
        return
    creator = {key: world.user[key] for key in ("id", "uuid", "distinct_id", "first_name", "last_name", "email")}
    for project, rows in zip(world.projects, FUNCTIONS, strict=False):
        for row in rows:
            found = template(row["template"])
            create_function(
                store,
                team_id=project["id"],
                template=found,
                created_by=creator,
                name=row["name"],
                description=row.get("description"),
                inputs=row["inputs"],
                enabled=row["enabled"],
                execution_order=row["execution_order"],
                filters=row["filters"],
                deleted=row.get("deleted", False),
                created_at=world.iso(days_ago=row["days_ago"]),
            )
