"""Delivery-rate snapshots: every watched plugin config's 24-hour delivery rate and enabled state, one row per poll.

PostHog only ever tells the rate of the last 24 hours; these rows are what the portal's charts draw over weeks.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.db import connection as database
from django.db import transaction
from django.utils import timezone

from apps.connections.capabilities import capability_record
from apps.connections.models import Capability, Connection
from apps.connections.selectors import WatchedTarget, list_page
from apps.history.models import DeliveryDay, DeliverySnapshot
from apps.history.periods import EMPTY_DAY, PERIODS_A_DAY, Period, day_of_period, day_with, period_of, period_start
from apps.history.polling import budgeted_get, config_listed, poll_client
from apps.history.results import PollResult
from apps.history.targets import PROJECT_REFUSALS, plugin_targets, poll_targets, targets_rotated
from apps.posthog.paths import plugin_configs_path

# A whole project in one request where PostHog allows it; more configs cost a request per further page.
CONFIG_PAGE_SIZE = 500
DELIVERY_FIELD = "delivery_rate_24h"


def delivery_snapshot_take(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Store one snapshot per plugin config of every watched project, taken at `now` (to the second).

    The projects' lists are read a page at a time in turn (a different project first each run), so a budget spent
    between pages leaves every project the same share unread; what was read is kept and the result says "budget
    spent". A project PostHog refuses (gone, or not the key's) is said in the result and the others go on; PostHog
    failing raises. A retried task with the same `now` stores nothing twice.
    """
    taken_at = (now or timezone.now()).replace(microsecond=0)
    client = poll_client(connection=connection)
    result = PollResult()
    targets = plugin_targets(poll_targets(client=client, connection=connection, result=result))
    # (project, the next page to read, its query): every project's first page, then the second pages, and so on.
    reads: list[tuple[WatchedTarget, str, dict | None]] = [
        (target, plugin_configs_path(target.project_id), {"limit": CONFIG_PAGE_SIZE})
        for target in targets_rotated(targets, connection=connection, kind="delivery")
    ]
    while reads:
        following: list[tuple[WatchedTarget, str, dict | None]] = []
        for target, path, params in reads:
            try:
                page = budgeted_get(client=client, connection=connection, path=path, params=params, result=result)
            except PROJECT_REFUSALS as error:
                result.errors.append(f"{target.label}: {error.user_message}")
                continue
            if page is None:
                return result
            configs, next_path = list_page(page, "plugin configs")
            result.items_stored += _snapshots_store(
                connection=connection, project_id=target.project_id, taken_at=taken_at, configs=configs
            )
            if next_path:
                following.append((target, next_path, None))  # `next` carries the query
        reads = following
    return result


def _snapshots_store(*, connection: Connection, project_id: str, taken_at: datetime, configs: list[dict]) -> int:
    """Configs PostHog reports a rate for; newer PostHog sends no `delivery_rate_24h` at all, and a row without a
    rate would read as "no metrics", a measurement PostHog never made. The connection learns which it is."""
    configs = [config for config in configs if isinstance(config, dict)]
    if configs:
        reported = any(DELIVERY_FIELD in config for config in configs)
        capability_record(
            connection=connection,
            action="plugin_config_delivery_rate",
            state=Capability.ALLOWED if reported else Capability.RETIRED,
            detail="" if reported else "PostHog's plugin configs carry no delivery_rate_24h.",
            source=Capability.REQUEST,
        )
    configs = [config for config in configs if DELIVERY_FIELD in config]
    snapshots = {
        int(config["id"]): DeliverySnapshot(
            connection=connection,
            project_id=project_id,
            plugin_config_id=int(config["id"]),
            config_name=str(config.get("name") or "")[:400],
            taken_at=taken_at,
            delivery_rate=_rate(config.get("delivery_rate_24h")),
            enabled=config.get("enabled") is True,
            resolution=DeliverySnapshot.RAW,
        )
        for config in configs
        if config_listed(config)
    }
    already = set(
        DeliverySnapshot.objects.filter(
            connection=connection,
            project_id=project_id,
            resolution=DeliverySnapshot.RAW,
            taken_at=taken_at,
            plugin_config_id__in=snapshots,
        ).values_list("plugin_config_id", flat=True)
    )
    new = [snapshot for config_id, snapshot in snapshots.items() if config_id not in already]
    with transaction.atomic():
        # A second worker racing this one may still insert first: the unique key keeps one raw row (its rate
        # would then count twice in the hour's mean, a bounded error against a lost or duplicated row).
        DeliverySnapshot.objects.bulk_create(new, ignore_conflicts=True)
        delivery_hourly_rollup(snapshots=new)
    return len(new)


