"""Health verdicts from stored rows: delivery rate, errors of the last hour, the newest error and freshness; the
pipeline page's sorting and the 503-a-minute-ago case; the cost of reading 500 items."""

import re
from datetime import timedelta

import pytest
from django.db import connection as database
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.history.health import DEGRADED, FAILING, HEALTHY, UNKNOWN, verdict_of
from apps.history.models import (
    BatchExportRunRecord,
    DeliverySnapshot,
    HogFunctionLogCursor,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    LogCursor,
    PluginLogEntry,
)
from apps.history.selectors.health import config_health_list, export_health_list, function_health_list, health_list

NOW = timezone.now()


def config(connection, config_id, name, *, rate=1.0, polled=NOW, snapshot_at=NOW, enabled=True):
    """A config as the two pollers leave it: a log cursor read at `polled`, a snapshot taken at `snapshot_at`."""
    LogCursor.objects.create(
        connection=connection, project_id="1", plugin_config_id=config_id, config_name=name, polled_at=polled
    )
    if snapshot_at is not None:
        DeliverySnapshot.objects.create(
            connection=connection,
            project_id="1",
            plugin_config_id=config_id,
            config_name=name,
            taken_at=snapshot_at,
            delivery_rate=rate,
            enabled=enabled,
        )


def errors(connection, config_id, count, *, newest=NOW - timedelta(minutes=1), message="HTTP 503 from the CRM"):
    PluginLogEntry.objects.bulk_create(
        PluginLogEntry(
            connection=connection,
            project_id="1",
            plugin_config_id=config_id,
            entry_id=f"{config_id}-{n}-{newest.timestamp()}",
            timestamp=newest - timedelta(seconds=n),
            source="PLUGIN",
            type="ERROR",
            message=message if n == 0 else f"older error {n}",
        )
        for n in range(count)
    )


def by_name(items):
    return {item.name: item for item in items}


# The rules ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "errors_last_hour", "expected"),
    [
        (1.0, 0, HEALTHY),
        (1.0, 1, DEGRADED),  # PostHog's 24-hour rate still says 100 %: the errors of the last hour say otherwise
        (1.0, 12, FAILING),
        (0.95, 0, DEGRADED),
        (0.5, 0, FAILING),
        (None, 0, UNKNOWN),  # nothing measured is not healthy
        (None, 3, DEGRADED),
    ],
)
def test_a_verdict_weighs_the_rate_and_the_errors_of_the_last_hour(rate, errors_last_hour, expected):
    verdict = verdict_of(rate=rate, errors_last_hour=errors_last_hour, as_of=NOW, now=NOW)
    assert verdict.state == expected and verdict.reasons


def test_an_old_reading_is_never_healthy_and_says_since_when():
    as_of = NOW - timedelta(hours=2)
    verdict = verdict_of(rate=1.0, errors_last_hour=0, as_of=as_of, now=NOW)
    assert verdict.state == UNKNOWN and verdict.stale
    assert verdict.reasons == (f"not polled since {as_of:%Y-%m-%d %H:%M} UTC",)
    assert verdict_of(rate=1.0, errors_last_hour=0, as_of=None, now=NOW).reasons == ("never polled",)
    # Failure seen in the last reading stays failure, and says it is old.
    failing = verdict_of(rate=0.2, errors_last_hour=0, as_of=as_of, now=NOW)
    assert failing.state == FAILING and "not polled since" in failing.reasons[-1]


# From stored rows ---------------------------------------------------------------------------------------------


def test_configs_are_judged_from_their_snapshots_logs_and_freshness(connection):
    config(connection, 1, "Calm")
    config(connection, 2, "Logging 503s", rate=1.0)
    errors(connection, 2, 3)
    config(connection, 3, "Old errors only")
    errors(connection, 3, 5, newest=NOW - timedelta(hours=3), message="yesterday's timeout")
    config(connection, 4, "Stopped being read", polled=NOW - timedelta(hours=3), snapshot_at=NOW - timedelta(hours=3))
    config(connection, 5, "Low rate", rate=0.6)
    config(connection, 6, "No rate reported", snapshot_at=None)
    config(connection, 7, "Switched off", rate=0.3, enabled=False)

    items = by_name(config_health_list(connection_id=connection.pk, project_id=None, now=NOW))

    assert items["Calm"].verdict.state == HEALTHY and items["Calm"].errors_last_hour == 0
    logging = items["Logging 503s"]
    assert logging.verdict.state == DEGRADED and logging.rate == 1.0 and logging.errors_last_hour == 3
    assert logging.last_error == "HTTP 503 from the CRM" and logging.last_error_at == NOW - timedelta(minutes=1)
    old = items["Old errors only"]
    assert old.verdict.state == HEALTHY and old.errors_last_hour == 0 and old.last_error == "yesterday's timeout"
    stale = items["Stopped being read"]
    assert stale.verdict.state == UNKNOWN and stale.verdict.reasons[0].startswith("not polled since")
    assert items["Low rate"].verdict.state == FAILING
    assert items["No rate reported"].verdict.state == UNKNOWN
    assert "does not report" in items["No rate reported"].verdict.reasons[0]
    assert items["Switched off"].verdict.state == UNKNOWN and items["Switched off"].detail == "disabled"


