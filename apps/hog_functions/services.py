"""Writes to the project's hog functions, through the connection's client (which audits each in the signed-in
person's name, secret inputs masked whatever their names). Each answers the function as PostHog kept it.

products/cdp/backend/api/hog_function.py: every change is a PATCH, deleting too (`deleted: true`; DELETE answers
405), and undoing a delete (`deleted: false`, the one PATCH PostHog lets find a deleted function); the order of
transformations is PATCHed at `rearrange`; a test run is a POST of `invocations`.
"""

from collections.abc import Callable
from typing import Any

from apps.connections.context import PostHogContext
from apps.hog_functions.paths import hog_functions_path
from apps.hog_functions.selectors import HogFunction, TestRun, function_from, test_run_from
from apps.hog_functions.selectors.functions import json_object
from apps.posthog.errors import Unkept


def hog_function_update(*, context: PostHogContext, function: HogFunction, data: dict[str, Any]) -> HogFunction:
    """A change of inputs, filters or both. PostHog keeps only the inputs sent (all of them go, secrets left empty
    as {"secret": true}); an answer holding other values raises ChangeNotKept, so nothing calls it saved."""
    answer = context.client.patch(
        hog_functions_path(context.project_id, function.id),
        json=data,
        capture_before=True,
        secret_keys=function.secret_keys,
        verify=changes_unkept(data, secret_keys=function.secret_keys),
    )
    return function_from(answer)


def hog_function_enabled_set(*, context: PostHogContext, function_id: str, enabled: bool) -> HogFunction:
    return _patch(context, function_id, {"enabled": enabled})


def hog_function_rename(*, context: PostHogContext, function_id: str, name: str) -> HogFunction:
    return _patch(context, function_id, {"name": name})


def hog_function_delete(*, context: PostHogContext, function_id: str) -> HogFunction:
    """A soft delete, as PostHog's own app does it: its API answers DELETE with 405."""
    return _patch(context, function_id, {"deleted": True}, check=False)


def hog_function_restore(*, context: PostHogContext, function_id: str) -> HogFunction:
    """Undoes a delete. No before-state to capture: PostHog answers a GET of a deleted function with 404."""
    answer = context.client.patch(hog_functions_path(context.project_id, function_id), json={"deleted": False})
    return function_from(answer)


def hog_function_rearrange(*, context: PostHogContext, orders: dict[str, int]) -> list[HogFunction]:
    """{function id: execution order} of functions of one type; answers that type's functions in their new order."""
    answer = context.client.patch(hog_functions_path(context.project_id, "rearrange"), json={"orders": orders})
    return [function_from(item) for item in answer if isinstance(item, dict)] if isinstance(answer, list) else []


def hog_function_test_run(
    *, context: PostHogContext, function_id: str, globals_: dict[str, Any], mock_async_functions: bool = True
) -> TestRun:
    """Runs the function as saved (an empty `configuration`: PostHog fills in the stored one, secrets included) on
    the sample globals (`event`, `person`); with `fetch` mocked, a destination sends nothing anywhere."""
    answer = context.client.post(
        hog_functions_path(context.project_id, function_id, "invocations"),
        json={"configuration": {}, "globals": globals_, "mock_async_functions": mock_async_functions},
    )
    return test_run_from(answer)


def _patch(context: PostHogContext, function_id: str, data: dict[str, Any], *, check: bool = True) -> HogFunction:
    answer = context.client.patch(
        hog_functions_path(context.project_id, function_id),
        json=data,
        capture_before=True,
        verify=changes_unkept(data) if check else None,
    )
    return function_from(answer)


def changes_unkept(sent: dict[str, Any], *, secret_keys: frozenset[str] = frozenset()) -> Callable[[Any], list[Unkept]]:
    """A check of PostHog's answer to a PATCH: each plain field, input (secrets aside: PostHog never answers them)
    and filter part sent that the answer holds otherwise."""

    def unkept(answer: Any) -> list[Unkept]:
        if not isinstance(answer, dict):
            return []
        found = [
            Unkept(name, sent[name], answer.get(name))
            for name in ("name", "enabled")
            if name in sent and answer.get(name) != sent[name]
        ]
        kept_inputs = json_object(answer.get("inputs"))
        for key, value in (sent.get("inputs") or {}).items():
            if key in secret_keys or not isinstance(value, dict) or "value" not in value:
                continue
            kept_value = json_object(kept_inputs.get(key)).get("value")
            if kept_value != value["value"]:
                found.append(Unkept(f"inputs.{key}", value["value"], kept_value))
        kept_filters = json_object(answer.get("filters"))
        for name, value in (sent.get("filters") or {}).items():
            if name in ("events", "properties", "filter_test_accounts") and kept_filters.get(name) != value:
                found.append(Unkept(f"filters.{name}", value, kept_filters.get(name)))
        return found

    return unkept


UNDO_KINDS = frozenset({"enabled", "order", "deleted"})


def hog_function_undo(*, context: PostHogContext, kind: str, state: dict[str, Any]) -> HogFunction | None:
    """Writes back what a one-click change replaced (apps/core/undo.py), as a write of its own: `enabled`
    {function_id, enabled}, `order` {orders: {id: execution order}} (the orders PostHog held), `deleted`
    {function_id} (PATCH `deleted: false`). Answers the function where there is one."""
    if kind == "enabled":
        return hog_function_enabled_set(
            context=context, function_id=str(state["function_id"]), enabled=bool(state["enabled"])
        )
    if kind == "order":
        hog_function_rearrange(context=context, orders={str(k): int(v) for k, v in state["orders"].items()})
        return None
    if kind == "deleted":
        return hog_function_restore(context=context, function_id=str(state["function_id"]))
    raise ValueError(f"No undo for {kind!r}")
