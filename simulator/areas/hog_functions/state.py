"""Hog functions in the store, their answers in PostHog's shapes, and `State`, the area's API for tests.

products/cdp/backend/api/hog_function.py: HogFunctionMinimalSerializer (list) and HogFunctionSerializer (retrieve,
writes, and the answer of a plugin config's `migrate`). Not shown: `bytecode` and `transpiled`, nor the inputs'
derived `bytecode` and `order` (the simulator compiles no Hog), `deleted` (write-only on PostHog). Secret inputs answer `{"secret": true}`, as PostHog answers them.

A stored function holds the public fields plus internal ones: `_template` (the template it was made from),
`_health` (healthy/degraded/failing: how the living data treats it) and `_failure` (a failure a test switched on:
every run fails with it until `recover`).
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from simulator.areas.hog_functions import records
from simulator.areas.hog_functions.templates import template as template_named
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
# hog_function.py TYPES_WITH_EXECUTION_ORDER: these run one after the other during ingestion.
EXECUTION_ORDER_TYPES = ("transformation", "transformation_log")
# HogFunctionState: UNKNOWN 0, HEALTHY 1, DEGRADED 2, DISABLED 3 (by the HogWatcher, for a while).
UNKNOWN, HEALTHY, DEGRADED, DISABLED = 0, 1, 2, 3
# hog_function.py DEFAULT_STATE: what `status` answers for a disabled function (the watcher is not asked).
DEFAULT_STATE = {"state": UNKNOWN, "tokens": 0}
FULL_TOKENS = 10000
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


def secret_keys_of(function: dict) -> set[str]:
    return {item["key"] for item in function.get("inputs_schema") or [] if item.get("secret")}


def status_of(function: dict) -> dict:
    """HogFunction.status: DEFAULT_STATE while disabled, else what the HogWatcher holds."""
    if not function.get("enabled"):
        return dict(DEFAULT_STATE)
    return dict(function.get("status") or {"state": HEALTHY, "tokens": FULL_TOKENS})


def function_view(function: dict, *, full: bool = True) -> dict:
    """HogFunctionSerializer.to_representation: a secret input that holds a value answers {"secret": true}."""
    secrets = secret_keys_of(function)
    answer = dict(function)
    answer["inputs"] = {
        key: {"secret": True} if key in secrets and value.get("value") not in (None, "") else value
        for key, value in (function.get("inputs") or {}).items()
    }
    answer["template"] = template_view(function.get("_template"))
    answer["status"] = status_of(function)
    return {name: answer.get(name) for name in (FULL_FIELDS if full else MINIMAL_FIELDS)}


def ordered(functions: list[dict]) -> list[dict]:
    """The list's order_by("execution_order", "-updated_at"): nulls last, as PostgreSQL sorts them ascending."""
    newest_first = sorted(functions, key=lambda f: f.get("updated_at") or "", reverse=True)
    return sorted(newest_first, key=lambda f: (f.get("execution_order") is None, f.get("execution_order") or 0))


def highest_order(store: Store, team_id: int, kind: str) -> int:
    """HogFunctionSerializer._get_highest_execution_order: among the team's functions of that type, not deleted."""
    orders = [
        f.get("execution_order") or 0
        for f in store.all(KIND, parent=team_id)
        if f["type"] == kind and not f.get("deleted")
    ]
    return max(orders, default=0)


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
    hog: str | None = None,
    health: str = "healthy",
) -> dict:
    """A new hog function, its fields defaulting to the template's (HogFunctionSerializer.to_internal_value on
    create); `inputs` are plain values, stored as PostHog stores them ({key: {"value": ...}}). A transformation
    without an execution order joins the end of the line (HogFunctionSerializer.create)."""
    template = template or {}
    kind = type or template.get("type") or "destination"
    if kind in EXECUTION_ORDER_TYPES and execution_order is None:
        execution_order = highest_order(store, team_id, kind) + 1
    stamp = created_at or now_iso()
    function = {
        "id": str(uuid.uuid4()),
        "team_id": team_id,
        "type": kind,
        "name": name or template.get("name"),
        "description": description or template.get("description") or "",
        "created_at": stamp,
        "created_by": created_by,
        "updated_at": stamp,
        "enabled": enabled,
        "deleted": deleted,
        "hog": hog if hog is not None else template.get("code") or "",
        "inputs_schema": inputs_schema if inputs_schema is not None else list(template.get("inputs_schema") or []),
        "inputs": {key: {"value": value} for key, value in (inputs or {}).items()},
        "filters": filters if filters is not None else dict(template.get("filters") or {}),
        "masking": None,
        "mappings": None,
        "icon_url": template.get("icon_url"),
        "template_id": template.get("id"),
        "_template": template or None,
        "status": status or {"state": HEALTHY, "tokens": FULL_TOKENS},
        "execution_order": execution_order,
        "_health": health,
        "_failure": None,
    }
    return store.insert(KIND, function, parent=team_id, id=function["id"])


