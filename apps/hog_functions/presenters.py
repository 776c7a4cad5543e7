"""What the hog function pages show that is neither a read nor a write: sections and rows of the list (worst first),
status and filters in words, inputs as rows, the code highlighted, the runs chart, log rows."""

import json
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavascriptLexer, TypeScriptLexer

from apps.core.log_text import LogText
from apps.core.outcome import Outcome
from apps.hog_functions.selectors import LEVELS, HogFunction, LogEntry, MetricSeries, Totals

TYPE_LABELS = {
    "destination": "Destinations",
    "transformation": "Transformations",
    "transformation_log": "Log transformations",
    "internal_destination": "Internal destinations",
    "site_destination": "Site destinations",
    "site_app": "Site apps",
    "source_webhook": "Source webhooks",
}
TYPE_ORDER = list(TYPE_LABELS)
TYPE_NAMES = {
    "destination": "Destination",
    "transformation": "Transformation",
    "transformation_log": "Log transformation",
    "internal_destination": "Internal destination",
    "site_destination": "Site destination",
    "site_app": "Site app",
    "source_webhook": "Source webhook",
}
SOURCES = {"person-updates": "Person updates", "data-warehouse-table": "Rows of a warehouse table"}
# Hog reads like JavaScript (pygments has no Hog lexer); site apps are JavaScript or TypeScript.
LEXERS = {"typescript": TypeScriptLexer}
FORMATTER = HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True)


@dataclass(frozen=True)
class Status:
    label: str
    level: str  # a CSS modifier: on, off, warn, bad
    title: str


@dataclass(frozen=True)
class Row:
    function: HogFunction
    status: Status
    filters: list[str]
    totals: Outcome[Totals] | None  # None: not asked about (over the page's budget, or PostHog counts nothing)
    unmeasured: str  # why there is no figure, when there is none

    @property
    def rate(self) -> str:
        return rate_label(self.totals.value.success_rate) if self.totals and self.totals.value else ""

    @property
    def rate_level(self) -> str:
        return rate_level(self.totals.value) if self.totals and self.totals.value else "none"


@dataclass(frozen=True)
class Section:
    type: str
    label: str
    rows: list[Row]

    @property
    def ordered(self) -> bool:
        """Transformations run one after the other: their section shows (and changes) that order."""
        return self.type in ("transformation", "transformation_log")


@dataclass(frozen=True)
class InputRow:
    key: str
    label: str
    kind: str  # value, secret, empty, fixed (set in PostHog's app)
    value: str
    description: str


def status(function: HogFunction) -> Status:
    if not function.enabled:
        return Status("Disabled", "off", "Not running: PostHog skips it.")
    if function.stopped_by_posthog:
        return Status("Stopped by PostHog", "bad", "Enabled, but PostHog stopped running it after too many failures.")
    if function.degraded:
        return Status("Degraded", "warn", "PostHog runs it with lower priority: many of its runs fail.")
    return Status("Enabled", "on", "Running on every event its filters take.")


def type_name(kind: str) -> str:
    return TYPE_NAMES.get(kind, kind.replace("_", " ").capitalize())


def filters_in_words(function: HogFunction) -> list[str]:
    """The function's filters as a person would say them."""
    if function.type == "site_app":
        return ["Runs on the pages of the sites that load it"]
    filters = function.filters
    words = []
    if source := SOURCES.get(str(filters.get("source") or "")):
        words.append(f"Source: {source}")
    events = [str(e.get("name") or e.get("id")) for e in filters.get("events") or [] if isinstance(e, dict)]
    actions = [str(a.get("name") or a.get("id")) for a in filters.get("actions") or [] if isinstance(a, dict)]
    if events:
        words.append(f"Event{'s' if len(events) > 1 else ''}: {', '.join(events)}")
    if actions:
        words.append(f"Action{'s' if len(actions) > 1 else ''}: {', '.join(actions)}")
    if not events and not actions and filters.get("source", "events") == "events":
        words.append("Every event")
    properties = [p for p in filters.get("properties") or [] if isinstance(p, dict)]
    if properties:
        names = ", ".join(str(p.get("key")) for p in properties[:3]) + ("…" if len(properties) > 3 else "")
        words.append(f"{len(properties)} property condition{'s' if len(properties) > 1 else ''} ({names})")
    if filters.get("filter_test_accounts"):
        words.append("Test accounts left out")
    if function.mappings:
        words.append(f"{len(function.mappings)} mapping{'s' if len(function.mappings) > 1 else ''}")
    return words


def sections(
    functions: list[HogFunction],
    health: dict[str, Outcome[Totals]],
    *,
    budget: int,
    reading: frozenset[str] = frozenset(),
) -> list[Section]:
    """By type; transformations in the order they run, every other type worst first (failing, then the lowest
    success rate, then those without a figure, disabled last). `reading`: the functions whose figures are being read after
    the page (their rows say so rather than "not measured")."""
    grouped: dict[str, list[Row]] = {}
    for function in functions:
        totals = health.get(function.id)
        grouped.setdefault(function.type, []).append(
            Row(
                function,
                status(function),
                filters_in_words(function),
                totals,
                _unmeasured(function, totals, budget, reading=reading),
            )
        )
    ordered_types = sorted(grouped, key=lambda kind: TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER))
    result = []
    for kind in ordered_types:
        rows = grouped[kind]
        if kind not in ("transformation", "transformation_log"):
            rows = sorted(rows, key=_worst_first)
        else:
            rows = sorted(
                rows, key=lambda row: (row.function.execution_order is None, row.function.execution_order or 0)
            )
        result.append(Section(kind, TYPE_LABELS.get(kind, kind.replace("_", " ").capitalize()), rows))
    return result


