"""In Chromium: a switch turned off, then Undo from its toast, which is still there after 10 seconds."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONFIGS = "/api/projects/1/plugin_configs/"


def enabled(sim, config_id: int) -> bool:
    configs = sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]
    return next(c for c in configs if c["id"] == config_id)["enabled"]


def test_undo_in_the_toast_turns_the_switch_back_on(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/plugin-configs/")
    switch = page.locator("tr[data-config-id] [role=switch]").first
    config_id = int(page.locator("tr[data-config-id]").first.get_attribute("data-config-id"))
    switch.click()
    toast = page.locator(".toast", has_text="disabled.")
    expect(toast).to_be_visible()
    expect(page.locator(f"#enabled-config-{config_id}")).not_to_be_checked()
    assert not enabled(sim, config_id)

    # Ten seconds later the toast, and its Undo, are still there.
    page.wait_for_timeout(10_500)
    undo = toast.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    shot(page, "undo-toast")

    # Reached and pressed from the keyboard.
    undo.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#toasts")).to_contain_text("enabled again.")
    expect(page.locator(f"#enabled-config-{config_id}")).to_be_checked()
    expect(toast).to_have_count(0)
    # Focus goes back to the switch the person used, not lost to the page.
    expect(page.locator(f"#enabled-config-{config_id}")).to_be_focused()
    assert enabled(sim, config_id)
