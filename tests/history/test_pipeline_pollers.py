"""The pipeline pollers against the PostHog simulator: hog function logs stored once each (bursts included), hog
function runs counted by the hour and batch export runs kept as they progress; every watched project and no other,
within the budget, PostHog's failures retried, and an older PostHog without hog functions said in words."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from apps.history import budget, hog_logs
from apps.history.budget import budget_per_minute
from apps.history.export_runs import export_runs_poll
from apps.history.hog_logs import NOT_AVAILABLE, hog_log_poll_connection
from apps.history.hog_metrics import hog_metrics_take
from apps.history.models import (
    BatchExportRunRecord,
    HogFunctionLogCursor,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    PollRun,
)
from apps.history.polling import BUDGET_SPENT
from apps.history.tasks import poll_batch_export_runs, poll_hog_function_logs, take_hog_function_metrics
from tests.history.conftest import OTHER_PROJECT, SIMULATOR_PROJECT, watch_only

pytestmark = pytest.mark.usefixtures("clock")
CURRENT_ONLY = pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
HOG_PATH = re.compile(r"^/api/projects/(\d+)/hog_functions/")


def held_logs(simulator, *projects: int) -> Counter:
    """Every log entry the simulator holds for the projects' functions, as (function, time, level, message,
    instance): a multiset, so identical entries count each."""
    state = simulator.state.hog_functions
    return Counter(
        (function["id"], _moment(entry["timestamp"]), entry["level"], entry["message"], entry["instance_id"])
        for project in projects
        for function in state.all(project)
        for entry in state.logs(function["id"])
    )


def stored_logs(connection) -> Counter:
    return Counter(
        HogFunctionLogEntry.objects.filter(connection=connection).values_list(
            "function_id", "timestamp", "level", "message", "instance_id"
        )
    )


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


@CURRENT_ONLY
def test_every_log_entry_of_every_watched_function_is_stored_once(demo_connection, simulator):
    held = held_logs(simulator, SIMULATOR_PROJECT, OTHER_PROJECT)

    first = hog_log_poll_connection(connection=demo_connection)
    again = hog_log_poll_connection(connection=demo_connection, now=timezone.now() + timedelta(hours=1))

    assert first.errors == [] and first.notes == []
    # The simulator logs by the hour of day, fewer at night: what is held is counted, never fixed.
    assert stored_logs(demo_connection) == held and len({entry[0] for entry in held}) > 3
    assert first.items_stored == sum(held.values()) and again.items_stored == 0
    crm = simulator.state.hog_functions.by_name("CRM sync webhook")
    cursor = HogFunctionLogCursor.objects.get(function_id=crm["id"])
    assert cursor.entries_stored == len(simulator.state.hog_functions.logs(crm["id"])) > 0
    assert cursor.project_id == str(SIMULATOR_PROJECT) and cursor.function_name == "CRM sync webhook"


@CURRENT_ONLY
def test_a_burst_larger_than_a_poll_is_stored_whole_and_once_over_several_polls(
    demo_connection, simulator, monkeypatch
):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    hog_log_poll_connection(connection=demo_connection)
    function = simulator.state.hog_functions.by_name("CRM sync webhook")
    now = timezone.now()
    # 2,300 entries in the last minutes, 40 of them identical and of one instant, between two polls.
    burst = [(now - timedelta(milliseconds=90 * n), "INFO", f"delivered event {n}") for n in range(2260)]
    burst += [(now - timedelta(seconds=30), "ERROR", "HTTP 503 from the webhook")] * 40
    simulator.state.hog_functions.logs_add(function["id"], burst, instance_id="run-1")
    monkeypatch.setattr(hog_logs, "PAGES_PER_POLL", 2)  # 1,000 entries a poll: the burst takes three

    stored = [
        hog_log_poll_connection(connection=demo_connection, now=now + timedelta(minutes=run)).items_stored
        for run in range(1, 5)
    ]

    assert all(0 < count <= 1000 for count in stored[:3]) and sum(stored) == 2300 and stored[3] == 0
    assert stored_logs(demo_connection) == held_logs(simulator, SIMULATOR_PROJECT)  # 0 lost, 0 duplicated
    assert HogFunctionLogEntry.objects.filter(message="HTTP 503 from the webhook").count() == 40


@CURRENT_ONLY
def test_entries_arriving_late_inside_the_overlap_are_stored(demo_connection, simulator):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    hog_log_poll_connection(connection=demo_connection)
    function = simulator.state.hog_functions.by_name("GeoIP")
    late = timezone.now() - timedelta(seconds=20)
    simulator.state.hog_functions.logs_add(function["id"], [(late, "WARN", "arrived late")], instance_id="i")

    result = hog_log_poll_connection(connection=demo_connection, now=timezone.now() + timedelta(hours=1))

    assert result.items_stored == 1
    assert stored_logs(demo_connection) == held_logs(simulator, SIMULATOR_PROJECT)


@CURRENT_ONLY
def test_the_log_poller_skips_unwatched_projects_and_keeps_to_the_budget(demo_connection, simulator, settings, clock):
    watch_only(demo_connection, OTHER_PROJECT)
    settings.POSTHOG_RATE_LIMIT_PER_MINUTE = 6  # a budget of 3 a minute: the list and two reads
    simulator.requests_clear()
    now = timezone.now()

    runs = [hog_log_poll_connection(connection=demo_connection, now=now + timedelta(hours=n)) for n in range(3)]

    asked = [int(m[1]) for r in simulator.requests() if (m := HOG_PATH.match(r["path"]))]
    assert set(asked) == {OTHER_PROJECT} and len(asked) <= budget_per_minute() == 3
    assert BUDGET_SPENT in runs[-1].errors and runs[-1].requests_made == 0
    # The refused requests count too: nothing more was sent this minute.
    assert budget.budget_used(connection_id=demo_connection.pk) > len(asked)
    clock.now += 60  # the next minute: the rest is read
    hog_log_poll_connection(connection=demo_connection, now=now + timedelta(hours=4))
    assert stored_logs(demo_connection) == held_logs(simulator, OTHER_PROJECT)


@CURRENT_ONLY
def test_a_failing_log_read_is_kept_on_its_cursor_and_read_later(demo_connection, simulator):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    function = simulator.state.hog_functions.by_name("GeoIP")
    simulator.script("GET", rf"/api/projects/1/hog_functions/{function['id']}/logs/", status=404, times=1)

    result = hog_log_poll_connection(connection=demo_connection)

    cursor = HogFunctionLogCursor.objects.get(function_id=function["id"])
    assert cursor.consecutive_failures == 1 and "could not find" in cursor.last_error
    assert any(error.startswith("GeoIP: ") for error in result.errors)
    later = hog_log_poll_connection(connection=demo_connection, now=timezone.now() + timedelta(hours=1))
    assert later.errors == [] and stored_logs(demo_connection) == held_logs(simulator, SIMULATOR_PROJECT)


@CURRENT_ONLY
@pytest.mark.parametrize("status", [503, 429])
def test_a_failing_or_throttling_posthog_is_retried_and_the_runs_recorded(demo_connection, simulator, status):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    body = {"type": "server_error", "detail": "Unavailable.", "attr": None}
    simulator.script("GET", r"/api/projects/1/hog_functions/$", status=status, body=body, times=2)

    outcome = poll_hog_function_logs.apply(kwargs={"connection_id": demo_connection.pk})

    assert outcome.successful()
    runs = list(PollRun.objects.filter(kind=PollRun.Kind.HOG_LOGS).order_by("started_at", "id"))
    assert runs[0].status == PollRun.Status.FAILED and runs[0].error
    if status == 503:  # a 429 makes every poller wait PostHog's minute: the retry is skipped meanwhile
        assert runs[-1].status == PollRun.Status.OK and runs[-1].items_stored > 0
    else:
        assert runs[-1].status == PollRun.Status.SKIPPED and "rate-limiting" in runs[-1].error


@CURRENT_ONLY
def test_hourly_run_counts_are_upserted_one_row_per_function_and_hour(demo_connection, simulator):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    first = hog_metrics_take(connection=demo_connection)
    again = hog_metrics_take(connection=demo_connection)
    function = simulator.state.hog_functions.by_name("CRM sync webhook")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    row = HogFunctionMetricSnapshot.objects.get(function_id=function["id"], hour=hour)
    simulator.state.hog_functions.metrics_add(function["id"], timezone.now(), succeeded=5, failed=7)

    later = hog_metrics_take(connection=demo_connection)

    assert first.errors == [] and first.items_stored > 0 and again.items_stored == 0
    assert later.items_stored == 1  # the hour still going, counted again
    row.refresh_from_db()
    held = simulator.state.hog_functions.metrics(function["id"])[hour.strftime("%Y-%m-%dT%H")]
    assert (row.succeeded, row.failed) == (held.get("succeeded", 0), held.get("failed", 0))
    duplicated = HogFunctionMetricSnapshot.objects.values("function_id", "hour").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicated.exists()
    site_app = simulator.state.hog_functions.by_name("Launch week banner")
    assert not HogFunctionMetricSnapshot.objects.filter(function_id=site_app["id"]).exists()  # runs in browsers


def test_batch_export_runs_are_kept_and_updated_as_they_progress(demo_connection, simulator):
    watch_only(demo_connection, SIMULATOR_PROJECT)
    first = export_runs_poll(connection=demo_connection)
    week_ago = timezone.now() - timedelta(days=7)
    held = {  # PostHog lists the runs of the last seven days
        run["id"]
        for e in simulator.state.batch_exports.all(SIMULATOR_PROJECT)
        for run in simulator.state.batch_exports.runs(e["id"])
        if _moment(run["created_at"]) > week_ago + timedelta(minutes=1)
    }
    export = simulator.state.batch_exports.by_name("Snowflake (finance)")
    running = simulator.state.batch_exports.run_add(export["id"], hours_ago=0)

    again = export_runs_poll(connection=demo_connection)
    record = BatchExportRunRecord.objects.get(run_id=running["id"])
    assert record.status in ("Starting", "Running") and record.records_completed is None
    for _ in range(6):
        simulator.tick()
    finished = export_runs_poll(connection=demo_connection)

    missing = held - set(BatchExportRunRecord.objects.values_list("run_id", flat=True))
    assert first.errors == [] and not missing
    assert again.items_stored == 1
    record.refresh_from_db()
    now_held = simulator.state.batch_exports.run(running["id"])
    assert record.status == now_held["status"] not in ("Starting", "Running") and finished.items_stored >= 1
    assert BatchExportRunRecord.objects.filter(run_id=running["id"]).count() == 1


@pytest.mark.profiles("legacy", reason="an older PostHog has no hog functions")
def test_without_hog_functions_the_pollers_say_so_and_succeed(demo_connection, simulator):
    for task in (poll_hog_function_logs, take_hog_function_metrics):
        assert task.apply(kwargs={"connection_id": demo_connection.pk}).successful()

    runs = PollRun.objects.filter(kind__in=[PollRun.Kind.HOG_LOGS, PollRun.Kind.HOG_METRICS])
    assert {run.status for run in runs} == {PollRun.Status.OK}
    assert all(NOT_AVAILABLE in run.error for run in runs)
    assert poll_batch_export_runs.apply(kwargs={"connection_id": demo_connection.pk}).successful()
    assert BatchExportRunRecord.objects.exists()


def test_pruning_forgets_pipeline_history_older_than_the_retention(connection, settings):
    from apps.history.prune import history_prune

    settings.HISTORY_RETENTION_DAYS = 90
    now = timezone.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=89)
    for n, at in enumerate((old, recent)):
        HogFunctionLogEntry.objects.create(
            connection=connection, project_id="1", function_id="f", entry_key=f"k{n}", timestamp=at, level="INFO"
        )
        HogFunctionMetricSnapshot.objects.create(
            connection=connection, project_id="1", function_id="f", hour=at, succeeded=1, taken_at=at
        )
        BatchExportRunRecord.objects.create(
            connection=connection,
            project_id="1",
            export_id="e",
            run_id=f"r{n}",
            status="Completed",
            created_at=at,
            polled_at=at,
        )

    history_prune(now=now)

    assert list(HogFunctionLogEntry.objects.values_list("timestamp", flat=True)) == [recent]
    assert list(HogFunctionMetricSnapshot.objects.values_list("hour", flat=True)) == [recent]
    assert list(BatchExportRunRecord.objects.values_list("created_at", flat=True)) == [recent]
