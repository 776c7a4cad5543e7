"""Reads of the stored history, as plain keyword-only functions shared by the pages and the benchmark script.

The queries follow the models' indexes: connection and plugin config first, then time
((connection, plugin_config_id, -timestamp, -id) for logs, (connection, plugin_config_id, taken_at) for
delivery snapshots). Every function costs a fixed number of queries, whatever the number of configs.
"""

import operator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import NamedTuple

from django.db import connection as db_connection
from django.db.models import Avg, BigIntegerField, Count, F, Func, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.db.models.lookups import IContains
from django_celery_beat.models import PeriodicTask

from apps.connections.models import Connection
from apps.history.budget import budget_per_minute, budget_used, throttled_for
from apps.history.models import ActivitySnapshot, DeliverySnapshot, LogCursor, PluginLogEntry, PollRun

DEFAULT_DELIVERY_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True)
class HistoryTask:
    """One of the four polling tasks: what the schedule runs and what "poll now" says while it runs."""

    kind: str  # PollRun.Kind
    name: str  # the Celery task's name
    doing: str
    min_interval: timedelta  # a shorter schedule would only spend the rate limit


HISTORY_TASKS = {
    task.kind: task
    for task in (
        HistoryTask(PollRun.Kind.LOGS, "apps.history.tasks.poll_logs", "Polling plugin logs…", timedelta(seconds=10)),
        HistoryTask(
            PollRun.Kind.DELIVERY,
            "apps.history.tasks.take_delivery_snapshots",
            "Taking delivery-rate snapshots…",
            timedelta(minutes=1),
        ),
        HistoryTask(
            PollRun.Kind.ACTIVITY, "apps.history.tasks.poll_activity", "Polling activity…", timedelta(seconds=30)
        ),
        HistoryTask(PollRun.Kind.PRUNE, "apps.history.tasks.prune_history", "Pruning history…", timedelta(minutes=10)),
    )
}


# Polling status


@dataclass(frozen=True)
class Schedule:
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
        if not task.enabled or not task.last_run_at or not self.every:
            return None
        return task.last_run_at + self.every


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


def poll_schedules() -> dict[str, list[Schedule]]:
    """The beat schedules of the four tasks, by kind (an empty list: that task is not scheduled)."""
    kinds = {task.name: kind for kind, task in HISTORY_TASKS.items()}
    found: dict[str, list[Schedule]] = {kind: [] for kind in HISTORY_TASKS}
    tasks = PeriodicTask.objects.filter(task__in=kinds).select_related("interval", "crontab", "solar", "clocked")
    for task in tasks.order_by("name"):
        found[kinds[task.task]].append(Schedule(task, kinds[task.task]))
    return found


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
    )


def delivery_interval() -> timedelta:
    """How often the delivery-rate task is scheduled: a chart's gaps are measured against it."""
    task = (
        PeriodicTask.objects.filter(task=HISTORY_TASKS[PollRun.Kind.DELIVERY].name, interval__isnull=False)
        .select_related("interval")
        .order_by("-enabled", "pk")
        .first()
    )
    return Schedule(task, PollRun.Kind.DELIVERY).every if task else DEFAULT_DELIVERY_INTERVAL


# Delivery rates

RAW_RANGE = timedelta(days=2)
# A week of the overview's sparklines is 56 points: as many as their width shows, a third of the rows to move.
OVERVIEW_BUCKET_HOURS = 3


class DeliveryPoint(NamedTuple):
    """A (time, rate) pair; `hourly` when it is an hourly average the pruner folded raw snapshots into."""

    at: datetime
    rate: float | None
    hourly: bool = False


@dataclass(frozen=True)
class EnabledChange:
    at: datetime
    enabled: bool


@dataclass(frozen=True)
class ConfigDelivery:
    """One config's row in the overview: its newest snapshot and its averages over OVERVIEW_BUCKET_HOURS."""

    plugin_config_id: int
    name: str
    rate: float | None
    enabled: bool
    taken_at: datetime
    hours: list[DeliveryPoint]  # a point per bucket of hours
    lowest: float | None  # the lowest hourly average
    average: float | None  # of the hourly averages: every hour weighs the same


