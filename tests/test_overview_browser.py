"""In Debian's Chromium at phone and desktop width: the home page's health section and the pipeline health page,
with long names and error messages, never scroll sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.history.models import PollRun
from tests.browser import shot, sign_in
from tests.history.test_health import config, errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_NAME = "Export to the data warehouse of the hedgehog research institute, eu-west-1 (nightly, retries on)"
LONG_ERROR = "HTTP 503 Service Unavailable from https://crm.hedgehog.example/api/v2/contacts/batch?" + "&".join(
    f"id=user_{n:04d}@hedgehog.example" for n in range(30)
)


@pytest.fixture
def kept(connection):
    now = timezone.now()
    PollRun.objects.create(
        kind=PollRun.Kind.LOGS, connection=connection, started_at=now - timedelta(days=1), status=PollRun.Status.OK
    )
    config(connection, 1, "Calm")
    config(connection, 2, LONG_NAME, rate=1.0)
    errors(connection, 2, 4, message=LONG_ERROR)
    config(connection, 3, "Broken", rate=0.4)
    config(connection, 4, "Stopped", polled=now - timedelta(hours=2), snapshot_at=now - timedelta(hours=2))
    return connection


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_overview_and_pipeline_health_fit_the_screen(page, live_server, viewer, kept, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, viewer.username)

    health = page.locator("#health")
    expect(health).to_contain_text("1 failing")
    expect(health).to_contain_text("1 degraded")
    expect(health.locator(".worst-list li")).to_have_count(2)
    expect(health.locator(".worst-list li").nth(1)).to_contain_text("HTTP 503 Service Unavailable")
    no_sideways_scroll(page)
    shot(page, f"overview-health-{width}")

    page.goto(f"{live_server.url}/history/pipeline/")
    rows = page.locator("tr.health-row")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Broken")
    expect(page.locator("tr.health-degraded")).to_contain_text("HTTP 503 Service Unavailable")
    expect(page.locator("tr.health-unknown")).to_contain_text("not polled since")
    no_sideways_scroll(page)
    shot(page, f"pipeline-health-{width}")

    # Sorting is a link a keyboard reaches (the phone's sort links stand in for the hidden headers).
    sort_by_errors = page.get_by_role("link", name="Errors (1 h)").locator("visible=true").first
    sort_by_errors.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/history/pipeline/?sort=errors&dir=desc")  # most errors first
    expect(page.locator("tr.health-row").first).to_contain_text(LONG_NAME)
    no_sideways_scroll(page)
