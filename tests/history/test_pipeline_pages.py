"""The pipeline pages of History over what the pollers kept from the simulator: the health overview (worst first,
"not measured" where nothing was), the log explorer's hog function and batch export sources with their CSV, the run
charts; each with data, empty, and with PostHog failing."""

import csv
import io
import re

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from apps.history.export_runs import export_runs_poll
from apps.history.hog_logs import NOT_AVAILABLE, hog_log_poll_connection
from apps.history.hog_metrics import hog_metrics_take
from apps.history.models import BatchExportRunRecord, HogFunctionLogEntry, PollRun
from apps.posthog.errors import ServerError

pytestmark = pytest.mark.usefixtures("clock")
CURRENT_ONLY = pytest.mark.profiles("current", reason="only today's PostHog has hog functions")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr class="health-row health-([a-z-]+)">(.*?)</tr>', page, flags=re.S)


@pytest.fixture
def kept(demo_connection, simulator):
    """A failing destination and a failed batch export run, and everything the three pollers keep of them."""
    functions, exports = simulator.state.hog_functions, simulator.state.batch_exports
    crm = functions.by_name("CRM sync webhook")
    functions.fail(crm["id"])
    functions.metrics_add(crm["id"], timezone.now(), succeeded=2, failed=60)
    functions.logs_add(crm["id"], [(timezone.now(), "ERROR", "HTTP 503 from the CRM")], instance_id="run-9")
    snowflake = exports.by_name("Snowflake (finance)")
    exports.run_add(snowflake["id"], status="Failed", error="Snowflake refused the login")
    for poll in (hog_log_poll_connection, hog_metrics_take, export_runs_poll):
        assert poll(connection=demo_connection).errors == []
    return {"crm": crm, "snowflake": snowflake}


@CURRENT_ONLY
def test_the_overview_lists_the_pipeline_worst_first_linking_each_row(client_as, viewer, kept, simulator):
    page = text(client_as(viewer).get(reverse("history:pipeline")))

    rows = rows_of(page)
    states = [state for state, _ in rows]
    assert states == sorted(states, key=["failing", "degraded", "unknown", "healthy"].index)
    failing = [row for state, row in rows if state == "failing"]
    # Which failing row leads depends on the hour (a daily export's run just after midnight UTC is the worst
    # then: 1 error in the last hour, 0 % of runs); the CRM function fails at every hour.
    [crm] = [row for row in failing if "CRM sync webhook" in row]
    assert "Hog function" in crm and "HTTP 503 from the CRM" in crm
    assert any("Snowflake (finance)" in row and "Snowflake refused the login" in row for row in failing)
    assert reverse("hog_functions:detail", args=[kept["crm"]["id"]]) in page
    assert reverse("batch_exports:detail", args=[kept["snowflake"]["id"]]) in page
    assert reverse("history:function_chart", args=[kept["crm"]["id"]]) in page
    # A site app runs in browsers: PostHog counts none of its runs, and the page says so rather than show a 0.
    [banner] = [row for _, row in rows if "Launch week banner" in row]
    assert "not measured" in banner and "0 %" not in banner and "0.0 %" not in banner


@CURRENT_ONLY
def test_the_overview_keeps_to_the_project_picked(client_as, viewer, kept):
    page = text(client_as(viewer).get(reverse("history:pipeline"), {"project": "3"}))

    assert "Data lake ingest" in page and "Mobile events to S3" in page
    assert "CRM sync webhook" not in page and "Snowflake (finance)" not in page


def test_the_overview_explains_an_empty_history(client_as, viewer, connection):
    page = text(client_as(viewer).get(reverse("history:pipeline")))

    assert "Nothing kept of the pipeline yet" in page and not rows_of(page)


def test_with_posthog_failing_the_pages_say_so_and_show_what_was_kept(client_as, viewer, demo_connection, simulator):
    export_runs_poll(connection=demo_connection)
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0}, timeout=5).raise_for_status()
    failure = ServerError("Internal server error", status=500)
    now = timezone.now()
    PollRun.objects.create(
        kind=PollRun.Kind.EXPORT_RUNS,
        connection=demo_connection,
        started_at=now,
        finished_at=now,
        status=PollRun.Status.FAILED,
        error=failure.user_message,
    )
    client = client_as(viewer)

    page = text(client.get(reverse("history:pipeline")))
    explorer = text(client.get(reverse("history:logs"), {"source": "batch_exports"}))

    assert "Batch export runs:" in page and failure.user_message in page
    assert "Snowflake (finance)" in page  # what was kept before still shows
    assert BatchExportRunRecord.objects.count() > 0 and "data-entry-id" in explorer