def delivery_series(
    *, connection_id: int, project_id: str, plugin_config_id: int, since: datetime, until: datetime
) -> list[DeliveryPoint]:
    """One config's delivery rates, oldest first: raw snapshots, and hourly rows where no raw ones are left;
    hourly rows only over ranges longer than RAW_RANGE, where a chart has no room for 5-minute points.

    One query on the (connection, plugin_config_id, taken_at) index for both resolutions; an hourly row is
    dropped when raw rows of its hour still exist (the pruner folds and deletes them in one go, but a range
    can also reach back before the raw rows began).
    """
    rows = _snapshots(connection_id=connection_id, project_id=project_id).filter(
        plugin_config_id=plugin_config_id, taken_at__gte=since, taken_at__lt=until
    )
    if until - since > RAW_RANGE:
        rows = rows.filter(resolution=DeliverySnapshot.HOURLY)
    rows = list(rows.order_by("taken_at", "resolution").values_list("taken_at", "delivery_rate", "resolution"))
    raw_hours = {_hour(at) for at, _, resolution in rows if resolution == DeliverySnapshot.RAW}
    return [
        DeliveryPoint(at, rate, hourly=resolution != DeliverySnapshot.RAW)
        for at, rate, resolution in rows
        if resolution == DeliverySnapshot.RAW or _hour(at) not in raw_hours
    ]


def delivery_config_name(*, connection_id: int, project_id: str, plugin_config_id: int) -> str:
    """The name the newest snapshot recorded ("" when the config has none)."""
    return (
        _snapshots(connection_id=connection_id, project_id=project_id)
        .filter(plugin_config_id=plugin_config_id)
        .order_by("-taken_at")
        .values_list("config_name", flat=True)
        .first()
        or ""
    )


def delivery_enabled_changes(
    *, connection_id: int, project_id: str, plugin_config_id: int, limit: int = 20
) -> list[EnabledChange]:
    """The newest moments the config was seen switched on or off, compared with the snapshot before.

    Read from one resolution at a time (an hour's row carries its last state, which would interleave with
    the raw rows of that hour): the raw snapshots, then the hourly rows of the time before them.
    """
    rows = _snapshots(connection_id=connection_id, project_id=project_id).filter(plugin_config_id=plugin_config_id)
    raw = rows.filter(resolution=DeliverySnapshot.RAW)
    changes = _enabled_changes(raw, limit)
    oldest_raw = raw.order_by("taken_at").values_list("taken_at", flat=True).first()
    if len(changes) < limit:
        hourly = rows.filter(resolution=DeliverySnapshot.HOURLY)
        changes += _enabled_changes(hourly.filter(taken_at__lt=oldest_raw) if oldest_raw else hourly, limit)
    return changes[:limit]


def _enabled_changes(rows: QuerySet[DeliverySnapshot], limit: int) -> list[EnabledChange]:
    changes = (
        rows.annotate(previous=Window(Lag("enabled"), order_by=F("taken_at").asc()))
        .filter(previous__isnull=False)
        .exclude(enabled=F("previous"))
        .order_by("-taken_at")
        .values_list("taken_at", "enabled")[:limit]
    )
    return [EnabledChange(at, enabled) for at, enabled in changes]


