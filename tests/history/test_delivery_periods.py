"""The overview's 3-hour periods, kept current as snapshots are stored: always what the raw snapshots say."""

import importlib
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps as installed_apps

from apps.history.delivery import delivery_hourly_rollup
from apps.history.models import DeliveryPeriod, DeliverySnapshot
from apps.history.prune import delivery_snapshots_fold
from apps.history.selectors.delivery import delivery_overview

START = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)  # 01:00 UTC: the first period (00:00–03:00) starts before it
END = START + timedelta(hours=10)


def _rate(rng: random.Random) -> float | None:
    return None if rng.random() < 0.1 else round(rng.uniform(0.5, 1.0), 3)


def store_polls(connection, configs: list[int], *, seed: int = 3) -> list[DeliverySnapshot]:
    """Raw snapshots every 5 minutes (a tenth without metrics), stored poll by poll as the poller stores them."""
    rng = random.Random(seed)
    stored = []
    at = START
    while at < END:
        poll = [
            DeliverySnapshot(
                connection=connection,
                project_id="1",
                plugin_config_id=config,
                config_name=f"Config {config}",
                taken_at=at,
                delivery_rate=_rate(rng),
                enabled=True,
            )
            for config in configs
            # Config 9 stops being polled after four hours: its periods end early.
            if config != 9 or at < START + timedelta(hours=4)
        ]
        stored += DeliverySnapshot.objects.bulk_create(poll)
        delivery_hourly_rollup(snapshots=poll)
        at += timedelta(minutes=5)
    return stored


def expected_periods(raw: list[DeliverySnapshot]) -> dict[tuple[int, datetime], tuple]:
    """From the raw snapshots alone: per config and period, the mean of its hourly means, the lowest hourly mean,
    and the hours that had a rate."""
    hours: dict[tuple[int, datetime], list[float]] = {}
    for snapshot in raw:
        hour = snapshot.taken_at.replace(minute=0)
        hours.setdefault((snapshot.plugin_config_id, hour), [])
        if snapshot.delivery_rate is not None:
            hours[(snapshot.plugin_config_id, hour)].append(snapshot.delivery_rate)
    periods: dict[tuple[int, datetime], list[float]] = {}
    for (config, hour), rates in hours.items():
        means = periods.setdefault((config, hour.replace(hour=hour.hour - hour.hour % 3)), [])
        if rates:
            means.append(sum(rates) / len(rates))
    return {
        key: (pytest.approx(sum(means) / len(means)), pytest.approx(min(means)), len(means))
        if means
        else (None, None, 0)
        for key, means in periods.items()
    }


def stored_periods(connection) -> dict[tuple[int, datetime], tuple]:
    return {
        (row.plugin_config_id, datetime.fromtimestamp(row.period * 3 * 3600, UTC)): (row.rate, row.lowest, row.hours)
        for row in DeliveryPeriod.objects.filter(connection=connection)
    }


@pytest.mark.django_db
def test_periods_stored_poll_by_poll_equal_the_means_of_the_raw_snapshots(connection):
    raw = store_polls(connection, [7, 8, 9])

    assert stored_periods(connection) == expected_periods(raw)
    assert len(expected_periods(raw)) == 3 * 4 - 2  # 00–03 … 09–12 for two configs, 00–03 and 03–06 for config 9


@pytest.mark.django_db
def test_folding_raw_snapshots_into_hours_leaves_the_periods_as_the_raw_snapshots_say(connection):
    raw = store_polls(connection, [7, 8])
    DeliveryPeriod.objects.filter(connection=connection).update(rate=0.0, lowest=0.0)  # whatever they held

    delivery_snapshots_fold(before=END)

    assert not DeliverySnapshot.objects.filter(resolution=DeliverySnapshot.RAW).exists()
    assert stored_periods(connection) == expected_periods(raw)


@pytest.mark.django_db
def test_the_overview_shows_each_period_s_mean_the_lowest_hour_and_the_average_of_the_hours(connection):
    raw = store_polls(connection, [7, 8, 9])
    expected = expected_periods(raw)

    rows = delivery_overview(connection_id=connection.pk, project_id="1", since=START, until=END)

    assert [row.plugin_config_id for row in rows] == [7, 8, 9]
    for row in rows:
        own = {at: figures for (config, at), figures in expected.items() if config == row.plugin_config_id}
        assert [(point.at, point.rate) for point in row.hours] == [(at, figures[0]) for at, figures in own.items()]
        assert row.lowest == pytest.approx(
            min(figures[1].expected for figures in own.values() if figures[1] is not None)
        )
        newest = max(s.taken_at for s in raw if s.plugin_config_id == row.plugin_config_id)
        assert row.taken_at == newest
    # Config 9's newest snapshot is older than the newest poll: it is found in its newest period.
    assert rows[2].taken_at == START + timedelta(hours=4) - timedelta(minutes=5)


@pytest.mark.django_db
def test_the_migration_fills_the_periods_of_hourly_rows_kept_before_them(connection):
    raw = store_polls(connection, [7, 8])
    DeliveryPeriod.objects.all().delete()
    migration = importlib.import_module("apps.history.migrations.0008_delivery_periods")

    migration.periods_fill(installed_apps, None)

    assert stored_periods(connection) == expected_periods(raw)
