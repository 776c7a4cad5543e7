"""Reads of what the pipeline pollers kept: how each hog function, batch export and troubled plugin config did over
a recent window (the pipeline health overview), a hog function's runs by hour and a batch export's runs by day (the
charts). Every function costs a fixed number of queries, whatever the number of functions, exports or runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDay

# BatchExportRun.Status that ended in failure (a cancelled run did not fail).
from apps.batch_exports.selectors import FAILED as FAILED_STATUSES
from apps.history.models import (
    BatchExportRunRecord,
    DeliverySnapshot,
    HogFunctionLogCursor,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    LogCursor,
    PluginLogEntry,
)

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class FunctionHealth:
    """A hog function's runs over the window, from the stored hourly counts; `measured` False when no hour of the
    window was counted (never a made-up zero)."""

    function_id: str
    name: str
    type: str
    project_id: str
    succeeded: int
    failed: int
    measured: bool
    last_error: str  # its newest stored ERROR log entry in the window, if any

    @property
    def success_rate(self) -> float | None:
        runs = self.succeeded + self.failed
        return self.succeeded / runs if self.measured and runs else None


@dataclass(frozen=True)
class ExportHealth:
    """A batch export's runs created in the window, from the stored runs."""

    export_id: str
    name: str
    project_id: str
    runs: int
    failed: int
    latest_status: str
    latest_error: str
    latest_at: datetime | None

    @property
    def success_rate(self) -> float | None:
        finished = self.runs
        return (finished - self.failed) / finished if finished else None


@dataclass(frozen=True)
class ConfigTrouble:
    """A plugin config with errors in the window: ERROR log entries stored, or a delivery rate below `threshold`."""

    config_id: int
    name: str
    project_id: str
    errors: int
    last_error: str
    delivery_rate: float | None  # its newest snapshot's, when one was taken


def function_health_list(*, connection_id: int, project_id: str | None, since: datetime) -> list[FunctionHealth]:
    """Every hog function the pollers know (a log cursor or counted runs), with its runs since `since`."""
    cursors = _of(HogFunctionLogCursor.objects.all(), connection_id=connection_id, project_id=project_id)
    counts = _of(HogFunctionMetricSnapshot.objects.all(), connection_id=connection_id, project_id=project_id).filter(
        hour__gte=since
    )
    totals = {
        row["function_id"]: row
        for row in counts.values("function_id").annotate(
            succeeded=Sum("succeeded"), failed=Sum("failed"), name=Max("function_name"), type=Max("function_type")
        )
    }
    newest_error = HogFunctionLogEntry.objects.filter(
        connection_id=connection_id, function_id=OuterRef("function_id"), level="ERROR", timestamp__gte=since
    ).order_by("-timestamp", "-id")
    named = {
        row[0]: row[1:]
        for row in cursors.annotate(error=Subquery(newest_error.values("message")[:1])).values_list(
            "function_id", "function_name", "function_type", "project_id", "error"
        )
    }
    projects = dict(counts.values_list("function_id", "project_id").distinct())
    found = []
    for function_id in {*named, *totals}:
        name, kind, project, error = named.get(function_id, ("", "", projects.get(function_id, ""), ""))
        total = totals.get(function_id)
        found.append(
            FunctionHealth(
                function_id=function_id,
                name=name or (total or {}).get("name") or f"Hog function {function_id[:8]}",
                type=kind or (total or {}).get("type") or "",
                project_id=project,
                succeeded=(total or {}).get("succeeded") or 0,
                failed=(total or {}).get("failed") or 0,
                measured=total is not None,
                last_error=error or "",
            )
        )
    return found


def export_health_list(*, connection_id: int, project_id: str | None, since: datetime) -> list[ExportHealth]:
    """Every batch export with stored runs, with its runs created since `since` (finished ones counted) and its
    newest run whenever it was."""
    runs = _of(BatchExportRunRecord.objects.all(), connection_id=connection_id, project_id=project_id)
    counted = (
        runs.filter(created_at__gte=since, finished_at__isnull=False)
        .values("export_id")
        .annotate(runs=Count("id"), failed=Count("id", filter=Q(status__in=FAILED_STATUSES)))
    )
    counts = {row["export_id"]: row for row in counted}
    newest = runs.order_by("export_id", "-created_at", "-id").values_list(
        "export_id", "export_name", "project_id", "status", "error", "created_at"
    )
    latest: dict[str, tuple] = {}
    for row in newest:  # one row per run: the first of each export is its newest
        latest.setdefault(row[0], row)
    return [
        ExportHealth(
            export_id=export_id,
            name=name or f"Batch export {export_id[:8]}",
            project_id=project,
            runs=counts.get(export_id, {}).get("runs", 0),
            failed=counts.get(export_id, {}).get("failed", 0),
            latest_status=status,
            latest_error=error,
            latest_at=created_at,
        )
        for export_id, name, project, status, error, created_at in latest.values()
    ]


