"""The log explorer sorts by time on the server (`?sort=time&dir=asc|desc`), the one order its indexes serve over
millions of entries: the header's link turns it, the page links go on in that order (ties by id, none repeated or
skipped) keeping the filters, and a sort it does not offer is the newest first."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.db import connection as db_connection
from django.urls import reverse

from apps.history.models import BatchExportRunRecord, HogFunctionLogEntry, PluginLogEntry
from apps.history.selectors.logs import log_explorer_entries
from apps.history.selectors.pipeline_logs import pipeline_log_page
from tests.history.test_pages import log_cursor, log_entries, text
from tests.test_deploy import skip_or_fail

pytestmark = pytest.mark.django_db
START = datetime(2024, 5, 1, 12, tzinfo=UTC)


def time_header(html: str) -> tuple[str, str]:
    found = re.search(r'<th scope="col" class="log-time" aria-sort="(\w+)"><a class="sort-button" href="([^"]+)"', html)
    assert found, "the time header is a sort link"
    return found[1], unescape(found[2])


def follow(client, url: str) -> tuple[list[str], int, str]:
    """Every message from `url` on through the page links; the pages walked; the last page's HTML."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        html = text(response)
        seen += [row.log.message for row in response.context["rows"]]
        pages += 1
        assert pages < 20
        nxt = re.search(r'href="([^"]*)" rel="next"', html)
        url = reverse("history:logs") + unescape(nxt[1]) if nxt else ""
    return seen, pages, html


@pytest.fixture
def tied_logs(connection):
    """252 entries of config 1, three at each timestamp (the keyset settles ties by id), and one of config 2."""
    log_cursor(connection, 1, "S3 Export")
    log_cursor(connection, 2, "BigQuery")
    for tie in range(3):
        log_entries(connection, 1, [f"entry {n} / {tie}" for n in range(84)], start=START)
    log_entries(connection, 2, ["other config"], start=START)


def test_the_time_header_turns_the_order_and_the_pages_follow_it(client_as, viewer, tied_logs):
    client = client_as(viewer)
    first = text(client.get(reverse("history:logs"), {"config": "1"}))
    aria, link = time_header(first)
    assert aria == "descending" and "Newest first" in first
    assert "config=1" in link and "sort=time" in link and "dir=asc" in link

    seen, pages, last = follow(client, reverse("history:logs") + link)
    expected = list(
        PluginLogEntry.objects.filter(plugin_config_id=1).order_by("timestamp", "id").values_list("message", flat=True)
    )
    assert pages == 3 and len(seen) == len(set(seen)) == 252 and seen == expected
    assert time_header(last)[0] == "ascending" and "Oldest first" in last
    assert "back to the oldest" in last and "No later entries are stored" in last
    assert "dir=desc" in time_header(last)[1]  # clicking again: the newest first

    # The filter form keeps the order when a filter changes.
    assert '<input type="hidden" name="sort" value="time">' in last and 'name="dir" value="asc"' in last


def test_batch_export_runs_sort_oldest_first_too(client_as, viewer, connection, monkeypatch):
    monkeypatch.setattr("apps.history.views.logs.LOG_PAGE_SIZE", 4)
    for n in range(10):
        BatchExportRunRecord.objects.create(
            connection=connection,
            project_id="1",
            export_id="e",
            export_name="Nightly",
            run_id=f"r{n}",
            status="Completed",
            error=f"run {n}",
            created_at=START + timedelta(minutes=n // 2),
            polled_at=START,
        )
    client = client_as(viewer)
    seen, pages, _ = follow(client, reverse("history:logs") + "?source=batch_exports&sort=time&dir=asc")
    # Two runs a minute: ties settled by id, each run once, the oldest first.
    assert pages == 3 and [message.rsplit(". ", 1)[-1] for message in seen] == [f"run {n}" for n in range(10)]


def test_hog_function_entries_page_oldest_first_without_repeats(connection):
    HogFunctionLogEntry.objects.bulk_create(
        HogFunctionLogEntry(
            connection=connection,
            project_id="1",
            function_id="f",
            entry_key=f"k{n}",
            timestamp=START + timedelta(seconds=n // 3),
            level="INFO",
            message=f"m{n}",
        )
        for n in range(20)
    )
    seen, cursor = [], None
    while True:
        page = pipeline_log_page(
            source="hog_functions", connection_id=connection.pk, cursor=cursor, limit=6, oldest_first=True
        )
        seen += [entry.message for entry in page.items]
        if not (cursor := page.next):
            break
    assert seen == [f"m{n}" for n in range(20)]


@pytest.mark.parametrize("asked", [{"sort": "message"}, {"sort": "time", "dir": "up"}, {"sort": "'; drop"}])
def test_a_sort_the_explorer_does_not_offer_is_the_newest_first(client_as, viewer, tied_logs, asked):
    client = client_as(viewer)
    default = client.get(reverse("history:logs"), {"config": "1"})
    response = client.get(reverse("history:logs"), {"config": "1", **asked})
    assert response.status_code == 200
    assert [row.log.message for row in response.context["rows"]] == [row.log.message for row in default.context["rows"]]
    assert time_header(text(response))[0] == "descending"


def test_oldest_first_on_postgresql_reads_the_time_index_backwards(connection):
    if db_connection.vendor != "postgresql":
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    log_entries(connection, 1, [f"entry {n}" for n in range(2000)], start=START)
    entries = log_explorer_entries(connection_id=connection.pk).order_by("timestamp", "id")[:100]
    sql, params = entries.query.sql_with_params()
    with db_connection.cursor() as cursor:
        cursor.execute("ANALYZE history_pluginlogentry")
        cursor.execute("SET LOCAL enable_seqscan = off")  # so few rows would be read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # No sort of every entry: the (connection, -timestamp, -id) index, read backwards, is already in that order.
    assert "Index Scan Backward using log_connection_time" in plan and "Sort" not in plan
