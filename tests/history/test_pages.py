"""The history pages over rows created here with the ORM: polling status, delivery charts, stored-log explorer."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from unittest.mock import Mock
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.audit.models import AuditEvent
from apps.core.csv_export import csv_safe
from apps.history import services
from apps.history.budget import budget_per_minute, budget_take, budget_used, throttle_note
from apps.history.delivery import delivery_hourly_rollup, delivery_periods_refresh
from apps.history.kinds import HISTORY_TASKS
from apps.history.models import DeliverySnapshot, LogCursor, PluginLogEntry, PollRun
from apps.history.selectors.logs import log_explorer_entries, log_explorer_page
from tests.test_deploy import skip_or_fail

FIVE_MINUTES = timedelta(minutes=5)
SCHEDULE_INTERVALS = {
    "logs": (30, "seconds"),
    "delivery": (5, "minutes"),
    "activity": (10, "minutes"),
    "hog_logs": (30, "seconds"),
    "hog_metrics": (10, "minutes"),
    "export_runs": (5, "minutes"),
    "prune": (1, "days"),
}


# Rows as the pollers would store them


def snapshots(connection, config_id: int, times, rate=1.0, *, name="S3 Export", enabled=True, hourly=False):
    """One snapshot per time; `rate` is a value or a function of the time (None: no metrics)."""
    created = DeliverySnapshot.objects.bulk_create(
        DeliverySnapshot(
            connection=connection,
            project_id="1",
            plugin_config_id=config_id,
            config_name=name,
            taken_at=at,
            delivery_rate=rate(at) if callable(rate) else rate,
            enabled=enabled(at) if callable(enabled) else enabled,
            resolution=DeliverySnapshot.HOURLY if hourly else DeliverySnapshot.RAW,
        )
        for at in times
    )
    if not hourly:  # the hours' means, as the snapshot poller keeps them
        delivery_hourly_rollup(snapshots=created)
    elif created:  # hourly rows as the pruner folds them, and their periods with them
        moments = [snapshot.taken_at for snapshot in created]
        delivery_periods_refresh(connection_id=connection.pk, start=min(moments), end=max(moments) + timedelta(hours=1))


def every(step: timedelta, start: datetime, end: datetime) -> list[datetime]:
    times, at = [], start
    while at < end:
        times.append(at)
        at += step
    return times


def log_entries(connection, config_id: int, messages, *, start: datetime, step=timedelta(seconds=-1), **fields):
    """Entries from `start` going back by `step` (newest first, as PostHog lists them)."""
    PluginLogEntry.objects.bulk_create(
        PluginLogEntry(
            connection=connection,
            project_id="1",
            plugin_config_id=config_id,
            entry_id=f"{config_id}-{start.timestamp()}-{n}-{message[:20]}",
            timestamp=start + step * n,
            source=fields.get("source", "PLUGIN"),
            type=fields.get("type", "INFO"),
            message=message,
            instance_id="9d6c1b7e-hedgehog",
        )
        for n, message in enumerate(messages)
    )


def log_cursor(connection, config_id: int, name: str):
    LogCursor.objects.create(connection=connection, project_id="1", plugin_config_id=config_id, config_name=name)


@pytest.fixture
def schedules(db):
    return schedules_create()


def schedules_create() -> dict[str, PeriodicTask]:
    """The beat schedules at known intervals (migration 0003 may have created them already)."""
    found = {}
    for kind, task in HISTORY_TASKS.items():
        every_, period = SCHEDULE_INTERVALS[kind]
        interval = IntervalSchedule.objects.create(every=every_, period=period)
        periodic = PeriodicTask.objects.filter(task=task.name).first() or PeriodicTask(task=task.name)
        periodic.name = periodic.name or f"Test {kind}"
        periodic.interval, periodic.enabled = interval, True
        periodic.save()
        found[kind] = periodic
    return found


def text(response) -> str:
    return response.content.decode()


# Polling status


def test_status_shows_schedules_runs_errors_budget_and_stored_rows(client_as, viewer, connection, schedules):
    now = timezone.now()
    PeriodicTask.objects.filter(pk=schedules["delivery"].pk).update(last_run_at=now - timedelta(minutes=2))
    PollRun.objects.bulk_create(
        [
            PollRun(
                kind="logs",
                connection=connection,
                started_at=now - timedelta(seconds=30),
                status="ok",
                items_stored=42,
                requests_made=7,
                duration_ms=1234,
            ),
            PollRun(
                kind="logs",
                connection=connection,
                started_at=now - timedelta(seconds=60),
                status="failed",
                error="PostHog answered 503\n<script>alert('run')</script>",
            ),
        ]
    )
    budget_take(connection_id=connection.pk, requests=3)
    throttle_note(connection_id=connection.pk, seconds=40)
    log_entries(connection, 7, ["first", "second"], start=datetime(2024, 5, 1, 12, tzinfo=UTC))
    snapshots(connection, 7, [now - FIVE_MINUTES])

    response = client_as(viewer).get(reverse("history:status"))

    assert response.status_code == 200
    html = text(response)
    for schedule in schedules.values():
        assert schedule.name in html
    assert "every 30 seconds" in html and "every 5 minutes" in html
    next_run = (now - timedelta(minutes=2) + FIVE_MINUTES).astimezone(UTC)
    assert f"{next_run:%Y-%m-%d %H:%M:%S}" in html
    assert "Succeeded" in html and "Failed" in html and "42" in html and "1 s" in html
    assert "&lt;script&gt;alert(&#x27;run&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert f"{budget_used(connection_id=connection.pk)} of {budget_per_minute()}" in html
    assert re.search(r"for (39|40) s", html)
    stored = re.sub(r"\s+", " ", html[html.index("stored-title") :])
    assert "Plugin log entries</dt> <dd>2" in stored and "2024-05-01 11:59" in stored
    assert "Delivery-rate snapshots</dt> <dd>1" in stored
    assert "Poll now" not in html and reverse("history:schedule_edit", args=[schedules["logs"].pk]) not in html
    assert 'hx-trigger="every 10s"' in html and "X-Portal-Background" in html


def test_a_run_that_recorded_a_problem_is_not_called_succeeded(client_as, viewer, connection, schedules):
    PollRun.objects.create(
        kind="activity",
        connection=connection,
        started_at=timezone.now(),
        status="ok",
        items_stored=2,
        error="Plugin activity is not kept: PostHog does not accept personal API keys for this action",
    )

    html = text(client_as(viewer).get(reverse("history:status")))

    activity = html[html.index(">Activity</h3>") :]
    activity = activity[: activity.index("</table>")]
    assert "Done, with 1 problem" in activity and "Succeeded" not in activity
    assert "Plugin activity is not kept" in activity


def test_the_runs_refresh_alone_and_explain_an_empty_kind(client_as, viewer, connection):
    PollRun.objects.create(kind="delivery", started_at=timezone.now(), status="partial", error="budget spent")

    response = client_as(viewer).get(reverse("history:status_runs"), headers={"HX-Request": "true"})

    html = text(response)
    assert "<html" not in html and "Partly failed" in html and "budget spent" in html
    # Every other poller has none: plugin logs, activity, hog function logs and runs, batch export runs, pruning.
    assert html.count("No runs yet") == 6
    assert "an Operator can poll now" in html


def test_a_viewer_can_neither_poll_now_nor_edit_a_schedule(client_as, viewer, operator, schedules, monkeypatch):
    task = Mock()
    monkeypatch.setattr(services, "celery_task_get", lambda name: task)
    edit_url = reverse("history:schedule_edit", args=[schedules["logs"].pk])

    client = client_as(viewer)
    assert client.post(reverse("history:poll_now", args=["logs"])).status_code == 403
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"every": "1", "unit": "minutes", "enabled": "on"}).status_code == 403
    assert client_as(operator).post(edit_url, {"every": "1", "unit": "minutes"}).status_code == 403

    task.delay.assert_not_called()
    schedules["logs"].refresh_from_db()
    assert (schedules["logs"].interval.every, schedules["logs"].enabled) == (30, True)


def test_an_operator_polls_now_and_the_task_records_its_own_run(
    client_as, operator, connection, schedules, monkeypatch
):
    task = Mock()
    monkeypatch.setattr(
        services, "celery_task_get", lambda name: task if name == "apps.history.tasks.poll_logs" else None
    )
    client = client_as(operator)
    assert "Poll now" in text(client.get(reverse("history:status")))

    response = client.post(reverse("history:poll_now", args=["logs"]), follow=True)

    task.delay.assert_called_once_with()
    assert response.redirect_chain[-1][0] == reverse("history:status")
    assert "Polling plugin logs…" in text(response)
    assert not PollRun.objects.exists()  # the page records nothing itself

    response = client.post(reverse("history:poll_now", args=["activity"]), follow=True)
    assert "apps.history.tasks.poll_activity is not installed" in text(response)
    assert client.post(reverse("history:poll_now", args=["everything"])).status_code == 404
    assert client.get(reverse("history:poll_now", args=["logs"])).status_code == 405


def test_poll_now_finds_a_task_by_its_celery_name():
    from portal.celery import app

    @app.task(name="tests.history.fake_poll")
    def fake_poll():
        return "polled"

    assert services.celery_task_get("tests.history.fake_poll").name == fake_poll.name
    assert services.celery_task_get("tests.history.no_such_task") is None


def test_an_admin_edits_a_schedule_and_it_is_audited(client_as, admin_user, schedules):
    client = client_as(admin_user)
    task = schedules["logs"]
    url = reverse("history:schedule_edit", args=[task.pk])
    form_page = text(client.get(url))
    assert 'value="30"' in form_page and 'value="seconds" selected' in form_page

    response = client.post(url, {"every": "5", "unit": "seconds", "enabled": "on"})

    assert response.status_code == 200
    assert "At least 10 seconds" in text(response) and "field-invalid" in text(response)
    task.refresh_from_db()
    assert task.interval.every == 30 and not AuditEvent.objects.filter(area="history").exists()

    response = client.post(url, {"every": "2", "unit": "minutes"}, follow=True)  # unticked: disabled

    assert "every 2 minutes" in text(response) and "disabled" in text(response)
    task.refresh_from_db()
    assert (task.interval.every, task.interval.period, task.enabled) == (2, "minutes", False)
    event = AuditEvent.objects.get(area="history")
    assert (event.object_id, event.method, event.actor, event.outcome) == (str(task.pk), "PATCH", admin_user, "success")
    assert event.before == {"schedule": "every 30 seconds", "interval_seconds": 30, "enabled": True}
    assert event.after == {"schedule": "every 2 minutes", "interval_seconds": 120, "enabled": False}
    assert task.name in event.path


def test_a_schedule_of_another_task_cannot_be_edited_here(client_as, admin_user):
    other = PeriodicTask.objects.create(
        name="Someone else's",
        task="apps.other.tasks.cleanup",
        interval=IntervalSchedule.objects.create(every=1, period="hours"),
    )
    assert client_as(admin_user).get(reverse("history:schedule_edit", args=[other.pk])).status_code == 404


# Delivery rates


def chart_context(response):
    return response.context["chart"]


def test_the_chart_breaks_where_snapshots_are_missing_and_shows_nulls_apart(client_as, viewer, connection, schedules):
    now = timezone.now()
    times = every(FIVE_MINUTES, now - timedelta(hours=24) + timedelta(minutes=1), now)
    hole = (now - timedelta(hours=10), now - timedelta(hours=9))
    no_metrics = (now - timedelta(hours=4), now - timedelta(hours=3, minutes=30))
    snapshots(
        connection,
        7,
        [at for at in times if not hole[0] <= at < hole[1]],
        lambda at: None if no_metrics[0] <= at < no_metrics[1] else 0.97,
        name="S3 <Export>",
    )
    snapshots(connection, 8, times, 0.1, name="Other config")  # not drawn here

    response = client_as(viewer).get(reverse("history:delivery_config", args=[7]))

    assert response.status_code == 200
    html = text(response)
    chart = chart_context(response)
    assert len(chart.gaps) == 1 and len(chart.segments) == 3 and len(chart.nulls) == 1
    assert html.count('class="chart-gap"') == 1 and ">no data</text>" in html
    assert "polling failed or paused" in html
    assert html.count('class="chart-null-marker"') == 6 and "UTC · no metrics" in html
    assert html.count('class="chart-hover"') == len(times) - 12 - 6
    assert "UTC · 97.0 %" in html and "10.0 %" not in html
    # rates of 97 % get an axis from 90 %: PostHog's green line shows, its yellow one (75 %) is below the axis
    assert (
        'class="chart-threshold chart-threshold-good"' in html and ">99 %</text>" in html and ">75 %</text>" not in html
    )
    assert ">90 %</text>" in html and ">100 %</text>" in html
    assert "Delivery rate of S3 &lt;Export&gt;" in html and "S3 <Export>" not in html
    assert 'viewBox="0 0 800 260"' in html


def test_a_custom_range_of_days_prefers_raw_snapshots_over_hourly_ones(client_as, viewer, connection):
    day = (timezone.now() - timedelta(days=10)).replace(hour=0, minute=0, second=0, microsecond=0)
    snapshots(
        connection, 7, every(timedelta(hours=1), day - timedelta(days=1), day + timedelta(days=2)), 0.8, hourly=True
    )
    snapshots(connection, 7, every(FIVE_MINUTES, day, day + timedelta(hours=2)), 0.95)

    response = client_as(viewer).get(
        reverse("history:delivery_config", args=[7]), {"start": f"{day:%Y-%m-%d}", "end": f"{day:%Y-%m-%d}"}
    )

    html = text(response)
    assert f"{day:%Y-%m-%d} 00:00 – {day + timedelta(days=1):%Y-%m-%d} 00:00 UTC" in html
    summary = response.context["summary"]
    assert summary.snapshots == 24 + 22  # raw rows, then the hourly ones from 02:00
    chart = chart_context(response)
    assert chart.gaps == [] and len(chart.segments) == 1
    assert "hourly average" in html and "UTC · 95.0 %" in html

    response = client_as(viewer).get(
        reverse("history:delivery_config", args=[7]), {"start": "2024-05-02", "end": "2024-05-01"}
    )
    assert "must be on or after" in text(response)


def test_a_config_without_snapshots_explains_what_to_do(client_as, operator, connection):
    html = text(client_as(operator).get(reverse("history:delivery_config", args=[99])))
    assert "No snapshots of this config yet" in html and "every 5 minutes" in html and "poll now" in html


def test_switching_on_and_off_is_listed(client_as, viewer, connection):
    start = timezone.now() - timedelta(hours=2)
    times = every(FIVE_MINUTES, start, start + timedelta(hours=2))
    switched_off = (times[5], times[10])
    snapshots(connection, 7, times, enabled=lambda at: not switched_off[0] <= at < switched_off[1])

    response = client_as(viewer).get(reverse("history:delivery_config", args=[7]))

    changes = response.context["changes"]
    assert [(c.at, c.enabled) for c in changes] == [(times[10], True), (times[5], False)]


def test_the_overview_lists_configs_with_sparklines_in_a_fixed_number_of_queries(client_as, viewer, connection):
    now = timezone.now()
    hours = every(timedelta(hours=1), now - timedelta(days=7), now - timedelta(hours=3))
    recent = every(FIVE_MINUTES, now - timedelta(hours=3), now)

    def add_configs(ids):
        for config_id in ids:
            name = f"Config {config_id:03d} <b>" if config_id else "Zero"
            snapshots(connection, config_id, hours, 0.5 if config_id == 3 else 0.995, name=name, hourly=True)
            snapshots(connection, config_id, recent, None if config_id == 4 else 0.999, name=name)

    client = client_as(viewer)
    url = reverse("history:delivery_overview")
    add_configs(range(1, 6))
    with CaptureQueriesContext(db_connection) as five:
        response = client.get(url)
    html = text(response)
    assert html.count('<svg class="sparkline"') == 5
    assert "Config 001 &lt;b&gt;" in html and "Config 001 <b>" not in html
    rows = {row.config.plugin_config_id: row for row in response.context["rows"]}
    assert rows[3].config.lowest == 0.5 and rows[3].average.startswith("5")
    assert rows[4].config.rate is None and "no metrics" in html  # the badge of a config without metrics
    assert rows[1].config.rate == 0.999 and "99.9 %" in html

    add_configs(range(6, 51))
    with CaptureQueriesContext(db_connection) as fifty:
        response = client.get(url)
    assert text(response).count('<svg class="sparkline"') == 50
    assert len(fifty) == len(five)

    # A config that stopped a day ago, its raw rows folded: still listed, with the rate it last had.
    stopped = every(timedelta(hours=1), now - timedelta(days=3), now - timedelta(days=1))
    snapshots(connection, 99, stopped, 0.8, name="Stopped", hourly=True)
    rows = {row.config.plugin_config_id: row for row in client.get(url).context["rows"]}
    assert len(rows) == 51 and rows[99].config.rate == 0.8 and rows[1].config.rate == 0.999


def test_the_overview_explains_an_empty_history(client_as, viewer, connection):
    html = text(client_as(viewer).get(reverse("history:delivery_overview")))
    assert "No snapshots yet" in html and "An Operator can poll now" in html


# Stored logs


@pytest.fixture
def stored_logs(connection):
    log_cursor(connection, 1, "S3 Export")
    log_cursor(connection, 2, "BigQuery <Export>")
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    log_entries(connection, 1, ["Exported 10 events", "Upload TIMEOUT after 30 s"], start=start)
    log_entries(connection, 1, ["Retrying in 5 s"], start=start - timedelta(minutes=1), type="WARN")
    log_entries(connection, 1, ["Plugin loaded"], start=start - timedelta(minutes=2), source="SYSTEM")
    log_entries(connection, 2, ["<script>alert('x')</script>", '=HYPERLINK("http://evil")'], start=start, type="ERROR")
    log_entries(connection, 2, ["Old entry"], start=start - timedelta(days=20))
    return start


def explorer(client, **params):
    response = client.get(reverse("history:logs"), params)
    assert response.status_code == 200
    return response, [row.log.message for row in response.context.get("rows", [])]


def test_the_explorer_filters_by_config_type_source_time_and_text(client_as, viewer, stored_logs):
    client = client_as(viewer)
    _, messages = explorer(client)
    assert len(messages) == 7 and messages[-1] == "Old entry"

    assert explorer(client, config="1")[1] == [
        "Exported 10 events",
        "Upload TIMEOUT after 30 s",
        "Retrying in 5 s",
        "Plugin loaded",
    ]
    assert explorer(client, types=["WARN", "ERROR"])[1] == [
        "<script>alert('x')</script>",
        '=HYPERLINK("http://evil")',
        "Retrying in 5 s",
    ]
    assert explorer(client, sources=["SYSTEM"])[1] == ["Plugin loaded"]
    after = (stored_logs - timedelta(minutes=1)).isoformat()
    assert explorer(client, config="1", after=after)[1] == [
        "Exported 10 events",
        "Upload TIMEOUT after 30 s",
        "Retrying in 5 s",
    ]
    before = (stored_logs - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert explorer(client, before=before)[1] == ["Old entry"]
    assert explorer(client, search="timeout")[1] == ["Upload TIMEOUT after 30 s"]
    assert explorer(client, search="100%")[1] == []  # % is a character here, not a wildcard

    response, _ = explorer(client, config="2")
    html = text(response)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "BigQuery &lt;Export&gt;" in html


def test_the_explorer_explains_an_empty_store_and_bad_filters(client_as, viewer, connection):
    client = client_as(viewer)
    assert "No plugin logs stored yet" in text(client.get(reverse("history:logs")))
    log_cursor(connection, 1, "S3 Export")
    assert "No stored entries match" in text(client.get(reverse("history:logs"), {"search": "nothing"}))
    html = text(client.get(reverse("history:logs"), {"config": "99"}))  # linked from a config not polled yet
    assert "Config 99 (no logs stored)" in html and "No stored entries match" in html
    html = text(client.get(reverse("history:logs"), {"after": "yesterday"}))
    assert "Fix the filters" in html and "Enter a valid date/time" in html
    assert "start again from the newest" in text(client.get(reverse("history:logs"), {"cursor": "garbage"}))


def test_older_pages_follow_on_without_overlap_or_gap(client_as, viewer, connection):
    log_cursor(connection, 1, "S3 Export")
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    # 252 entries, three at each timestamp: the keyset must settle ties by id.
    for tie in range(3):
        log_entries(connection, 1, [f"entry {n} / {tie}" for n in range(84)], start=start)
    expected = list(PluginLogEntry.objects.order_by("-timestamp", "-id").values_list("message", flat=True))
    client = client_as(viewer)

    seen, params, pages = [], {"config": "1"}, 0
    while True:
        response, messages = explorer(client, **params)
        seen += messages
        pages += 1
        older = response.context["older_url"]
        if not older:
            break
        assert 'rel="next"' in text(response) and "Older entries" in text(response)
        params = {
            key: values if len(values) > 1 else values[0] for key, values in parse_qs(urlparse(older).query).items()
        }
    assert pages == 3 and len(seen) == 252 and seen == expected
    assert "back to the newest" in text(response) and "No older entries" in text(response)


def test_the_selector_pages_with_a_cursor_tuple(db):
    # the benchmark script passes plain (timestamp, id) tuples
    page = log_explorer_page(connection_id=0, cursor=(datetime(2024, 5, 1, tzinfo=UTC), 5), limit=10)
    assert page.items == [] and page.next is None


def test_the_csv_export_streams_the_filter_safely(client_as, viewer, stored_logs):
    after = (stored_logs - timedelta(days=2)).isoformat()
    response = client_as(viewer).get(reverse("history:logs_csv"), {"config": "2", "after": after})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="plugin-logs-config-2_20240429T1200Z_to_now.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["timestamp", "config_id", "config_name", "type", "source", "message", "instance_id", "entry_id"]
    assert [row[5] for row in rows[1:]] == ["<script>alert('x')</script>", '\'=HYPERLINK("http://evil")']
    assert rows[1][:5] == ["2024-05-01T12:00:00+00:00", "2", "BigQuery <Export>", "ERROR", "PLUGIN"]
    assert rows[1][6] == "9d6c1b7e-hedgehog" and rows[1][7].startswith("2-")

    explorer_page = text(client_as(viewer).get(reverse("history:logs"), {"config": "2", "after": after}))
    assert "/history/logs.csv?config=2&amp;after=" in explorer_page


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    assert [csv_safe(cell) for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", 5]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        5,
    ]


def test_search_on_postgresql_uses_the_trigram_index(connection):
    if db_connection.vendor != "postgresql":
        skip_or_fail("DATABASE_URL does not point at PostgreSQL; the trigram index exists only there")
    log_entries(
        connection,
        1,
        [f"Exported batch {n} of events to S3" for n in range(3000)],
        start=datetime(2024, 5, 1, tzinfo=UTC),
    )
    log_entries(connection, 1, ["Upload timeout"], start=datetime(2024, 5, 2, tzinfo=UTC))
    entries = log_explorer_entries(connection_id=connection.pk, search="TimeOut")
    assert [entry.message for entry in entries] == ["Upload timeout"]
    sql, params = entries.query.sql_with_params()
    assert " ILIKE " in sql and "UPPER(" not in sql
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('log_message_trgm')")  # what autovacuum does later
        cursor.execute("ANALYZE history_pluginlogentry")
        # So few rows would be read whole; without seq and plain index scans, the planner shows which index
        # can answer the search (Django's UPPER(message) LIKE would fall back to the connection's index).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "log_message_trgm" in plan, plan
