"""Reads of what the pipeline pollers kept for the charts: a hog function's runs by hour and a batch export's runs by
day (each item's health is read in apps/history/selectors/health.py). Every function costs a fixed number of
queries, whatever the number of runs.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay

# BatchExportRun.Status that ended in failure (a cancelled run did not fail).
from apps.batch_exports.selectors import FAILED as FAILED_STATUSES
from apps.history.models import (
    BatchExportRunRecord,
    HogFunctionLogCursor,
    HogFunctionMetricSnapshot,
)


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
