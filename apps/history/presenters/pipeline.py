"""The pipeline health overview's rows, worst first, and the run charts of a hog function and a batch export.

A row's figure is what was measured, in words; where nothing was measured it says "not measured", never a number.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.urls import reverse

from apps.batch_exports.selectors import FAILED as _FAILED
from apps.core.csv_export import Echo, csv_safe
from apps.history import charts
from apps.history.models import BatchExportRunRecord, HogFunctionLogEntry
from apps.history.presenters.stored import ExplorerRow, csv_span
from apps.history.selectors.pipeline import ConfigTrouble, ExportHealth, FunctionHealth, RunsPoint
from apps.history.selectors.pipeline_logs import (
    PipelineExportRow,
    PipelineLogFilters,
    StoredObject,
    pipeline_export_row,
)
from apps.plugins.presenters import LogRow

# PostHog's own badge colours: green from 99 %, yellow from 75 %.
HEALTHY_RATE, WARN_RATE = 0.99, 0.75
RATE_THRESHOLDS = ((HEALTHY_RATE, "good"), (WARN_RATE, "warn"))
# The order rows are read in: the worst first.
FAILING, DEGRADED, NOT_MEASURED, HEALTHY = "failing", "degraded", "not measured", "healthy"
SEVERITY = {FAILING: 0, DEGRADED: 1, NOT_MEASURED: 2, HEALTHY: 3}
KIND_ORDER = {"Hog function": 0, "Batch export": 1, "Plugin config": 2}
GAP_FACTOR = 2.5
HOUR, DAY = timedelta(hours=1), timedelta(days=1)  # the charts' steps: counts by the hour, runs by the day


@dataclass(frozen=True)
class HealthRow:
    kind: str  # Hog function, Batch export, Plugin config
    name: str
    detail: str  # its type, or what is wrong
    project: str  # the project's name, where the overview shows several
    state: str  # FAILING, DEGRADED, NOT_MEASURED, HEALTHY
    figure: str  # the measurement in words
    rate: float | None
    last_error: str
    page_url: str  # its page in the portal
    chart_url: str  # its chart in History

    @property
    def badge(self) -> str:
        return {FAILING: "run-failed", DEGRADED: "badge-warn", HEALTHY: "run-ok"}.get(self.state, "badge-muted")


def health_rows(
    *,
    functions: list[FunctionHealth],
    exports: list[ExportHealth],
    configs: list[ConfigTrouble],
    projects: dict[str, str] | None,
    query: str,
) -> list[HealthRow]:
    """Every row, worst first: failing, then degraded, then not measured, then healthy; within a state, hog functions,
    then batch exports, then plugin configs, the lowest rate first. `query` (`?project=…`) follows to the charts."""

    def project(project_id: str) -> str:
        return projects.get(project_id, f"Project {project_id}") if projects else ""

    rows = [_function_row(f, project(f.project_id), query) for f in functions]
    rows += [_export_row(e, project(e.project_id), query) for e in exports]
    rows += [_config_row(c, project(c.project_id), query) for c in configs]
    return sorted(
        rows, key=lambda r: (SEVERITY[r.state], KIND_ORDER[r.kind], r.rate if r.rate is not None else 2, r.name)
    )


def health_counts(rows: list[HealthRow]) -> dict[str, int]:
    """Rows by state, keyed for a template (`not_measured`)."""
    counts = {state.replace(" ", "_"): 0 for state in SEVERITY}
    for row in rows:
        counts[row.state.replace(" ", "_")] += 1
    return counts


def _state(rate: float | None) -> str:
    if rate is None:
        return NOT_MEASURED
    return HEALTHY if rate >= HEALTHY_RATE else DEGRADED if rate >= WARN_RATE else FAILING


def _function_row(function: FunctionHealth, project: str, query: str) -> HealthRow:
    rate = function.success_rate
    runs = function.succeeded + function.failed
    if not function.measured:
        figure = "not measured: no runs counted in the last 24 hours"
    elif not runs:
        figure = "no runs in the last 24 hours"
    else:
        figure = f"{charts.percent(rate or 0)} of {runs:,} runs succeeded; {function.failed:,} failed (24 h)"
    return HealthRow(
        kind="Hog function",
        name=function.name,
        detail=function.type.replace("_", " "),
        project=project,
        state=_state(rate) if runs else NOT_MEASURED,
        figure=figure,
        rate=rate,
        last_error=function.last_error,
        page_url=reverse("hog_functions:detail", args=[function.function_id]),
        chart_url=reverse("history:function_chart", args=[function.function_id]) + query,
    )


def _export_row(export: ExportHealth, project: str, query: str) -> HealthRow:
    rate = export.success_rate
    latest_failed = export.latest_status in _FAILED
    if export.runs:
        figure = f"{export.failed:,} of {export.runs:,} runs failed (24 h); latest {export.latest_status or 'unknown'}"
        state = FAILING if latest_failed else _state(rate)
    else:
        figure = f"not measured: no run finished in the last 24 hours; latest {export.latest_status or 'unknown'}"
        state = FAILING if latest_failed else NOT_MEASURED
    return HealthRow(
        kind="Batch export",
        name=export.name,
        detail="",
        project=project,
        state=state,
        figure=figure,
        rate=rate,
        last_error=export.latest_error,
        page_url=reverse("batch_exports:detail", args=[export.export_id]),
        chart_url=reverse("history:export_chart", args=[export.export_id]) + query,
    )


def _config_row(config: ConfigTrouble, project: str, query: str) -> HealthRow:
    parts = []
    if config.errors:
        parts.append(f"{config.errors:,} error log {'entry' if config.errors == 1 else 'entries'} (24 h)")
    if config.delivery_rate is not None:
        parts.append(f"delivery rate {charts.percent(config.delivery_rate)}")
    rate = config.delivery_rate
    return HealthRow(
        kind="Plugin config",
        name=config.name,
        detail="",
        project=project,
        state=_state(rate) if rate is not None and rate < HEALTHY_RATE else FAILING if config.errors else DEGRADED,
        figure="; ".join(parts),
        rate=rate,
        last_error=config.last_error,
        page_url=reverse("plugins:config_detail", args=[config.config_id]),
        chart_url=reverse("history:delivery_config", args=[config.config_id]) + query,
    )


def runs_chart(
    points: list[RunsPoint], *, since: datetime, until: datetime, step: timedelta, now: datetime
) -> charts.LineChart:
    """The success rate of each hour or day with runs; the line breaks where nothing was counted, and an hour or day
    without runs is no point (no runs is not a rate)."""
    return charts.line_chart(
        [charts.Point(point.at, point.rate, None, f"{point.succeeded + point.failed:,} runs") for point in points],
        since=since,
        until=until,
        max_gap=step * GAP_FACTOR,
        observed_until=now,
        y_min=charts.axis_floor([point.rate for point in points]),
        thresholds=RATE_THRESHOLDS,
    )


@dataclass(frozen=True)
class RunsSummary:
    succeeded: int
    failed: int

    @property
    def rate_label(self) -> str:
        runs = self.succeeded + self.failed
        return charts.percent(self.succeeded / runs) if runs else ""


def runs_summary(points: list[RunsPoint]) -> RunsSummary:
    return RunsSummary(sum(p.succeeded for p in points), sum(p.failed for p in points))


# The log explorer's hog function and batch export sources


def object_labels(objects: list[StoredObject], *, projects: dict[str, str] | None = None) -> dict[str, str]:
    """Id → name in the explorer's select, rows and export; with `projects`, the project's name after it."""
    labels = {}
    for stored in objects:
        name = stored.name or stored.object_id[:8]
        project = projects.get(stored.project_id, f"Project {stored.project_id}") if projects else ""
        labels[stored.object_id] = f"{name} · {project}" if project else name
    return labels


def pipeline_explorer_rows(
    entries: Iterable[HogFunctionLogEntry | BatchExportRunRecord], labels: dict[str, str]
) -> list[ExplorerRow]:
    """Hog function log entries, or batch export runs as entries, in the explorer's rows."""
    rows = []
    for entry in entries:
        if isinstance(entry, BatchExportRunRecord):
            row = pipeline_export_row(entry)
            name = labels.get(entry.export_id) or entry.export_name
        else:
            row = PipelineExportRow(
                entry.timestamp,
                entry.function_id,
                entry.level,
                "hog function",
                entry.message,
                entry.instance_id,
                entry.entry_key,
            )
            name = labels.get(entry.function_id, "")
        log = LogRow(
            id=row.entry_id,
            timestamp=row.timestamp.isoformat(),
            at=row.timestamp,
            type=row.type,
            source=row.source,
            message=row.message,
            instance_id=row.instance_id,
        )
        rows.append(ExplorerRow(log, row.object_id, name or row.object_id[:8]))
    return rows