def _worst_first(row: Row) -> tuple[Any, ...]:
    function = row.function
    rate = row.totals.value.success_rate if row.totals and row.totals.ok and row.totals.value else None
    failures = row.totals.value.failed if row.totals and row.totals.ok and row.totals.value else 0
    trouble = function.stopped_by_posthog or function.degraded
    return (
        not function.enabled,
        not trouble,
        rate is None,
        rate if rate is not None else 1.0,
        -failures,
        function.label.lower(),
    )


def _unmeasured(function: HogFunction, totals: Outcome[Totals] | None, budget: int, *, reading: frozenset[str]) -> str:
    if totals is not None:
        return ""
    if not function.measured:
        return "PostHog counts no runs of functions that run in browsers"
    if function.id in reading:
        return "Reading…"
    return f"Not measured: PostHog reports metrics one function at a time, and this page asks about {budget}"


def rate_label(rate: float | None) -> str:
    """A success rate as a percentage; one short of 100 % stays short of it (a failure is never rounded away)."""
    if rate is None:
        return ""
    shown = f"{rate * 100:.1f}"
    return "99.9 %" if rate < 1 and shown == "100.0" else f"{shown} %"


def rate_level(totals: Totals) -> str:
    rate = totals.success_rate
    if rate is None:
        return "none"
    return "good" if rate >= 0.99 else "warn" if rate >= 0.75 else "bad"


def input_rows(function: HogFunction) -> list[InputRow]:
    """The inputs as the page shows them: secrets only as set or not, never a value."""
    rows = []
    for spec in function.inputs_schema:
        if spec.hidden:
            continue
        if spec.secret:
            kind, value = "secret", "set" if spec.key in function.secrets_set else "not set"
        elif spec.key not in function.inputs or function.inputs[spec.key] in (None, "", {}, []):
            kind, value = "empty", ""
        else:
            raw = function.inputs[spec.key]
            kind = "value" if spec.type in ("string", "number", "boolean", "choice", "dictionary", "json") else "fixed"
            value = raw if isinstance(raw, str) else json.dumps(raw, indent=2, ensure_ascii=False)
            if spec.type == "choice":
                value = dict(spec.choices).get(str(raw), str(raw))
        rows.append(InputRow(spec.key, spec.label, kind, value, spec.description))
    return rows


def highlighted_code(function: HogFunction) -> SafeString:
    lexer = LEXERS.get(function.code_language, JavascriptLexer)(stripnl=False)
    # Pygments escapes the text it is given, so its HTML is safe to show.
    return mark_safe(highlight(function.hog, lexer, FORMATTER))


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str
    parts: list[tuple[str, float, float, int]]  # (outcome, y, height, count)

    @property
    def title(self) -> str:
        counts = ", ".join(f"{count} {outcome}" for outcome, _, _, count in self.parts if count)
        return f"{self.label}: {counts or 'no runs'}"


@dataclass(frozen=True)
class RunsChart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    ticks: list[tuple[float, str]]  # (x, label) under the bars
    totals: Totals
    interval: str


CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 800, 200, 10, 24
OUTCOMES = ("succeeded", "failed", "filtered")


def runs_chart(series: MetricSeries) -> RunsChart:
    """Stacked bars per label: succeeded at the bottom, failed above, filtered on top. An empty label is a bar of
    height 0 (PostHog counted no runs then), not a gap."""
    count = max(1, len(series.labels))
    slot = CHART_WIDTH / count
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    peak = max(
        (sum(values) for values in zip(series.succeeded, series.failed, series.filtered, strict=False)), default=0
    )
    bars = []
    for index, label in enumerate(series.labels):
        y = float(CHART_TOP + plot)
        parts = []
        for outcome in OUTCOMES:
            value = getattr(series, outcome)[index]
            height = plot * value / peak if peak else 0.0
            y -= height
            parts.append((outcome, round(y, 1), round(height, 1), value))
        bars.append(
            Bar(round(index * slot + slot * 0.1, 1), round(slot * 0.8, 1), _label(label, series.interval), parts)
        )
    step = max(1, count // 8)
    ticks = [
        (round(index * slot + slot / 2, 1), _label(series.labels[index], series.interval, short=True))
        for index in range(0, len(series.labels), step)
    ]
    return RunsChart(CHART_WIDTH, CHART_HEIGHT, bars, peak, ticks, series.totals, series.interval)


def _label(label: str, interval: str, *, short: bool = False) -> str:
    """PostHog's labels: "2026-01-05T10:00" by the hour (the project's time zone), "2026-01-05" by the day."""
    if interval == "hour" and "T" in label:
        day, hour = label.split("T", 1)
        return hour if short else f"{day} {hour}"
    return label[5:] if short else label


@dataclass(frozen=True)
class LogRow(LogText, LogEntry):
    """A log entry as the logs and test run pages show it."""

    @property
    def level_class(self) -> str:
        return self.level.lower() if self.level in LEVELS else "other"


def log_rows(entries: list[LogEntry]) -> list[LogRow]:
    return [LogRow(**asdict(entry)) for entry in entries]


def result_json(result: Any) -> str:
    """A test run's result (the event a transformation made) as readable JSON; empty when there is none."""
    return "" if result is None else json.dumps(result, indent=2, ensure_ascii=False, default=str)
