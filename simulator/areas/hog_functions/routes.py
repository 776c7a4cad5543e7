"""Hog function routes: products/cdp/backend/api/hog_function.py HogFunctionViewSet, under /api/projects/{id}/ and
/api/environments/{id}/, in PostHog versions that have them (`profile.hog_functions`).

`scope_object = "hog_function"`: list, retrieve (and logs, metrics) need `hog_function:read`; create, update,
partial_update, rearrange and invocations `hog_function:write`.
- list (safely_get_queryset): deleted functions hidden; `type` a comma-separated list, `enabled`, `id`; the minimal
  shape (the full one with `?full=true`) ordered by execution_order then newest update;
- retrieve and update answer 404 for a deleted function, but for a PATCH whose body holds `"deleted": false`
  (JSON false): that is how PostHog restores one, a restored transformation joining the end of the line;
- DELETE answers 405 without a body (ForbidDestroyModel): a function is deleted with PATCH `deleted: true`;
- rearrange: PATCH {"orders": {id: execution_order}} of functions of one type with an execution order.
"""

from simulator.areas.hog_functions.state import (
    DEGRADED,
    DISABLED,
    EXECUTION_ORDER_TYPES,
    KIND,
    create_function,
    function_view,
    highest_order,
    ordered,
    status_of,
)
from simulator.areas.hog_functions.templates import template as template_named
from simulator.areas.hog_functions.validation import invalid, refused, validated
from simulator.core import context
from simulator.core.http import Request, Response, method_not_allowed, not_found, paginate, validation_error
from simulator.core.routing import route
from simulator.core.store import now_iso

PROJECT = "/api/projects/{project_id}/hog_functions"
ENVIRONMENT = "/api/environments/{environment_id}/hog_functions"
TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")
# log_activity_from_viewset(..., detail_type=humanize_hog_function_type(type)): scope "HogFunction".
ACTIVITY = context.ActivityRecorder("HogFunction")


def available(profile) -> bool:
    return profile.hog_functions


def team_of(request: Request, project_id: str | None = None, environment_id: str | None = None) -> int:
    return context.team_id(request, project_id=project_id, environment_id=environment_id)


def function_of(request: Request, team: int, id: str, *, include_deleted: bool = False) -> dict:
    """get_object(): a function of the team, not deleted (unless restoring it), else 404."""
    function = request.store.get(KIND, id, parent=team)
    if function is None or (function.get("deleted") and not include_deleted):
        raise not_found()
    return function


def both(method: str, suffix: str, scope: str):
    """Register a handler under /api/projects/{project_id}/… and /api/environments/{environment_id}/…; the handler
    takes the team id."""

    def register(handler):
        def by_project(request: Request, project_id: str, **params):
            return handler(request, team_of(request, project_id=project_id), **params)

        def by_environment(request: Request, environment_id: str, **params):
            return handler(request, team_of(request, environment_id=environment_id), **params)

        route(method, PROJECT + suffix, scope=scope, available=available)(by_project)
        route(method, ENVIRONMENT + suffix, scope=scope, available=available)(by_environment)
        return handler

    return register


@both("GET", "/", "hog_function:read")
def hog_function_list(request: Request, team: int):
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


@both("POST", "/", "hog_function:write")
def hog_function_create(request: Request, team: int):
    """perform_create: the serializer's fields, the template's where left out, `created_by` the key's owner."""
    values = validated(request, request.data(), team=team, instance=None)
    template = template_named(values["template_id"]) if values.get("template_id") else None
    function = create_function(
        request.store,
        team_id=team,
        template=template,
        created_by=context.user_basic(request),
        name=values.get("name"),
        description=values.get("description"),
        type=values["type"],
        inputs_schema=values["inputs_schema"],
        enabled=values.get("enabled", False),
        execution_order=values.get("execution_order"),
        filters=values["filters"],
        hog=values["hog"],
    )
    function = {**function, "inputs": values["inputs"], "icon_url": values.get("icon_url")}
    for name in ("masking", "mappings"):
        if name in values:
            function[name] = values[name]
    request.store.update(KIND, function["id"], function)
    ACTIVITY(request, team, function, "created")
    return Response(201, function_view(function))


