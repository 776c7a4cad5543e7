"""In Debian's Chromium: an Admin creates, renames and deletes a role; a Viewer only reads."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_renames_and_deletes_a_role(page, live_server, demo_connection, admin_user, sim):
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/roles/")
    expect(page.get_by_role("heading", name="Roles")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Data <b>Science</b>")
    shot(page, "roles-list")

    page.get_by_role("link", name="New role").click()
    page.get_by_label("Name").fill("ENGINEERING")
    page.get_by_role("button", name="Create role").click()
    expect(page.locator(".field-error")).to_have_text("There is already a role with this name.")
    expect(page.get_by_label("Name")).to_have_value("ENGINEERING")
    shot(page, "roles-create-invalid")

    page.get_by_label("Name").fill("On-call <SRE> rotation")
    page.get_by_role("button", name="Create role").click()
    expect(page.get_by_role("heading", name="On-call <SRE> rotation")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Created the role “On-call <SRE> rotation”.")
    expect(page.get_by_text("Nobody holds this role yet")).to_be_visible()
    shot(page, "roles-detail-empty")

    page.get_by_role("link", name="Rename").click()
    page.get_by_label("Name").fill("On-call SRE")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("heading", name="On-call SRE")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Renamed “On-call <SRE> rotation” to “On-call SRE”.")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Delete On-call SRE").click()
    expect(page).to_have_url(f"{live_server.url}/roles/")
    expect(page.locator("#toasts")).to_contain_text("Deleted the role “On-call SRE”.")
    expect(page.locator("table")).not_to_contain_text("On-call SRE")
    names = {role["name"] for role in sim.call("GET", "/api/organizations/@current/roles/").json()["results"]}
    assert "On-call SRE" not in names and len(names) == 5

    page.goto(f"{live_server.url}/roles/")
    page.get_by_role("link", name="Growth – marketing “squad”", exact=True).click()
    expect(page.locator("table")).to_contain_text("Amélie O'Connor")
    shot(page, "roles-detail")
    delete = page.get_by_role("link", name="Delete Growth – marketing “squad”")
    page.goto(live_server.url + delete.get_attribute("href"))  # where the link leads without JavaScript
    expect(page.get_by_role("heading", name="Delete the role “Growth – marketing “squad””?")).to_be_visible()
    shot(page, "roles-delete-confirm")


def test_a_viewer_reads_roles_without_buttons(page, live_server, demo_connection, viewer):
    sign_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/roles/")
    expect(page.locator("table")).to_contain_text("Engineering")
    expect(page.get_by_role("link", name="New role")).to_have_count(0)
    expect(page.get_by_role("link", name="Rename")).to_have_count(0)
    shot(page, "roles-list-viewer")