# CSV columns and file names of the explorer's other sources: (object column, file name prefix).
_CSV_NAMES = {"hog_functions": ("function", "hog-function-logs"), "batch_exports": ("export", "batch-export-runs")}


def pipeline_csv_lines(rows: Iterable[PipelineExportRow], labels: dict[str, str], *, source: str) -> Iterator[str]:
    """The export's lines, one at a time (a spreadsheet formula in a cell is quoted, never run)."""
    thing = _CSV_NAMES[source][0]
    writer = csv.writer(Echo())
    yield writer.writerow(
        ["timestamp", f"{thing}_id", f"{thing}_name", "type", "source", "message", "instance_id", "entry_id"]
    )
    for row in rows:
        cells = [row.timestamp.astimezone(UTC).isoformat(), row.object_id, labels.get(row.object_id, "")]
        cells += [row.type, row.source, row.message, row.instance_id, row.entry_id]
        yield writer.writerow([csv_safe(cell) for cell in cells])


def pipeline_csv_filename(filters: PipelineLogFilters, *, source: str) -> str:
    thing, prefix = _CSV_NAMES[source]
    one = f"-{thing}-{object_id[:8]}" if (object_id := filters.get("object_id")) else ""
    return f"{prefix}{one}_{csv_span(filters.get('after'), filters.get('before'))}.csv"
