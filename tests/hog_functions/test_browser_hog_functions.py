"""In Debian's Chromium: an Operator edits a destination's inputs and meets PostHog's validation error on the field,
runs a test, and reorders the transformations by dragging and from the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FUNCTIONS = "/api/projects/1/hog_functions/"


def transformations(sim) -> list[str]:
    listed = sim.call("GET", FUNCTIONS, params={"type": "transformation"}).json()["results"]
    return [f["name"] for f in listed]


@pytest.fixture
def signed_in(page, live_server, demo_connection, operator):
    sign_in(page, live_server, operator.username)
    return page


def test_operator_edits_inputs_meets_a_refusal_on_its_field_and_runs_a_test(signed_in, live_server, simulator, sim):
    page = signed_in
    page.goto(f"{live_server.url}/pipeline/functions/")
    expect(page.get_by_role("heading", name="Hog functions")).to_be_visible()
    expect(page.locator(".hog-status-warn").first).to_have_text("Degraded")
    expect(page.locator("table[aria-busy]")).to_have_count(0)
    expect(page.locator("tr", has_text="CRM sync webhook")).to_contain_text("%")  # the figures, read after the page
    shot(page, "hog-functions-list")

    page.get_by_role("link", name="Billing service webhook", exact=True).click()
    expect(page.get_by_role("heading", name="Billing service webhook")).to_be_visible()
    expect(page.get_by_text("secret · set")).to_be_visible()
    page.get_by_role("link", name="Edit inputs and filters").click()
    url = page.get_by_label("Webhook URL")
    url.fill("https://billing.example/{{ event.uuid }}")
    page.get_by_role("button", name="Save to PostHog").click()
    error = page.locator("#id_inputs__url_error")
    expect(error).to_contain_text("Liquid-style {{ ... }} syntax is not supported here")
    expect(url).to_have_value("https://billing.example/{{ event.uuid }}")  # what was typed stays
    shot(page, "hog-function-edit-refused")

    url.fill("https://billing.example/{event.uuid}")
    page.get_by_role("button", name="Save to PostHog").click()
    expect(page.locator("#toasts")).to_contain_text("PostHog holds its new inputs and filters")
    expect(page.get_by_text("https://billing.example/{event.uuid}")).to_be_visible()
    billing = simulator.state.hog_functions.by_name("Billing service webhook")
    assert billing["inputs"]["headers"]["value"]["Authorization"].startswith("Bearer ")  # the secret kept
    expect(page.locator("#runs-chart")).to_contain_text("24 hours")  # the chart loads into the page
    shot(page, "hog-function-detail")

    page.get_by_role("link", name="Test run").click()
    sample = page.get_by_label("Sample event (JSON)")
    sample.fill(sample.input_value().replace('"plan_changed"', '"$pageview"'))
    page.get_by_role("button", name="Run the test").click()
    expect(page.locator(".hog-run")).to_contain_text("Skipped: its filters leave this event out")
    sample.fill(sample.input_value().replace('"$pageview"', '"plan_changed"'))
    page.get_by_role("button", name="Run the test").click()
    expect(page.locator(".hog-run")).to_contain_text("Succeeded")
    expect(page.locator(".hog-run")).to_contain_text("Async function 'fetch' was mocked with arguments:")
    shot(page, "hog-function-test-run")

    page.get_by_role("link", name="Billing service webhook", exact=True).click()
    page.get_by_role("link", name="Logs").first.click()
    expect(page.locator("#log-rows")).to_contain_text("Async function 'fetch' was mocked")  # the test run's own
    shot(page, "hog-function-logs")


def test_operator_reorders_the_transformations_by_drag_and_keyboard(signed_in, live_server, sim):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 1600})  # the whole line in view: a drag needs both ends
    page.goto(f"{live_server.url}/pipeline/functions/")
    expect(page.locator("table[aria-busy]")).to_have_count(0)  # the day's figures have arrived: the rows stay put
    assert transformations(sim) == ["GeoIP", "Hash emails and phone numbers", "Mask tokens in URLs"]
    rows = page.locator("tr[data-config-id]")
    expect(rows).to_have_count(3)
    first, last = rows.nth(0), rows.nth(2)
    first.drag_to(last, target_position={"x": 40, "y": last.bounding_box()["height"] - 4})
    expect(page.locator("#toasts")).to_contain_text("Transformation order saved")
    # The toast comes with PostHog's answer, before htmx swaps the new order in: wait for the list itself.
    expect(page.locator("tr[data-config-id] .col-name a").nth(2)).to_have_text("GeoIP")
    assert transformations(sim) == ["Hash emails and phone numbers", "Mask tokens in URLs", "GeoIP"]

    page.get_by_role("button", name="Move GeoIP up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("tr[data-config-id] .col-name a").nth(1)).to_have_text("GeoIP")
    assert transformations(sim) == ["Hash emails and phone numbers", "GeoIP", "Mask tokens in URLs"]
    shot(page, "hog-functions-reordered")
