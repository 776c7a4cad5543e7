"""Seeded hog functions (data/functions.json), in PostHog versions that have them: the GeoIP transformation PostHog
creates for every new team (posthog/models/team/team.py enabled_default_hog_functions_for_new_team), a few more
transformations, destinations made from templates (one of them failing), a site app, and a deleted webhook. Each
running one gets a week of metrics and its last two hours of logs (living.history)."""

import json
import random
from pathlib import Path

from simulator.areas.hog_functions.living import history
from simulator.areas.hog_functions.state import FULL_TOKENS, create_function
from simulator.areas.hog_functions.templates import template
from simulator.core.store import Store

FUNCTIONS = json.loads((Path(__file__).parent / "data" / "functions.json").read_text(encoding="utf-8"))["projects"]
TOKENS = {1: FULL_TOKENS, 2: 1500, 3: 0}


def seed(store: Store, world) -> None:
    if not world.profile.hog_functions:
        return
    creator = {key: world.user[key] for key in ("id", "uuid", "distinct_id", "first_name", "last_name", "email")}
    for project, rows in zip(world.projects, FUNCTIONS, strict=False):
        for row in rows:
            state = row.get("state", 1)
            function = create_function(
                store,
                team_id=project["id"],
                template=template(row["template"]),
                created_by=creator,
                name=row["name"],
                description=row.get("description"),
                inputs=row["inputs"],
                enabled=row["enabled"],
                execution_order=row["execution_order"],
                filters=row["filters"],
                deleted=row.get("deleted", False),
                created_at=world.iso(days_ago=row["days_ago"]),
                status={"state": state, "tokens": TOKENS.get(state, 0)},
                health=row.get("health", "healthy"),
            )
            if not function["deleted"]:
                history(store, random.Random(f"{project['id']}/{row['name']}"), function, world.now)
