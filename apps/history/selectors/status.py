"""The polling status page's reads: each task's beat schedules and newest runs, the pollers' budget, what is stored.

Every function costs a fixed number of queries, whatever the number of connections or runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, QuerySet
from django_celery_beat.models import PeriodicTask

from apps.connections.models import Connection
from apps.history.budget import budget_per_minute, budget_used, throttled_for
from apps.history.kinds import HISTORY_TASKS, HistoryTask
from apps.history.models import (
    ActivitySnapshot,
    BatchExportRunRecord,
    DeliverySnapshot,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    PluginLogEntry,
    PollRun,
)


@dataclass(frozen=True)
class Schedule:
    """A beat schedule (django-celery-beat's PeriodicTask) of one of the history tasks."""

    periodic_task: PeriodicTask
    kind: str

    @property
    def every(self) -> timedelta | None:
        """None when the schedule is not an interval (a crontab someone set in the Django admin)."""
        interval = self.periodic_task.interval
        return timedelta(**{interval.period: interval.every}) if interval else None

    @property
    def description(self) -> str:
        task = self.periodic_task
        return str(task.interval or task.crontab or task.solar or task.clocked or "no schedule")

    @property
    def next_run_at(self) -> datetime | None:
        task = self.periodic_task
        every = self.every
        if not task.enabled or not task.last_run_at or not every:
            return None
        return task.last_run_at + every


@dataclass(frozen=True)
class KindStatus:
    task: HistoryTask
    schedules: list[Schedule]
    runs: list[PollRun]

    @property
    def label(self) -> str:
        return PollRun.Kind(self.task.kind).label


@dataclass(frozen=True)
class ConnectionBudget:
    connection: Connection
    used: int
    limit: int
    throttled_for: float

    @property
    def share(self) -> int:
        return min(100, round(self.used * 100 / self.limit))


@dataclass(frozen=True)
class StoredCounts:
    logs: int
    oldest_log: datetime | None
    newest_log: datetime | None
    snapshots: int  # raw, as polled
    hourly: int  # hourly means, kept after the raw rows are pruned
    activity: int
    hog_logs: int = 0
    hog_hours: int = 0  # hog function run counts, one row per function and hour
    export_runs: int = 0


@dataclass(frozen=True)
class PollStatus:
    kinds: list[KindStatus]
    budgets: list[ConnectionBudget]
    stored: StoredCounts


def poll_status(*, runs_per_kind: int = 8, now: float | None = None) -> PollStatus:
    runs = poll_runs_recent(per_kind=runs_per_kind)
    schedules = poll_schedules()
    return PollStatus(
        kinds=[KindStatus(task, schedules[kind], runs[kind]) for kind, task in HISTORY_TASKS.items()],
        budgets=poll_budgets(now=now),
        stored=history_stored_counts(),
    )


def poll_kinds_recent(*, runs_per_kind: int = 8) -> list[KindStatus]:
    """Each task with its newest runs and without its schedules: the runs tables the status page refreshes."""
    runs = poll_runs_recent(per_kind=runs_per_kind)
    return [KindStatus(task, [], runs[kind]) for kind, task in HISTORY_TASKS.items()]


def poll_schedules() -> dict[str, list[Schedule]]:
    """The beat schedules of the tasks, by kind (an empty list: that task is not scheduled)."""
    found: dict[str, list[Schedule]] = {kind: [] for kind in HISTORY_TASKS}
    for task in _history_periodic_tasks().order_by("name"):
        found[_KIND_OF_TASK[task.task]].append(Schedule(task, _KIND_OF_TASK[task.task]))
    return found


def schedule_get(*, task_id: int) -> Schedule | None:
    """The beat schedule `task_id` when it runs one of the history tasks; None otherwise."""
    task = _history_periodic_tasks().filter(pk=task_id).first()
    return Schedule(task, _KIND_OF_TASK[task.task]) if task else None


def poll_runs_recent(*, per_kind: int = 8) -> dict[str, list[PollRun]]:
    """The newest runs of each kind; one query per kind on the (kind, -started_at) index."""
    return {
        kind: list(
            PollRun.objects.filter(kind=kind).select_related("connection").order_by("-started_at", "-id")[:per_kind]
        )
        for kind in HISTORY_TASKS
    }


def poll_budgets(*, now: float | None = None) -> list[ConnectionBudget]:
    limit = budget_per_minute()
    return [
        ConnectionBudget(
            connection=connection,
            used=budget_used(connection_id=connection.pk, now=now),
            limit=limit,
            throttled_for=throttled_for(connection_id=connection.pk, now=now),
        )
        for connection in Connection.objects.order_by("name")
    ]


def history_stored_counts() -> StoredCounts:
    # Whole-table aggregates: a scan each, acceptable on a page people open now and then (the auto-refresh
    # reloads only the runs).
    logs = PluginLogEntry.objects.aggregate(count=Count("id"), oldest=Min("timestamp"), newest=Max("timestamp"))
    return StoredCounts(
        logs=logs["count"],
        oldest_log=logs["oldest"],
        newest_log=logs["newest"],
        snapshots=DeliverySnapshot.objects.filter(resolution=DeliverySnapshot.RAW).count(),
        hourly=DeliverySnapshot.objects.filter(resolution=DeliverySnapshot.HOURLY).count(),
        activity=ActivitySnapshot.objects.count(),
        hog_logs=HogFunctionLogEntry.objects.count(),
        hog_hours=HogFunctionMetricSnapshot.objects.count(),
        export_runs=BatchExportRunRecord.objects.count(),
    )


# The pollers whose trouble the pipeline health overview reports.
PIPELINE_KINDS = (
    PollRun.Kind.HOG_LOGS,
    PollRun.Kind.HOG_METRICS,
    PollRun.Kind.EXPORT_RUNS,
    PollRun.Kind.LOGS,
    PollRun.Kind.DELIVERY,
)


def pipeline_runs_troubled(*, connection_id: int) -> list[PollRun]:
    """The newest run of each pipeline poller of the connection, where it failed, partly failed or said why it left
    something out: what stored history may be missing. One query per kind, on the (kind, -started_at) index."""
    newest = (
        PollRun.objects.filter(kind=kind, connection_id=connection_id)
        .exclude(status__in=[PollRun.Status.RUNNING, PollRun.Status.SKIPPED])
        .order_by("-started_at", "-id")
        .first()
        for kind in PIPELINE_KINDS
    )
    return [run for run in newest if run is not None and (run.status != PollRun.Status.OK or run.error)]


_KIND_OF_TASK = {task.name: kind for kind, task in HISTORY_TASKS.items()}


def _history_periodic_tasks() -> QuerySet[PeriodicTask]:
    return PeriodicTask.objects.filter(task__in=_KIND_OF_TASK).select_related("interval", "crontab", "solar", "clocked")
