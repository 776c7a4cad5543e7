"""Hog functions in the store, their answers in PostHog's shapes, and `State`, the area's API for tests.

products/cdp/backend/api/hog_function.py: HogFunctionMinimalSerializer (list) and HogFunctionSerializer (retrieve,
and the answer of a plugin config's `migrate`). Not shown: `bytecode` and `transpiled` (the simulator compiles no
Hog), `deleted` (write-only on PostHog). Secret inputs answer `{"secret": true}`, as PostHog answers them.
"""

import uuid
from typing import Any

from simulator.areas.hog_functions.templates import template_view
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso

KIND = "hog_function"
TYPES = (
    "destination",
    "site_destination",
    "internal_destination",
    "source_webhook",
    "site_app",
    "transformation",
)
# products/cdp/backend/models/hog_functions/hog_function.py HogFunctionState; DEFAULT_STATE for a new function.
HEALTHY = {"state": 1, "tokens": 10000}
UNKNOWN = {"state": 0, "tokens": 0}
# HogFunctionMinimalSerializer (the list).
MINIMAL_FIELDS = (
    "id",
    "type",
    "name",
    "description",
    "created_at",
    "created_by",
    "updated_at",
    "enabled",
    "hog",
    "filters",
    "icon_url",
    "template",
    "status",
    "execution_order",
)
# HogFunctionSerializer: the minimal fields, and the function's inputs, masking and mappings.
FULL_FIELDS = (*MINIMAL_FIELDS, "inputs_schema", "inputs", "masking", "mappings")


def function_view(function: dict, *, full: bool = True) -> dict:
    secret_keys = {item["key"] for item in function.get("inputs_schema") or [] if item.get("secret")}
    answer = dict(function)
    answer["inputs"] = {
        key: {"secret": True} if key in secret_keys and value.get("value") not in (None, "") else value
        for key, value in (function.get("inputs") or {}).items()
    }
    answer["template"] = template_view(function.get("_template"))
    return {name: answer.get(name) for name in (FULL_FIELDS if full else MINIMAL_FIELDS)}


def ordered(functions: list[dict]) -> list[dict]:
    """The list's order_by("execution_order", "-updated_at"): nulls last, as PostgreSQL sorts them ascending."""
    newest_first = sorted(functions, key=lambda f: f.get("updated_at") or "", reverse=True)
    return sorted(newest_first, key=lambda f: (f.get("execution_order") is None, f.get("execution_order") or 0))


def create_function(
    store: Store,
    *,
    team_id: int,
    template: dict | None,
    created_by: dict | None,
    name: str | None = None,
    description: str | None = None,
    type: str | None = None,
    inputs: dict[str, Any] | None = None,
    inputs_schema: list[dict] | None = None,
    enabled: bool = False,
    execution_order: int | None = None,
    filters: dict | None = None,
    deleted: bool = False,
    created_at: str | None = None,
    status: dict | None = None,
) -> dict:
    """A new hog function, its fields defaulting to the template's (HogFunctionSerializer.to_internal_value on
    create); `inputs` are plain values, stored as PostHog stores them ({key: {"value": ...}})."""
    template = template or {}
    stamp = created_at or now_iso()
    function = {
        "id": str(uuid.uuid4()),
        "team_id": team_id,
        "type": type or template.get("type") or "destination",
        "name": name or template.get("name"),
        "description": description or template.get("description") or "",
        "created_at": stamp,
        "created_by": created_by,
        "updated_at": stamp,
        "enabled": enabled,
        "deleted": deleted,
        "hog": template.get("code") or "",
        "inputs_schema": inputs_schema if inputs_schema is not None else list(template.get("inputs_schema") or []),
        "inputs": {key: {"value": value} for key, value in (inputs or {}).items()},
        "filters": filters if filters is not None else dict(template.get("filters") or {}),
        "masking": None,
        "mappings": None,
        "icon_url": template.get("icon_url"),
        "template_id": template.get("id"),
        "_template": template or None,
        "status": status or (HEALTHY if enabled else UNKNOWN),
        "execution_order": execution_order,
    }
    return store.insert(KIND, function, parent=team_id, id=function["id"])


class State(AreaState):
    """Hog functions as tests and benches see them: stored documents (with `team_id`, `deleted`, `template_id`)."""

    def all(self, project_id: int = 1, *, deleted: bool = False) -> list[dict]:
        """The project's hog functions in the list's order; deleted ones only when asked for."""
        functions = [f for f in self._store.all(KIND, parent=project_id) if deleted or not f.get("deleted")]
        return ordered(functions)

    def get(self, id: str) -> dict | None:
        """One stored hog function (deleted ones too), or None."""
        return self._store.get(KIND, id)

    def view(self, id: str, *, full: bool = True) -> dict | None:
        """The hog function as the API answers it (HogFunctionSerializer, or the minimal list shape)."""
        found = self.get(id)
        return function_view(found, full=full) if found else None
