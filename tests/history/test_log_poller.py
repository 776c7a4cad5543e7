"""The plugin-log poller against the PostHog simulator: everything PostHog holds ends up stored, exactly once."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.utils import timezone

from apps.history import budget, log_poller
from apps.history.log_poller import ACTIVE_INTERVAL, log_batch_store, log_poll_connection
from apps.history.models import LogCursor, PluginLogEntry
from apps.history.polling import BUDGET_SPENT
from apps.posthog.errors import ServerError
from tests.history.conftest import SIMULATOR_PROJECT

LOGS_PATH = re.compile(r"^/api/projects/[^/]+/plugin_configs/(\d+)/logs/$")

pytestmark = pytest.mark.usefixtures("clock", "first_project_only")


def moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def stamp(instant: datetime) -> str:
    """The simulator's timestamps: UTC with microseconds, so that they compare as text."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entries_add(simulator, config_id: int, instants: list[datetime], type: str = "INFO") -> list[str]:
    """Log entries reaching PostHog now, whatever their timestamps; their ids."""
    state = simulator.state.plugin_configs
    entries = [
        state.log_entry(
            config_id,
            timestamp=instant,
            type=type,
            message=f"entry {n} of a test",
            id=str(uuid.uuid4()),
            instance_id="instance-1",
        )
        for n, instant in enumerate(instants)
    ]
    state.logs_add(entries)
    return [entry["id"] for entry in entries]


def faults(simulator, **settings) -> None:
    requests.post(f"{simulator.url}/_simulator/faults", json=settings, timeout=5).raise_for_status()


def configs_read(simulator) -> list[int]:
    """The configs whose logs the simulator was asked for since the last call, in order."""
    read = [int(m[1]) for r in simulator.requests() if (m := LOGS_PATH.match(r["path"]))]
    simulator.requests_clear()
    return read


def same_logs(stored: dict[int, list[str]], held: dict[int, dict]) -> bool:
    """Every entry the simulator holds is stored, once, and nothing else."""
    return {k: sorted(v) for k, v in stored.items()} == {k: sorted(v) for k, v in held.items() if v}


def test_the_first_poll_stores_every_entry_of_every_config(demo_connection, simulator_logs, stored_logs):
    held = simulator_logs()

    result = log_poll_connection(connection=demo_connection)

    assert result.errors == []
    assert same_logs(stored_logs(demo_connection), held)
    assert result.items_stored == sum(len(entries) for entries in held.values()) > 2000
    # The list of configs, then one page per config (none holds more than a page).
    assert result.requests_made == 1 + len(held)
    row = PluginLogEntry.objects.filter(connection=demo_connection).order_by("?").first()
    entry = held[row.plugin_config_id][row.entry_id]
    assert (row.project_id, row.timestamp, row.source, row.type, row.message, row.instance_id) == (
        str(SIMULATOR_PROJECT),
        moment(entry["timestamp"]),
        entry["source"],
        entry["type"],
        entry["message"],
        entry["instance_id"],
    )
    for cursor in LogCursor.objects.filter(connection=demo_connection):
        entries = held[cursor.plugin_config_id].values()
        assert cursor.newest_timestamp == max(moment(e["timestamp"]) for e in entries)
        assert cursor.entries_stored == len(entries)
        assert (cursor.catchup_before, cursor.catchup_newest, cursor.last_error) == (None, None, "")
        assert cursor.config_name


def test_a_poll_reads_only_the_configs_that_are_due(demo_connection, simulator):
    now = timezone.now()
    log_poll_connection(connection=demo_connection, now=now)
    configs_read(simulator)

    again = log_poll_connection(connection=demo_connection, now=now)
    assert (again.items_stored, again.requests_made, configs_read(simulator)) == (0, 1, [])

    # Every config had new entries, so every one is read at the next run; none has anything new now.
    later = now + ACTIVE_INTERVAL + timedelta(seconds=1)
    third = log_poll_connection(connection=demo_connection, now=later)
    assert third.items_stored == 0
    assert len(configs_read(simulator)) == third.requests_made - 1 == LogCursor.objects.count()

    # Quiet configs now wait twice as long; troubled ones (delivering below 99 %, where PostHog reports a rate) are
    # read every run.
    reported = simulator.profile.plugin_config_delivery_rate
    troubled = {
        c["id"]
        for c in simulator.state.plugin_configs.all(SIMULATOR_PROJECT)
        if reported and c["_delivery_rate"] is not None and c["_delivery_rate"] < 0.99 and not c.get("deleted")
    }
    fourth = log_poll_connection(connection=demo_connection, now=later + ACTIVE_INTERVAL + timedelta(seconds=1))
    read = set(configs_read(simulator))
    assert troubled <= read
    assert len(read) < LogCursor.objects.count() and fourth.requests_made == 1 + len(read)
    quiet = LogCursor.objects.exclude(plugin_config_id__in=read).first()
    assert quiet.next_poll_at - quiet.polled_at == 2 * ACTIVE_INTERVAL


