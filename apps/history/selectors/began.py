"""When an item's stored history began, so a chart draws the time before it as "collecting since", not as a failure.

What "history began" means, per chart, and why:

- a plugin config's delivery rate (its chart and its overview sparkline): its first stored snapshot, of either
  resolution. PostHog only ever tells the current 24-hour rate, so nothing older than the first poll that saw the
  config can exist; a connection's first poll would be wrong for a config created (or a project watched) later,
  whose weeks before it would read as weeks of failed polls.
- a hog function's runs: its first stored hour. The metrics poller stores the hours PostHog still reports from its
  first poll on (apps/history/hog_metrics.py), so the hours before that poll are history too.
- a batch export's runs: its oldest stored run. The run poller reads back what PostHog still lists on its first
  poll (apps/history/export_runs.py); before that run nothing was kept.

Each read follows an index whose columns lead with (connection, item): one seek per item, whatever is stored.
"""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet

from apps.history.models import BatchExportRunRecord, DeliverySnapshot, HogFunctionMetricSnapshot
from apps.history.selectors.delivery import OVERVIEW_BUCKET_HOURS, ConfigDelivery


def delivery_began(*, connection_id: int, project_id: str | None, plugin_config_id: int) -> datetime | None:
    """The config's first stored snapshot (None: none is stored)."""
    return delivery_began_many(
        connection_id=connection_id, project_id=project_id, plugin_config_ids=[plugin_config_id]
    ).get(plugin_config_id)


def delivery_began_many(
    *, connection_id: int, project_id: str | None, plugin_config_ids: Collection[int]
) -> dict[int, datetime]:
    """Each config's first stored snapshot, in one query. Callers ask only for the configs whose range starts late
    (the others began before it, which changes nothing drawn): those have few rows to read.

    The first raw snapshot where it is kept: its hour's row sits at the start of the hour, up to an hour before
    anything was polled, which a chart of raw snapshots would draw as a gap. Once the pruner has folded the first
    hour's raw rows away, the first hourly row is as early as anything drawn."""
    if not plugin_config_ids:
        return {}
    rows = _of(DeliverySnapshot.objects.all(), connection_id=connection_id, project_id=project_id)
    firsts: dict[int, dict[int, datetime]] = {}
    for config_id, resolution, first in (
        rows.filter(plugin_config_id__in=list(plugin_config_ids))
        .values("plugin_config_id", "resolution")
        .annotate(first=Min("taken_at"))
        .values_list("plugin_config_id", "resolution", "first")
    ):
        firsts.setdefault(config_id, {})[resolution] = first
    began = {}
    for config_id, by_resolution in firsts.items():
        raw, hourly = by_resolution.get(DeliverySnapshot.RAW), by_resolution.get(DeliverySnapshot.HOURLY)
        if hourly is None or (raw is not None and hourly >= raw.replace(minute=0, second=0, microsecond=0)):
            began[config_id] = raw or hourly
        else:
            began[config_id] = hourly
    return {config_id: at for config_id, at in began.items() if at is not None}


def delivery_overview_began(
    *, connection_id: int, project_id: str | None, configs: list[ConfigDelivery], since: datetime
) -> dict[int, datetime]:
    """When the history of each overview row that starts after `since` began (a row starting at `since` began
    before it, which its sparkline draws the same either way)."""
    late = [
        config.plugin_config_id
        for config in configs
        if not config.hours or config.hours[0].at >= since + timedelta(hours=OVERVIEW_BUCKET_HOURS)
    ]
    return delivery_began_many(connection_id=connection_id, project_id=project_id, plugin_config_ids=late)


def function_runs_began(*, connection_id: int, project_id: str | None, function_id: str) -> datetime | None:
    """The function's first stored hour of run counts (None: none is stored)."""
    rows = _of(HogFunctionMetricSnapshot.objects.all(), connection_id=connection_id, project_id=project_id)
    return rows.filter(function_id=function_id).aggregate(first=Min("hour"))["first"]


def export_runs_began(*, connection_id: int, project_id: str | None, export_id: str) -> datetime | None:
    """When the export's oldest stored run was created (None: none is stored)."""
    rows = _of(BatchExportRunRecord.objects.all(), connection_id=connection_id, project_id=project_id)
    return rows.filter(export_id=export_id).aggregate(first=Min("created_at"))["first"]


def _of(rows: QuerySet, *, connection_id: int, project_id: str | None) -> QuerySet:
    rows = rows.filter(connection_id=connection_id)
    return rows.filter(project_id=project_id) if project_id else rows
