"""Pruning: old history forgotten, raw delivery-rate snapshots folded into hourly means."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.connections.services import connection_create
from apps.history import prune
from apps.history.models import ActivitySnapshot, DeliverySnapshot, PluginLogEntry, PollRun
from apps.history.prune import history_prune
from tests.conftest import TEST_KEY

NOW = datetime(2026, 3, 20, 12, 30, tzinfo=UTC)
RAW, HOURLY = DeliverySnapshot.RAW, DeliverySnapshot.HOURLY


@pytest.fixture(autouse=True)
def windows(settings):
    settings.HISTORY_RETENTION_DAYS = 90
    settings.HISTORY_RAW_DELIVERY_DAYS = 2


def log_entry(connection, entry_id: str, timestamp: datetime) -> PluginLogEntry:
    return PluginLogEntry.objects.create(
        connection=connection,
        project_id="1",
        plugin_config_id=7,
        entry_id=entry_id,
        timestamp=timestamp,
        source="PLUGIN",
        type="INFO",
        message=f"entry {entry_id}",
    )


def activity_entry(connection, activity_id: str, created_at: datetime) -> ActivitySnapshot:
    return ActivitySnapshot.objects.create(
        connection=connection,
        scope="PluginConfig",
        activity_id=activity_id,
        item_id="7",
        activity="enabled",
        created_at=created_at,
        user_name="Ada",
        entry={"id": activity_id},
    )


def snapshot(connection, taken_at, rate, *, enabled=True, name="S3 Export", config=7, resolution=RAW):
    return DeliverySnapshot.objects.create(
        connection=connection,
        project_id="1",
        plugin_config_id=config,
        config_name=name,
        taken_at=taken_at,
        delivery_rate=rate,
        enabled=enabled,
        resolution=resolution,
    )


def delivery_rows(connection) -> list[tuple]:
    return list(
        DeliverySnapshot.objects.filter(connection=connection)
        .order_by("plugin_config_id", "resolution", "taken_at")
        .values_list("plugin_config_id", "resolution", "taken_at", "delivery_rate", "enabled", "config_name")
    )


@pytest.mark.django_db
def test_logs_activity_and_runs_older_than_the_retention_are_deleted_and_recent_ones_kept(connection, monkeypatch):
    monkeypatch.setattr(prune, "DELETE_CHUNK", 3)  # several chunks
    old, recent = NOW - timedelta(days=90, minutes=1), NOW - timedelta(days=89)
    for number in range(7):
        log_entry(connection, f"old-{number}", old - timedelta(hours=number))
    log_entry(connection, "recent", recent)
    activity_entry(connection, "old", old)
    activity_entry(connection, "recent", recent)
    PollRun.objects.create(kind=PollRun.Kind.LOGS, connection=connection, started_at=old)
    kept_run = PollRun.objects.create(kind=PollRun.Kind.LOGS, connection=connection, started_at=recent)

    result = history_prune(now=NOW)

    assert list(PluginLogEntry.objects.values_list("entry_id", flat=True)) == ["recent"]
    assert list(ActivitySnapshot.objects.values_list("activity_id", flat=True)) == ["recent"]
    assert list(PollRun.objects.all()) == [kept_run]
    assert result.items_stored == 7 + 1 + 1


@pytest.mark.django_db
def test_raw_snapshots_older_than_the_raw_window_become_hourly_means(connection):
    hour = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    snapshot(connection, hour + timedelta(minutes=5), 0.9, name="S3 Export")
    snapshot(connection, hour + timedelta(minutes=25), 1.0)
    snapshot(connection, hour + timedelta(minutes=50), None, enabled=False, name="S3 Export (old bucket)")
    snapshot(connection, hour + timedelta(hours=1, minutes=5), None, config=8)
    snapshot(connection, hour + timedelta(hours=1, minutes=35), None, config=8)
    recent = snapshot(connection, NOW - timedelta(days=1), 0.5)

    result = history_prune(now=NOW)

    assert delivery_rows(connection) == [
        (7, RAW, recent.taken_at, 0.5, True, "S3 Export"),
        # The mean of the rates known (NULL: no metrics); the state and name of the hour's last snapshot.
        (7, HOURLY, hour, pytest.approx(0.95), False, "S3 Export (old bucket)"),
        (8, HOURLY, hour + timedelta(hours=1), None, True, "S3 Export"),
    ]
    assert result.items_stored == 5 + 2


@pytest.mark.django_db
def test_an_hour_is_folded_only_once_it_is_wholly_past_the_raw_window(connection):
    cut = NOW - timedelta(days=2)  # 12:30, two days ago
    before = snapshot(connection, cut - timedelta(minutes=20), 0.8)
    after = snapshot(connection, cut - timedelta(minutes=5), 0.6)

    history_prune(now=NOW)
    assert delivery_rows(connection) == [
        (7, RAW, before.taken_at, 0.8, True, "S3 Export"),
        (7, RAW, after.taken_at, 0.6, True, "S3 Export"),
    ]

    history_prune(now=NOW + timedelta(minutes=30))
    assert delivery_rows(connection) == [(7, HOURLY, cut.replace(minute=0), pytest.approx(0.7), True, "S3 Export")]


@pytest.mark.django_db
def test_pruning_twice_gives_the_same_rows(connection, admin_user):
    other = connection_create(actor=admin_user, name="Staging", host="https://staging.example.test", api_key=TEST_KEY)
    hour = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    for minutes in range(0, 120, 5):
        snapshot(connection, hour + timedelta(minutes=minutes), 0.5 + minutes / 1000)
        snapshot(other, hour + timedelta(minutes=minutes), 0.25)

    history_prune(now=NOW)
    once = delivery_rows(connection), delivery_rows(other)
    again = history_prune(now=NOW)

    assert (delivery_rows(connection), delivery_rows(other)) == once
    assert again.items_stored == 0
    assert [row[3] for row in once[1]] == [0.25, 0.25]  # each connection folded on its own
    assert [row[2] for row in once[0]] == [hour, hour + timedelta(hours=1)]


@pytest.mark.django_db
def test_hourly_snapshots_older_than_the_retention_are_deleted(connection):
    snapshot(connection, (NOW - timedelta(days=91)).replace(minute=0), 0.9, resolution=HOURLY)
    kept = snapshot(connection, (NOW - timedelta(days=89)).replace(minute=0), 0.8, resolution=HOURLY)
    snapshot(connection, NOW - timedelta(days=95), 0.7)  # raw and older still: never folded, just gone

    result = history_prune(now=NOW)

    assert list(DeliverySnapshot.objects.all()) == [kept]
    assert result.items_stored == 2
