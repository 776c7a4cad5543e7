"""Demo cohorts (data/cohorts.json): per project, name, description, filters (none for a static cohort), count,
age, creator, deletion and failed calculations. One cohort excludes another by name (`excludes_cohort`)."""

import json
from pathlib import Path

from simulator.areas.cohorts.state import derived_type
from simulator.areas.roles.people import people, user_basic

PLANS = json.loads((Path(__file__).parent / "data" / "cohorts.json").read_text())["projects"]
MEMORY_LIMIT_ERROR = "Query exceeded the memory limit (10.00 GiB) while calculating the cohort"


def _excluding(filters: dict, cohort_id: int) -> dict:
    """The filters, OR a group that leaves out the members of another cohort."""
    exclusion = {"type": "AND", "values": [{"key": "id", "type": "cohort", "value": cohort_id, "negation": True}]}
    return {"properties": {"type": "OR", "values": [*filters["properties"]["values"], exclusion]}}


def seed(store, world) -> None:
    by_id = {p["id"]: p for p in people(world.user)}
    for project, plan in zip(world.projects, PLANS, strict=False):
        ids_by_name: dict[str, int] = {}
        for row in plan:
            static = row["filters"] is None
            filters = row["filters"]
            if row["excludes_cohort"] in ids_by_name:
                filters = _excluding(filters, ids_by_name[row["excludes_cohort"]])
            days_ago = row["days_ago"]
            cohort = {
                "name": row["name"],
                "description": row["description"],
                "groups": [],
                "deleted": row["deleted"],
                "filters": filters,
                "query": None,
                "version": 3 + days_ago % 5,
                "pending_version": 3 + days_ago % 5,
                "is_calculating": False,
                "created_by": user_basic(by_id[row["created_by"]]),
                "created_at": world.iso(days_ago=days_ago),
                "last_calculation": world.iso(days_ago=days_ago) if static else world.iso(hours_ago=1 + days_ago % 23),
                "errors_calculating": row["errors_calculating"],
                "last_error_message": MEMORY_LIMIT_ERROR if row["errors_calculating"] else None,
                "count": row["count"],
                "is_static": static,
                "cohort_type": None,
                "experiment_set": [],
                "_team": project["id"],
            }
            cohort["cohort_type"] = derived_type(cohort)
            cohort = store.insert("cohort", cohort, parent=project["id"])
            ids_by_name[row["name"]] = cohort["id"]
