"""The run charts of a hog function and a batch export, and the log explorer's hog function and batch export sources
(the health rows are apps/history/presenters/health.py)."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apps.core.csv_export import Echo, csv_safe
from apps.history import charts
from apps.history.health import FAILING_RATE, HEALTHY_RATE
from apps.history.models import BatchExportRunRecord, HogFunctionLogEntry
from apps.history.presenters.stored import ExplorerRow, csv_span
from apps.history.selectors.pipeline import RunsPoint
from apps.history.selectors.pipeline_logs import (
    PipelineExportRow,
    PipelineLogFilters,
    StoredObject,
    pipeline_export_row,
)
from apps.plugins.presenters import LogRow

RATE_THRESHOLDS = ((HEALTHY_RATE, "good"), (FAILING_RATE, "warn"))
GAP_FACTOR = 2.5
HOUR, DAY = timedelta(hours=1), timedelta(days=1)  # the charts' steps: counts by the hour, runs by the day


def runs_chart(
    points: list[RunsPoint],
    *,
    since: datetime,
    until: datetime,
    step: timedelta,
    now: datetime,
    began: datetime | None = None,
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
        began=began,
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
