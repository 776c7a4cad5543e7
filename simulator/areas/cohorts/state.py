"""What the cohorts area keeps (one `cohort` document per cohort, under its team), how a calculation runs in the
background, and how PostHog shapes a cohort in answers; `State` is the area's part of the public API."""

import json
import zlib
from datetime import UTC, datetime, timedelta

from simulator.areas.cohorts.validation import cohort_ids_in, has_values, leaves
from simulator.core.fields import parse_datetime
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

CALCULATION_SECONDS = 2.0
# posthog/api/cohort.py CohortSerializer.Meta.fields, less the write-only `_create_*` ones.
FIELDS = (
    "id",
    "name",
    "description",
    "groups",
    "deleted",
    "filters",
    "query",
    "version",
    "pending_version",
    "is_calculating",
    "created_by",
    "created_at",
    "last_calculation",
    "errors_calculating",
    "last_error_message",
    "count",
    "is_static",
    "cohort_type",
    "experiment_set",
)
TRACKED = ("name", "description", "groups", "filters", "query", "is_static", "deleted", "cohort_type")


def newest_code(profile: Profile) -> bool:
    """Whether `profile` plays the newest posthog/api/cohort.py (deletion refused while other cohorts use the
    cohort; a static cohort's criteria not editable)."""
    return profile.cohort_update_guards


def cohort_view(cohort: dict) -> dict:
    view = {name: cohort.get(name) for name in FIELDS}
    if not view["filters"]:
        # CohortSerializer.to_representation: `{"properties": instance.properties.to_dict()}` when there are none.
        view["filters"] = {"properties": {}}
    return view


def derived_type(cohort: dict) -> str:
    if cohort.get("is_static"):
        return "static"
    if any(leaf.get("type") == "behavioral" for leaf in leaves((cohort.get("filters") or {}).get("properties"))):
        return "behavioral"
    return "person_property"


def estimated_count(cohort: dict) -> int:
    """A stable stand-in for the persons matching the filters."""
    if not has_values(cohort.get("filters")):
        return 0
    digest = zlib.crc32(json.dumps(cohort.get("filters"), sort_keys=True).encode())
    return 40 + digest % 7800


# Calculation -----------------------------------------------------------------------------------


def _due_in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def start_calculation(cohort: dict) -> None:
    """A dynamic cohort's calculation (Cohort.enqueue_calculation): it finishes a moment later."""
    cohort["is_calculating"] = True
    cohort["pending_version"] = (cohort.get("version") or 0) + 1
    cohort["_calculation_done_at"] = _due_in(CALCULATION_SECONDS)


def start_import(cohort: dict, ids: list[str]) -> None:
    """A static cohort's CSV import (the `calculate_cohort_from_list` task): its persons join a moment later.
    The simulator has no persons: every distinct ID, e-mail or person ID stands for one person."""
    cohort["is_calculating"] = True
    cohort["_importing"] = [*(cohort.get("_importing") or []), *ids]
    cohort["_calculation_done_at"] = _due_in(CALCULATION_SECONDS)


def add_persons(cohort: dict, ids: list[str]) -> None:
    """`insert_users_list_by_uuid`: persons join at once; the count is of distinct persons."""
    known = cohort.get("_persons") or []
    new = [i for i in dict.fromkeys(ids) if i not in known]
    cohort["_persons"] = known + new
    cohort["count"] = (cohort.get("count") or 0) + len(new)


def settle(store: Store, cohort: dict) -> dict:
    """Finish a calculation whose time has come (PostHog calculates in the background)."""
    done_at = parse_datetime(cohort.get("_calculation_done_at"))
    if not cohort.get("is_calculating") or done_at is None or done_at > datetime.now(UTC):
        return cohort
    settled = {
        **cohort,
        "is_calculating": False,
        "last_calculation": now_iso(),
        "errors_calculating": 0,
        "last_error_message": None,
        "_calculation_done_at": None,
        "_importing": None,
    }
    if cohort.get("is_static"):
        add_persons(settled, cohort.get("_importing") or [])
    else:
        settled.update({"version": cohort.get("pending_version") or 1, "count": estimated_count(cohort)})
    return store.update("cohort", cohort["id"], settled)


# Lookups ---------------------------------------------------------------------------------------


def team_cohorts(store: Store, team_id: int) -> list[dict]:
    return [settle(store, c) for c in store.all("cohort", parent=team_id)]


