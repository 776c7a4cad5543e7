"""What the history pages show that is neither a read nor a write: the delivery charts and their summaries, the
explorer's rows, the CSV export's lines and file name, and intervals in words."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apps.core.csv_export import Echo, csv_safe
from apps.core.sorting import DESC, SortColumn, SortOrder
from apps.history import charts
from apps.history.models import PluginLogEntry
from apps.history.selectors.delivery import OVERVIEW_BUCKET_HOURS, ConfigDelivery, DeliveryPoint
from apps.history.selectors.logs import LogExportRow, LogFilters, StoredConfig
from apps.plugins.presenters import LogRow

OVERVIEW_DAYS = 7
GAP_FACTOR = 2.5  # a line breaks after 2.5 expected intervals without a snapshot
HOURLY_MAX_GAP = timedelta(hours=1) * GAP_FACTOR
# PostHog's badge colours: green from 99 %, yellow from 75 %.
DELIVERY_THRESHOLDS = ((0.99, "good"), (0.75, "warn"))
# The explorer sorts by time only: its (connection, …, -time, -id) indexes serve both directions over millions of
# entries; another column (type, source, message) has no index that would keep a deep page cheap.
LOG_SORT_COLUMNS = {"time": SortColumn("Time", DESC)}
LOG_DEFAULT_SORT = SortOrder("time", DESC)
CSV_COLUMNS = ["timestamp", "config_id", "config_name", "type", "source", "message", "instance_id", "entry_id"]


# Delivery rates


@dataclass(frozen=True)
class OverviewRow:
    config: ConfigDelivery
    sparkline: charts.LineChart
    title: str
    average: str
    project: str = ""  # the config's project, where the overview shows several


@dataclass(frozen=True)
class Overview:
    rows: list[OverviewRow]
    axis_floor: str  # where every sparkline's axis starts, e.g. "90 %"


def overview_of(
    configs: list[ConfigDelivery],
    *,
    since: datetime,
    until: datetime,
    projects: dict[str, str] | None = None,
    began: dict[int, datetime] | None = None,
) -> Overview:
    """A row per config with its sparkline; one axis for every row, so the sparklines compare, zoomed when all rates
    stay high. With `projects` (an overview of several), each row names its config's project."""
    floor = charts.axis_floor([point.rate for config in configs for point in config.hours])
    rows = [
        OverviewRow(
            config=config,
            sparkline=charts.line_chart(
                config.hours,
                since=since,
                until=until,
                max_gap=timedelta(hours=OVERVIEW_BUCKET_HOURS) * GAP_FACTOR,
                observed_until=until,
                frame=charts.SPARKLINE,
                y_min=floor,
                thresholds=DELIVERY_THRESHOLDS,
                axes=False,
                hover=False,
                began=(began or {}).get(config.plugin_config_id),
            ),
            title=f"Delivery rate of {config.name or 'this config'} over the last {OVERVIEW_DAYS} days, in 3-hour averages",
            average=charts.percent(config.average) if config.average is not None else "",
            project=projects.get(config.project_id, f"Project {config.project_id}") if projects else "",
        )
        for config in configs
    ]
    return Overview(rows, f"{floor * 100:.0f} %")


def delivery_chart(
    series: list[DeliveryPoint],
    *,
    since: datetime,
    until: datetime,
    interval: timedelta,
    now: datetime,
    began: datetime | None = None,
) -> charts.LineChart:
    """One config's chart: the line breaks after GAP_FACTOR polling intervals without a snapshot (hourly averages:
    hours), and its axis zooms in when the rates stay high."""
    return charts.line_chart(
        [
            charts.Point(
                point.at,
                point.rate,
                HOURLY_MAX_GAP if point.hourly else None,
                "hourly average" if point.hourly else "",
            )
            for point in series
        ],
        since=since,
        until=until,
        max_gap=interval * GAP_FACTOR,
        observed_until=now,
        y_min=charts.axis_floor([point.rate for point in series]),
        thresholds=DELIVERY_THRESHOLDS,
        began=began,
    )


def delivery_chart_title(*, name: str, config_id: int, since: datetime, until: datetime) -> str:
    config = name or f"config {config_id}"
    return f"Delivery rate of {config} from {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class RangeSummary:
    snapshots: int
    latest: float | None
    lowest: float | None
    average: float | None
    without_metrics: int

    @property
    def average_label(self) -> str:
        return charts.percent(self.average) if self.average is not None else ""


def range_summary(series: list[DeliveryPoint]) -> RangeSummary:
    rates = [point.rate for point in series if point.rate is not None]
    return RangeSummary(
        snapshots=len(series),
        latest=series[-1].rate if series else None,
        lowest=min(rates) if rates else None,
        average=sum(rates) / len(rates) if rates else None,
        without_metrics=len(series) - len(rates),
    )


def interval_words(span: timedelta) -> str:
    """5 minutes, 1 hour, 10 seconds."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


# Logs


@dataclass(frozen=True)
class ExplorerRow:
    log: LogRow  # the plugin logs page's row: its time label, type class and long-message summary
    config_id: int | str  # the plugin config's, hog function's or batch export's id
    config_name: str


def config_labels(configs: list[StoredConfig], *, projects: dict[str, str] | None = None) -> dict[int, str]:
    """Config id → its name in the explorer's select, rows and export; with `projects` (configs of several projects
    listed together, where two may share a name), the project's name after it."""
    labels = {}
    for config in configs:
        name = config.name or f"Config {config.config_id}"
        project = projects.get(config.project_id, f"Project {config.project_id}") if projects else ""
        labels[config.config_id] = f"{name} · {project}" if project else name
    return labels


def explorer_rows(entries: Iterable[PluginLogEntry], configs: dict[int, str]) -> list[ExplorerRow]:
    return [
        ExplorerRow(
            LogRow(
                id=entry.entry_id,
                timestamp=entry.timestamp.isoformat(),
                at=entry.timestamp,
                type=entry.type,
                source=entry.source,
                message=entry.message,
                instance_id=entry.instance_id,
            ),
            entry.plugin_config_id,
            configs.get(entry.plugin_config_id) or f"Config {entry.plugin_config_id}",
        )
        for entry in entries
    ]


def log_csv_lines(rows: Iterable[LogExportRow], configs: dict[int, str]) -> Iterator[str]:
    """The export's lines, one at a time (a spreadsheet formula in a cell is quoted, never run)."""
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [row.timestamp.astimezone(UTC).isoformat(), row.plugin_config_id, configs.get(row.plugin_config_id, "")]
        cells += [row.type, row.source, row.message, row.instance_id, row.entry_id]
        yield writer.writerow([csv_safe(cell) for cell in cells])


def log_csv_filename(filters: LogFilters) -> str:
    config_id = filters.get("plugin_config_id")
    config = f"-config-{config_id}" if config_id is not None else ""
    return f"plugin-logs{config}_{csv_span(filters.get('after'), filters.get('before'))}.csv"


def csv_span(after: datetime | None, before: datetime | None) -> str:
    """An export's time range in its file name: `20260101T0000Z_to_now`."""

    def stamp(at: datetime | None, default: str) -> str:
        return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ") if at else default

    return f"{stamp(after, 'start')}_to_{stamp(before, 'now')}"
