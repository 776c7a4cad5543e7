"""The delivery-rate charts' reads: one config's snapshots over a range, the overview of every config, and the
annotations a chart marks.

The queries follow the (connection, plugin_config_id, taken_at) index of the snapshots; every function costs a
fixed number of queries, whatever the number of configs.
"""

import gc
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial, reduce
from itertools import repeat
from typing import NamedTuple

from django.db import connection as db_connection
from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import Lag
from django_celery_beat.models import PeriodicTask

from apps.annotations.selectors import annotation_chart_list
from apps.connections.context import PostHogContext
from apps.history.kinds import DELIVERY
from apps.history.models import DeliveryDay, DeliverySnapshot
from apps.history.periods import (
    ABSENT,
    EMPTY_DAY,
    HOURS,
    PERIODS_A_DAY,
    VALUES,
    day_of_period,
    period_of,
    period_start,
    periods_unpack,
)
from apps.history.selectors.status import Schedule
from apps.posthog.errors import PostHogError

DEFAULT_DELIVERY_INTERVAL = timedelta(minutes=5)

RAW_RANGE = timedelta(days=2)
# A week of the overview's sparklines is 56 points: as many as their width shows, a third of the rows to move.
OVERVIEW_BUCKET_HOURS = HOURS


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
    means per period of OVERVIEW_BUCKET_HOURS (the first is the whole period `since` falls in).

    Two queries for any number of configs: one reads the day rows the snapshot poller keeps current (DeliveryDay:
    8 a config for a week, each holding its eight periods, nothing to aggregate), the other each config's newest
    snapshot from the newest snapshot moment.
    """
    first, end = period_of(since), period_of(until - timedelta(microseconds=1)) + 1
    with _collector_paused():
        series = _overview_series(connection_id=connection_id, project_id=project_id, first=first, end=end)
        if not series:
            return []
        # The pollers snapshot every config at once, so the newest raw moment usually holds every config's newest
        # row.
        scope = _snapshots(connection_id=connection_id, project_id=project_id)
        raw = scope.filter(resolution=DeliverySnapshot.RAW, taken_at__lt=until)
        newest_raw = raw.filter(taken_at__gte=period_start(first)).aggregate(at=Max("taken_at"))["at"]
        found_rows = _overview_rows(raw.filter(taken_at=newest_raw), series, taken_at=newest_raw) if newest_raw else {}
        missing = {config_id: found for config_id, found in series.items() if config_id not in found_rows}
        if missing:  # stopped configs, or raw rows already folded: each config's newest period
            configs_by_period: dict[int, list[int]] = {}
            for config_id, config_series in missing.items():
                configs_by_period.setdefault(config_series.newest_period, []).append(config_id)
            in_newest_period = reduce(
                operator.or_,
                (
                    Q(plugin_config_id__in=ids, taken_at__gte=period_start(newest))
                    for newest, ids in configs_by_period.items()
                ),
            )
            found_rows |= _overview_rows(scope.filter(in_newest_period, taken_at__lt=until), missing)
        return sorted(found_rows.values(), key=lambda row: (row.name.casefold() or "~", row.plugin_config_id))


def _overview_series(
    *, connection_id: int, project_id: str | None, first: int, end: int
) -> dict[int, "_OverviewSeries"]:
    """Each config's series over the periods `first`..`end`, from its day rows."""
    days = DeliveryDay.objects.filter(
        connection_id=connection_id, day__gte=day_of_period(first), day__lte=day_of_period(end - 1)
    )
    if project_id is not None:
        days = days.filter(project_id=project_id)
    # In day order (the index's): each config's rows arrive oldest first without a sort.
    query = days.order_by("day").values_list("plugin_config_id", "day", "periods")
    # The compiled query's rows as the driver gives them: Django's per-value converters cost more than the query.
    with db_connection.cursor() as cursor:
        cursor.execute(*query.query.sql_with_params())
        rows = cursor.fetchall()
    by_config: dict[int, list[tuple]] = {}
    for row in rows:
        found = by_config.get(row[0])
        if found is None:
            by_config[row[0]] = [row]
        else:
            found.append(row)
    starts = [period_start(period) for period in range(first, end)]
    return {
        config_id: config_series
        for config_id, config_rows in by_config.items()
        if (config_series := _OverviewSeries.of(config_rows, first, end, starts)) is not None
    }


