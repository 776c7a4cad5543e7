"""In Debian's Chromium: an Admin browses groups, edits a property in place (refused, then saved), deletes one
after confirming, creates a group, and loads more groups."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.groups.conftest import COMPANY, GROUPS, INITECH, STARK, add_group_type, detail, sim_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_admin(page, live_server, demo_connection, admin_user):
    sign_in(page, live_server, admin_user.username)
    return page


def test_admin_edits_and_deletes_a_group_property(signed_in_admin, live_server, sim):
    page = signed_in_admin
    page.goto(f"{live_server.url}/groups/")
    expect(page.get_by_role("link", name="Companies")).to_have_attribute("aria-current", "page")
    expect(page.locator(".group-table tbody tr")).to_have_count(40)
    shot(page, "groups-list")

    page.get_by_role("searchbox").fill("initech")
    expect(page.locator(".group-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/groups/?type=0&q=initech")
    page.get_by_role("link", name=INITECH).click()
    expect(page.get_by_role("heading", name="Initech")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("legacy_id")
    shot(page, "groups-detail")

    # Inline edit: PostHog refuses null, its words land on the field and the typed value stays.
    page.get_by_role("link", name="Edit plan").click()
    value = page.get_by_label("plan", exact=True)
    expect(value).to_be_focused()
    expect(page.locator("tr.editing datalist option").first).to_be_attached()  # values offered while typing
    value.fill("null")
    value.press("Enter")
    expect(page.locator("tr.editing .field-error")).to_have_text("This field is required.")
    expect(page.get_by_label("plan", exact=True)).to_have_value("null")
    shot(page, "groups-property-refused")
    page.get_by_label("plan", exact=True).fill("scale")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts")).to_contain_text("Saved “plan”.")
    expect(page.locator("tr", has_text="plan").locator(".property-value")).to_have_text("scale")
    assert sim_group(sim, INITECH)["group_properties"]["plan"] == "scale"

    # Delete, after the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Delete country").click()
    expect(page.locator("#toasts")).to_contain_text("Deleted “country”.")
    expect(page.get_by_role("link", name="Edit country")).to_have_count(0)
    assert "country" not in sim_group(sim, INITECH)["group_properties"]

    # A property added with its name offered from PostHog's definitions.
    page.get_by_label("Property", exact=True).click()
    expect(page.locator("#add-property-names option[value=industry]")).to_be_attached()
    page.get_by_label("Property", exact=True).fill("account_manager")
    page.get_by_label("Value", exact=True).fill("Jo Kowalski")
    page.get_by_role("button", name="Add property").click()
    expect(page.locator("#toasts")).to_contain_text("Saved “account_manager”.")
    expect(page.locator(".timeline")).to_contain_text("Jo Kowalski")
    shot(page, "groups-detail-edited")


def test_long_values_wrap_and_the_create_form_shows_posthogs_refusal(signed_in_admin, live_server, simulator):
    page = signed_in_admin
    page.goto(f"{live_server.url}{detail(STARK)}")
    expect(page.locator(".property-value", has_text="Long-standing customer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "groups-detail-long")
    page.get_by_role("link", name="Edit description").click()
    expect(page.locator("tr.editing textarea")).to_be_visible()
    shot(page, "groups-edit-long")

    page.goto(f"{live_server.url}/groups/?type=1")
    expect(page.locator(".group-table tbody tr")).to_have_count(40)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "groups-list-workspaces")

    page.get_by_role("link", name="New workspace").click()
    expect(page.get_by_label("Group type")).to_have_value("1")
    page.get_by_label("Group type").select_option(label="Companies")
    page.get_by_label("Key").fill(INITECH)
    page.get_by_label("Properties").fill('{"name": "Initech again"}')
    page.get_by_role("button", name="Create group").click()
    expect(page.locator(".field-error")).to_have_text("A group with this key already exists")
    expect(page.get_by_label("Properties")).to_have_value('{"name": "Initech again"}')
    shot(page, "groups-create-error")
    page.get_by_label("Key").fill("initech-2")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", name="Initech again")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Created company “initech-2”.")

    add_group_type(simulator, 2, "Team", "Teams")
    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="No teams yet")).to_be_visible()
    shot(page, "groups-empty-type")

    page.get_by_label("Group key").fill("no-such-team")
    page.get_by_role("button", name="Open").click()
    expect(page.locator(".group-find .field-error")).to_have_text("No team has the key “no-such-team”.")
    shot(page, "groups-find-unknown")


def test_load_more_appends_the_next_page(signed_in_admin, live_server, sim):
    for number in range(65):
        body = {"group_type_index": COMPANY, "group_key": f"extra-{number:02}", "group_properties": {"name": "Extra"}}
        assert sim.call("POST", GROUPS, json=body).status_code == 201
    page = signed_in_admin
    page.goto(f"{live_server.url}/groups/")
    rows = page.locator(".group-table tbody tr:not(.more-row)")
    expect(rows).to_have_count(100)
    shot(page, "groups-list-paged")
    page.get_by_role("link", name="Load more companies").click()
    expect(rows).to_have_count(105)
    expect(page.get_by_role("link", name="Load more companies")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/groups/")
    expect(page.locator(".group-table tbody tr").last).to_contain_text("wayne-biotech")  # the oldest
