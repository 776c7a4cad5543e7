"""In Debian's Chromium: the delivery overview, one config's chart with a gap, the stored-log explorer, the status."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from apps.history.models import PollRun
from tests.browser import shot, sign_in
from tests.history.test_pages import every, log_cursor, log_entries, schedules_create, snapshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_NAME = "Export to the data warehouse of the hedgehog research institute, eu-west-1 (nightly, retries on)"
LONG_MESSAGE = "Export batch failed for rows " + ", ".join(f"user_{n:04d}@hedgehog.example" for n in range(40))


@pytest.fixture
def signed_in(page, live_server, demo_connection, operator):
    sign_in(page, live_server, operator.username)
    return page


@pytest.fixture
def delivery_history(demo_connection):
    """Seven days of history: hourly rows, then raw ones for two days, with a gap, missing metrics and a dip."""
    now = timezone.now()
    raw_since = now - timedelta(days=2)
    hours = every(timedelta(hours=1), now - timedelta(days=7), raw_since)
    raw = every(timedelta(minutes=5), raw_since, now)
    gap = (now - timedelta(hours=14), now - timedelta(hours=11))

    def dip(at):
        return 0.62 if now - timedelta(hours=30) <= at < now - timedelta(hours=26) else 0.995

    for config_id, name in [(11, "S3 Export"), (12, LONG_NAME), (13, "BigQuery <Export>"), (14, "Zendesk → Events")]:
        rate = (
            dip
            if config_id == 11
            else (lambda at: None if at > now - timedelta(hours=5) else 0.9)
            if config_id == 14
            else 0.999
        )
        snapshots(demo_connection, config_id, hours, rate, name=name, hourly=True)
        snapshots(demo_connection, config_id, [at for at in raw if not gap[0] <= at < gap[1]], rate, name=name)
    return now


def test_delivery_overview_and_a_chart_with_a_gap(signed_in, live_server, delivery_history):
    page = signed_in
    page.goto(f"{live_server.url}/history/delivery/")
    expect(page.get_by_role("heading", name="Delivery rates")).to_be_visible()
    expect(page.locator("svg.sparkline")).to_have_count(4)
    expect(page.get_by_role("link", name="BigQuery <Export>", exact=True)).to_be_visible()
    shot(page, "history-overview")

    page.get_by_role("link", name="S3 Export", exact=True).click()
    expect(page.get_by_role("heading", name="Delivery rate of S3 Export")).to_be_visible()
    expect(page.locator(".chart-gap")).to_have_count(1)
    expect(page.locator(".chart-gap text")).to_have_text("no data")
    shot(page, "history-delivery-chart-24h")

    page.get_by_role("link", name="7 days").click()
    expect(page).to_have_url(f"{live_server.url}/history/delivery/11/?range=7d")
    expect(page.locator("polyline.chart-line").first).to_be_visible()
    shot(page, "history-delivery-chart-7d")

    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}/history/delivery/14/")
    expect(page.locator(".chart-null-marker").first).to_be_attached()
    shot(page, "history-delivery-chart-nulls-dark")
    page.goto(f"{live_server.url}/history/delivery/")
    shot(page, "history-overview-dark")


def test_log_explorer_filters_and_pages(signed_in, live_server, demo_connection):
    page = signed_in
    now = timezone.now()
    log_cursor(demo_connection, 11, "S3 Export")
    log_cursor(demo_connection, 12, LONG_NAME)
    log_entries(
        demo_connection, 11, [f"Exported batch {n}" for n in range(150)], start=now, step=timedelta(seconds=-30)
    )
    log_entries(
        demo_connection, 11, [LONG_MESSAGE, "Upload timeout\n  at send (index.ts:3:7)"], start=now, type="ERROR"
    )
    log_entries(demo_connection, 12, ["<script>alert('x')</script>"], start=now, type="WARN", source="SYSTEM")

    page.goto(f"{live_server.url}/history/logs/")
    expect(page.locator(".explorer-table tbody tr.log-row")).to_have_count(100)
    expect(page.get_by_text("<script>alert('x')</script>")).to_be_visible()
    shot(page, "history-logs")

    page.get_by_label("Plugin config").select_option(label="S3 Export")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".explorer-table tbody tr.log-row")).to_have_count(100)
    page.get_by_role("link", name="Older entries").click()
    expect(page.locator(".explorer-table tbody tr.log-row")).to_have_count(52)
    expect(page.get_by_text("No older entries are stored")).to_be_visible()
    shot(page, "history-logs-older")

    page.get_by_role("link", name="back to the newest").click()
    page.locator("label.choice", has_text="ERROR").locator("input").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".explorer-table tbody tr.log-row")).to_have_count(2)
    page.locator(".log-message summary").first.click()
    expect(page.get_by_text("user_0039@hedgehog.example")).to_be_visible()
    shot(page, "history-logs-errors")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("plugin-logs-config-11_start_to_now")


def test_polling_status(signed_in, live_server, demo_connection):
    page = signed_in
    now = timezone.now()
    logs_schedule = schedules_create()["logs"]
    PeriodicTask.objects.filter(pk=logs_schedule.pk).update(last_run_at=now - timedelta(seconds=20))
    PollRun.objects.create(
        kind="logs",
        connection=demo_connection,
        started_at=now - timedelta(seconds=20),
        finished_at=now,
        status="ok",
        items_stored=12,
        requests_made=4,
        duration_ms=830,
    )
    PollRun.objects.create(
        kind="delivery",
        connection=demo_connection,
        started_at=now - timedelta(minutes=5),
        status="failed",
        error="PostHog did not answer in time (timeout after 10 s)\nTraceback: …",
    )
    page.goto(f"{live_server.url}/history/")
    expect(page.get_by_role("heading", name="Polling status")).to_be_visible()
    expect(page.get_by_role("button", name="Poll now").first).to_be_visible()
    error = page.locator(".run-error details")
    expect(error.locator("pre")).to_be_hidden()
    error.locator("summary").click()
    expect(error.locator("pre")).to_contain_text("Traceback: …")
    expect(page.get_by_role("row", name=re.compile("Plugin logs .* every 30 seconds"))).to_be_visible()
    shot(page, "history-status")


def test_quick_ranges_fill_from_and_to_and_the_chart_follows(signed_in, live_server, delivery_history):
    page = signed_in
    now = delivery_history
    page.goto(f"{live_server.url}/history/delivery/11/")
    day = "%Y-%m-%d"
    expect(page.get_by_label("From (UTC)")).to_have_value((now - timedelta(days=1)).strftime(day))
    expect(page.get_by_label("To (UTC)")).to_have_value(now.strftime(day))

    page.get_by_role("link", name="7 days").click()
    expect(page).to_have_url(f"{live_server.url}/history/delivery/11/?range=7d")
    expect(page.get_by_label("From (UTC)")).to_have_value((now - timedelta(days=7)).strftime(day))
    expect(page.get_by_label("To (UTC)")).to_have_value(now.strftime(day))
    expect(page.locator("#chart-heading")).to_contain_text((now - timedelta(days=7)).strftime(day))

    # The days shown are what "Show days" then draws, whole.
    page.get_by_role("button", name="Show days").click()
    expect(page.locator("#chart-heading")).to_contain_text(f"{(now - timedelta(days=7)).strftime(day)} 00:00")
    expect(page.get_by_label("From (UTC)")).to_have_value((now - timedelta(days=7)).strftime(day))


def test_a_log_quick_range_shows_its_from_in_the_input(signed_in, live_server, demo_connection):
    page = signed_in
    log_cursor(demo_connection, 11, "S3 Export")
    log_entries(demo_connection, 11, ["Exported batch"], start=timezone.now())
    page.goto(f"{live_server.url}/history/logs/")

    page.get_by_role("button", name="Last 24 hours").click()

    since = page.get_by_label("From (UTC)")
    expect(since).to_have_value(re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$"))
    shown = since.input_value()
    expected = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H")
    assert shown.startswith(expected[:10])
    # Applying the form again keeps the range the input shows.
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_label("From (UTC)")).to_have_value(shown)


def test_a_new_install_is_collecting_not_failing(signed_in, live_server, demo_connection):
    page = signed_in
    now = timezone.now()
    # Within the current 3-hour bucket of the sparklines, whatever the time of day: one point each.
    bucket_start = now.replace(hour=now.hour - now.hour % 3, minute=0, second=0, microsecond=0)
    start = max(now - timedelta(minutes=40), bucket_start)
    snapshots(demo_connection, 21, every(timedelta(minutes=5), start, now), 0.99, name="New")
    snapshots(demo_connection, 22, [now - timedelta(minutes=1)], 0.98, name="Newer")

    page.goto(f"{live_server.url}/history/delivery/")
    expect(page.locator(".sparkline-collecting")).to_have_count(2)
    expect(page.locator(".sparkline-collecting").first).to_contain_text("collecting since")
    shot(page, "history-overview-new-install")

    page.get_by_role("link", name="New", exact=True).click()
    expect(page.locator(".chart-before text")).to_contain_text("collecting since")
    expect(page.locator(".chart-gap")).to_have_count(0)
    expect(page.get_by_role("list", name="Legend")).to_contain_text("collecting since")
    shot(page, "history-delivery-chart-new-install")
