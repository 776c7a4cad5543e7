"""How well the project's hog functions run: their app metrics over 24 hours (the list's figures) and over a range
(a function's chart).

posthog/api/app_metrics2.py serves `metrics` and `metrics/totals` per function only (AppMetricsMixin's actions are
detail routes; PostHog's team-wide grouping, fetch_app_metric_totals_by_source, has no hog function endpoint). So
the list asks about at most MAX_MEASURED functions, one request each, the likeliest to need attention first; the
rest are shown as not measured, never as a figure. Metrics count runs by name: succeeded, failed, filtered, and
the other kinds of failure (disabled_temporarily, inputs_failed, …), which count as failures here.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.utils import timezone

from apps.connections.cached import cached_kept, cached_read
from apps.connections.context import PostHogContext
from apps.core.outcome import Outcome
from apps.core.parallel import attempt_all
from apps.hog_functions.paths import hog_functions_path
from apps.hog_functions.selectors.functions import HogFunction, json_object

MAX_MEASURED = 20
TOTALS = "hog_function_totals"  # the name of the kept totals (apps.connections.cached)
# nodejs/src/cdp/types.ts metric names of kind "failure".
FAILURE_NAMES = frozenset(
    {
        "failed",
        "disabled_temporarily",
        "disabled_permanently",
        "inputs_failed",
        "rate_limited",
        "filtering_failed",
        "trigger_failed",
        "missing_addon",
    }
)
FILTERED_NAMES = frozenset({"filtered", "dropped", "masked"})
# The chart's ranges: (after, interval).
RANGES = {"24h": ("-24h", "hour"), "7d": ("-7d", "day"), "30d": ("-30d", "day")}
# How far back each `after` the portal sends reaches from the moment PostHog is asked.
RELATIVE_SPANS = {"-24h": timedelta(hours=24), "-7d": timedelta(days=7), "-30d": timedelta(days=30)}


@dataclass(frozen=True)
class Totals:
    succeeded: int
    failed: int
    filtered: int
    # The window PostHog totalled, as asked (`after` back from the moment of reading, to that moment): the page says
    # it, so these figures are never mistaken for the chart's, which counts whole hours from its first label.
    since: datetime | None = field(default=None, compare=False)
    until: datetime | None = field(default=None, compare=False)

    @property
    def runs(self) -> int:
        return self.succeeded + self.failed

    @property
    def success_rate(self) -> float | None:
        """Succeeded out of the runs that succeeded or failed; None when none ran (no runs is not a rate)."""
        return self.succeeded / self.runs if self.runs else None


@dataclass(frozen=True)
class MetricSeries:
    """Runs per label (an hour, or a day as PostHog labels it), by outcome."""

    labels: list[str]
    succeeded: list[int]
    failed: list[int]
    filtered: list[int]
    interval: str

    @property
    def totals(self) -> Totals:
        return Totals(sum(self.succeeded), sum(self.failed), sum(self.filtered))


def hog_function_totals(*, context: PostHogContext, function_id: str, after: str = "-24h") -> Totals:
    """Runs since `after`, kept briefly (POSTHOG_READ_CACHE_SECONDS): a day's figures move little between two
    views, and the list asks about up to MAX_MEASURED functions, one request each, on every view otherwise."""

    def read() -> Totals:
        until = timezone.now()
        answer = context.client.get(
            hog_functions_path(context.project_id, function_id, "metrics", "totals"),
            params={"after": after, "breakdown_by": "name"},
        )
        span = RELATIVE_SPANS.get(after)
        totals = totals_from(json_object(json_object(answer).get("totals")))
        return replace(totals, since=until - span if span else None, until=until)

    return cached_read(context=context, name=TOTALS, read=read, parts=(function_id, after))


def hog_function_health(
    *,
    context: PostHogContext,
    functions: list[HogFunction],
    budget: int = MAX_MEASURED,
    known: dict[str, Outcome[Totals]] | None = None,
) -> dict[str, Outcome[Totals]]:
    """24-hour totals of at most `budget` functions (one request each): those PostHog runs, enabled ones first and
    those PostHog already calls degraded first of all. A function missing from the answer was not asked about.
    `known`: totals already read (beside the list, `hog_function_totals_of`), not asked for again."""
    measured = hog_functions_measured(functions=functions, budget=budget)
    known = known or {}
    missing = [function.id for function in measured if function.id not in known]
    fresh = hog_function_totals_of(context=context, function_ids=missing)
    return {function.id: known.get(function.id) or fresh[function.id] for function in measured}


def hog_function_totals_of(*, context: PostHogContext, function_ids: list[str]) -> dict[str, Outcome[Totals]]:
    """These functions' 24-hour totals, side by side, so the page waits for the slowest rather than for all in
    turn; given their ids, the list's figures part reads them beside the list itself."""
    totals = attempt_all([partial(hog_function_totals, context=context, function_id=i) for i in function_ids])
    return dict(zip(function_ids, totals, strict=True))


def hog_function_health_kept(
    *, context: PostHogContext, functions: list[HogFunction], budget: int = MAX_MEASURED
) -> dict[str, Outcome[Totals]] | None:
    """`hog_function_health` without asking PostHog: the kept totals of every function it would ask about, or None
    when any of them is not kept (the list then shows without figures and fetches them after the page)."""
    health: dict[str, Outcome[Totals]] = {}
    for function in hog_functions_measured(functions=functions, budget=budget):
        kept, totals = cached_kept(context=context, name=TOTALS, parts=(function.id, "-24h"))
        if not kept or not isinstance(totals, Totals):
            return None
        health[function.id] = Outcome(value=totals)
    return health


def hog_functions_measured(*, functions: list[HogFunction], budget: int = MAX_MEASURED) -> list[HogFunction]:
    """The functions the list asks about, in the order it asks: enabled first, troubled first of all."""
    candidates = sorted(
        (function for function in functions if function.measured),
        key=lambda function: (not function.enabled, not (function.degraded or function.stopped_by_posthog)),
    )
    return candidates[:budget]


def hog_function_metrics(*, context: PostHogContext, function_id: str, range_key: str = "24h") -> MetricSeries:
    after, interval = RANGES.get(range_key, RANGES["24h"])
    answer = context.client.get(
        hog_functions_path(context.project_id, function_id, "metrics"),
        params={"after": after, "interval": interval, "breakdown_by": "name"},
    )
    data = json_object(answer)
    labels = [str(label) for label in data.get("labels") or []]
    sums = {"succeeded": [0] * len(labels), "failed": [0] * len(labels), "filtered": [0] * len(labels)}
    for series in data.get("series") or []:
        if not isinstance(series, dict):
            continue
        outcome = _outcome(str(series.get("name") or ""))
        if outcome is None:
            continue
        for index, value in enumerate((series.get("values") or [])[: len(labels)]):
            sums[outcome][index] += _count(value)
    return MetricSeries(labels=labels, interval=interval, **sums)


def totals_from(totals: dict[str, Any]) -> Totals:
    counts = {"succeeded": 0, "failed": 0, "filtered": 0}
    for name, value in totals.items():
        if (outcome := _outcome(str(name))) is not None:
            counts[outcome] += _count(value)
    return Totals(succeeded=counts["succeeded"], failed=counts["failed"], filtered=counts["filtered"])


def _outcome(name: str) -> str | None:
    if name == "succeeded":
        return "succeeded"
    if name in FAILURE_NAMES:
        return "failed"
    if name in FILTERED_NAMES:
        return "filtered"
    return None  # fetches, billing and the like count requests, not runs


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