def _overview_rows(
    snapshots: QuerySet[DeliverySnapshot], series: dict[int, "_OverviewSeries"], taken_at: datetime | None = None
) -> dict[int, ConfigDelivery]:
    """Each config's newest of these snapshots, with its series; `taken_at` when all of them were taken then (one
    moment, rather than thousands of timestamps the driver would each turn into a datetime)."""
    newest_last = snapshots.order_by("taken_at", "-resolution")  # at the same time, a raw row after an hourly one
    if taken_at is not None:
        return {
            config_id: series[config_id].delivery(config_id, project_id, name, rate, enabled, taken_at)
            for config_id, project_id, name, rate, enabled in newest_last.values_list(
                "plugin_config_id", "project_id", "config_name", "delivery_rate", "enabled"
            )
            if config_id in series
        }
    return {
        config_id: series[config_id].delivery(config_id, project_id, name, rate, enabled, at)
        for config_id, project_id, at, name, rate, enabled in newest_last.values_list(
            "plugin_config_id", "project_id", "taken_at", "config_name", "delivery_rate", "enabled"
        )
        if config_id in series
    }


class _OverviewSeries:
    """A config's periods in the range, as points and figures.

    Its day rows are joined and unpacked at once (in C); a config whose every period of the range has a rate (the
    usual one) is turned into points with C-level iteration (zip, map) too: a 5,000-config overview has 280,000
    periods, and a Python loop over them cost more than the query."""

    __slots__ = ("average", "lowest", "newest_period", "points")

    def __init__(
        self, points: list[DeliveryPoint], lowest: float | None, average: float | None, newest_period: int
    ) -> None:
        self.points, self.lowest, self.average, self.newest_period = points, lowest, average, newest_period

    @classmethod
    def of(cls, rows: list[tuple], first: int, end: int, starts: list[datetime]) -> "_OverviewSeries | None":
        """From a config's (config, day, periods) rows, oldest first; None when none of their periods is in the
        range `first`..`end` (`starts`: the moments those begin)."""
        _, days, packed = zip(*rows, strict=True)
        if days[-1] - days[0] + 1 != len(days):  # days without a row: their periods are absent
            held = dict(zip(days, packed, strict=True))
            packed = tuple(held.get(day, EMPTY_DAY) for day in range(days[0], days[-1] + 1))
        values = periods_unpack(b"".join(packed))
        base = days[0] * PERIODS_A_DAY  # the period the values begin with
        low, high = max(first - base, 0) * VALUES, (min(end, base + len(values) // VALUES) - base) * VALUES
        rates, lows, hours = values[low:high:VALUES], values[low + 1 : high : VALUES], values[low + 2 : high : VALUES]
        moments = starts[base + low // VALUES - first :]
        if hours and min(hours) > 0:  # every period has hourly rows and a rate
            points = list(map(_new_point, zip(moments, rates, repeat(True), strict=False)))
            weighted = sum(map(operator.mul, rates, hours))
            return cls(points, min(lows), weighted / sum(hours), base + high // VALUES - 1)
        present = [place for place, measured in enumerate(hours) if measured != ABSENT]
        if not present:
            return None
        points = [DeliveryPoint(moments[place], rates[place] if hours[place] else None, True) for place in present]
        # Every hour weighs the same: a period's mean counts as often as it has hours with a rate.
        measured = [place for place in present if hours[place]]
        measured_hours = sum(hours[place] for place in measured)
        return cls(
            points,
            min((lows[place] for place in measured), default=None),
            sum(rates[place] * hours[place] for place in measured) / measured_hours if measured_hours else None,
            base + low // VALUES + present[-1],
        )

    def delivery(
        self, config_id: int, project_id: str, name: str, rate: float | None, enabled: bool, taken_at: datetime
    ) -> ConfigDelivery:
        return ConfigDelivery(
            config_id, project_id, name, rate, enabled, taken_at, self.points, self.lowest, self.average
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the overview makes its objects: it would otherwise run a few hundred
    times over a 5,000-config overview's 280,000 points (none of them in a cycle), which tripled the time they
    take, and again over all of them while the rows that hold them are made. It runs again afterwards as usual; a caller that had it off keeps it off."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


# What NamedTuple._make calls, without its Python frame: one call a point, in C.
_new_point = partial(tuple.__new__, DeliveryPoint)


def _snapshots(*, connection_id: int, project_id: str | None) -> QuerySet[DeliverySnapshot]:
    """The connection's snapshots, of one project or (None) of every one: PostHog's config ids are unique across
    projects, so a config's rows are the same either way."""
    snapshots = DeliverySnapshot.objects.filter(connection_id=connection_id)
    return snapshots.filter(project_id=project_id) if project_id is not None else snapshots


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
