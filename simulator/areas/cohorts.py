"""Cohorts: static lists and dynamic (filter-based) groups of persons.

As on PostHog: they cannot be hard-deleted (DELETE answers 405 with no body), PATCH `deleted: true`
hides them from the list (GET by id still answers, with deleted true); lists are newest first and take
`search` (name). A dynamic cohort starts calculating when it is created or changed and finishes a
moment later, when its count appears.
"""

import json
import zlib
from datetime import UTC, datetime, timedelta

from simulator.areas.file_system import file_object
from simulator.areas.roles import acting_user_basic, people, user_basic
from simulator.core import context
from simulator.core.fields import MISSING, bool_field, choice_field, parse_datetime, text_field
from simulator.core.http import (
    ApiError,
    Request,
    Response,
    method_not_allowed,
    not_found,
    paginate,
    validation_error,
)
from simulator.core.routing import route
from simulator.core.store import now_iso

CALCULATION_SECONDS = 2.0
COHORT_TYPES = ("static", "person_property", "behavioral", "realtime", "analytical", "")
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


def cohort_view(cohort: dict) -> dict:
    view = {name: cohort.get(name) for name in FIELDS}
    if not view["filters"]:
        view["filters"] = {"properties": {}}
    return view


def _error(detail: str, attr: str | None = "filters") -> ApiError:
    return ApiError(400, detail, type="validation_error", code="invalid", attr=attr)


# Filters, checked the way PostHog's pydantic models check them ----------------------------


def _check_group(group, existing_ids: set[int] | None) -> None:
    if not isinstance(group, dict):
        raise _error("Input should be a valid dictionary or object to extract fields from")
    if group.get("type") not in ("AND", "OR"):
        raise _error(
            f"Input tag '{group.get('type')}' found using 'type' does not match any of the expected tags: 'AND', 'OR'"
        )
    values = group.get("values")
    if not isinstance(values, list):
        raise _error("Input should be a valid list")
    for value in values:
        kind = value.get("type") if isinstance(value, dict) else None
        if kind in ("AND", "OR"):
            _check_group(value, existing_ids)
        elif kind == "behavioral":
            for key in ("key", "value", "event_type"):
                if value.get(key) in (None, ""):
                    raise _error(f"Missing required keys for behavioral filter: {key}")
        elif kind == "cohort":
            if not isinstance(value.get("value"), int) or isinstance(value.get("value"), bool):
                raise _error("Missing required keys for cohort filter: value")
            if existing_ids is not None and value["value"] not in existing_ids:
                raise _error("Invalid Cohort ID in filter", attr=None)
        elif kind == "person":
            missing = []
            if value.get("key") in (None, ""):
                missing.append("key")
            if value.get("value") is None and value.get("operator") not in ("is_set", "is_not_set"):
                missing.append("value")
            if value.get("operator") is None:
                missing.append("operator")
            if missing:
                raise _error(f"Missing required keys for person filter: {', '.join(missing)}")
        else:
            raise _error(
                f"Input tag '{kind}' found using 'type' does not match any of the expected tags: "
                "'behavioral', 'cohort', 'person', 'AND', 'OR'"
            )


def _leaves(group) -> list[dict]:
    found = []
    for value in (group or {}).get("values", []) if isinstance(group, dict) else []:
        if isinstance(value, dict) and value.get("type") in ("AND", "OR"):
            found += _leaves(value)
        elif isinstance(value, dict):
            found.append(value)
    return found


def _has_values(filters) -> bool:
    return bool(isinstance(filters, dict) and _leaves(filters.get("properties")))


def _validated_filters(filters, *, static: bool, existing_ids: set[int]):
    if filters is None:
        return None
    if static and not _has_values(filters):
        return filters
    if not isinstance(filters, dict) or "properties" not in filters:
        raise _error("Must contain a 'properties' key with type and values")
    extra = set(filters) - {"properties"}
    if extra:
        raise _error(f"Extra inputs are not permitted: {min(extra)}")
    _check_group(filters["properties"], existing_ids)
    return filters


def _cohort_ids_in(filters) -> list[int]:
    return [leaf["value"] for leaf in _leaves((filters or {}).get("properties")) if leaf.get("type") == "cohort"]


def _derived_type(cohort: dict) -> str:
    if cohort.get("is_static"):
        return "static"
    if any(leaf.get("type") == "behavioral" for leaf in _leaves((cohort.get("filters") or {}).get("properties"))):
        return "behavioral"
    return "person_property"


def _estimated_count(cohort: dict) -> int:
    """A stable stand-in for the persons matching the filters."""
    if not _has_values(cohort.get("filters")):
        return 0
    digest = zlib.crc32(json.dumps(cohort.get("filters"), sort_keys=True).encode())
    return 40 + digest % 7800


