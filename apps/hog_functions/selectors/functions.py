"""Reads of the project's hog functions: the list and one function, as dataclasses; PostHog's JSON is read here.

products/cdp/backend/api/hog_function.py: the list answers the minimal shape (no inputs), one function the whole
one, its secret inputs as {"secret": true} (PostHog never sends their values).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apps.connections.context import PostHogContext
from apps.hog_functions.paths import hog_functions_path
from apps.posthog.errors import EndpointNotFound, NotFound
from apps.posthog.values import moment, person_name

# One request for a project's functions: PostHog's page is 100 otherwise.
LIST_PAGE_SIZE = 200
MAX_FUNCTIONS = 600
# products/cdp/backend/models/hog_functions/hog_function.py HogFunctionState.
HEALTHY, DEGRADED, DISABLED = 1, 2, 3
FORCEFULLY_DEGRADED, FORCEFULLY_DISABLED = 11, 12
# The types that run one after the other during ingestion, in `execution_order` (TYPES_WITH_EXECUTION_ORDER).
ORDERED_TYPES = ("transformation", "transformation_log")
# The types PostHog's CDP workers run (and count runs of): site apps and site destinations run in browsers.
MEASURED_TYPES = ("destination", "internal_destination", "transformation", "transformation_log")


@dataclass(frozen=True)
class InputSpec:
    """One input of a function's `inputs_schema`."""

    key: str
    label: str
    type: str
    required: bool
    secret: bool
    description: str
    default: Any
    choices: tuple[tuple[str, str], ...]  # (value, label)
    hidden: bool


@dataclass(frozen=True)
class HogFunction:
    id: str
    type: str
    name: str
    description: str
    enabled: bool
    state: int | None  # what PostHog's HogWatcher holds (None: not said)
    execution_order: int | None
    template_id: str
    template_name: str
    icon_url: str
    code_language: str
    created_at: datetime | None
    created_by: str
    updated_at: datetime | None
    hog: str
    filters: dict[str, Any]
    inputs_schema: tuple[InputSpec, ...] = ()
    # Plain values by key; a secret input that holds a value is in `secrets_set` instead, never here.
    inputs: dict[str, Any] = field(default_factory=dict)
    secrets_set: frozenset[str] = frozenset()
    mappings: list[Any] | None = None
    masking: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return self.name or self.template_name or f"Hog function {self.id[:8]}"

    @property
    def degraded(self) -> bool:
        return self.enabled and self.state in (DEGRADED, FORCEFULLY_DEGRADED)

    @property
    def stopped_by_posthog(self) -> bool:
        """Enabled, yet PostHog's watcher stopped running it (too many failures)."""
        return self.enabled and self.state in (DISABLED, FORCEFULLY_DISABLED)

    @property
    def ordered(self) -> bool:
        return self.type in ORDERED_TYPES

    @property
    def measured(self) -> bool:
        return self.type in MEASURED_TYPES

    @property
    def secret_keys(self) -> frozenset[str]:
        return frozenset(spec.key for spec in self.inputs_schema if spec.secret)


def hog_function_list(*, context: PostHogContext) -> list[HogFunction]:
    """The project's functions (deleted ones PostHog hides), in PostHog's order: execution order, then newest."""
    answers = context.client.paginate(
        hog_functions_path(context.project_id), params={"limit": LIST_PAGE_SIZE}, max_items=MAX_FUNCTIONS
    )
    return [function_from(answer) for answer in answers if isinstance(answer, dict)]


def hog_function_get(*, context: PostHogContext, function_id: str) -> HogFunction | None:
    """One function, whole; None when PostHog has none by that id (or it is deleted)."""
    try:
        answer = context.client.get(hog_functions_path(context.project_id, function_id))
    except EndpointNotFound:
        raise  # a PostHog without hog functions is not a missing function: the page says so
    except NotFound:
        return None
    return function_from(answer)


def function_from(answer: Any) -> HogFunction:
    """A function from PostHog's answer (either shape)."""
    data = json_object(answer)
    template, status = json_object(data.get("template")), json_object(data.get("status"))
    state = status.get("state")
    schema = tuple(spec for item in data.get("inputs_schema") or [] if (spec := _spec(item)) is not None)
    secret_keys = {spec.key for spec in schema if spec.secret}
    values: dict[str, Any] = {}
    secrets_set: set[str] = set()
    for key, value in json_object(data.get("inputs")).items():
        if not isinstance(value, dict):
            continue
        if value.get("secret") is True or key in secret_keys:
            if value.get("secret") is True or value.get("value") not in (None, ""):
                secrets_set.add(str(key))
            continue
        if "value" in value:
            values[str(key)] = value["value"]
    order = data.get("execution_order")
    return HogFunction(
        id=str(data.get("id") or ""),
        type=str(data.get("type") or "destination"),
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        enabled=data.get("enabled") is True,
        state=state if isinstance(state, int) and not isinstance(state, bool) else None,
        execution_order=order if isinstance(order, int) and not isinstance(order, bool) else None,
        template_id=str(template.get("id") or ""),
        template_name=str(template.get("name") or ""),
        icon_url=str(data.get("icon_url") or template.get("icon_url") or ""),
        code_language=str(template.get("code_language") or ("javascript" if _runs_in_browser(data) else "hog")),
        created_at=moment(data.get("created_at")),
        created_by=person_name(data.get("created_by")),
        updated_at=moment(data.get("updated_at")),
        hog=str(data.get("hog") or ""),
        filters=dict(json_object(data.get("filters"))),
        inputs_schema=schema,
        inputs=values,
        secrets_set=frozenset(secrets_set),
        mappings=data["mappings"] if isinstance(data.get("mappings"), list) else None,
        masking=data["masking"] if isinstance(data.get("masking"), dict) else None,
    )


def json_object(value: Any) -> dict[str, Any]:
    """A JSON object PostHog sent, or {} where it sent something else (null, a list, text)."""
    return value if isinstance(value, dict) else {}


def _spec(item: Any) -> InputSpec | None:
    if not isinstance(item, dict) or not item.get("key"):
        return None
    choices = tuple(
        (str(choice.get("value")), str(choice.get("label") or choice.get("value")))
        for choice in item.get("choices") or []
        if isinstance(choice, dict) and "value" in choice
    )
    return InputSpec(
        key=str(item["key"]),
        label=str(item.get("label") or item["key"]),
        type=str(item.get("type") or "string"),
        required=item.get("required") is True,
        secret=item.get("secret") is True,
        description=str(item.get("description") or ""),
        default=item.get("default"),
        choices=choices,
        hidden=item.get("hidden") is True,
    )


def _runs_in_browser(data: dict[str, Any]) -> bool:
    return str(data.get("type") or "").startswith("site_")