def test_entries_logged_since_the_last_poll_are_stored(demo_connection, simulator, sim, simulator_logs, stored_logs):
    now = timezone.now()
    log_poll_connection(connection=demo_connection, now=now)
    before = simulator_logs()

    assert sim.call("POST", "/_simulator/tick").json()["logs_added"] > 0
    result = log_poll_connection(connection=demo_connection, now=now + ACTIVE_INTERVAL + timedelta(seconds=1))

    held, stored = simulator_logs(), stored_logs(demo_connection)
    new = sum(len(held[c].keys() - before[c].keys()) for c in held)
    assert result.items_stored == new > 0
    for config_id, entries in held.items():
        assert entries.keys() <= set(stored[config_id])
        assert len(stored[config_id]) == len(set(stored[config_id]))
    # The tick also dropped entries older than PostHog's week; the portal keeps them.
    assert sum(len(ids) for ids in stored.values()) > sum(len(entries) for entries in held.values())


def test_polling_again_from_scratch_stores_nothing_twice(demo_connection, simulator_logs, stored_logs):
    log_poll_connection(connection=demo_connection)
    LogCursor.objects.update(newest_timestamp=None, catchup_before=None, catchup_newest=None, next_poll_at=None)

    result = log_poll_connection(connection=demo_connection)

    assert result.items_stored == 0 and result.requests_made == 1 + LogCursor.objects.count()
    assert same_logs(stored_logs(demo_connection), simulator_logs())


