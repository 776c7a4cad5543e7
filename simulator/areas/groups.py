"""Groups (group analytics): list, create, find, property definitions and values, property edits, activity.

Groups live per team (`parent=<team id>`), group types per project (`parent=<project id>`). Every route is
served under both `/api/projects/{project_id}/` and `/api/environments/{environment_id}/`, as on PostHog.
Behaviour follows PostHog's `GroupsViewSet`: `group_type_index` is required almost everywhere, lists
are cursor-paginated newest first, a property edit is POSTed with the group named in the query string.
"""

import json
import random
from typing import Any

from simulator.core import context
from simulator.core.http import (
    ApiError,
    Request,
    Response,
    activity_page,
    not_found,
    paginate_cursor,
    validation_error,
)
from simulator.core.routing import route
from simulator.core.store import now_iso

GROUP_PAGE_SIZE = 100
MAX_GROUP_KEY_LENGTH = 400
INT_MIN, INT_MAX = -2147483648, 2147483647
PREFIXES = ("/api/projects/{project_id}", "/api/environments/{environment_id}")
LIST_HINT = (
    "You must pass ?group_type_index= in this URL. To get a list of valid group types, "
    "call /api/:project_id/groups_types/."
)


def routes(method: str, suffix: str, *, scope: str | None, available=None):
    """Register one handler under the project and the environment prefix."""

    def register(handler):
        for prefix in PREFIXES:
            route(method, prefix + suffix, scope=scope, available=available)(handler)
        return handler

    return register


# Lookups ----------------------------------------------------------------------------------------


def _team_and_project(request: Request, project_id: str | None, environment_id: str | None) -> tuple[int, int]:
    if environment_id is not None:
        environment = context.environment(request, environment_id)
        return environment["id"], environment["project_id"]
    project = context.project(request, project_id)
    return project["id"], project["id"]


def _int_param(request: Request, name: str, *, missing: str = "This query parameter is required.") -> int:
    raw = request.param(name)
    if raw in (None, ""):
        raise ApiError(400, missing, type="validation_error", code="invalid", attr=name)
    try:
        return int(raw)
    except ValueError:
        raise ApiError(
            400, "A valid integer is required.", type="validation_error", code="invalid", attr=name
        ) from None


def _str_param(request: Request, name: str) -> str:
    raw = request.param(name)
    if raw in (None, ""):
        raise ApiError(400, "This query parameter is required.", type="validation_error", code="invalid", attr=name)
    return raw


def group_types(store, project_id: int) -> list[dict]:
    return sorted(store.all("group_type", parent=project_id), key=lambda t: t["group_type_index"])


def _groups(store, team_id: int, group_type_index: int | None = None) -> list[dict]:
    found = store.all("group", parent=team_id)
    if group_type_index is not None:
        found = [g for g in found if g["group_type_index"] == group_type_index]
    return found


def _find(store, team_id: int, group_type_index: int, group_key: str) -> dict | None:
    for group in _groups(store, team_id, group_type_index):
        if group["group_key"] == group_key:
            return group
    return None


def _named_group(request: Request, team_id: int) -> dict:
    """The group named by ?group_type_index=&group_key= (PostHog's get_object for the detail-less actions)."""
    group_type_index = _int_param(request, "group_type_index")
    group_key = _str_param(request, "group_key")
    group = _find(request.store, team_id, group_type_index, group_key)
    if group is None:
        raise not_found()
    return group


def group_view(group: dict) -> dict:
    return {
        "group_type_index": group["group_type_index"],
        "group_key": group["group_key"],
        "group_properties": group["group_properties"],
        "created_at": group["created_at"],
    }


def _newest_first(groups: list[dict]) -> list[dict]:
    return sorted(groups, key=lambda g: (g["created_at"], g["id"]), reverse=True)