# Before the {id} routes: `rearrange` is a list-level action, not a function's id.
@both("PATCH", "/rearrange/", "hog_function:write")
def hog_function_rearrange(request: Request, team: int):
    """HogFunctionViewSet.rearrange: {"orders": {id: execution_order}}; every id must be a function of the team
    with an execution order, not deleted, all of one type; answers that type's functions by execution order
    (HogFunctionSerializer, no pagination). Each changed one logs a "priority" change."""
    orders = request.data().get("orders") or {}
    if not orders or not isinstance(orders, dict):
        raise refused("No orders provided")
    functions = {
        f["id"]: f
        for f in request.store.all(KIND, parent=team)
        if f["id"] in orders and f["type"] in EXECUTION_ORDER_TYPES and not f.get("deleted")
    }
    missing = [id for id in orders if id not in functions]
    if missing:
        raise refused(f"HogFunction with id {missing[0]} does not exist")
    kinds = {f["type"] for f in functions.values()}
    if len(kinds) > 1:
        raise refused("Cannot rearrange functions of different types in one request")
    for id, function in functions.items():
        new_order = orders[id]
        if not isinstance(new_order, int) or isinstance(new_order, bool):
            raise invalid(f"orders__{id}", "A valid integer is required.")
        if function.get("execution_order") != new_order:
            change = {
                "type": "HogFunction",
                "action": "changed",
                "field": "priority",
                "before": str(function.get("execution_order")),
                "after": str(new_order),
            }
            updated = {**function, "execution_order": new_order, "updated_at": now_iso()}
            request.store.update(KIND, id, updated)
            ACTIVITY(request, team, updated, "updated", [change])
    kind = kinds.pop()
    line = [f for f in request.store.all(KIND, parent=team) if f["type"] == kind and not f.get("deleted")]
    return sorted(
        (function_view(f) for f in line), key=lambda f: (f["execution_order"] is None, f["execution_order"] or 0)
    )


@both("GET", "/{id}/", "hog_function:read")
def hog_function_get(request: Request, team: int, id: str):
    return function_view(function_of(request, team, id))


def _update(request: Request, team: int, id: str) -> dict:
    """perform_update and HogFunctionSerializer.update."""
    data = request.data()
    function = function_of(
        request, team, id, include_deleted=request.method == "PATCH" and data.get("deleted") is False
    )
    values = validated(request, data, team=team, instance=function)
    after = {**function, **values, "updated_at": now_iso()}
    kind = function["type"]
    restored = function.get("deleted") and values.get("deleted") is False
    enabled_now = not function["enabled"] and values.get("enabled") is True and "execution_order" not in values
    if kind in EXECUTION_ORDER_TYPES and (restored or enabled_now):
        after["execution_order"] = highest_order(request.store, team, kind) + 1
    if after["enabled"] and status_of(after)["state"] == DISABLED:
        after["status"] = {"state": DEGRADED, "tokens": (after.get("status") or {}).get("tokens", 0)}
    request.store.update(KIND, id, after)
    before_view, after_view = function_view(function), function_view(after)
    changes = context.changes_between(before_view, after_view, kind="HogFunction", secret_fields={"inputs"})
    if changes or after.get("deleted") != function.get("deleted"):
        activity = "deleted" if after.get("deleted") and not function.get("deleted") else "updated"
        ACTIVITY(request, team, after, activity, changes)
    return after_view


@both("PATCH", "/{id}/", "hog_function:write")
def hog_function_patch(request: Request, team: int, id: str):
    return _update(request, team, id)


@both("PUT", "/{id}/", "hog_function:write")
def hog_function_put(request: Request, team: int, id: str):
    return _update(request, team, id)


@both("DELETE", "/{id}/", "hog_function:write")
def hog_function_delete(request: Request, team: int, id: str):
    """posthog/api/forbid_destroy_model.py: 405 without a body, before any lookup; PATCH `deleted: true` instead."""
    raise method_not_allowed("DELETE", empty_body=True)