def find(store: Store, team_id: int, cohort_id: str) -> dict | None:
    found = store.get("cohort", cohort_id, parent=team_id) if str(cohort_id).isdigit() else None
    return settle(store, found) if found else None


def newest_first(cohorts: list[dict]) -> list[dict]:
    """posthog/api/cohort.py orders by `-created_at`."""
    return sorted(cohorts, key=lambda c: (c["created_at"], c["id"]), reverse=True)


def behavioral_ids(cohorts: list[dict]) -> set[int]:
    """CohortViewSet._find_behavioral_cohorts: cohorts with a behavioral filter, and those referencing them."""
    by_id = {c["id"]: c for c in cohorts}
    found = {c["id"] for c in cohorts if any(leaf.get("type") == "behavioral" for leaf in _leaves_of(c))}
    changed = True
    while changed:
        changed = False
        for cohort in cohorts:
            if cohort["id"] not in found and any(
                t in found for t in cohort_ids_in(cohort.get("filters")) if t in by_id
            ):
                found.add(cohort["id"])
                changed = True
    return found


def _leaves_of(cohort: dict) -> list[dict]:
    return leaves((cohort.get("filters") or {}).get("properties"))


def creates_loop(store: Store, team_id: int, cohort_id: int, filters) -> bool:
    """posthog/models/cohort/util.py `will_create_loops`."""
    by_id = {c["id"]: c for c in store.all("cohort", parent=team_id)}

    def reaches(current: int, seen: set[int]) -> bool:
        for target in cohort_ids_in(by_id[current]["filters"] if current != cohort_id else filters):
            if target == cohort_id:
                return True
            if target in by_id and target not in seen:
                seen.add(target)
                if reaches(target, seen):
                    return True
        return False

    return reaches(cohort_id, set())


def used_by(store: Store, team_id: int, cohort_id: int) -> list[dict]:
    """posthog/api/cohort.py `get_cohorts_using_cohort`: other live cohorts whose criteria name this one."""
    return [
        c
        for c in sorted(store.all("cohort", parent=team_id), key=lambda c: c["id"])
        if c["id"] != cohort_id and not c.get("deleted") and cohort_id in cohort_ids_in(c.get("filters"))
    ]


# The public API --------------------------------------------------------------------------------


class State(AreaState):
    """Cohorts as a test or bench sees and arranges them."""

    def all(self, project_id: int, *, include_deleted: bool = False) -> list[dict]:
        """The project's cohorts, newest first, as PostHog shapes them (deleted ones only if asked)."""
        with self._store.transaction():
            cohorts = team_cohorts(self._store, int(project_id))
        return [cohort_view(c) for c in newest_first(cohorts) if include_deleted or not c.get("deleted")]

    def get(self, id: int) -> dict | None:
        """One cohort as PostHog shapes it, deleted or not; None if there is none."""
        with self._store.transaction():
            found = self._store.get("cohort", id)
            found = settle(self._store, found) if found else None
        return cohort_view(found) if found else None

    def update(self, id: int, **changes) -> dict:
        """Change stored fields: e.g. `is_calculating=True`, or `errors_calculating=3,
        last_error_message="..."` for a failing calculation. A calculation in progress is left running unless
        `is_calculating=False` is among the changes."""
        with self._store.transaction():
            found = self._store.get("cohort", id)
            if found is None:
                raise KeyError(f"no cohort {id}")
            after = {**found, **changes}
            if changes.get("is_calculating") is False:
                after["_calculation_done_at"] = None
            return cohort_view(self._store.update("cohort", id, after))

    def finish_calculations(self) -> list[int]:
        """Let every calculation in progress finish now instead of in a couple of seconds; the ids it finished."""
        finished = []
        with self._store.transaction():
            for cohort in self._store.all("cohort"):
                if cohort.get("is_calculating") and cohort.get("_calculation_done_at"):
                    settle(self._store, {**cohort, "_calculation_done_at": "2000-01-01T00:00:00Z"})
                    finished.append(cohort["id"])
        return finished

    def persons(self, id: int) -> list[str]:
        """The IDs a static cohort was given (`_create_static_person_ids`, CSV rows), in the order they joined."""
        found = self._store.get("cohort", id)
        return list((found or {}).get("_persons") or [])

    def activity(self, id: int) -> list[dict]:
        """The cohort's activity entries, newest first."""
        found = self._store.get("cohort", id)
        if found is None:
            return []
        return self._store.activity_list(scope="Cohort", parent=found["_team"], item_id=id)