def test_a_config_with_snapshots_whose_logs_were_never_read_is_not_called_healthy(connection):
    DeliverySnapshot.objects.create(
        connection=connection, project_id="1", plugin_config_id=9, config_name="New", taken_at=NOW, delivery_rate=1.0,
        enabled=True,
    )  # fmt: skip

    [item] = config_health_list(connection_id=connection.pk, project_id=None, now=NOW)

    assert item.name == "New" and item.verdict.state == UNKNOWN and "logs have not been read" in item.verdict.reasons[0]


def test_hog_functions_are_judged_from_their_runs_and_error_logs(connection):
    for function_id, name in [("f-ok", "Webhook"), ("f-bad", "CRM sync"), ("f-site", "Banner")]:
        HogFunctionLogCursor.objects.create(
            connection=connection, project_id="1", function_id=function_id, function_name=name, polled_at=NOW
        )
    hour = NOW.replace(minute=0, second=0, microsecond=0)
    for function_id, succeeded, failed in [("f-ok", 500, 0), ("f-bad", 100, 2)]:
        HogFunctionMetricSnapshot.objects.create(
            connection=connection, project_id="1", function_id=function_id, hour=hour, succeeded=succeeded,
            failed=failed, taken_at=NOW,
        )  # fmt: skip
    HogFunctionLogEntry.objects.bulk_create(
        HogFunctionLogEntry(
            connection=connection, project_id="1", function_id="f-bad", entry_key=f"k{n}",
            timestamp=NOW - timedelta(minutes=n), level="ERROR", message=f"HTTP 503 #{n}",
        )
        for n in range(11)
    )  # fmt: skip

    items = by_name(function_health_list(connection_id=connection.pk, project_id=None, now=NOW))

    assert items["Webhook"].verdict.state == HEALTHY and items["Webhook"].rate == 1.0
    crm = items["CRM sync"]
    assert crm.verdict.state == FAILING and crm.errors_last_hour == 11 and crm.last_error == "HTTP 503 #0"
    assert items["Banner"].verdict.state == UNKNOWN and items["Banner"].rate is None


def test_batch_exports_are_judged_by_their_runs(connection):
    def run(export_id, name, run_id, status, *, ago, error=""):
        BatchExportRunRecord.objects.create(
            connection=connection, project_id="1", export_id=export_id, export_name=name, run_id=run_id, status=status,
            error=error, created_at=NOW - ago, finished_at=NOW - ago + timedelta(minutes=5), polled_at=NOW,
        )  # fmt: skip

    run("e1", "S3", "r1", "Completed", ago=timedelta(hours=2))
    run("e1", "S3", "r2", "Completed", ago=timedelta(hours=1))
    run("e2", "Snowflake", "r3", "Completed", ago=timedelta(hours=3))
    run("e2", "Snowflake", "r4", "Failed", ago=timedelta(minutes=30), error="Snowflake refused the login")

    items = by_name(export_health_list(connection_id=connection.pk, project_id=None, now=NOW))

    assert items["S3"].verdict.state == HEALTHY and items["S3"].rate == 1.0
    snowflake = items["Snowflake"]
    assert snowflake.verdict.state == FAILING and snowflake.errors_last_hour == 1
    assert snowflake.last_error == "Snowflake refused the login" and snowflake.detail == "newest run failed"


def test_reading_500_configs_costs_a_fixed_number_of_queries_on_their_indexes(connection):
    for config_id in range(500):
        config(connection, config_id, f"Config {config_id}")
    errors(connection, 7, 20)
    with CaptureQueriesContext(database) as queries:
        items = health_list(connection_id=connection.pk, project_id=None, now=NOW)
    assert len(items) == 500 and len(queries) <= 10
    if database.vendor == "sqlite":
        cursor_query = next(q["sql"] for q in queries.captured_queries if "history_logcursor" in q["sql"])
        with database.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {cursor_query}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        # Every correlated subquery seeks an index: none scans the entries or the snapshots.
        assert "SCAN history_pluginlogentry" not in plan and "SCAN history_deliverysnapshot" not in plan, plan


