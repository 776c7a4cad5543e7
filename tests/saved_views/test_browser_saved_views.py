"""In Debian's Chromium: a table's column headers sort its rows (by mouse and by keyboard, aria-sort saying how), the
sort goes in the address, and a view saved with it opens from the navigation sorted the same way. Screenshots at
desktop and phone width, light and dark (SAVED_VIEWS_SHOTS=/folder keeps them there too)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SAVED_VIEWS_SHOTS")


def names(page) -> list[str]:
    return page.locator("#content table tbody tr td:first-child a").all_inner_texts()


def keep(page, name: str) -> None:
    shot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)


def test_sort_a_table_save_the_view_and_open_it_from_the_navigation(page, live_server, admin_user, django_user_model):
    for username, role in (("mia-viewer", "Viewer"), ("bo-operator", "Operator"), ("zoe-admin", "Admin")):
        make_user(django_user_model, username, role)
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/people/")
    table = page.locator("#content table")
    by_name = table.get_by_role("columnheader", name="User name")
    expect(by_name.get_by_role("button", name="User name")).to_be_visible()
    expect(by_name).not_to_have_attribute("aria-sort", "ascending")

    by_name.get_by_role("button").click()
    expect(by_name).to_have_attribute("aria-sort", "ascending")
    assert names(page) == ["ada-admin", "bo-operator", "mia-viewer", "zoe-admin"]
    by_name.get_by_role("button").click()
    expect(by_name).to_have_attribute("aria-sort", "descending")
    assert names(page) == ["zoe-admin", "mia-viewer", "bo-operator", "ada-admin"]
    expect(page).to_have_url(f"{live_server.url}/people/?sort=user-name&dir=desc")

    # From the keyboard: Tab reaches the next header's button, Enter sorts by it.
    by_name.get_by_role("button").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    by_role = table.get_by_role("columnheader", name="Role")
    expect(by_role.get_by_role("button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(by_role).to_have_attribute("aria-sort", "ascending")
    expect(by_name).not_to_have_attribute("aria-sort", "descending")
    roles = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert roles == sorted(roles)
    page.keyboard.press("Enter")
    expect(by_role).to_have_attribute("aria-sort", "descending")
    keep(page, "saved-views-sorted-desktop-light")

    # Save what is on screen: the sort the address now has goes with it.
    page.get_by_role("link", name="Save view").click()
    dialog = page.locator("#save-view-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("View name")).to_be_focused()
    page.get_by_label("View name").fill("People by role")
    page.get_by_label("Share with the team").check()
    keep(page, "saved-views-dialog-desktop-light")
    dialog.get_by_role("button", name="Save view").click()
    expect(page.locator("#toasts")).to_contain_text("Saved the view “People by role”")
    nav = page.get_by_role("navigation", name="Areas")
    expect(nav.get_by_role("link", name="People by role")).to_be_visible()

    # Elsewhere, then back through the navigation: the page opens sorted as it was saved.
    page.goto(f"{live_server.url}/alerts/")
    nav.get_by_role("link", name="People by role").click()
    expect(page).to_have_url(f"{live_server.url}/people/?sort=role&dir=desc")
    expect(page.locator("#content table").get_by_role("columnheader", name="Role")).to_have_attribute(
        "aria-sort", "descending"
    )
    roles = page.locator("#content table tbody tr td:nth-child(3)").all_inner_texts()
    assert roles == sorted(roles, reverse=True)

    # A duplicate name is refused inside the dialog, and focus goes to the field.
    page.get_by_role("link", name="Save view").click()
    page.get_by_label("View name").fill("people by role")
    dialog.get_by_role("button", name="Save view").click()
    expect(dialog.locator(".field-error")).to_contain_text("You already have a view called “people by role”")
    expect(page.get_by_label("View name")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    for theme in ("light", "dark"):
        page.evaluate(f"localStorage.setItem('portal-theme', '{theme}')")
        page.reload()
        page.set_viewport_size({"width": 1280, "height": 900})
        keep(page, f"saved-views-desktop-{theme}")
        page.set_viewport_size({"width": 390, "height": 844})
        keep(page, f"saved-views-phone-{theme}")
        page.get_by_role("button", name="Menu").click()
        keep(page, f"saved-views-phone-menu-{theme}")
        page.get_by_role("button", name="Menu").click()
        page.goto(f"{live_server.url}/views/")
        keep(page, f"saved-views-list-phone-{theme}")
        page.set_viewport_size({"width": 1280, "height": 900})
        keep(page, f"saved-views-list-desktop-{theme}")
        page.goto(f"{live_server.url}/people/?sort=role&dir=desc")


def test_a_paged_table_is_not_sorted_in_the_page(page, live_server, admin_user, viewer):
    """A page of a longer list (here a pager's link beside the table) keeps the server's order: sorting one page
    would pretend to sort them all."""
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/people/")
    page.evaluate(
        """() => {
          const copy = document.querySelector('#content table').cloneNode(true);
          copy.id = 'paged';
          copy.querySelectorAll('th').forEach((th) => { th.textContent = th.textContent; th.removeAttribute('data-sortable'); th.removeAttribute('aria-sort'); });
          delete copy.dataset.sortableReady;
          const box = document.createElement('section');
          box.append(copy);
          const more = document.createElement('a');
          more.href = '?offset=50'; more.rel = 'next'; more.textContent = 'Older →';
          box.append(more);
          document.getElementById('content').append(box);
          document.body.dispatchEvent(new Event('htmx:afterSettle', {bubbles: true}));
        }"""
    )
    expect(page.locator("#paged th button")).to_have_count(0)
    expect(page.locator("#content table:not(#paged) th button").first).to_be_visible()


def test_area_lists_sort_and_keep_their_sort_through_a_filter(page, live_server, admin_user, demo_connection):
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/plugins/")
    table = page.locator("#content table")
    # The icon and actions columns have no words a person sees: nothing to sort by.
    expect(table.locator("th.col-icon button, th.col-actions button")).to_have_count(0)
    plugin = table.get_by_role("columnheader", name="Plugin")
    plugin.get_by_role("button").click()
    plugin.get_by_role("button").click()
    expect(plugin).to_have_attribute("aria-sort", "descending")
    shown = table.locator("tbody tr td:nth-child(2) a").all_inner_texts()
    assert shown == sorted(shown, key=str.casefold, reverse=True) or shown[0].casefold() > shown[-1].casefold()

    # A filter applied in place (htmx swaps the results and pushes the address): the new rows come sorted too, and
    # the address keeps both, so "Save view" saves both.
    page.goto(f"{live_server.url}/annotations/")
    results = page.locator("#annotation-results")
    header = results.locator("th[data-sortable]").first
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    key = header.get_attribute("data-sortable")
    page.locator("#annotation-filters input[type=search], #annotation-filters input[name=search]").first.fill("e")
    expect(page).to_have_url(re.compile(rf"/annotations/\?search=e&.*sort={key}&dir=asc$"))
    expect(results.locator(f'th[data-sortable="{key}"]')).to_have_attribute("aria-sort", "ascending")