def test_a_backlog_larger_than_a_poll_is_read_over_several_polls_losing_nothing(
    demo_connection, simulator, simulator_logs, stored_logs, monkeypatch, clock
):
    monkeypatch.setattr(log_poller, "PAGE_SIZE", 20)
    monkeypatch.setattr(log_poller, "PAGES_PER_POLL", 2)
    now = timezone.now()
    held = simulator_logs()

    def poll_until_caught_up(at: datetime) -> int:
        for polls in range(1, 30):
            log_poll_connection(connection=demo_connection, now=at)
            clock.now += 60  # a fresh budget for the next poll
            claims_only_what_is_stored()
            if not LogCursor.objects.filter(catchup_before__isnull=False).exists():
                return polls
        pytest.fail("the backlog was never read to its end")

    def claims_only_what_is_stored() -> None:
        stored = stored_logs(demo_connection)
        for cursor in LogCursor.objects.all():
            claimed = {
                entry_id
                for entry_id, entry in held[cursor.plugin_config_id].items()
                if (cursor.newest_timestamp and moment(entry["timestamp"]) <= cursor.newest_timestamp)
                or (
                    cursor.catchup_before
                    and cursor.catchup_before <= moment(entry["timestamp"]) <= cursor.catchup_newest
                )
            }
            assert claimed <= set(stored.get(cursor.plugin_config_id, []))

    # Up to 215 entries a config, 40 a poll.
    assert poll_until_caught_up(now) >= max(len(entries) for entries in held.values()) // 40
    assert same_logs(stored_logs(demo_connection), held)

    # A pause: a hundred entries arrive for one config, 25 at each of 4 instants, more than a page of 20 each, so
    # that a page holds one instant only (it is read again, wider) and reads end inside an instant; the cursor
    # moves only once all of them are stored.
    cursor = LogCursor.objects.get(plugin_config_id=2)
    newest = cursor.newest_timestamp
    start = max(timezone.now(), newest)
    entries_add(simulator, 2, [start + timedelta(milliseconds=n // 25) for n in range(100)])
    held = simulator_logs()
    later = now + ACTIVE_INTERVAL + timedelta(seconds=1)
    log_poll_connection(connection=demo_connection, now=later)
    cursor.refresh_from_db()
    assert cursor.newest_timestamp == newest and cursor.catchup_before is not None
    assert poll_until_caught_up(later) >= 1
    assert same_logs(stored_logs(demo_connection), held)
    cursor.refresh_from_db()
    assert cursor.newest_timestamp == start + timedelta(milliseconds=3)


def test_entries_arriving_late_inside_the_overlap_are_stored(demo_connection, simulator, settings):
    settings.HISTORY_LOG_OVERLAP_SECONDS = 120
    now = timezone.now()
    log_poll_connection(connection=demo_connection, now=now)
    cursor = LogCursor.objects.get(plugin_config_id=2)

    [late] = entries_add(simulator, 2, [cursor.newest_timestamp - timedelta(seconds=90)])
    result = log_poll_connection(connection=demo_connection, now=now + ACTIVE_INTERVAL + timedelta(seconds=1))

    assert result.items_stored == 1
    assert PluginLogEntry.objects.filter(connection=demo_connection, entry_id=late).exists()


def test_a_failing_log_read_is_kept_on_its_cursor_and_caught_up_later(
    demo_connection, simulator, simulator_logs, stored_logs
):
    unavailable = {"type": "server_error", "detail": "Service unavailable.", "attr": None}
    simulator.script("GET", LOGS_PATH.pattern.strip("^$"), status=503, body=unavailable, times=100)
    now = timezone.now()

    result = log_poll_connection(connection=demo_connection, now=now)

    # PostHog is unwell: the poll stops after the first config instead of spending the budget on the others.
    assert result.requests_made == 2 and result.items_stored == 0
    [error] = result.errors
    assert "HTTP 503" in error
    [failed] = LogCursor.objects.filter(consecutive_failures=1)
    assert "HTTP 503" in failed.last_error and failed.next_poll_at > now

    simulator.scripts_clear()
    result = log_poll_connection(connection=demo_connection, now=now + timedelta(minutes=1))

    assert result.errors == []
    assert same_logs(stored_logs(demo_connection), simulator_logs())
    assert not LogCursor.objects.filter(consecutive_failures__gt=0).exists()
    assert not LogCursor.objects.exclude(last_error="").exists()


def test_a_failing_config_list_fails_the_poll(demo_connection, simulator):
    faults(simulator, error_rate=1.0, error_status=503)

    with pytest.raises(ServerError):
        log_poll_connection(connection=demo_connection)

    assert not PluginLogEntry.objects.exists()


def test_a_429_is_noted_for_every_poller_and_ends_the_poll(demo_connection, simulator, stored_logs):
    faults(simulator, rate_limit_per_minute=3)

    result = log_poll_connection(connection=demo_connection)

    assert result.requests_made == 4  # the list, two configs, and the one PostHog refused
    [error] = result.errors
    assert "rate-limiting" in error
    assert len(stored_logs(demo_connection)) == 2
    assert budget.throttled_for(connection_id=demo_connection.pk) > 30

    again = log_poll_connection(connection=demo_connection)
    assert (again.requests_made, again.errors) == (0, [BUDGET_SPENT])


def test_a_run_takes_half_the_minutes_budget_and_the_minute_no_more(
    demo_connection, simulator, settings, stored_logs, clock
):
    settings.POSTHOG_RATE_LIMIT_PER_MINUTE = 480
    settings.HISTORY_POLL_BUDGET_SHARE = 6 / 480
    configs_read(simulator)

    first = log_poll_connection(connection=demo_connection)
    second = log_poll_connection(connection=demo_connection)  # the next run of the same minute still reads
    assert (first.requests_made, second.requests_made, first.errors, second.errors) == (3, 3, [], [])
    spent = log_poll_connection(connection=demo_connection)
    assert (spent.requests_made, spent.errors) == (0, [BUDGET_SPENT])
    read = configs_read(simulator)
    assert len(read) == len(set(read)) == 4 and set(stored_logs(demo_connection)) == set(read)

    clock.now += 60  # the next minute: the configs not read yet come first
    log_poll_connection(connection=demo_connection)
    later = set(configs_read(simulator))
    assert len(later) == 2 and not later & set(read)


def test_a_batch_is_stored_whole_once(connection):
    cursor = LogCursor.objects.create(connection=connection, project_id="1", plugin_config_id=7)
    long_message = "Error: " + "x" * 100_000
    entries = [
        {
            "id": "a",
            "timestamp": "2026-03-02T10:00:00.123456Z",
            "source": "PLUGIN",
            "type": "ERROR",
            "message": long_message,
        },
        {"id": "b", "timestamp": "2026-03-02 10:00:01", "type": "INFO", "message": "NUL \x00 inside"},
        {"id": "a", "timestamp": "2026-03-02T10:00:00.123456Z", "message": long_message},  # repeated on a page
        {"id": None, "timestamp": "2026-03-02T10:00:02Z", "message": "no id"},
        {"id": "c", "timestamp": "yesterday", "message": "no readable time"},
    ]
    newest = datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)

    assert log_batch_store(cursor=cursor, entries=entries, newest_timestamp=newest) == 2
    assert log_batch_store(cursor=cursor, entries=entries) == 0
    read_again = [*entries, {"id": "d", "timestamp": "2026-03-02T10:00:03+00:00", "message": "new"}]
    assert log_batch_store(cursor=cursor, entries=read_again) == 1

    a, b, _ = PluginLogEntry.objects.order_by("entry_id")
    assert a.message == long_message and a.timestamp == datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=UTC)
    assert b.timestamp == newest and b.message == "NUL \ufffd inside" and b.plugin_config_id == 7
    cursor.refresh_from_db()
    assert (cursor.entries_stored, cursor.newest_timestamp) == (3, newest)


def test_a_config_is_read_as_often_as_it_logs():
    from apps.history.log_poller import QUIET_MAX, _next_poll_at

    now = timezone.now()
    last_read = LogCursor(polled_at=now - timedelta(minutes=10), next_poll_at=now)

    def wait(**changes):
        return _next_poll_at(cursor=last_read, now=now, closed=True, **changes) - now

    assert wait(new_entries=600, troubled=False) == ACTIVE_INTERVAL  # a busy config: every run
    assert wait(new_entries=1, troubled=False) == QUIET_MAX  # one entry in ten minutes: not every run
    assert wait(new_entries=4, troubled=False) == timedelta(minutes=2.5)
    assert wait(new_entries=1, troubled=True) == ACTIVE_INTERVAL  # an error or a low delivery rate
    assert wait(new_entries=0, troubled=False) == QUIET_MAX  # quiet: twice the last wait, at most QUIET_MAX


def test_when_the_budget_may_run_out_new_then_busy_configs_are_read_first():
    from apps.history.log_poller import QUIET_MAX, _urgency

    now = timezone.now()
    quiet = LogCursor(plugin_config_id=1, polled_at=now - QUIET_MAX, next_poll_at=now - timedelta(minutes=1))
    busy = LogCursor(plugin_config_id=2, polled_at=now - ACTIVE_INTERVAL, next_poll_at=now)
    new = LogCursor(plugin_config_id=3)
    assert [c.plugin_config_id for c in sorted([quiet, busy, new], key=_urgency)] == [3, 2, 1]


def test_a_burst_of_5000_entries_between_two_polls_is_stored_whole_and_once(
    demo_connection, simulator, simulator_logs, stored_logs, clock
):
    """Older PostHog reads only `limit` rows and pages that short list (`next` always null, any offset empty): a
    poller following `next` would keep 500 of a burst and never read the rest. Reading back in time windows until
    the cursor is met loses nothing on either version, a thousand entries of one instant included."""
    now = timezone.now()
    log_poll_connection(connection=demo_connection, now=now)
    cursor = LogCursor.objects.get(plugin_config_id=2)
    start = cursor.newest_timestamp + timedelta(seconds=1)
    burst = simulator.state.plugin_configs.logs_burst(2, 4000, start=start, spacing_ms=1)
    burst += simulator.state.plugin_configs.logs_burst(2, 1000, start=start + timedelta(seconds=5), spacing_ms=0)
    simulator.requests_clear()

    later = now + ACTIVE_INTERVAL + timedelta(seconds=1)
    for _ in range(5):  # a poll per run of the schedule, until the gap is closed
        clock.now += 60
        log_poll_connection(connection=demo_connection, now=later)
        cursor.refresh_from_db()
        if cursor.catchup_before is None:
            break
        later += ACTIVE_INTERVAL

    stored = stored_logs(demo_connection)
    assert len(stored[2]) == len(set(stored[2]))  # nothing twice
    assert set(burst) <= set(stored[2])  # nothing lost
    assert same_logs(stored, simulator_logs())
    assert cursor.newest_timestamp == start + timedelta(seconds=5) and cursor.catchup_before is None
    reads = [r["query"] for r in simulator.requests(path_prefix="/api/projects/1/plugin_configs/2/logs/")]
    assert reads and all("offset" not in query for query in reads)  # by time on every version