# The pipeline page -------------------------------------------------------------------------------------------


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr class="health-row health-([a-z-]+)">(.*?)</tr>', page, flags=re.S)


def names_in_order(page: str) -> list[str]:
    return [re.search(r'<a href="/plugin-configs/\d+/">([^<]+)</a>', row).group(1) for _, row in rows_of(page)]


@pytest.fixture
def stored(connection):
    config(connection, 1, "Calm")
    config(connection, 2, "Logging 503s", rate=1.0)
    errors(connection, 2, 3)
    config(connection, 3, "Lossy", rate=0.8)
    config(connection, 4, "Broken", rate=0.4)
    errors(connection, 4, 1, message="Broken since the deploy")
    return connection


def test_the_503_a_minute_ago_is_not_healthy_and_its_message_is_on_the_row(client_as, viewer, stored):
    page = client_as(viewer).get(reverse("history:pipeline")).content.decode()

    [(state, row)] = [found for found in rows_of(page) if "Logging 503s" in found[1]]
    assert state == "degraded" and "100.0 %" in row
    # The message is in the row's text, not only in a tooltip.
    assert re.search(r'<span class="health-error-text">HTTP 503 from the CRM</span>', row)
    assert "3 errors in the last hour" in row


def test_the_page_is_worst_first_and_sorts_by_each_column_both_ways(client_as, viewer, stored):
    client = client_as(viewer)
    page = client.get(reverse("history:pipeline")).content.decode()
    assert names_in_order(page) == ["Broken", "Logging 503s", "Lossy", "Calm"]
    assert '<th scope="col" class="col-verdict" aria-sort="ascending">' in page
    assert 'aria-sort="none"><a class="sort-button" href="?sort=rate&amp;dir=asc"' in page

    by_rate = client.get(reverse("history:pipeline"), {"sort": "rate"}).content.decode()
    # Equal rates keep the worst verdict first.
    assert names_in_order(by_rate) == ["Broken", "Lossy", "Logging 503s", "Calm"]
    assert 'aria-sort="ascending"><a class="sort-button" href="?sort=rate&amp;dir=desc"' in by_rate
    by_rate_desc = client.get(reverse("history:pipeline"), {"sort": "rate", "dir": "desc"}).content.decode()
    assert names_in_order(by_rate_desc) == ["Logging 503s", "Calm", "Lossy", "Broken"]
    assert 'aria-sort="descending"' in by_rate_desc
    # A link kept from before `dir` (`-rate`: the other way) still opens in that order.
    by_rate_legacy = client.get(reverse("history:pipeline"), {"sort": "-rate"}).content.decode()
    assert names_in_order(by_rate_legacy) == names_in_order(by_rate_desc)

    by_errors = client.get(reverse("history:pipeline"), {"sort": "errors"}).content.decode()
    assert names_in_order(by_errors)[:2] == ["Logging 503s", "Broken"]
    by_name_ = client.get(reverse("history:pipeline"), {"sort": "name"}).content.decode()
    assert names_in_order(by_name_) == ["Broken", "Calm", "Logging 503s", "Lossy"]
    # Something else asked for is the default order, not an error.
    assert names_in_order(client.get(reverse("history:pipeline"), {"sort": "drop table"}).content.decode()) == (
        names_in_order(page)
    )


def test_stale_rows_say_since_when_on_the_page(client_as, viewer, connection):
    config(connection, 1, "Stopped being read", polled=NOW - timedelta(hours=3), snapshot_at=NOW - timedelta(hours=3))

    page = client_as(viewer).get(reverse("history:pipeline")).content.decode()

    [(state, row)] = rows_of(page)
    assert state == "unknown" and "not polled since" in row and "healthy" not in row


def test_the_config_lists_health_cell_turns_a_green_100_percent_with_errors_into_degraded(client_as, viewer, stored):
    response = client_as(viewer).get(
        reverse("history:config_last_errors") + "?config=1&config=2", HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    cell = re.search(
        r'<td class="col-delivery" data-label="Health" id="delivery-2" hx-swap-oob="outerHTML">(.*?)</td>', page
    )
    assert cell and "degraded" in cell.group(1) and "100.0 %" in cell.group(1)
    assert "3 errors in the last hour" in cell.group(1)
    calm = re.search(r'id="delivery-1" hx-swap-oob="outerHTML">(.*?)</td>', page)
    assert calm and "healthy" in calm.group(1)
    # The newest error's message is in the last-error cell's text, not only in its tooltip.
    assert re.search(
        r'id="last-error-2"[^>]*><span class="small health-error-text"[^>]*>HTTP 503 from the CRM</span>', page
    )