def delivery_overview(*, connection_id: int, project_id: str, since: datetime, until: datetime) -> list[ConfigDelivery]:
    """Every config with snapshots between `since` and `until`, by name, with its averages per bucket of hours.

    Two queries for any number of configs (500 configs × 30 days of 5-minute snapshots is ~4.3 M rows): one
    averages the hourly rows the snapshot poller keeps current into buckets of OVERVIEW_BUCKET_HOURS (never the
    raw rows), the other reads each config's newest hour for its newest snapshot. Buckets travel as numbers:
    turning tens of thousands of timestamps into datetimes cost more than the query.
    """
    scope = _snapshots(connection_id=connection_id, project_id=project_id)
    hour = _EpochHour("taken_at")
    buckets = (
        scope.filter(resolution=DeliverySnapshot.HOURLY, taken_at__gte=_hour(since), taken_at__lt=until)
        .annotate(bucket=hour / OVERVIEW_BUCKET_HOURS)
        .values("plugin_config_id", "bucket")
        .annotate(
            rate=Avg("delivery_rate"), low=Min("delivery_rate"), measured=Count("delivery_rate"), newest=Max(hour)
        )
        .order_by("plugin_config_id", "bucket")
        .values_list("plugin_config_id", "bucket", "rate", "low", "measured", "newest")
    )
    # The compiled query's rows as the driver gives them: Django's per-value converters (three ints a row) cost
    # more than the query, and these columns need none.
    with db_connection.cursor() as cursor:
        cursor.execute(*buckets.query.sql_with_params())
        rows = cursor.fetchall()
    bucket_starts: dict[int, datetime] = {}
    series: dict[int, _OverviewSeries] = {}
    for config_id, bucket, rate, low, measured, newest in rows:
        if bucket not in bucket_starts:
            bucket_starts[bucket] = datetime.fromtimestamp(bucket * OVERVIEW_BUCKET_HOURS * 3600, UTC)
        if config_id not in series:
            series[config_id] = _OverviewSeries()
        series[config_id].add(bucket_starts[bucket], rate, low, measured, newest)
    if not series:
        return []
    # The pollers snapshot every config at once, so the newest raw moment usually holds every config's newest row.
    raw = scope.filter(resolution=DeliverySnapshot.RAW, taken_at__lt=until)
    newest_raw = raw.filter(taken_at__gte=_hour(since)).aggregate(at=Max("taken_at"))["at"]
    rows = _overview_rows(raw.filter(taken_at=newest_raw), series) if newest_raw else {}
    missing = {config_id: config_series for config_id, config_series in series.items() if config_id not in rows}
    if missing:  # stopped configs, or raw rows already folded: each config's newest hour
        configs_by_hour: dict[int, list[int]] = {}
        for config_id, config_series in missing.items():
            configs_by_hour.setdefault(config_series.newest_hour, []).append(config_id)
        in_newest_hour = reduce(
            operator.or_,
            (
                Q(plugin_config_id__in=ids, taken_at__gte=datetime.fromtimestamp(newest * 3600, UTC))
                for newest, ids in configs_by_hour.items()
            ),
        )
        rows |= _overview_rows(scope.filter(in_newest_hour, taken_at__lt=until), missing)
    return sorted(rows.values(), key=lambda row: (row.name.casefold() or "~", row.plugin_config_id))


def _overview_rows(snapshots: QuerySet, series: dict[int, "_OverviewSeries"]) -> dict[int, ConfigDelivery]:
    """Each config's newest of these snapshots, with its series."""
    newest_last = snapshots.order_by("taken_at", "-resolution")  # at the same time, a raw row after an hourly one
    return {
        config_id: series[config_id].delivery(config_id, name, rate, enabled, taken_at)
        for config_id, taken_at, name, rate, enabled in newest_last.values_list(
            "plugin_config_id", "taken_at", "config_name", "delivery_rate", "enabled"
        )
        if config_id in series
    }


class _OverviewSeries:
    """A config's buckets as the overview query yields them, oldest first."""

    def __init__(self):
        self.points: list[DeliveryPoint] = []
        self.lowest: float | None = None
        self.weighted_sum = 0.0
        self.measured_hours = 0
        self.newest_hour = 0

    def add(self, start: datetime, rate: float | None, low: float | None, measured: int, newest: int) -> None:
        self.points.append(DeliveryPoint(start, rate, hourly=True))
        if low is not None:
            self.lowest = low if self.lowest is None else min(self.lowest, low)
        if rate is not None:
            self.weighted_sum += rate * measured
            self.measured_hours += measured
        self.newest_hour = max(self.newest_hour, newest)

    def delivery(self, config_id: int, name: str, rate, enabled: bool, taken_at: datetime) -> ConfigDelivery:
        average = self.weighted_sum / self.measured_hours if self.measured_hours else None
        return ConfigDelivery(config_id, name, rate, enabled, taken_at, self.points, self.lowest, average)