# Calculation -----------------------------------------------------------------------------


def _start_calculation(cohort: dict) -> None:
    cohort["is_calculating"] = True
    cohort["pending_version"] = (cohort.get("version") or 0) + 1
    done = datetime.now(UTC) + timedelta(seconds=CALCULATION_SECONDS)
    cohort["_calculation_done_at"] = done.isoformat().replace("+00:00", "Z")


def _settle(request: Request, cohort: dict) -> dict:
    """Finish a calculation whose time has come (PostHog calculates in the background)."""
    done_at = parse_datetime(cohort.get("_calculation_done_at"))
    if not cohort.get("is_calculating") or done_at is None or done_at > datetime.now(UTC):
        return cohort
    settled = {
        **cohort,
        "is_calculating": False,
        "version": cohort.get("pending_version") or 1,
        "count": _estimated_count(cohort),
        "last_calculation": now_iso(),
        "errors_calculating": 0,
        "last_error_message": None,
        "_calculation_done_at": None,
    }
    request.store.update("cohort", cohort["id"], settled)
    return settled


# Lookups ---------------------------------------------------------------------------------


def _team_cohorts(request: Request, team_id: int) -> list[dict]:
    return [_settle(request, c) for c in request.store.all("cohort", parent=team_id)]


def _find(request: Request, project_id: str, cohort_id: str) -> tuple[int, dict]:
    team_id = context.team_id(request, project_id=project_id)
    found = request.store.get("cohort", cohort_id, parent=team_id) if cohort_id.isdigit() else None
    if found is None:
        raise not_found()
    return team_id, _settle(request, found)


def _creates_loop(request: Request, team_id: int, cohort_id: int, filters) -> bool:
    by_id = {c["id"]: c for c in request.store.all("cohort", parent=team_id)}

    def reaches(current: int, seen: set[int]) -> bool:
        for target in _cohort_ids_in(by_id[current]["filters"] if current != cohort_id else filters):
            if target == cohort_id:
                return True
            if target in by_id and target not in seen:
                seen.add(target)
                if reaches(target, seen):
                    return True
        return False

    return reaches(cohort_id, set())


# Routes ----------------------------------------------------------------------------------


@route("GET", "/api/projects/{project_id}/cohorts/", scope="cohort:read")
def cohort_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    cohorts = [c for c in _team_cohorts(request, team_id) if not c.get("deleted")]
    search = (request.param("search") or "").strip().lower()
    if search:
        cohorts = [c for c in cohorts if search in (c.get("name") or "").lower()]
    if (request.param("hide_behavioral_cohorts") or "").lower() == "true":
        cohorts = [c for c in cohorts if _derived_type(c) != "behavioral"]
    cohorts.sort(key=lambda c: (c["created_at"], c["id"]), reverse=True)
    return paginate(request, [cohort_view(c) for c in cohorts])


