"""The inputs of every pipeline item's health verdict (apps/history/health.py), from what the pollers stored: its
rate, its errors of the last hour, its newest error and when the pollers last read it.

One function per kind, each a fixed number of queries whatever the number of items: the per-item figures are
correlated subqueries on the indexes that start with (connection, item id), or one GROUP BY over a bounded window.
An item the pollers have not read for FORGOTTEN_AFTER is left out: PostHog deleted it, or it left the watched
projects.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize

# BatchExportRun.Status that ended in failure (a cancelled run did not fail).
from apps.batch_exports.selectors import FAILED as FAILED_STATUSES
from apps.history.health import ERRORS_WINDOW, Verdict, verdict_of
from apps.history.models import (
    BatchExportRunRecord,
    DeliverySnapshot,
    HogFunctionLogCursor,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    LogCursor,
    PluginLogEntry,
    PollRun,
)

PLUGIN_CONFIG, HOG_FUNCTION, BATCH_EXPORT = "Plugin config", "Hog function", "Batch export"
# Rates cover a day (PostHog's delivery_rate_24h; runs counted by the hour, export runs created in the window), and
# so does the newest error shown: the log indexes find it without walking an item's older entries.
RATE_WINDOW = timedelta(hours=24)
FORGOTTEN_AFTER = timedelta(days=7)
POLLED = (PollRun.Status.OK, PollRun.Status.PARTIAL)


@dataclass(frozen=True)
class ItemHealth:
    """One plugin config, hog function or batch export, judged."""

    kind: str  # PLUGIN_CONFIG, HOG_FUNCTION, BATCH_EXPORT
    object_id: str
    name: str
    project_id: str
    detail: str  # its type, or "disabled"
    rate: float | None  # delivery rate, or the share of runs that succeeded; None: nothing measured
    figure: str  # what the rate is of, in words ("" without one)
    errors_last_hour: int
    last_error: str  # the newest error of the last RATE_WINDOW ("" without one)
    last_error_at: datetime | None
    as_of: datetime | None  # the oldest of the readings the verdict relies on
    read_error: str  # why the pollers' last read of it failed, where it did
    verdict: Verdict


def health_list(*, connection_id: int, project_id: str | None, now: datetime) -> list[ItemHealth]:
    """Every plugin config, hog function and batch export of the connection (of one project, or of every one)."""
    return (
        config_health_list(connection_id=connection_id, project_id=project_id, now=now)
        + function_health_list(connection_id=connection_id, project_id=project_id, now=now)
        + export_health_list(connection_id=connection_id, project_id=project_id, now=now)
    )


def config_health_list(
    *, connection_id: int, project_id: str | None, now: datetime, config_ids: list[int] | None = None
) -> list[ItemHealth]:
    """Every plugin config the log poller or the delivery poller reads (only `config_ids`, when given).

    The log cursors carry the configs, with their errors and newest delivery snapshot as subqueries (the indexes
    log_config_type_time and delivery_config_time); configs with snapshots but no cursor yet (the log poller has
    not listed them) come from the newest snapshot moment. Four queries.
    """
    errors = PluginLogEntry.objects.filter(
        connection_id=connection_id, plugin_config_id=OuterRef("plugin_config_id"), type="ERROR"
    )
    newest_error = errors.filter(timestamp__gte=now - RATE_WINDOW).order_by("-timestamp", "-id")
    newest_snapshot = DeliverySnapshot.objects.filter(
        connection_id=connection_id, plugin_config_id=OuterRef("plugin_config_id")
    ).order_by("-taken_at")
    cursors = _of(LogCursor.objects.all(), connection_id=connection_id, project_id=project_id)
    if config_ids is not None:
        cursors = cursors.filter(plugin_config_id__in=config_ids)
    rows = cursors.annotate(
        errors_hour=_count(errors.filter(timestamp__gte=now - ERRORS_WINDOW), "plugin_config_id"),
        error=Subquery(newest_error.values("message")[:1]),
        error_at=Subquery(newest_error.values("timestamp")[:1]),
        rate=Subquery(newest_snapshot.values("delivery_rate")[:1]),
        taken_at=Subquery(newest_snapshot.values("taken_at")[:1]),
        enabled=Subquery(newest_snapshot.values("enabled")[:1]),
    ).values_list(
        "plugin_config_id",
        "config_name",
        "project_id",
        "polled_at",
        "consecutive_failures",
        "last_error",
        "errors_hour",
        "error",
        "error_at",
        "rate",
        "taken_at",
        "enabled",
    )
    found = []
    seen = set()
    for config_id, name, project, polled, failures, read_error, hour, error, error_at, rate, taken, on in rows:
        seen.add(config_id)
        logs_at = polled if not failures else None
        found.append(
            _config(
                config_id, name, project, now, rate=rate, taken_at=taken, enabled=on, logs_at=logs_at,
                errors=hour, error=error or "", error_at=error_at, read_error=read_error if failures else "",
                logs_read=polled is not None,
            )
        )  # fmt: skip
    snapshots = _of(DeliverySnapshot.objects.all(), connection_id=connection_id, project_id=project_id).filter(
        resolution=DeliverySnapshot.RAW
    )
    newest_at = snapshots.filter(taken_at__gte=now - FORGOTTEN_AFTER).aggregate(at=Max("taken_at"))["at"]
    if newest_at is not None:
        unread = snapshots.filter(taken_at=newest_at).exclude(plugin_config_id__in=seen)
        if config_ids is not None:
            unread = unread.filter(plugin_config_id__in=config_ids)
        for config_id, name, project, rate, on in unread.values_list(
            "plugin_config_id", "config_name", "project_id", "delivery_rate", "enabled"
        ):
            found.append(
                _config(
                    config_id, name, project, now, rate=rate, taken_at=newest_at, enabled=on, logs_at=None,
                    errors=0, error="", error_at=None, read_error="", logs_read=False,
                )
            )  # fmt: skip
    return [item for item in found if not _forgotten(item, now)]


def _config(
    config_id: int,
    name: str,
    project_id: str,
    now: datetime,
    *,
    rate: float | None,
    taken_at: datetime | None,
    enabled: bool | None,
    logs_at: datetime | None,
    errors: int,
    error: str,
    error_at: datetime | None,
    read_error: str,
    logs_read: bool,
) -> ItemHealth:
    # PostHog's rate of a disabled config describes the day before it was switched off, not its health now.
    disabled = enabled is False
    as_of = _oldest(logs_at, taken_at) if logs_read else taken_at
    return ItemHealth(
        kind=PLUGIN_CONFIG,
        object_id=str(config_id),
        name=name or f"Plugin config {config_id}",
        project_id=project_id,
        detail="disabled" if disabled else "",
        rate=rate,
        figure="delivery rate (24 h)" if rate is not None else "",
        errors_last_hour=errors,
        last_error=error,
        last_error_at=error_at,
        as_of=as_of,
        read_error=read_error,
        verdict=verdict_of(
            rate=None if disabled else rate,
            errors_last_hour=errors,
            as_of=as_of,
            now=now,
            errors_known=logs_read,
            rate_label="delivery rate",
            unmeasured="disabled"
            if disabled
            else "no delivery rate: PostHog has no metrics for it"
            if taken_at
            else "no delivery rate: this PostHog does not report one",
        ),
    )


def function_health_list(*, connection_id: int, project_id: str | None, now: datetime) -> list[ItemHealth]:
    """Every hog function the pollers know (a log cursor or counted runs): its runs of the last RATE_WINDOW, from the
    hourly counts, and its ERROR log entries. Four queries."""
    errors = HogFunctionLogEntry.objects.filter(
        connection_id=connection_id, function_id=OuterRef("function_id"), level="ERROR"
    )
    newest_error = errors.filter(timestamp__gte=now - RATE_WINDOW).order_by("-timestamp", "-id")
    cursors = _of(HogFunctionLogCursor.objects.all(), connection_id=connection_id, project_id=project_id)
    logs = {
        row[0]: row[1:]
        for row in cursors.annotate(
            errors_hour=_count(errors.filter(timestamp__gte=now - ERRORS_WINDOW), "function_id"),
            error=Subquery(newest_error.values("message")[:1]),
            error_at=Subquery(newest_error.values("timestamp")[:1]),
        ).values_list(
            "function_id",
            "function_name",
            "function_type",
            "project_id",
            "polled_at",
            "consecutive_failures",
            "last_error",
            "errors_hour",
            "error",
            "error_at",
        )
    }
    counts = _of(HogFunctionMetricSnapshot.objects.all(), connection_id=connection_id, project_id=project_id)
    totals = {
        row[0]: row[1:]
        for row in counts.filter(hour__gte=now - RATE_WINDOW)
        .values("function_id")
        .annotate(
            succeeded=Sum("succeeded"),
            failed=Sum("failed"),
            name=Max("function_name"),
            type=Max("function_type"),
            project=Max("project_id"),
        )
        .values_list("function_id", "succeeded", "failed", "name", "type", "project")
    }
    counted_at = _last_poll(connection_id=connection_id, kind=PollRun.Kind.HOG_METRICS)
    found = []
    for function_id in {*logs, *totals}:
        name, kind, project, polled, failures, read_error, hour, error, error_at = logs.get(
            function_id, ("", "", "", None, 0, "", 0, "", None)
        )
        succeeded, failed, counted_name, counted_type, counted_project = totals.get(function_id, (0, 0, "", "", ""))
        runs = succeeded + failed
        rate = succeeded / runs if runs else None
        logs_at = polled if polled and not failures else None
        as_of = _oldest(logs_at, counted_at) if function_id in totals else logs_at
        found.append(
            ItemHealth(
                kind=HOG_FUNCTION,
                object_id=function_id,
                name=name or counted_name or f"Hog function {function_id[:8]}",
                project_id=project or counted_project,
                detail=(kind or counted_type).replace("_", " "),
                rate=rate,
                # From the hourly counts the hog-metrics poller kept (whole hours), not PostHog's 24-hour totals
                # a function's page and the list read: the two can differ by the hours' edges, so it says which.
                figure=f"of {runs:,} run{pluralize(runs)} succeeded (the portal's hourly counts, 24 h)" if runs else "",
                errors_last_hour=hour or 0,
                last_error=error or "",
                last_error_at=error_at,
                as_of=as_of,
                read_error=read_error if failures else "",
                verdict=verdict_of(
                    rate=rate,
                    errors_last_hour=hour or 0,
                    as_of=as_of,
                    now=now,
                    errors_known=function_id in logs,
                    rate_label="runs succeeded (the portal's hourly counts)",
                    unmeasured="no runs in the last 24 hours"
                    if function_id in totals
                    else "no runs counted: PostHog counts none of its runs",
                ),
            )
        )
    return [item for item in found if not _forgotten(item, now)]


def export_health_list(*, connection_id: int, project_id: str | None, now: datetime) -> list[ItemHealth]:
    """Every batch export with runs created in the last FORGOTTEN_AFTER: the share of its runs of the last
    RATE_WINDOW that did not fail, its failed runs of the last hour, and its newest run. Four queries."""
    runs = _of(BatchExportRunRecord.objects.all(), connection_id=connection_id, project_id=project_id).filter(
        created_at__gte=now - FORGOTTEN_AFTER
    )
    failed = Q(status__in=FAILED_STATUSES)
    in_window = Q(created_at__gte=now - RATE_WINDOW, finished_at__isnull=False)
    grouped = (
        runs.values("export_id")
        .annotate(
            newest=Max("created_at"),
            polled=Max("polled_at"),
            name=Max("export_name"),
            project=Max("project_id"),
            finished=Count("id", filter=in_window),
            failed=Count("id", filter=in_window & failed),
            errors_hour=Count("id", filter=failed & Q(finished_at__gte=now - ERRORS_WINDOW)),
        )
        .values_list("export_id", "newest", "polled", "name", "project", "finished", "failed", "errors_hour")
    )
    exports = {row[0]: row[1:] for row in grouped}
    if not exports:
        return []
    newest_status = {
        export_id: status
        for export_id, created_at, status in runs.filter(
            export_id__in=list(exports), created_at__in={row[0] for row in exports.values()}
        ).values_list("export_id", "created_at", "status")
        if created_at == exports[export_id][0]
    }
    errors: dict[str, tuple[str, datetime]] = {}
    for export_id, error, at in (
        runs.filter(failed, created_at__gte=now - RATE_WINDOW)
        .exclude(error="")
        .order_by("export_id", "-created_at", "-id")
        .values_list("export_id", "error", Coalesce("finished_at", "created_at"))
    ):
        errors.setdefault(export_id, (error, at))
    polled_at = _last_poll(connection_id=connection_id, kind=PollRun.Kind.EXPORT_RUNS)
    found = []
    for export_id, (_, polled, name, project, finished, failed_runs, hour) in exports.items():
        rate = (finished - failed_runs) / finished if finished else None
        as_of = max((at for at in (polled, polled_at) if at is not None), default=None)
        status = newest_status.get(export_id, "")
        error, error_at = errors.get(export_id, ("", None))
        found.append(
            ItemHealth(
                kind=BATCH_EXPORT,
                object_id=export_id,
                name=name or f"Batch export {export_id[:8]}",
                project_id=project,
                detail=f"newest run {status.lower()}" if status else "",
                rate=rate,
                figure=f"of {finished:,} run{pluralize(finished)} did not fail (24 h)" if finished else "",
                errors_last_hour=hour,
                last_error=error,
                last_error_at=error_at,
                as_of=as_of,
                read_error="",
                verdict=verdict_of(
                    rate=rate,
                    errors_last_hour=hour,
                    as_of=as_of,
                    now=now,
                    latest_failed=status in FAILED_STATUSES,
                    rate_label="runs succeeded",
                    unmeasured="no run finished in the last 24 hours",
                ),
            )
        )
    return found


@dataclass(frozen=True)
class PollingSpan:
    """When the pollers first and last read the connection (None: never), for "collecting since" and "as of"."""

    first_at: datetime | None
    last_at: datetime | None


def health_polling_span(*, connection_id: int) -> PollingSpan:
    """The connection's first and newest poll that read something (two queries on the connection's runs)."""
    runs = PollRun.objects.filter(connection_id=connection_id, status__in=POLLED).exclude(kind=PollRun.Kind.PRUNE)
    first = runs.order_by("started_at", "id").values_list("started_at", flat=True).first()
    last = runs.order_by("-started_at", "-id").values_list("started_at", flat=True).first()
    return PollingSpan(first_at=first, last_at=last)


def _count(rows: QuerySet, key: str) -> Coalesce:
    """The rows' count as a correlated subquery (an aggregate in a subquery, grouped by the item's id)."""
    counted = rows.order_by().values(key).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _last_poll(*, connection_id: int, kind: str) -> datetime | None:
    """When the poller of `kind` last read the connection (every item it knows), on the (kind, -started_at) index."""
    return (
        PollRun.objects.filter(kind=kind, connection_id=connection_id, status__in=POLLED)
        .order_by("-started_at", "-id")
        .values_list("started_at", flat=True)
        .first()
    )


def _oldest(*moments: datetime | None) -> datetime | None:
    """The oldest reading: a verdict is only as fresh as the staler of what it relies on."""
    known = [at for at in moments if at is not None]
    return min(known) if known else None


def _forgotten(item: ItemHealth, now: datetime) -> bool:
    return item.as_of is not None and now - item.as_of > FORGOTTEN_AFTER


def _of(rows: QuerySet, *, connection_id: int, project_id: str | None) -> QuerySet:
    rows = rows.filter(connection_id=connection_id)
    return rows.filter(project_id=project_id) if project_id else rows
