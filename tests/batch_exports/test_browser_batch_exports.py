"""In Debian's Chromium: an Operator backfills an export (meeting a mistake on the form first, and reading how
many runs it makes before sending it), then pauses the export after confirming."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_backfill_a_range_after_fixing_it_then_pause(page, live_server, demo_connection, operator, simulator):
    sign_in(page, live_server, operator.username)
    snowflake = simulator.state.batch_exports.by_name("Snowflake (finance)")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Batch exports").click()
    expect(page.get_by_role("heading", name="Batch exports")).to_be_visible()
    shot(page, "batch-exports-list")
    page.get_by_role("link", name="Snowflake (finance)").click()
    expect(page.get_by_role("heading", name="Snowflake (finance)")).to_be_visible()

    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start, end = hour - timedelta(hours=6), hour - timedelta(hours=2)
    page.get_by_label("From (UTC)").fill(local(end))
    page.get_by_label("Until (UTC, not included)").fill(local(start))
    page.get_by_role("button", name="Start backfill").click()
    expect(page.locator("#backfill .field-error")).to_have_text("The end must come after the start.")
    assert simulator.state.batch_exports.backfills(snowflake["id"]) == []
    shot(page, "batch-export-backfill-error")

    page.get_by_label("From (UTC)").fill(local(start))
    page.get_by_label("Until (UTC, not included)").fill(local(end))
    expect(page.locator("#backfill-preview")).to_contain_text("PostHog will make 4 runs, one per hour")
    shot(page, "batch-export-backfill-preview")
    page.get_by_role("button", name="Start backfill").click()
    expect(page.locator("#toasts")).to_contain_text("Backfill started. PostHog will make 4 runs")
    assert len(simulator.state.batch_exports.backfills(snowflake["id"])) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#toasts")).to_contain_text("Paused: PostHog starts no run of this export")
    expect(page.get_by_role("button", name="Unpause")).to_be_visible()
    assert simulator.state.batch_exports.get(snowflake["id"])["paused"] is True
    shot(page, "batch-export-paused")