class _EpochHour(Func):
    """Whole hours since 1970-01-01 UTC: a bucket number for GROUP BY, on PostgreSQL and SQLite."""

    output_field = BigIntegerField()
    template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 3600) AS bigint)"

    def as_sqlite(self, compiler, connection, **extra):
        # %%%%s: one %% for this template, one for the driver; SQLite sees strftime('%s', ...).
        template = "(CAST(strftime('%%%%s', %(expressions)s) AS integer) / 3600)"
        return self.as_sql(compiler, connection, template=template, **extra)


# Logs


class LogPosition(NamedTuple):
    """Where a page of the log explorer ended: the next page starts after this (timestamp, id)."""

    timestamp: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.timestamp.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> "LogPosition | None":
        timestamp, _, entry = (text or "").rpartition("~")
        try:
            at = datetime.fromisoformat(timestamp)
        except ValueError:
            return None
        if not entry.isdigit() or at.tzinfo is None:
            return None
        return cls(at, int(entry))


def log_configs(*, connection_id: int, project_id: str) -> dict[int, str]:
    """The configs whose logs are stored (the poller keeps a cursor for each), by name."""
    cursors = LogCursor.objects.filter(connection_id=connection_id, project_id=project_id).values_list(
        "plugin_config_id", "config_name"
    )
    return dict(sorted(cursors, key=lambda row: (row[1].casefold() or "~", row[0])))


def log_explorer_entries(
    *,
    connection_id: int,
    project_id: str | None = None,
    plugin_config_id: int | None = None,
    types: list[str] | None = None,
    sources: list[str] | None = None,
    after: datetime | None = None,
    before: datetime | None = None,
    search: str = "",
) -> QuerySet[PluginLogEntry]:
    """The stored entries matching the filters, newest first (`after` and `before` included)."""
    entries = PluginLogEntry.objects.filter(connection_id=connection_id)
    if plugin_config_id is not None:
        entries = entries.filter(plugin_config_id=plugin_config_id)
    if project_id:
        entries = entries.filter(project_id=project_id)
    if types:
        entries = entries.filter(type__in=types)
    if sources:
        entries = entries.filter(source__in=sources)
    if after:
        entries = entries.filter(timestamp__gte=after)
    if before:
        entries = entries.filter(timestamp__lte=before)
    if search:
        entries = entries.filter(_MessageContains(F("message"), search))
    return entries.order_by("-timestamp", "-id")


def log_explorer_page(
    *,
    connection_id: int,
    plugin_config_id: int | None = None,
    types: list[str] | None = None,
    sources: list[str] | None = None,
    after: datetime | None = None,
    before: datetime | None = None,
    search: str = "",
    cursor: tuple[datetime, int] | None = None,
    limit: int = 100,
    project_id: str | None = None,
) -> tuple[list[PluginLogEntry], LogPosition | None]:
    """A page of `limit` entries older than `cursor` (keyset on (timestamp, id), never OFFSET) and the next cursor."""
    entries = log_explorer_entries(
        connection_id=connection_id,
        project_id=project_id,
        plugin_config_id=plugin_config_id,
        types=types,
        sources=sources,
        after=after,
        before=before,
        search=search,
    )
    if cursor:
        timestamp, entry_id = cursor
        # `timestamp <= t` on its own lets the index range start at the cursor; the OR settles ties.
        entries = entries.filter(Q(timestamp__lte=timestamp), Q(timestamp__lt=timestamp) | Q(id__lt=entry_id))
    rows = list(entries[: limit + 1])
    next_cursor = LogPosition(rows[limit - 1].timestamp, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


class _MessageContains(IContains):
    """`icontains` that PostgreSQL answers from the trigram index on the message (migration 0002).

    Django's own icontains compares UPPER(message), which that index cannot serve; ILIKE can. Other
    databases keep Django's icontains.
    """

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def _snapshots(*, connection_id: int, project_id: str) -> QuerySet[DeliverySnapshot]:
    return DeliverySnapshot.objects.filter(connection_id=connection_id, project_id=project_id)


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