def config_trouble_list(
    *, connection_id: int, project_id: str | None, since: datetime, threshold: float
) -> list[ConfigTrouble]:
    """Plugin configs with ERROR entries stored since `since`, or whose newest delivery rate is below `threshold`."""
    entries = _of(PluginLogEntry.objects.all(), connection_id=connection_id, project_id=project_id).filter(
        type="ERROR", timestamp__gte=since
    )
    error_counts = dict(entries.values("plugin_config_id").annotate(n=Count("id")).values_list("plugin_config_id", "n"))
    snapshots = _of(DeliverySnapshot.objects.all(), connection_id=connection_id, project_id=project_id).filter(
        resolution=DeliverySnapshot.RAW, taken_at__gte=since
    )
    rates: dict[int, float | None] = {}
    for config_id, rate in snapshots.order_by("plugin_config_id", "-taken_at").values_list(
        "plugin_config_id", "delivery_rate"
    ):
        rates.setdefault(config_id, rate)
    troubled = set(error_counts) | {c for c, rate in rates.items() if rate is not None and rate < threshold}
    newest_error = entries.filter(plugin_config_id=OuterRef("plugin_config_id")).order_by("-timestamp", "-id")
    names = {
        row[0]: row[1:]
        for row in _of(LogCursor.objects.all(), connection_id=connection_id, project_id=project_id)
        .filter(plugin_config_id__in=troubled)
        .annotate(error=Subquery(newest_error.values("message")[:1]))
        .values_list("plugin_config_id", "config_name", "project_id", "error")
    }
    return [
        ConfigTrouble(
            config_id=config_id,
            name=names.get(config_id, ("",))[0] or f"Config {config_id}",
            project_id=names.get(config_id, ("", project_id or ""))[1],
            errors=error_counts.get(config_id, 0),
            last_error=names.get(config_id, ("", "", ""))[2] or "",
            delivery_rate=rates.get(config_id),
        )
        for config_id in troubled
    ]


@dataclass(frozen=True)
class RunsPoint:
    """Runs of one hour (a hog function) or day (a batch export), oldest first."""

    at: datetime
    succeeded: int
    failed: int

    @property
    def rate(self) -> float | None:
        runs = self.succeeded + self.failed
        return self.succeeded / runs if runs else None


def function_runs_series(
    *, connection_id: int, project_id: str | None, function_id: str, since: datetime, until: datetime
) -> list[RunsPoint]:
    """The function's stored hourly counts over the range, oldest first (hours never counted are absent)."""
    rows = (
        _of(HogFunctionMetricSnapshot.objects.all(), connection_id=connection_id, project_id=project_id)
        .filter(function_id=function_id, hour__gte=since, hour__lt=until)
        .order_by("hour")
        .values_list("hour", "succeeded", "failed")
    )
    return [RunsPoint(*row) for row in rows]


def function_seen(*, connection_id: int, function_id: str) -> tuple[str, str]:
    """(name, project) of the function as the pollers last saw it; ("", "") when never."""
    cursor = HogFunctionLogCursor.objects.filter(connection_id=connection_id, function_id=function_id).first()
    if cursor is not None:
        return cursor.function_name, cursor.project_id
    row = (
        HogFunctionMetricSnapshot.objects.filter(connection_id=connection_id, function_id=function_id)
        .order_by("-hour")
        .values_list("function_name", "project_id")
        .first()
    )
    return row or ("", "")


def export_runs_series(
    *, connection_id: int, project_id: str | None, export_id: str, since: datetime, until: datetime
) -> list[RunsPoint]:
    """The export's finished runs by UTC day of creation, oldest first: succeeded (not failed) and failed."""
    rows = (
        _of(BatchExportRunRecord.objects.all(), connection_id=connection_id, project_id=project_id)
        .filter(export_id=export_id, created_at__gte=since, created_at__lt=until, finished_at__isnull=False)
        .annotate(day=TruncDay("created_at"))
        .values("day")
        .annotate(runs=Count("id"), failed=Count("id", filter=Q(status__in=FAILED_STATUSES)))
        .order_by("day")
        .values_list("day", "runs", "failed")
    )
    return [RunsPoint(day, runs - failed, failed) for day, runs, failed in rows]


def export_seen(*, connection_id: int, export_id: str) -> tuple[str, str]:
    """(name, project) of the export as its newest stored run recorded them; ("", "") when none is stored."""
    row = (
        BatchExportRunRecord.objects.filter(connection_id=connection_id, export_id=export_id)
        .order_by("-created_at")
        .values_list("export_name", "project_id")
        .first()
    )
    return row or ("", "")


def export_runs_recent(*, connection_id: int, export_id: str, limit: int = 50) -> list[BatchExportRunRecord]:
    """The export's newest stored runs, for the chart page's table."""
    return list(
        BatchExportRunRecord.objects.filter(connection_id=connection_id, export_id=export_id).order_by(
            "-created_at", "-id"
        )[:limit]
    )


def _of(rows: QuerySet, *, connection_id: int, project_id: str | None) -> QuerySet:
    rows = rows.filter(connection_id=connection_id)
    return rows.filter(project_id=project_id) if project_id else rows
