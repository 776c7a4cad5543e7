"""In Debian's Chromium: an Operator browses the tree and moves an item; an Admin deletes one and undoes it."""

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FS = "/api/projects/1/file_system/"


def sim_path(sim, entry_id: str) -> str:
    return sim.call("GET", f"{FS}{entry_id}/").json()["path"]


def sim_entry(sim, path: str) -> dict:
    return next(e for e in sim.call("GET", FS, params={"limit": 500}).json()["results"] if e["path"] == path)


def test_operator_moves_an_item(page, live_server, operator, demo_connection, sim):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/files/")
    expect(page.get_by_role("heading", name="File system", exact=True)).to_be_visible()
    expect(page.locator(".fs-side")).to_contain_text("Power users (7d)")  # recently viewed, loaded after
    expect(page.locator(".fs-side")).to_contain_text("PostHog just filed")

    # Expanding a folder loads what is in it, with the counts of its subfolders.
    page.get_by_role("button", name="Show what is in Product", exact=True).click()
    product = page.locator("#fs-main .fs-node", has=page.get_by_role("link", name="Product", exact=True))
    expect(product.get_by_role("link", name="Product KPIs")).to_be_visible()
    expect(product.locator(".fs-count .badge").first).to_contain_text("items")
    page.get_by_role("button", name="Show what is in Onboarding", exact=True).click()
    expect(page.get_by_role("link", name="onboarding-checklist-v2")).to_be_visible()
    shot(page, "file-system-tree")
    page.get_by_role("button", name="Show what is in Product", exact=True).click()
    expect(product.get_by_role("link", name="Product KPIs")).to_be_hidden()

    page.get_by_role("searchbox").fill("type:feature_flag")
    expect(page.locator("#fs-main")).to_contain_text("matching “type:feature_flag”")
    shot(page, "file-system-search")

    page.locator("#fs-main").get_by_role("link", name="spring-banner").click()
    expect(page.get_by_role("heading", name="spring-banner")).to_be_visible()
    entry_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    shot(page, "file-system-item")
    # The page, once shown, has PostHog record the view (an htmx POST with the CSRF token): newest of the views.
    entry = sim.call("GET", f"{FS}{entry_id}/").json()

    def newest_view() -> tuple[str, str]:
        view = sim.call("GET", FS + "log_view/", params={"limit": 1}).json()[0]
        return view["type"], view["ref"]

    expect(page.locator("form.fs-view-record")).to_have_count(1)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    for _ in range(50):
        if newest_view() == (entry["type"], entry["ref"]):
            break
        page.wait_for_timeout(100)
    assert newest_view() == (entry["type"], entry["ref"])

    page.get_by_role("link", name="Move…").click()
    folder = page.get_by_label("Destination folder")
    expect(folder).to_have_value("Marketing/Campaigns 2025")
    folder.fill("Archive//Flags")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".field-error")).to_contain_text("A folder name is missing between two “/”.")
    expect(page.get_by_label("Destination folder")).to_have_value("Archive//Flags")
    shot(page, "file-system-move-invalid")
    assert sim_path(sim, entry_id) == "Marketing/Campaigns 2025/spring-banner"

    page.get_by_label("Destination folder").fill("Archive/Flags")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#toasts")).to_contain_text("Moved “spring-banner” to “Archive/Flags”.")
    expect(page.get_by_role("heading", name="Flags")).to_be_visible()
    expect(page.locator("#fs-main").get_by_role("link", name="spring-banner")).to_be_visible()
    expect(page.locator(".page-head .fs-count .badge")).to_have_text("1 item")
    assert sim_path(sim, entry_id) == "Archive/Flags/spring-banner"
    shot(page, "file-system-after-move")


def test_long_names_and_an_empty_folder(page, live_server, operator, demo_connection, sim):
    for entry in sim.call("GET", FS, params={"parent": "Archive"}).json()["results"]:
        name = entry["path"].split("/", 1)[1]
        sim.call("POST", f"{FS}{entry['id']}/move/", json={"new_path": f"Customer Success/{name}"}).raise_for_status()
    sign_in(page, live_server, operator.username)

    page.goto(f"{live_server.url}/files/?path=Product")
    notebook = page.locator(".fs-name", has_text="Roadmap discussion 2025-H2")
    expect(notebook).to_be_visible()
    box, row = notebook.bounding_box(), page.locator("#fs-main").bounding_box()
    assert box["x"] + box["width"] <= row["x"] + row["width"]  # cut with an ellipsis, not overflowing
    shot(page, "file-system-long-names")

    page.goto(f"{live_server.url}/files/?path=Archive")
    expect(page.get_by_role("heading", name="This folder is empty")).to_be_visible()
    shot(page, "file-system-empty-folder")


def test_admin_deletes_an_item_and_undoes_it(page, live_server, admin_user, demo_connection, sim):
    entry = sim_entry(sim, "Growth <beta>/Power users (7d)")
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/files/items/{entry['id']}/")
    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("You can undo this from the toast that follows")
    shot(page, "file-system-delete-dialog")
    dialog.get_by_role("button", name="Delete", exact=True).click()

    expect(page.locator("#toasts")).to_contain_text("Deleted “Power users (7d)”.")
    deleted = page.locator("#recently-deleted")
    expect(deleted).to_contain_text("Power users (7d)")
    expect(page.locator("#fs-main").get_by_role("link", name="Power users (7d)")).to_have_count(0)
    assert sim.call("GET", "/api/projects/1/cohorts/1/").json()["deleted"] is True
    shot(page, "file-system-recently-deleted")

    expect(page).to_have_url(f"{live_server.url}/files/?path=Growth+%3Cbeta%3E")

    # The toast's Undo restores it; the list's Undo (tested over HTTP) does the same without JavaScript.
    page.locator("#toasts").get_by_role("button", name="Undo").click()
    expect(page.locator("#toasts")).to_contain_text("Restored “Power users (7d)” to “Growth <beta>”.")
    expect(page.locator("#fs-main").get_by_role("link", name="Power users (7d)")).to_be_visible()
    expect(page.locator("#recently-deleted")).to_contain_text("Items you delete here can be restored")
    assert sim.call("GET", "/api/projects/1/cohorts/1/").json()["deleted"] is False

    page.locator("#fs-main").get_by_role("link", name="Power users (7d)").click()
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert sim.call("GET", "/api/projects/1/cohorts/1/").json()["deleted"] is False
