"""In Debian's Chromium: what a person sees of what this PostHog refuses or lacks, at desktop and phone width, in
light and dark: the connection test's findings, the capabilities page, and the notes in place of refused actions."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.connections.services import connection_test
from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def shots(page, name: str) -> None:
    """The page at desktop and phone width, light and dark; it must never scroll sideways."""
    for width_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            shot(page, f"{name}-{width_name}-{scheme}")
            assert fits(page), f"{name} scrolls sideways at {width_name} width"
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")


def test_an_admin_tests_the_connection_and_reads_what_the_key_can_do(page, live_server, admin_user, demo_connection):
    sign_in(page, live_server, admin_user.username)
    page.goto(live_server.url + reverse("connections:detail", args=[demo_connection.pk]))
    page.get_by_role("button", name="Test connection").click()
    findings = page.locator("#test-result")
    expect(findings).to_contain_text("The key works.")
    expect(findings).to_contain_text("Actions PostHog refuses to personal API keys")
    shots(page, "versions-test-connection")

    page.goto(live_server.url + reverse("connections:capabilities", args=[demo_connection.pk]))
    expect(page.get_by_role("heading", name="What this key can do on this PostHog")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Reorder the plugin pipeline")
    expect(page.locator("main")).to_contain_text("does not accept personal API keys")
    shots(page, "versions-capabilities")


def test_an_operator_meets_notes_where_buttons_would_fail(page, live_server, operator, simulator, demo_connection):
    connection_test(connection=demo_connection)
    sign_in(page, live_server, operator.username)
    page.goto(live_server.url + reverse("plugins:configs"))
    expect(page.get_by_role("note").filter(has_text="Reordering is not available.")).to_be_visible()
    expect(page.get_by_role("button", name="Move up")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("does not report delivery rates")
    shots(page, "versions-config-list")

    zendesk = simulator.state.plugin_configs.by_name("Zendesk Tickets → Events", project_id=1)["id"]
    page.goto(live_server.url + reverse("plugins:config_detail", args=[zendesk]))
    expect(page.get_by_role("note").filter(has_text="Jobs are not available.")).to_contain_text("no longer offers this")
    shots(page, "versions-config-detail")

    page.goto(live_server.url + reverse("plugins:config_logs", args=[zendesk]))
    expect(page.locator("#log-rows tr").first).to_be_visible()
    shots(page, "versions-config-logs")


def test_an_admin_meets_a_page_posthog_refuses(page, live_server, admin_user, simulator, demo_connection):
    connection_test(connection=demo_connection)
    sign_in(page, live_server, admin_user.username)
    s3 = simulator.state.plugins.by_name("S3 Export")["id"]
    page.goto(live_server.url + reverse("plugins:source", args=[s3]))  # a part refused: the rest of the page shows
    expect(page.get_by_role("heading", name="S3 Export")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("does not accept personal API keys")
    shots(page, "versions-source-refused")

    # The read a page cannot do without, refused (as a key lacking a scope meets it): the page says so, in place.
    refusal = {"type": "authentication_error", "code": "permission_denied", "attr": None}
    refusal["detail"] = "API key missing required scope 'plugin:read'"
    simulator.script("GET", r"/api/projects/1/plugin_configs/", status=403, body=refusal, times=5)
    page.goto(live_server.url + reverse("plugins:configs"))
    expect(page.get_by_role("heading", name="PostHog refused what this page needs")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("lacks the scope “plugin:read”")
    shots(page, "versions-refused-page")
    simulator.scripts_clear()

    page.goto(live_server.url + reverse("project_actions:index"))
    expect(page.get_by_role("note").filter(has_text="Not available with this key.")).to_have_count(4)
    shots(page, "versions-project-admin")


@pytest.mark.profiles("legacy", reason="an older PostHog: the same pages with every action offered")
def test_on_an_older_posthog_the_same_key_may_do_everything(page, live_server, admin_user, demo_connection):
    sign_in(page, live_server, admin_user.username)
    page.goto(live_server.url + reverse("connections:detail", args=[demo_connection.pk]))
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#test-result")).to_contain_text("This key may use them (a key made before scopes).")
    page.goto(live_server.url + reverse("connections:capabilities", args=[demo_connection.pk]))
    expect(page.get_by_role("heading", name="What this key can do on this PostHog")).to_be_visible()
    shots(page, "versions-capabilities-legacy")