def delivery_hourly_rollup(*, snapshots: list[DeliverySnapshot]) -> None:
    """Fold raw snapshots into their hour's row (a running mean of the rates, the latest state and name), and
    their periods' rows into what the hours now say."""
    hours: dict[tuple, list[DeliverySnapshot]] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.taken_at):
        hour = snapshot.taken_at.replace(minute=0, second=0, microsecond=0)
        hours.setdefault((snapshot.connection_id, snapshot.project_id, snapshot.plugin_config_id, hour), []).append(
            snapshot
        )
    if not hours:
        return
    values, params = [], []
    for (connection_id, project_id, config_id, hour), group in hours.items():
        rates = [s.delivery_rate for s in group if s.delivery_rate is not None]
        values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
        params += [connection_id, project_id, config_id, group[-1].config_name]
        params += [database.ops.adapt_datetimefield_value(hour), sum(rates) / len(rates) if rates else None]
        params += [group[-1].enabled, DeliverySnapshot.HOURLY, len(rates)]
    table = DeliverySnapshot._meta.db_table
    # ON CONFLICT … DO UPDATE is the same on PostgreSQL and SQLite; Django's bulk_create cannot do arithmetic.
    sql = f"""
        INSERT INTO {table}
            (connection_id, project_id, plugin_config_id, config_name, taken_at, delivery_rate, enabled,
             resolution, samples)
        VALUES {", ".join(values)}
        ON CONFLICT (connection_id, project_id, plugin_config_id, resolution, taken_at) DO UPDATE SET
            delivery_rate = CASE
                WHEN excluded.samples = 0 THEN {table}.delivery_rate
                WHEN {table}.samples = 0 THEN excluded.delivery_rate
                ELSE ({table}.delivery_rate * {table}.samples + excluded.delivery_rate * excluded.samples)
                    / ({table}.samples + excluded.samples)
            END,
            samples = {table}.samples + excluded.samples,
            enabled = excluded.enabled,
            config_name = excluded.config_name
    """
    with database.cursor() as cursor:
        cursor.execute(sql, params)
    for connection_id in {key[0] for key in hours}:
        keys = [key for key in hours if key[0] == connection_id]
        delivery_periods_refresh(
            connection_id=connection_id,
            start=min(key[3] for key in keys),
            end=max(key[3] for key in keys) + timedelta(hours=1),
            plugin_config_ids={key[2] for key in keys},
        )


def delivery_periods_refresh(
    *, connection_id: int, start: datetime, end: datetime, plugin_config_ids: Collection[int] | None = None
) -> int:
    """Recompute every period overlapping `start`..`end` from its hourly rows (of these configs, or of every one)
    in the DeliveryDay rows that hold them; the periods written.

    Called whenever hourly rows change (a snapshot stored, raw rows folded), in the same transaction: a period is
    always what its hourly rows say. A snapshot touches one period of each config: at most three hourly rows each
    to read. The day's other periods are kept as they are, so its row is locked while it is read and rewritten
    (a second writer of the same day, another period of it, waits and then reads what this one wrote).
    """
    first, last = period_of(start), period_of(end - timedelta(microseconds=1))
    hourly = DeliverySnapshot.objects.filter(
        connection_id=connection_id,
        resolution=DeliverySnapshot.HOURLY,
        taken_at__gte=period_start(first),
        taken_at__lt=period_start(last + 1),
    )
    if plugin_config_ids is not None:
        hourly = hourly.filter(plugin_config_id__in=plugin_config_ids)
    rates: dict[tuple[str, int, int], list[float | None]] = {}
    for project_id, config_id, taken_at, rate in hourly.values_list(
        "project_id", "plugin_config_id", "taken_at", "delivery_rate"
    ):
        rates.setdefault((project_id, config_id, period_of(taken_at)), []).append(rate)
    days: dict[tuple[str, int, int], dict[int, Period]] = {}
    for (project_id, config_id, period), values in rates.items():
        measured = [rate for rate in values if rate is not None]
        days.setdefault((project_id, config_id, day_of_period(period)), {})[period % PERIODS_A_DAY] = (
            sum(measured) / len(measured) if measured else None,
            min(measured) if measured else None,
            len(measured),
        )
    if not days:
        return 0
    with transaction.atomic():
        DeliveryDay.objects.bulk_create(
            [
                DeliveryDay(
                    connection_id=connection_id, project_id=project, plugin_config_id=config, day=day, periods=EMPTY_DAY
                )
                for project, config, day in days
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        held = (
            DeliveryDay.objects.select_for_update()
            .filter(
                connection_id=connection_id,
                day__in={day for _, _, day in days},
                plugin_config_id__in={config for _, config, _ in days},
            )
            .order_by("plugin_config_id", "day", "project_id")  # one order for every writer: no deadlock
            .values_list("project_id", "plugin_config_id", "day", "periods")
        )
        rows = [
            DeliveryDay(
                connection_id=connection_id,
                project_id=project,
                plugin_config_id=config,
                day=day,
                periods=day_with(bytes(packed), days[project, config, day]),
            )
            for project, config, day, packed in held
            if (project, config, day) in days
        ]
        DeliveryDay.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["connection", "project_id", "plugin_config_id", "day"],
            update_fields=["periods"],
        )
    return sum(map(len, days.values()))


def _rate(value: Any) -> float | None:
    """PostHog's float 0..1; anything else (null: no metrics, or a malformed value) is stored as no rate."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(1.0, max(0.0, float(value)))
