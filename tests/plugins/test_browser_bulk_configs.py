"""In Chromium: ticking two plugin configs, disabling both after one confirmation, and reading a result per config
where focus lands."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONFIGS = "/api/projects/1/plugin_configs/"


def enabled_ids(sim) -> list[int]:
    configs = sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]
    return [c["id"] for c in sorted(configs, key=lambda c: c["order"]) if c["enabled"]]


def test_operator_disables_two_configs_after_one_confirmation(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/plugin-configs/")
    bar = page.locator("#config-bulk")
    disable = bar.get_by_role("button", name="Disable selected…")
    expect(disable).to_be_disabled()  # nothing ticked yet

    first, second = enabled_ids(sim)[:2]
    for config_id in (first, second):
        page.locator(f"#config-{config_id} input[data-bulk-item]").check()
    expect(bar).to_contain_text("2 selected")
    expect(disable).to_be_enabled()
    disable.click()

    dialog = page.get_by_role("dialog", name="Disable 2 plugin configs?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("enabled → disabled")
    shot(page, "plugin-configs-bulk-confirm")
    dialog.get_by_role("button", name="Disable 2 plugin configs").click()

    results = page.locator("[data-bulk-results]")
    expect(results).to_contain_text("Disable 2 plugin configs: results")
    expect(results.locator(".bulk-done")).to_have_count(2)
    expect(results).to_be_focused()
    expect(page.locator("#toasts")).to_contain_text("2 of 2 disabled.")
    assert first not in enabled_ids(sim) and second not in enabled_ids(sim)
    shot(page, "plugin-configs-bulk-results")


def test_select_all_ticks_every_row_and_cancel_changes_nothing(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/plugin-configs/")
    before = enabled_ids(sim)
    page.get_by_label("Select all on this page").check()
    rows = page.locator("input[data-bulk-item]")
    expect(page.locator("#config-bulk")).to_contain_text(f"{rows.count()} selected")
    page.get_by_role("button", name="Enable selected…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("already enabled: unchanged")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name="Enable selected…")).to_be_focused()
    assert enabled_ids(sim) == before
