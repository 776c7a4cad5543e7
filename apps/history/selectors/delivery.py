"""The delivery-rate charts' reads: one config's snapshots over a range, the overview of every config, and the
annotations a chart marks.

The queries follow the (connection, plugin_config_id, taken_at) index of the snapshots; every function costs a
fixed number of queries, whatever the number of configs.
"""

import operator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any, NamedTuple

from django.db import connection as db_connection
from django.db.models import Avg, BigIntegerField, Count, F, Func, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Lag
from django_celery_beat.models import PeriodicTask

from apps.annotations.selectors import annotation_chart_list
from apps.connections.context import PostHogContext
from apps.history.kinds import DELIVERY
from apps.history.models import DeliverySnapshot
from apps.history.selectors.status import Schedule
from apps.posthog.errors import PostHogError

DEFAULT_DELIVERY_INTERVAL = timedelta(minutes=5)

RAW_RANGE = timedelta(days=2)
# A week of the overview's sparklines is 56 points: as many as their width shows, a third of the rows to move.
OVERVIEW_BUCKET_HOURS = 3


class DeliveryPoint(NamedTuple):
    """A (time, rate) pair; `hourly` when it is an hourly average the pruner folded raw snapshots into."""

    at: datetime
    rate: float | None
    hourly: bool = False


def delivery_series(
    *, connection_id: int, project_id: str | None, plugin_config_id: int, since: datetime, until: datetime
) -> list[DeliveryPoint]:
    """One config's delivery rates, oldest first: raw snapshots, and hourly rows where no raw ones are left;
    hourly rows only over ranges longer than RAW_RANGE, where a chart has no room for 5-minute points.

    One query on the (connection, plugin_config_id, taken_at) index for both resolutions; an hourly row is
    dropped when raw rows of its hour still exist (the pruner folds and deletes them in one go, but a range
    can also reach back before the raw rows began).
    """
    snapshots = _snapshots(connection_id=connection_id, project_id=project_id).filter(
        plugin_config_id=plugin_config_id, taken_at__gte=since, taken_at__lt=until
    )
    if until - since > RAW_RANGE:
        snapshots = snapshots.filter(resolution=DeliverySnapshot.HOURLY)
    rows = list(snapshots.order_by("taken_at", "resolution").values_list("taken_at", "delivery_rate", "resolution"))
    raw_hours = {_hour(at) for at, _, resolution in rows if resolution == DeliverySnapshot.RAW}
    return [
        DeliveryPoint(at, rate, hourly=resolution != DeliverySnapshot.RAW)
        for at, rate, resolution in rows
        if resolution == DeliverySnapshot.RAW or _hour(at) not in raw_hours
    ]


@dataclass(frozen=True)
class ConfigSeen:
    """What the newest snapshot recorded of a config: its name ("" when it has none) and its project."""

    name: str
    project_id: str | None


def delivery_config_seen(*, connection_id: int, project_id: str | None, plugin_config_id: int) -> ConfigSeen:
    """The config's name and project as the newest snapshot recorded them (None: no snapshot)."""
    newest = (
        _snapshots(connection_id=connection_id, project_id=project_id)
        .filter(plugin_config_id=plugin_config_id)
        .order_by("-taken_at")
        .values_list("config_name", "project_id")
        .first()
    )
    return ConfigSeen(name=newest[0], project_id=newest[1]) if newest else ConfigSeen(name="", project_id=None)


@dataclass(frozen=True)
class EnabledChange:
    """A moment the config was seen switched on (`enabled`) or off, compared with the snapshot before."""

    at: datetime
    enabled: bool


