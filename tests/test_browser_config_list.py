"""In Chromium: the plugin config pipeline — delivery badges, the enabled switch, drag and drop, keyboard moves."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONFIGS = "/api/projects/1/plugin_configs/"


def pipeline(sim) -> list[int]:
    configs = sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]
    return [c["id"] for c in sorted(configs, key=lambda c: c["order"]) if c["enabled"]]


@pytest.mark.profiles("legacy", reason="today's PostHog refuses reordering to personal API keys (the scope wall)")
def test_operator_toggles_and_reorders_the_pipeline(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/plugin-configs/")
    expect(page.get_by_role("heading", name="Plugin configs")).to_be_visible()
    expect(page.locator(".delivery-bad").first).to_contain_text("%")
    expect(page.locator(".delivery-good").first).to_contain_text("%")
    shot(page, "plugin-configs")

    # The switch: off, and the config moves to the disabled list.
    first, second, third = pipeline(sim)[:3]
    page.get_by_role("switch").first.click()
    expect(page.locator("#toasts")).to_contain_text("disabled.")
    expect(page.locator(f"#config-{first} [role=switch]")).not_to_be_checked()
    assert first not in pipeline(sim)

    # Drag the (new) first row below the second.
    target = page.locator(f"#config-{third}")
    page.locator(f"#config-{second}").drag_to(
        target, target_position={"x": 40, "y": target.bounding_box()["height"] - 4}
    )
    expect(page.locator("#toasts")).to_contain_text("Pipeline order saved.")
    assert pipeline(sim)[:2] == [third, second]

    # The keyboard way: the row's "down" button, pressed with Enter.
    page.get_by_role("button", name="down").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("tr[data-config-id]").first).to_have_attribute("data-config-id", str(second))
    assert pipeline(sim)[:2] == [second, third]
    shot(page, "plugin-configs-reordered")
