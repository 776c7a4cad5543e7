"""In Debian's Chromium: an Operator creates a static cohort from a pasted list and a dynamic one from filters."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COHORTS = "/api/projects/1/cohorts/"
CHURN_RISK = 3  # a long description and nested filters


def newest_cohort(sim) -> dict:
    return sim.call("GET", COHORTS).json()["results"][0]


def test_operator_creates_a_static_cohort_from_a_pasted_list(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/cohorts/")
    expect(page.locator("#cohort-results")).to_contain_text("9 cohorts")
    expect(page.locator("#cohort-results")).to_contain_text("2 errors")
    shot(page, "cohorts-list")

    page.get_by_role("link", name="New static cohort").click()
    page.get_by_label("Name").fill("Webinar follow-up <March>")
    page.get_by_label("File in folder").fill("Marketing/Webinars")
    page.get_by_role("button", name="Create static cohort").click()
    expect(page.locator("#id_person_ids_error")).to_contain_text("Paste person IDs or choose a CSV file")
    expect(page.get_by_label("Name")).to_have_value("Webinar follow-up <March>")
    shot(page, "cohorts-static-invalid")

    page.get_by_label("Person IDs").fill("p-0001\np-0002\np-0003\np-0002\n")
    page.get_by_role("button", name="Create static cohort").click()
    expect(page.get_by_role("heading", name="Webinar follow-up <March>")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text(
        "Created the static cohort “Webinar follow-up <March>” with 3 persons."
    )
    expect(page.locator("#cohort-summary")).to_contain_text("3 persons")
    expect(page.get_by_role("link", name="In the file system: Marketing/Webinars")).to_be_visible()
    cohort = newest_cohort(sim)
    assert cohort["name"] == "Webinar follow-up <March>" and cohort["is_static"] and cohort["count"] == 3
    shot(page, "cohorts-detail-static")


def test_operator_creates_a_dynamic_cohort_and_watches_it_calculate(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/cohorts/new/dynamic/")
    page.get_by_label("Name").fill("Team plan")
    filters = page.get_by_label("Filters (JSON)")
    filters.fill(
        '{\n  "properties": {"type": "AND", "values": [\n    {"type": "person", "key": "plan", "value": "team"},\n  ]}\n}'
    )
    page.get_by_role("button", name="Create dynamic cohort").click()
    expect(page.locator("#id_filters_error")).to_contain_text("Not valid JSON")
    expect(page.locator("#id_filters_error")).to_contain_text("line 4")
    shot(page, "cohorts-dynamic-invalid-json")

    # Valid JSON that PostHog refuses: its words land on the field, the text stays as typed.
    typed = '{"properties": {"type": "AND", "values": [{"type": "person", "key": "plan", "value": "team"}]}}'
    page.get_by_label("Filters (JSON)").fill(typed)
    page.get_by_role("button", name="Create dynamic cohort").click()
    expect(page.locator("#id_filters_error")).to_have_text("Missing required keys for person filter: operator")
    expect(page.get_by_label("Filters (JSON)")).to_have_value(typed)
    shot(page, "cohorts-dynamic-refused")

    page.get_by_label("Filters (JSON)").fill(typed.replace('"value": "team"', '"value": "team", "operator": "exact"'))
    page.get_by_role("button", name="Create dynamic cohort").click()
    expect(page.get_by_role("heading", name="Team plan")).to_be_visible()
    expect(page.locator("#cohort-summary")).to_contain_text("calculating")
    shot(page, "cohorts-detail-calculating")
    # The summary polls until PostHog has counted the cohort.
    expect(page.locator("#cohort-summary")).to_contain_text("persons", timeout=20_000)
    expect(page.locator("#cohort-summary")).not_to_contain_text("calculating")
    assert newest_cohort(sim)["is_calculating"] is False
    shot(page, "cohorts-detail-dynamic")


def test_long_text_and_an_empty_search(page, live_server, viewer, demo_connection):
    sign_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/cohorts/{CHURN_RISK}/")
    expect(page.locator(".filter-lines")).to_contain_text("did not perform “user logged in”")
    expect(page.get_by_text("Definitions follow the <Activation v3> tracking plan.")).to_be_visible()
    shot(page, "cohorts-detail-long")

    page.goto(f"{live_server.url}/cohorts/?q=nobody%20at%20all")
    expect(page.get_by_role("heading", name="No cohort is named like “nobody at all”")).to_be_visible()
    expect(page.get_by_role("link", name="New static cohort")).to_have_count(0)
    shot(page, "cohorts-search-empty")