def delivery_enabled_changes(
    *, connection_id: int, project_id: str | None, plugin_config_id: int, limit: int = 20
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


def delivery_interval() -> timedelta:
    """How often the delivery-rate task is scheduled: a chart's gaps are measured against it."""
    task = (
        PeriodicTask.objects.filter(task=DELIVERY.name, interval__isnull=False)
        .select_related("interval")
        .order_by("-enabled", "pk")
        .first()
    )
    every = Schedule(task, DELIVERY.kind).every if task else None
    return every or DEFAULT_DELIVERY_INTERVAL


@dataclass(frozen=True)
class ChartMoments:
    """The moments a chart marks, as (time, text); `error` says why there are none when PostHog could not answer."""

    moments: list[tuple[datetime, str]]
    error: str = ""


def delivery_annotation_moments(
    *, context: PostHogContext, since: datetime, until: datetime, project_id: str | None = None
) -> ChartMoments:
    """The annotations between `since` and `until` of the config's project (`project_id`; the switcher's when not
    known), each with its author. The chart is drawn from the portal's own data and does without them when PostHog
    fails, saying why."""
    if project_id and project_id != context.project_id:
        context = replace(context, project_id=project_id, environment_id=project_id, environment_picked=False)
    try:
        annotations = annotation_chart_list(context=context, since=since, until=until)
    except PostHogError as error:
        return ChartMoments([], error.user_message)
    return ChartMoments(
        [
            (at, f"{annotation.content} ({annotation.created_by})" if annotation.created_by else annotation.content)
            for annotation in annotations
            if (at := annotation.at) is not None
        ]
    )


@dataclass(frozen=True)
class ConfigDelivery:
    """One config's row in the overview: its newest snapshot and its averages over OVERVIEW_BUCKET_HOURS."""

    plugin_config_id: int
    project_id: str
    name: str
    rate: float | None
    enabled: bool
    taken_at: datetime
    hours: list[DeliveryPoint]  # a point per bucket of hours
    lowest: float | None  # the lowest hourly average
    average: float | None  # of the hourly averages: every hour weighs the same


def delivery_overview(
    *, connection_id: int, project_id: str | None, since: datetime, until: datetime
) -> list[ConfigDelivery]:
    """Every config (of one project, or of every one) with snapshots between `since` and `until`, by name, with its
    averages per bucket of hours.

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


def _overview_rows(
    snapshots: QuerySet[DeliverySnapshot], series: dict[int, "_OverviewSeries"]
) -> dict[int, ConfigDelivery]:
    """Each config's newest of these snapshots, with its series."""
    newest_last = snapshots.order_by("taken_at", "-resolution")  # at the same time, a raw row after an hourly one
    return {
        config_id: series[config_id].delivery(config_id, project_id, name, rate, enabled, taken_at)
        for config_id, project_id, taken_at, name, rate, enabled in newest_last.values_list(
            "plugin_config_id", "project_id", "taken_at", "config_name", "delivery_rate", "enabled"
        )
        if config_id in series
    }


class _OverviewSeries:
    """A config's buckets as the overview query yields them, oldest first."""

    def __init__(self) -> None:
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

    def delivery(
        self, config_id: int, project_id: str, name: str, rate: float | None, enabled: bool, taken_at: datetime
    ) -> ConfigDelivery:
        average = self.weighted_sum / self.measured_hours if self.measured_hours else None
        return ConfigDelivery(config_id, project_id, name, rate, enabled, taken_at, self.points, self.lowest, average)


class _EpochHour(Func):
    """Whole hours since 1970-01-01 UTC: a bucket number for GROUP BY, on PostgreSQL and SQLite."""

    output_field = BigIntegerField()
    template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 3600) AS bigint)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # %%%%s: one %% for this template, one for the driver; SQLite sees strftime('%s', ...).
        template = "(CAST(strftime('%%%%s', %(expressions)s) AS integer) / 3600)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _snapshots(*, connection_id: int, project_id: str | None) -> QuerySet[DeliverySnapshot]:
    """The connection's snapshots, of one project or (None) of every one: PostHog's config ids are unique across
    projects, so a config's rows are the same either way."""
    snapshots = DeliverySnapshot.objects.filter(connection_id=connection_id)
    return snapshots.filter(project_id=project_id) if project_id is not None else snapshots


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
