"""Hog function routes (a minimal part of products/cdp/backend/api/hog_function.py HogFunctionViewSet): the list
and one function, under /api/projects/{id}/ and /api/environments/{id}/, in PostHog versions that have them.

`scope_object = "hog_function"`: list and retrieve need `hog_function:read`. The list hides deleted functions,
filters by `type` (a comma-separated list), `enabled` and `id`, answers the minimal shape (the full one with
`?full=true`) ordered by execution_order then newest update; retrieve answers 404 for a deleted function.
"""

from simulator.areas.hog_functions.state import KIND, function_view, ordered
from simulator.core import context
from simulator.core.http import Request, not_found, paginate, validation_error
from simulator.core.routing import route

PROJECT = "/api/projects/{project_id}/hog_functions"
ENVIRONMENT = "/api/environments/{environment_id}/hog_functions"
TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")


def _available(profile) -> bool:
    return profile.hog_functions


def _team(request: Request, project_id: str | None, environment_id: str | None) -> int:
    return context.team_id(request, project_id=project_id, environment_id=environment_id)


def _list(request: Request, team: int) -> dict:
    functions = [f for f in request.store.all(KIND, parent=team) if not f.get("deleted")]
    # HogFunctionFilterSet: type is a BaseInFilter (comma-separated), enabled a boolean, id a uuid.
    types = [t for value in request.params("type") for t in value.split(",") if t]
    if types:
        functions = [f for f in functions if f.get("type") in types]
    enabled = request.param("enabled")
    if enabled not in (None, ""):
        if enabled not in TRUE + FALSE:
            raise validation_error("enabled", "Enter a valid boolean.", "invalid")
        functions = [f for f in functions if f["enabled"] == (enabled in TRUE)]
    if wanted := request.param("id"):
        functions = [f for f in functions if f["id"] == wanted]
    full = request.param("full") == "true"
    return paginate(request, [function_view(f, full=full) for f in ordered(functions)])


def _get(request: Request, team: int, id: str) -> dict:
    function = request.store.get(KIND, id, parent=team)
    if function is None or function.get("deleted"):
        raise not_found()
    return function_view(function)


@route("GET", PROJECT + "/", scope="hog_function:read", available=_available)
def hog_function_list(request: Request, project_id: str):
    return _list(request, _team(request, project_id, None))


@route("GET", ENVIRONMENT + "/", scope="hog_function:read", available=_available)
def hog_function_list_environment(request: Request, environment_id: str):
    return _list(request, _team(request, None, environment_id))


@route("GET", PROJECT + "/{id}/", scope="hog_function:read", available=_available)
def hog_function_get(request: Request, project_id: str, id: str):
    return _get(request, _team(request, project_id, None), id)


@route("GET", ENVIRONMENT + "/{id}/", scope="hog_function:read", available=_available)
def hog_function_get_environment(request: Request, environment_id: str, id: str):
    return _get(request, _team(request, None, environment_id), id)
