"""Keep history bounded: forget what is older than HISTORY_RETENTION_DAYS (plugin and hog function logs, activity,
hog function run counts, batch export runs, poll runs), and fold raw delivery-rate snapshots
older than HISTORY_RAW_DELIVERY_DAYS into one row per config and hour (and their 3-hour periods into what those say).

Tables may hold millions of rows, so rows go in chunks of DELETE_CHUNK (short statements, short locks) and the
hourly means are computed by the database. Only whole hours are folded, one connection and day at a time in a
transaction: the hourly rows appear exactly when their raw rows go, and running the pruner again (or after a
crash) finds nothing left to fold.

`items_stored` of the result counts rows changed: rows deleted plus hourly rows written.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, F, Min, QuerySet, Window
from django.db.models.functions import RowNumber, TruncHour
from django.utils import timezone

from apps.history.delivery import delivery_periods_refresh
from apps.history.models import (
    ActivitySnapshot,
    BatchExportRunRecord,
    DeliveryDay,
    DeliverySnapshot,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    PluginLogEntry,
    PollRun,
)
from apps.history.periods import day_of_period, period_of
from apps.history.results import PollResult

DELETE_CHUNK = 10_000
FOLD_SPAN = timedelta(days=1)


def history_prune(*, now: datetime | None = None) -> PollResult:
    now = now or timezone.now()
    forget_before = now - timedelta(days=settings.HISTORY_RETENTION_DAYS)
    result = PollResult()
    for rows in (
        PluginLogEntry.objects.filter(timestamp__lt=forget_before),
        ActivitySnapshot.objects.filter(created_at__lt=forget_before),
        HogFunctionLogEntry.objects.filter(timestamp__lt=forget_before),
        HogFunctionMetricSnapshot.objects.filter(hour__lt=forget_before),
        BatchExportRunRecord.objects.filter(created_at__lt=forget_before),
        PollRun.objects.filter(started_at__lt=forget_before),
        # Raw rows this old would only be folded into hourly rows deleted next.
        DeliverySnapshot.objects.filter(taken_at__lt=forget_before),
        # A day's row goes with its last period: a day partly older than the retention is kept whole.
        DeliveryDay.objects.filter(day__lt=day_of_period(period_of(forget_before))),
    ):
        result.items_stored += rows_delete(rows)
    result.items_stored += delivery_snapshots_fold(before=now - timedelta(days=settings.HISTORY_RAW_DELIVERY_DAYS))
    return result


def rows_delete(rows: QuerySet) -> int:
    """Delete in chunks: one giant DELETE would hold its locks (and grow its transaction) for minutes."""
    deleted = 0
    while True:
        chunk = rows.model.objects.filter(pk__in=rows.order_by().values("pk")[:DELETE_CHUNK])
        count, _ = chunk.delete()
        if not count:
            return deleted
        deleted += count


def delivery_snapshots_fold(*, before: datetime) -> int:
    """Replace the raw snapshots of every whole hour before `before` by hourly ones; rows deleted plus written."""
    until = before.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    oldest = (
        DeliverySnapshot.objects.filter(resolution=DeliverySnapshot.RAW, taken_at__lt=until)
        .values("connection_id")
        .annotate(first=Min("taken_at"))
        .order_by("connection_id")
    )
    changed = 0
    for row in oldest:
        start = row["first"].astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while start < until:
            end = min(start + FOLD_SPAN, until)
            changed += _fold(connection_id=row["connection_id"], start=start, end=end)
            start = end
    return changed


@transaction.atomic
def _fold(*, connection_id: int, start: datetime, end: datetime) -> int:
    raw = DeliverySnapshot.objects.filter(
        connection_id=connection_id, resolution=DeliverySnapshot.RAW, taken_at__gte=start, taken_at__lt=end
    )
    hour = TruncHour("taken_at", tzinfo=UTC)
    same_hour: dict[str, Any] = {"partition_by": [F("project_id"), F("plugin_config_id"), hour]}
    # One row per config and hour: the mean of its rates (NULLs ignored, so None when all are NULL), and the
    # enabled state and name of its last snapshot.
    hours = (
        raw.annotate(
            hour=hour,
            mean_rate=Window(Avg("delivery_rate"), **same_hour),
            newest_first=Window(RowNumber(), order_by=F("taken_at").desc(), **same_hour),
        )
        .filter(newest_first=1)
        .values("project_id", "plugin_config_id", "hour", "mean_rate", "enabled", "config_name")
    )
    hourly = [
        DeliverySnapshot(
            connection_id=connection_id,
            project_id=row["project_id"],
            plugin_config_id=row["plugin_config_id"],
            taken_at=row["hour"],
            resolution=DeliverySnapshot.HOURLY,
            delivery_rate=row["mean_rate"],
            enabled=row["enabled"],
            config_name=row["config_name"],
        )
        for row in hours
    ]
    DeliverySnapshot.objects.bulk_create(
        hourly,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["connection", "project_id", "plugin_config_id", "resolution", "taken_at"],
        update_fields=["delivery_rate", "enabled", "config_name"],
    )
    # The hours' means were kept current as the raw rows arrived; the periods follow whatever the fold wrote.
    delivery_periods_refresh(connection_id=connection_id, start=start, end=end)
    return len(hourly) + rows_delete(raw)