@route("POST", "/api/projects/{project_id}/cohorts/", scope="cohort:write")
def cohort_create(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    data = request.data()
    name = text_field(data, "name", required=True, max_length=400)
    description = text_field(data, "description", max_length=1000, allow_blank=True)
    is_static = bool_field(data, "is_static")
    is_static = False if is_static is MISSING else is_static
    cohort_type = choice_field(data, "cohort_type", COHORT_TYPES, allow_null=True)
    existing_ids = {c["id"] for c in request.store.all("cohort", parent=team_id)}
    filters = _validated_filters(data.get("filters"), static=is_static, existing_ids=existing_ids)
    query = data.get("query")
    if query is not None and not isinstance(query, dict):
        raise validation_error("query", "Query must be a dictionary.", "invalid")
    if query and query.get("kind") not in ("ActorsQuery", "HogQLQuery"):
        raise validation_error(
            "query", f"Query must be an ActorsQuery or HogQLQuery. Got: {query.get('kind')}", "invalid"
        )
    if query and filters:
        raise _error("Cannot set both query and filters at the same time.", attr=None)
    if query and not is_static:
        raise _error("Cannot create a dynamic cohort with a query. Set is_static to true.", attr=None)
    person_ids = data.get("_create_static_person_ids", [])
    if not isinstance(person_ids, list) or not all(isinstance(p, str) for p in person_ids):
        raise validation_error(
            "_create_static_person_ids", 'Expected a list of items but got type "str".', "not_a_list"
        )
    groups = data.get("groups") if isinstance(data.get("groups"), list) else []
    folder = text_field(data, "_create_in_folder", allow_blank=True)

    now = now_iso()
    cohort = {
        "name": name,
        "description": "" if description is MISSING else description,
        "groups": groups,
        "deleted": False,
        "filters": filters,
        "query": query or None,
        "version": None,
        "pending_version": None,
        "is_calculating": False,
        "created_by": acting_user_basic(request),
        "created_at": now,
        "last_calculation": None,
        "errors_calculating": 0,
        "last_error_message": None,
        "count": None,
        "is_static": is_static,
        "cohort_type": None,
        "experiment_set": [],
    }
    cohort["cohort_type"] = cohort_type if cohort_type not in (MISSING, None, "") else _derived_type(cohort)
    if is_static:
        cohort.update({"count": len(set(person_ids)), "version": 1, "last_calculation": now})
    else:
        _start_calculation(cohort)
    cohort = request.store.insert("cohort", cohort, parent=team_id)
    file_object(
        request.store,
        team_id,
        kind="cohort",
        ref=cohort["id"],
        name=name,
        folder=None if folder is MISSING else folder,
        created_by=cohort["created_by"]["id"],
        created_at=now,
    )
    context.record_activity(
        request, scope="Cohort", parent=team_id, item_id=cohort["id"], activity="created", name=name
    )
    return Response(201, cohort_view(cohort))


@route("GET", "/api/projects/{project_id}/cohorts/{id}/", scope="cohort:read")
def cohort_get(request: Request, project_id: str, id: str):
    return cohort_view(_find(request, project_id, id)[1])


@route("PATCH", "/api/projects/{project_id}/cohorts/{id}/", scope="cohort:write")
def cohort_update(request: Request, project_id: str, id: str):
    team_id, cohort = _find(request, project_id, id)
    data = request.data()
    after = dict(cohort)
    name = text_field(data, "name", max_length=400)
    if name is not MISSING:
        after["name"] = name
    description = text_field(data, "description", max_length=1000, allow_blank=True)
    if description is not MISSING:
        after["description"] = description
    is_static = bool_field(data, "is_static")
    if is_static is not MISSING:
        after["is_static"] = is_static
    deleted = bool_field(data, "deleted")
    cohort_type = choice_field(data, "cohort_type", COHORT_TYPES, allow_null=True)
    if "groups" in data and isinstance(data["groups"], list):
        after["groups"] = data["groups"]
    if "filters" in data:
        existing_ids = {c["id"] for c in request.store.all("cohort", parent=team_id)}
        after["filters"] = _validated_filters(data["filters"], static=after["is_static"], existing_ids=existing_ids)
        if _creates_loop(request, team_id, cohort["id"], after["filters"]):
            raise _error("Cohorts cannot reference other cohorts in a loop.", attr=None)
    if cohort_type is not MISSING:
        after["cohort_type"] = cohort_type
    elif "filters" in data or is_static is not MISSING:
        after["cohort_type"] = _derived_type(after)

    deletion_change = deleted is not MISSING and deleted != cohort.get("deleted")
    if deletion_change:
        after["deleted"] = deleted
        if deleted:
            after["experiment_set"] = []
    if deleted is not True and not after["is_static"]:
        _start_calculation(after)  # PostHog recalculates after any change but a deletion
    request.store.update("cohort", cohort["id"], after)

    before_view, after_view = cohort_view(cohort), cohort_view(after)
    changes = context.changes_between(
        {k: before_view[k] for k in TRACKED}, {k: after_view[k] for k in TRACKED}, kind="Cohort"
    )
    if changes:
        context.record_activity(
            request,
            scope="Cohort",
            parent=team_id,
            item_id=cohort["id"],
            activity="deleted" if deletion_change and deleted else "updated",
            name=after["name"],
            changes=changes,
        )
    return after_view


@route("DELETE", "/api/projects/{project_id}/cohorts/{id}/", scope="cohort:write")
def cohort_delete(request: Request, project_id: str, id: str):
    """Cohorts cannot be hard-deleted; PATCH `deleted: true` instead."""
    context.team_id(request, project_id=project_id)
    raise method_not_allowed("DELETE", empty_body=True)


# Demo data ---------------------------------------------------------------------------------


def _person(key: str, value, operator: str = "exact") -> dict:
    return {"key": key, "type": "person", "value": value, "negation": False, "operator": operator}


def _behavioral(event: str, days: int, value: str = "performed_event", **extra) -> dict:
    return {
        "key": event,
        "type": "behavioral",
        "value": value,
        "negation": False,
        "event_type": "events",
        "time_value": days,
        "time_interval": "day",
        **extra,
    }


def _filters(kind: str, *leaves: dict) -> dict:
    return {"properties": {"type": "OR", "values": [{"type": kind, "values": list(leaves)}]}}


LONG_DESCRIPTION = (
    "Customers on a paid plan who used at least three core features in the last 30 days and have not "
    "contacted support about billing. Used by Customer Success for the quarterly “health check” e-mails "
    "and as the control group for pricing experiments — please don't edit without pinging #cs-ops & "
    "#growth first. Definitions follow the <Activation v3> tracking plan."
)

SEED_ONE = [
    # name, description, filters or None (static), count, days ago, creator, deleted, errors
    (
        "Power users (7d)",
        "Active on 5+ days in the last week",
        _filters("AND", _behavioral("$pageview", 7, "performed_event_multiple", operator="gte", operator_value=5)),
        1284,
        160,
        2,
        False,
        0,
    ),
    (
        "Paying customers <b>EU</b> & UK",
        "Billing country in the EU or the UK",
        _filters(
            "AND", _person("billing_country", ["DE", "FR", "NL", "AT", "IE", "GB"]), _person("plan", "free", "is_not")
        ),
        3411,
        140,
        5,
        False,
        0,
    ),
    (
        "Churn risk – no login for 30 days",
        LONG_DESCRIPTION,
        _filters(
            "AND",
            _behavioral("user logged in", 30, "performed_event", negation=True),
            _person("plan", ["team", "enterprise"]),
        ),
        212,
        120,
        4,
        False,
        0,
    ),
    ("Beta testers (imported CSV)", "Uploaded from the beta sign-up sheet", None, 87, 110, 3, False, 0),
    (
        "Signed up via referral “Igel-Freunde”",
        "",
        _filters("AND", _person("$initial_utm_campaign", "igel-freunde")),
        642,
        75,
        6,
        False,
        0,
    ),
    (
        "Mobile-only users",
        "Never seen on web",
        _filters(
            "AND", _person("$os", ["iOS", "Android"]), _behavioral("$pageview", 90, "performed_event", negation=True)
        ),
        5120,
        60,
        2,
        False,
        0,
    ),
    (
        "Internal & test accounts",
        "Emails at our domains; excluded from most insights",
        _filters(
            "OR", _person("email", "@hedgehog.example", "icontains"), _person("email", "@agency.example", "icontains")
        ),
        41,
        300,
        1,
        False,
        0,
    ),
    (
        "Trial users who hit the paywall",
        "",
        _filters("AND", _behavioral("paywall shown", 14), _person("plan", "trial")),
        0,
        20,
        3,
        False,
        2,
    ),
    ("Webinar attendees — März 2025", "Static list from the webinar tool", None, 156, 45, 6, False, 0),
    (
        "Old segment (replaced by Power users)",
        "",
        _filters("AND", _person("is_power_user", ["true"])),
        930,
        250,
        4,
        True,
        0,
    ),
]

SEED_TWO = [
    ("iOS 17+ users", "", _filters("AND", _person("$os_version", "17", "gte")), 2210, 90, 2, False, 0),
    (
        "Push opt-in",
        "Users who accepted push notifications",
        _filters("AND", _person("push_enabled", ["true"])),
        4102,
        70,
        8,
        False,
        0,
    ),
    ("App Store reviewers (static)", "", None, 12, 30, 7, False, 0),
]


def seed(store, world) -> None:
    by_id = {p["id"]: p for p in people(world.user)}
    for project, plan in ((world.projects[0], SEED_ONE), (world.projects[1], SEED_TWO)):
        first_id = None
        for name, description, filters, count, days_ago, creator, deleted, errors in plan:
            static = filters is None
            if first_id is not None and name.startswith("Churn risk"):
                # Churn risk excludes power users: a cohort referencing another cohort.
                filters = {
                    "properties": {
                        "type": "OR",
                        "values": [
                            *filters["properties"]["values"],
                            {
                                "type": "AND",
                                "values": [{"key": "id", "type": "cohort", "value": first_id, "negation": True}],
                            },
                        ],
                    }
                }
            cohort = {
                "name": name,
                "description": description,
                "groups": [],
                "deleted": deleted,
                "filters": filters if not static else None,
                "query": None,
                "version": 3 + days_ago % 5,
                "pending_version": 3 + days_ago % 5,
                "is_calculating": False,
                "created_by": user_basic(by_id[creator]),
                "created_at": world.iso(days_ago=days_ago),
                "last_calculation": world.iso(hours_ago=1 + days_ago % 23)
                if not static
                else world.iso(days_ago=days_ago),
                "errors_calculating": errors,
                "last_error_message": (
                    "Query exceeded the memory limit (10.00 GiB) while calculating the cohort" if errors else None
                ),
                "count": count,
                "is_static": static,
                "cohort_type": None,
                "experiment_set": [],
            }
            cohort["cohort_type"] = _derived_type(cohort)
            cohort = store.insert("cohort", cohort, parent=project["id"])
            first_id = first_id or cohort["id"]