@pytest.mark.profiles("legacy", reason="an older PostHog has no hog functions")
def test_on_an_older_posthog_the_overview_says_there_are_no_hog_functions(client_as, viewer, demo_connection):
    from apps.history.tasks import poll_batch_export_runs, poll_hog_function_logs

    poll_hog_function_logs.apply(kwargs={"connection_id": demo_connection.pk})
    poll_batch_export_runs.apply(kwargs={"connection_id": demo_connection.pk})

    page = text(client_as(viewer).get(reverse("history:pipeline")))

    assert NOT_AVAILABLE in page.replace("&#x27;", "'") and "Snowflake (finance)" in page
    assert "Hog function</span>" not in page


@CURRENT_ONLY
def test_the_explorer_reads_hog_function_logs_by_function_level_and_text_with_csv(client_as, viewer, kept):
    client = client_as(viewer)
    crm = kept["crm"]["id"]

    every = text(client.get(reverse("history:logs"), {"source": "hog_functions"}))
    errors = text(client.get(reverse("history:logs"), {"source": "hog_functions", "function": crm, "types": "ERROR"}))
    exported = client.get(reverse("history:logs_csv"), {"source": "hog_functions", "function": crm})

    assert "Stored hog function logs" in every and every.count("data-entry-id") == min(
        100, HogFunctionLogEntry.objects.count()
    )
    shown = re.findall(r'data-entry-id="([^"]+)"', errors)
    assert shown and len(shown) == HogFunctionLogEntry.objects.filter(function_id=crm, level="ERROR").count()
    assert "HTTP 503 from the CRM" in errors
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert lines[0][:3] == ["timestamp", "function_id", "function_name"]
    assert len(lines) - 1 == HogFunctionLogEntry.objects.filter(function_id=crm).count()
    assert {line[2] for line in lines[1:]} == {"CRM sync webhook · Hedgehog Web"}  # named with its project
    assert 'filename="hog-function-logs-function-' in exported["Content-Disposition"]


@CURRENT_ONLY
def test_the_explorer_reads_batch_export_runs_as_a_log(client_as, viewer, kept):
    client = client_as(viewer)

    failed = text(client.get(reverse("history:logs"), {"source": "batch_exports", "types": "ERROR"}))
    exported = client.get(reverse("history:logs_csv"), {"source": "batch_exports", "search": "refused the login"})

    assert "Stored batch export runs" in failed and "Run Failed" in failed and "Snowflake refused the login" in failed
    assert "Run Completed" not in failed
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert lines[0][:3] == ["timestamp", "export_id", "export_name"] and len(lines) == 2


def test_the_explorer_explains_empty_sources(client_as, viewer, connection):
    client = client_as(viewer)

    assert "No hog function logs stored yet" in text(client.get(reverse("history:logs"), {"source": "hog_functions"}))
    assert "No batch export runs stored yet" in text(client.get(reverse("history:logs"), {"source": "batch_exports"}))


@CURRENT_ONLY
def test_the_run_charts_draw_what_was_counted_and_explain_the_rest(client_as, viewer, kept):
    client = client_as(viewer)
    crm, snowflake = kept["crm"]["id"], kept["snowflake"]["id"]

    function = text(client.get(reverse("history:function_chart", args=[crm])))
    export = text(client.get(reverse("history:export_chart", args=[snowflake]), {"range": "7d"}))
    unknown = text(client.get(reverse("history:function_chart", args=["00000000-0000-0000-0000-000000000000"])))

    assert "Runs of CRM sync webhook" in function and "<svg" in function
    assert "Runs of Snowflake (finance)" in export and "Snowflake refused the login" in export
    assert "Nothing kept of this hog function yet" in unknown and "<svg" not in unknown
