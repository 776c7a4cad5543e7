"""The overview's 3-hour periods, kept current (eight to a day's row) as snapshots are stored: always what the raw
snapshots say."""

import importlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from apps.history.delivery import delivery_hourly_rollup
from apps.history.models import DeliveryDay, DeliverySnapshot
from apps.history.periods import day_periods, day_with
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
        (row.plugin_config_id, datetime.fromtimestamp(row.day * 86400 + place * 3 * 3600, UTC)): figures
        for row in DeliveryDay.objects.filter(connection=connection)
        for place, figures in day_periods(bytes(row.periods)).items()
    }


@pytest.mark.django_db
def test_periods_stored_poll_by_poll_equal_the_means_of_the_raw_snapshots(connection):
    raw = store_polls(connection, [7, 8, 9])

    assert stored_periods(connection) == expected_periods(raw)
    assert len(expected_periods(raw)) == 3 * 4 - 2  # 00–03 … 09–12 for two configs, 00–03 and 03–06 for config 9


@pytest.mark.django_db
def test_folding_raw_snapshots_into_hours_leaves_the_periods_as_the_raw_snapshots_say(connection):
    raw = store_polls(connection, [7, 8])
    DeliveryDay.objects.filter(connection=connection).delete()  # whatever they held

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
def test_the_migration_packs_the_period_rows_kept_before_into_days(connection):
    raw = store_polls(connection, [7, 8, 9])
    periods = sorted(
        (connection.pk, "1", config, int(at.timestamp()) // (3 * 3600), *figures)
        for (config, at), figures in stored_periods(connection).items()
    )
    DeliveryDay.objects.all().delete()
    migration = importlib.import_module("apps.history.migrations.0009_delivery_days")

    migration.days_store(DeliveryDay, periods)

    assert stored_periods(connection) == expected_periods(raw)


def store_rates(connection, config: int, rates: dict[datetime, float | None]) -> None:
    """One config's snapshots at these moments, stored one poll at a time as the poller stores them."""
    for at, rate in sorted(rates.items()):
        poll = [
            DeliverySnapshot(
                connection=connection,
                project_id="1",
                plugin_config_id=config,
                config_name=f"Config {config}",
                taken_at=at,
                delivery_rate=rate,
                enabled=True,
            )
        ]
        DeliverySnapshot.objects.bulk_create(poll)
        delivery_hourly_rollup(snapshots=poll)


@pytest.mark.django_db
def test_the_overview_breaks_the_line_over_a_day_without_snapshots_and_shows_periods_without_metrics(connection):
    day = datetime(2026, 3, 20, tzinfo=UTC)
    hourly = {day + timedelta(hours=hour): 0.9 for hour in range(24)}  # the first day, every hour
    hourly |= {day + timedelta(hours=3, minutes=30): 0.5}  # 03:00–04:00 averages 0.7: the lowest hour
    hourly |= {day + timedelta(hours=6 + hour): None for hour in range(3)}  # 06:00–09:00: no metrics
    # No snapshot on the second day; the third day only from 12:00 to 15:00.
    hourly |= {day + timedelta(days=2, hours=12 + hour): 0.8 for hour in range(3)}
    store_rates(connection, 5, hourly)

    (row,) = delivery_overview(
        connection_id=connection.pk, project_id="1", since=day + timedelta(hours=3), until=day + timedelta(days=3)
    )

    periods = [day + timedelta(hours=3 * place) for place in range(1, 8)] + [day + timedelta(days=2, hours=12)]
    assert [point.at for point in row.hours] == periods  # nothing on the second day, nothing before `since`
    assert [point.rate for point in row.hours] == [
        pytest.approx((0.7 + 0.9 + 0.9) / 3),
        None,
        *[pytest.approx(0.9)] * 5,
        pytest.approx(0.8),
    ]
    assert row.lowest == pytest.approx(0.7)
    # The 21 hours with a rate from 03:00 on weigh the same: 0.7 once, 0.9 seventeen times, 0.8 three times.
    assert row.average == pytest.approx((0.7 + 0.9 * 17 + 0.8 * 3) / 21)
    assert row.taken_at == day + timedelta(days=2, hours=14)


@pytest.mark.django_db
def test_refreshing_one_period_of_a_day_keeps_the_day_s_other_periods(connection):
    raw = store_polls(connection, [7, 8])
    # Whatever the rows held for 00:00–03:00, the period the fold below recomputes; the other periods stay.
    for row in DeliveryDay.objects.filter(connection=connection):
        row.periods = day_with(bytes(row.periods), {0: (0.0, 0.0, 1)})
        row.save()

    delivery_snapshots_fold(before=START + timedelta(hours=2))

    assert stored_periods(connection) == expected_periods(raw)