class State(AreaState):
    """Hog functions as tests and benches see and arrange them: stored documents (with `team_id`, `deleted`,
    `template_id` and the internal `_health`/`_failure`), their logs and their metrics."""

    def all(self, project_id: int = 1, *, deleted: bool = False) -> list[dict]:
        """The project's hog functions in the list's order; deleted ones only when asked for."""
        functions = [f for f in self._store.all(KIND, parent=project_id) if deleted or not f.get("deleted")]
        return ordered(functions)

    def get(self, id: str) -> dict | None:
        """One stored hog function (deleted ones too), or None."""
        return self._store.get(KIND, id)

    def by_name(self, name: str, project_id: int = 1) -> dict | None:
        """The project's first function (not deleted) with this name, or None."""
        return next((f for f in self.all(project_id) if f["name"] == name), None)

    def view(self, id: str, *, full: bool = True) -> dict | None:
        """The hog function as the API answers it (HogFunctionSerializer, or the minimal list shape)."""
        found = self.get(id)
        return function_view(found, full=full) if found else None

    def add(
        self,
        template_id: str,
        *,
        project_id: int = 1,
        name: str | None = None,
        inputs: dict[str, Any] | None = None,
        enabled: bool = True,
        filters: dict | None = None,
        **fields: Any,
    ) -> dict:
        """A function made from one of the simulator's templates, as PostHog's create stores it."""
        found = template_named(template_id)
        if found is None:
            raise KeyError(f"no hog function template {template_id}")
        return create_function(
            self._store,
            team_id=project_id,
            template=found,
            created_by=None,
            name=name,
            inputs=inputs,
            enabled=enabled,
            filters=filters,
            **fields,
        )

    def update(self, id: str, **changes: Any) -> dict:
        """Changes stored fields (`health` names the internal `_health`)."""
        function = self._require(id)
        changes = {("_health" if name == "health" else name): value for name, value in changes.items()}
        return self._store.update(KIND, id, {**function, **changes})

    def set_status(self, id: str, state: int, tokens: int | None = None) -> dict:
        """What PostHog's HogWatcher holds for the function: HEALTHY 1, DEGRADED 2, DISABLED 3."""
        tokens = tokens if tokens is not None else {HEALTHY: FULL_TOKENS, DEGRADED: 1500, DISABLED: 0}.get(state, 0)
        return self.update(id, status={"state": state, "tokens": tokens})

    def fail(self, id: str, *, status: int = 503, reason: str = "Service Unavailable") -> dict:
        """Every run of the function fails from now on (its destination answers `status`), in the living data and
        in test invocations without mocks, and the watcher degrades it, until `recover`."""
        self.update(id, _failure={"status": status, "reason": reason}, _health="failing")
        return self.set_status(id, DEGRADED)

    def recover(self, id: str) -> dict:
        self.update(id, _failure=None, _health="healthy")
        return self.set_status(id, HEALTHY)

    def activity(self, id: str) -> list[dict]:
        """PostHog's activity entries of the function (scope HogFunction), newest first."""
        return self._store.activity_list(scope="HogFunction", parent=self._require(id)["team_id"], item_id=id)

    # Logs and metrics -------------------------------------------------------------------------------------

    def logs(self, id: str) -> list[dict]:
        """The function's log entries, newest first (PostHog's LogEntry shape)."""
        return records.logs_of(self._store, id)

    def logs_add(self, id: str, entries: list[tuple[datetime | str, str, str]], *, instance_id: str = "") -> list[dict]:
        """Log entries (moment, level, message) of the function; answers them in PostHog's shape."""
        function = self._require(id)
        made = [
            records.log_entry(
                id, _moment(moment), level, message, instance_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{id}{n}"))
            )
            for n, (moment, level, message) in enumerate(entries)
        ]
        with self._store.transaction():
            records.logs_add(self._store, function, made)
        return made

    def metrics(self, id: str) -> dict[str, dict[str, int]]:
        """{hour "YYYY-MM-DDTHH": {metric name: count}} of the function."""
        return records.hours_of(self._store, id)

    def metrics_add(self, id: str, at: datetime | str, **counts: int) -> None:
        """Counts (succeeded=…, failed=…, filtered=…) in the hour of `at`."""
        function = self._require(id)
        with self._store.transaction():
            records.metrics_add(self._store, function, _moment(at), counts)

    def metrics_clear(self, id: str) -> None:
        """No metrics at all for the function, as for one that never ran."""
        self._require(id)
        if self._store.get(records.METRICS_KIND, id) is not None:
            self._store.delete(records.METRICS_KIND, id)

    def _require(self, id: str) -> dict:
        function = self.get(id)
        if function is None:
            raise KeyError(f"no hog function {id}")
        return function


def _moment(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
