"""A new install's first polls: what PostHog still keeps is read back (a week of logs, the current rates) rather than
starting at "now", spread over polls within the budget, stored once, and the live tail is read meanwhile."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.history import log_poller
from apps.history.delivery import delivery_snapshot_take
from apps.history.hog_logs import hog_log_poll_connection
from apps.history.log_poller import BACKFILL, log_poll_connection
from apps.history.models import DeliverySnapshot, HogFunctionLogEntry, LogCursor, PluginLogEntry
from tests.history.test_log_poller import entries_add

pytestmark = pytest.mark.usefixtures("clock", "first_project_only")
CONFIG = 2


def stored_ids(connection) -> list[str]:
    return list(
        PluginLogEntry.objects.filter(connection=connection, plugin_config_id=CONFIG).values_list("entry_id", flat=True)
    )


def test_the_first_poll_reads_back_the_week_posthog_keeps_and_no_further(demo_connection, simulator):
    simulator.state.plugin_configs.logs_clear()
    now = timezone.now()
    week = entries_add(simulator, CONFIG, [now - timedelta(days=6, hours=23), now - timedelta(days=3), now])
    ancient = entries_add(simulator, CONFIG, [now - BACKFILL - timedelta(hours=1)])  # past PostHog's TTL
    simulator.requests_clear()

    result = log_poll_connection(connection=demo_connection, now=now)

    assert result.errors == []
    assert sorted(stored_ids(demo_connection)) == sorted(week)  # the week, not only what came after "now"
    assert ancient[0] not in stored_ids(demo_connection)
    reads = [r["query"] for r in simulator.requests(path_prefix=f"/api/projects/1/plugin_configs/{CONFIG}/logs/")]
    assert reads and all("after" in query for query in reads)  # bounded: never an unbounded read of everything
    cursor = LogCursor.objects.get(plugin_config_id=CONFIG)
    assert cursor.newest_timestamp == now and cursor.catchup_before is None


def test_a_backfill_longer_than_a_poll_is_spread_over_polls_and_reads_the_live_tail_meanwhile(
    demo_connection, simulator, monkeypatch, clock
):
    monkeypatch.setattr(log_poller, "PAGE_SIZE", 20)
    monkeypatch.setattr(log_poller, "PAGES_PER_POLL", 1)
    simulator.state.plugin_configs.logs_clear()
    now = timezone.now()
    past = entries_add(simulator, CONFIG, [now - timedelta(days=5) + timedelta(minutes=n) for n in range(90)])

    log_poll_connection(connection=demo_connection, now=now)
    cursor = LogCursor.objects.get(plugin_config_id=CONFIG)
    assert cursor.catchup_before is not None  # a backlog: 20 of 90 read
    assert len(stored_ids(demo_connection)) == 20

    # Logged while the backfill goes on: stored at the next poll, not after the past is read.
    live = entries_add(simulator, CONFIG, [now + timedelta(seconds=10), now + timedelta(seconds=11)])
    clock.now += 60
    log_poll_connection(connection=demo_connection, now=now + timedelta(seconds=30))
    assert set(live) <= set(stored_ids(demo_connection))
    cursor.refresh_from_db()
    assert cursor.catchup_before is not None and cursor.catchup_newest >= now + timedelta(seconds=11)

    for poll in range(10):
        clock.now += 60
        log_poll_connection(connection=demo_connection, now=now + timedelta(minutes=1 + poll))
        cursor.refresh_from_db()
        if cursor.catchup_before is None:
            break
    stored = stored_ids(demo_connection)
    assert len(stored) == len(set(stored))  # nothing twice
    assert set(stored) == set(past) | set(live)  # nothing lost
    assert cursor.catchup_before is None and cursor.newest_timestamp >= now + timedelta(seconds=11)


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_the_first_hog_function_log_poll_reads_back_a_week(demo_connection, simulator):
    functions = simulator.state.hog_functions
    crm = functions.by_name("CRM sync webhook")
    now = timezone.now()
    functions.logs_add(crm["id"], [(now - timedelta(days=6), "ERROR", "HTTP 503 six days ago"), (now, "INFO", "ok")])
    simulator.requests_clear()

    assert hog_log_poll_connection(connection=demo_connection, now=now).errors == []

    messages = set(HogFunctionLogEntry.objects.filter(function_id=crm["id"]).values_list("message", flat=True))
    assert {"HTTP 503 six days ago", "ok"} <= messages
    reads = [r["query"] for r in simulator.requests(path_prefix=f"/api/projects/1/hog_functions/{crm['id']}/logs/")]
    assert reads and all("after" in query for query in reads)


def test_the_first_delivery_poll_stores_the_current_rates_at_once(demo_connection, simulator, simulator_profile):
    configs = [c for c in simulator.state.plugin_configs.all(1) if not c.get("deleted")]

    result = delivery_snapshot_take(connection=demo_connection)

    assert result.errors == []
    stored = DeliverySnapshot.objects.filter(connection=demo_connection, resolution=DeliverySnapshot.RAW)
    if simulator_profile == "current":
        assert not stored.exists()  # today's PostHog reports no rate: nothing made up is stored
    else:
        assert set(stored.values_list("plugin_config_id", flat=True)) == {int(c["id"]) for c in configs}
        assert stored.exclude(delivery_rate=None).exists()