def _value_name(value: Any) -> str:
    """Property values as ClickHouse hands them back: raw JSON with the quotes of strings trimmed."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _record(
    request: Request,
    team_id: int,
    group: dict,
    activity: str,
    name: str,
    action: str,
    before: Any = None,
    after: Any = None,
) -> None:
    context.record_activity(
        request,
        scope="Group",
        parent=team_id,
        item_id=group["id"],
        activity=activity,
        name=name,
        changes=[{"type": "Group", "action": action, "field": None, "before": before, "after": after}],
    )


# Group types ------------------------------------------------------------------------------------


def group_type_view(group_type: dict) -> dict:
    return {
        name: group_type.get(name)
        for name in (
            "group_type",
            "group_type_index",
            "name_singular",
            "name_plural",
            "detail_dashboard",
            "default_columns",
            "created_at",
        )
    }


@routes("GET", "/groups_types/", scope="group:read")
def group_type_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    _, project = _team_and_project(request, project_id, environment_id)
    return [group_type_view(t) for t in group_types(request.store, project)]


# Groups -----------------------------------------------------------------------------------------


@routes("GET", "/groups/", scope="group:read")
def group_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    group_type_index = _int_param(request, "group_type_index", missing=LIST_HINT)
    groups = _groups(request.store, team, group_type_index)
    key_filter = (request.param("group_key") or "").lower()
    if key_filter:
        groups = [g for g in groups if key_filter in g["group_key"].lower()]
    search = (request.param("search") or "").lower()
    if search:
        groups = [
            g
            for g in groups
            if search in g["group_key"].lower()
            or search in json.dumps(g["group_properties"], ensure_ascii=False).lower()
        ]
    page = paginate_cursor(request, [group_view(g) for g in _newest_first(groups)], GROUP_PAGE_SIZE)
    return page


@routes("POST", "/groups/", scope="group:write")
def group_create(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, project = _team_and_project(request, project_id, environment_id)
    data = request.data()
    group_type_index = data.get("group_type_index")
    if group_type_index is None:
        raise validation_error("group_type_index")
    if isinstance(group_type_index, bool) or not isinstance(group_type_index, int | str):
        raise validation_error("group_type_index", "A valid integer is required.", "invalid")
    try:
        group_type_index = int(group_type_index)
    except ValueError:
        raise validation_error("group_type_index", "A valid integer is required.", "invalid") from None
    if group_type_index < INT_MIN:
        raise validation_error(
            "group_type_index", f"Ensure this value is greater than or equal to {INT_MIN}.", "min_value"
        )
    if group_type_index > INT_MAX:
        raise validation_error(
            "group_type_index", f"Ensure this value is less than or equal to {INT_MAX}.", "max_value"
        )
    group_key = data.get("group_key")
    if group_key is None:
        raise validation_error("group_key")
    if not isinstance(group_key, str | int | float) or isinstance(group_key, bool):
        raise validation_error("group_key", "Not a valid string.", "invalid")
    group_key = str(group_key)
    if not group_key.strip():
        raise validation_error("group_key", "This field may not be blank.", "blank")
    if len(group_key) > MAX_GROUP_KEY_LENGTH:
        raise validation_error(
            "group_key", f"Ensure this field has no more than {MAX_GROUP_KEY_LENGTH} characters.", "max_length"
        )
    properties = data.get("group_properties", {})
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise validation_error(
            "group_properties",
            f'Expected a dictionary of items but got type "{type(properties).__name__}".',
            "not_a_dict",
        )
    if _find(request.store, team, group_type_index, group_key) is not None:
        raise validation_error("detail", "A group with this key already exists", "invalid")
    if not any(t["group_type_index"] == group_type_index for t in group_types(request.store, project)):
        # PostHog cannot send the $groupidentify event for an unknown group type.
        raise not_found()
    group = request.store.insert(
        "group",
        {
            "group_type_index": group_type_index,
            "group_key": group_key,
            "group_properties": properties,
            "created_at": now_iso(),
        },
        parent=team,
    )
    if properties:
        for name, value in properties.items():
            _record(request, team, group, "create_group", str(name), "created", after=value)
    else:
        _record(request, team, group, "create_group", group_key, "created", after=group_key)
    return Response(201, group_view(group))


@routes("GET", "/groups/find/", scope="group:read")
def group_find(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    return {**group_view(_named_group(request, team)), "notebook": None}


@routes("POST", "/groups/update_property/", scope="group:write")
def group_update_property(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    group = _named_group(request, team)
    data = request.data()
    key = data.get("key")
    if not key:
        raise ApiError(400, "This field is required.", type="validation_error", code="invalid", attr="key")
    if not isinstance(key, str):
        raise ApiError(400, "Not a valid string.", type="validation_error", code="invalid", attr="key")
    if data.get("value") is None:
        raise ApiError(400, "This field is required.", type="validation_error", code="invalid", attr="value")
    value = data["value"]
    existed = key in group["group_properties"]
    before = group["group_properties"].get(key)
    group["group_properties"][key] = value
    request.store.update("group", group["id"], group)
    _record(
        request,
        team,
        group,
        "update_property" if existed else "create_property",
        key,
        "changed" if existed else "created",
        before=before,
        after=value,
    )
    return group_view(group)


@routes("POST", "/groups/delete_property/", scope="group:write")
def group_delete_property(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    group = _named_group(request, team)
    key = request.data().get("$unset")
    if not isinstance(key, str):
        raise ApiError(
            400,
            "This field is required and must be a string (the property name to delete).",
            type="validation_error",
            code="invalid",
            attr="$unset",
        )
    if key not in group["group_properties"]:
        raise ApiError(
            400,
            f"Property '{key}' does not exist on this group.",
            type="validation_error",
            code="invalid",
            attr="$unset",
        )
    before = group["group_properties"].pop(key)
    request.store.update("group", group["id"], group)
    _record(request, team, group, "update_property", key, "deleted", before=before)
    return group_view(group)


@routes("GET", "/groups/activity/", scope="activity_log:read")
def group_activity(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    group = _named_group(request, team)
    return activity_page(request, request.store.activity_list(scope="Group", parent=team, item_id=group["id"]))


# ee/clickhouse/views/groups.py: gone from the newest version (property names come from property_definitions).
@routes("GET", "/groups/property_definitions/", scope="group:read", available=lambda p: p.group_property_definitions)
def group_property_definitions(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    counts: dict[int, dict[str, int]] = {}
    for group in _groups(request.store, team):
        per_type = counts.setdefault(group["group_type_index"], {})
        for name in group["group_properties"]:
            per_type[name] = per_type.get(name, 0) + 1
    return {
        str(index): [
            {"name": name, "count": count}
            for name, count in sorted(per_type.items(), key=lambda item: (-item[1], item[0]))
        ]
        for index, per_type in sorted(counts.items())
    }


@routes("GET", "/groups/property_values/", scope="group:read")
def group_property_values(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team, _ = _team_and_project(request, project_id, environment_id)
    group_type_index = _int_param(request, "group_type_index")
    key = _str_param(request, "key")
    value_filter = (request.param("value") or "").lower()
    counts: dict[str, int] = {}
    for group in _groups(request.store, team, group_type_index):
        if group["group_properties"].get(key) is None:
            continue
        name = _value_name(group["group_properties"][key])
        if value_filter and value_filter not in name.lower():
            continue
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:20]
    return {"results": [{"name": name, "count": count} for name, count in ranked], "refreshing": False}


# Demo data --------------------------------------------------------------------------------------

COMPANIES = [
    "Acme Robotics",
    "Globex Corporation",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Biotech",
    "Hooli",
    "Pied Piper",
    "Soylent Foods",
    "Tyrell Systems",
    "Zürich Fintech AG",
    "Café Olé & Co",
    "<b>Bold</b> Ventures",
    "Nakamura 株式会社",
    "Søren & Søn ApS",
    "Ωmega Labs",
    "Façade Studio",
    "Blue Harbor Insurance",
    "Northwind Traders",
    "Contoso Retail",
    "Fabrikam Energy",
    "Litware Learning",
    "Tailspin Toys",
    "Wide World Importers",
    "Adventure Works Cycles",
    "Proseware Security",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
    "Woodgrove Bank",
    "Alpine Ski House",
    "Coho Winery",
    "Datum & Partners",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Kiruna Mining AB",
    "São Paulo Dados Ltda",
    "The Extraordinarily Long-Named International Consortium for Hedgehog Welfare and Analytics Research Ltd.",
    "Spiny Friends GmbH",
]
INDUSTRIES = ["SaaS", "Fintech", "Healthcare", "E-commerce", "Education", "Logistics", "Media", "Manufacturing"]
PLANS = ["free", "free", "startup", "startup", "scale", "enterprise"]
COUNTRIES = ["US", "DE", "GB", "FR", "JP", "BR", "SE", "CH", "DK", "NL"]
LONG_DESCRIPTION = (
    "Long-standing customer with a complex multi-region rollout: product analytics, session replay "
    "and feature flags across 14 apps. Renewal negotiations involve procurement & legal; "
    "watch out for <script>-style custom properties in their event payloads. " * 3
).strip()


def _slug(name: str) -> str:
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "group"


def _seed_team(store, world, team_id: int, rng: random.Random, companies: int, instances: int) -> list[dict]:
    created: list[dict] = []
    for number in range(companies):
        name = COMPANIES[number % len(COMPANIES)] + ("" if number < len(COMPANIES) else f" {number}")
        key = _slug(name) if _slug(name) != "group" else f"org-{number}"
        plan = rng.choice(PLANS)
        properties = {
            "name": name,
            "industry": rng.choice(INDUSTRIES),
            "plan": plan,
            "seats": rng.choice([1, 3, 5, 12, 25, 40, 120, 500]),
            "mrr": round(rng.uniform(0, 4000), 2) if plan != "free" else 0,
            "country": rng.choice(COUNTRIES),
            "is_enterprise": plan == "enterprise",
            "domain": f"{key[:30]}.example",
            "signup_date": world.iso(days_ago=rng.randint(30, 900))[:10],
        }
        if number % 9 == 4:
            properties["description"] = LONG_DESCRIPTION
        if number % 7 == 2:
            properties.pop("industry")
        created.append(
            store.insert(
                "group",
                {
                    "group_type_index": 0,
                    "group_key": key,
                    "group_properties": properties,
                    "created_at": world.iso(days_ago=rng.uniform(1, 400)),
                },
                parent=team_id,
            )
        )
    for number in range(instances):
        company = COMPANIES[number % len(COMPANIES)]
        host = f"https://analytics.{_slug(company)[:24]}.{'io' if number % 3 else 'cloud'}"
        if number >= len(COMPANIES):
            host += f"/{number}"
        deployment = "cloud" if number % 4 else "self-hosted"
        properties = {
            "name": f"{company} – {'EU' if number % 2 else 'US'} workspace",
            "region": "eu" if number % 2 else "us",
            "deployment": deployment,
            "version": f"1.{rng.randint(38, 44)}.{rng.randint(0, 9)}",
            "users_count": rng.randint(1, 300),
            "first_seen": world.iso(days_ago=rng.randint(10, 700))[:10],
            "organization": _slug(company),
        }
        created.append(
            store.insert(
                "group",
                {
                    "group_type_index": 1,
                    "group_key": host,
                    "group_properties": properties,
                    "created_at": world.iso(days_ago=rng.uniform(1, 300)),
                },
                parent=team_id,
            )
        )
    return created


def _seed_activity(store, world, team_id: int, groups: list[dict]) -> None:
    user = world.user
    for days_ago, group, key, before, after, action, activity in [
        (20, groups[0], "plan", "startup", "scale", "changed", "update_property"),
        (6, groups[0], "seats", 25, 40, "changed", "update_property"),
        (3, groups[1], "account_manager", None, "Jo Kowalski", "created", "create_property"),
        (1, groups[2], "legacy_id", "LX-2291", None, "deleted", "update_property"),
    ]:
        entry = context.activity_entry(
            user=user,
            activity=activity,
            name=key,
            changes=[{"type": "Group", "action": action, "field": None, "before": before, "after": after}],
            created_at=world.iso(days_ago=days_ago),
        )
        store.activity_add(scope="Group", parent=team_id, item_id=group["id"], entry=entry)


def seed(store, world) -> None:
    type_names = [("organization", "Company", "Companies"), ("instance", "Workspace", "Workspaces")]
    for number, project in enumerate(world.projects):
        for index, (group_type, singular, plural) in enumerate(type_names):
            store.insert(
                "group_type",
                {
                    "group_type": group_type,
                    "group_type_index": index,
                    "name_singular": singular,
                    "name_plural": plural,
                    "detail_dashboard": None,
                    "default_columns": ["name", "plan", "seats"] if index == 0 else None,
                    "created_at": world.iso(days_ago=280 - number * 10 - index),
                },
                parent=project["id"],
                id=f"{project['id']}:{index}",
            )
    for environment in world.environments:
        rng = random.Random(f"groups-{environment['id']}")
        if environment["id"] == world.projects[0]["id"]:
            groups = _seed_team(store, world, environment["id"], rng, 40, 40)
            _seed_activity(store, world, environment["id"], groups)
        elif environment["name"] == "Production":
            _seed_team(store, world, environment["id"], rng, 30, 20)
        else:
            _seed_team(store, world, environment["id"], rng, 6, 2)
