"""The property definitions API, as far as group properties go: posthog/taxonomy/property_definition_api.py
PropertyDefinitionViewSet.list, registered under projects only (`projects_router.register(r"property_definitions"`).

It is where newer PostHog versions name a group type's properties (the groups API's property_definitions action is
gone there); older versions have it too. The simulator holds group property definitions only: event, person and
session definitions answer an empty page.
"""

import json

from simulator.areas.groups import state, validation
from simulator.areas.groups.views import definition_view
from simulator.core import context
from simulator.core.http import DEFAULT_PAGE_SIZE, Request
from simulator.core.routing import route


def _non_negative(raw: str | None) -> int | None:
    """rest_framework/pagination.py _positive_int, as LimitOffsetPagination reads limit and offset: anything
    unreadable falls back to the default instead of being refused."""
    try:
        number = int(raw) if raw is not None else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None


def _page(request: Request, items: list, count: int) -> dict:
    """NotCountingLimitOffsetPaginator: DRF's limit/offset envelope around an already counted query."""
    limit = _non_negative(request.param("limit")) or DEFAULT_PAGE_SIZE
    offset = _non_negative(request.param("offset")) or 0
    page = items[offset : offset + limit] if offset <= count else []
    next_url = request.url(limit=limit, offset=offset + limit) if offset + limit < count else None
    if offset <= 0:
        previous_url = None
    elif offset - limit <= 0:
        previous_url = request.url(limit=limit, offset=0)
    else:
        previous_url = request.url(limit=limit, offset=offset - limit)
    return {"count": count, "next": next_url, "previous": previous_url, "results": page}


def _matches_search(name: str, search: str) -> bool:
    """posthog/filters.py term_search_filter_sql: every word of the search in the name, case-insensitively."""
    return all(word in name.lower() for word in search.lower().split())


@route("GET", "/api/projects/{project_id}/property_definitions/", scope="property_definition:read")
def property_definition_list(request: Request, project_id: str):
    project = context.project(request, project_id)["id"]
    query = validation.definitions_query(request)
    found = []
    if query["type"] == "group":
        found = state.definitions(request.store, project, query["group_type_index"])
    if query["search"]:
        found = [d for d in found if _matches_search(d["name"], query["search"])]
    if query["properties"]:
        found = [d for d in found if d["name"] in query["properties"]]
    if query["is_numerical"]:  # with_is_numerical_flag: only a true value filters
        found = [d for d in found if d["is_numerical"] and d["name"] not in ("distinct_id", "timestamp")]
    if query["excluded_properties"]:
        try:
            excluded = set(json.loads(query["excluded_properties"]))
        except (ValueError, TypeError):
            raise validation.server_error() from None  # json.loads in with_excluded_properties
        found = [d for d in found if d["name"] not in excluded]
    # ORDER BY is_seen_on_filtered_events DESC (null for every group property), name ASC
    found.sort(key=lambda d: d["name"])
    return _page(request, [definition_view(d) for d in found], len(found))
