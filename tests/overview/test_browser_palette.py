"""In Debian's Chromium, from the keyboard alone: Ctrl-K opens the command palette, typing shows results, the arrow
keys and Enter open one, Esc closes it and gives focus back; "/" opens it and "?" lists the shortcuts when not
typing. At phone and desktop width, light and dark, the palette fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, username: str) -> None:
    """Signed in, with the page's deferred scripts run (they run before DOMContentLoaded): the shortcuts listen."""
    sign_in(page, live_server, username)
    page.wait_for_load_state("domcontentloaded")


def test_the_palette_from_the_keyboard_alone(page, live_server, viewer, demo_connection):
    signed_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/cohorts/")
    palette = page.get_by_role("dialog", name="Search the portal")
    combobox = page.get_by_role("combobox", name="Search pages and objects")

    cohorts_link = page.get_by_role("navigation", name="Areas").get_by_role("link", name="Cohorts")
    cohorts_link.focus()
    page.keyboard.press("Control+k")
    expect(palette).to_be_visible()
    expect(combobox).to_be_focused()
    expect(page.get_by_role("option", name=re.compile("^Annotations"))).to_be_visible()  # the pages, before typing

    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()
    expect(cohorts_link).to_be_focused()

    page.keyboard.press("Control+k")
    page.keyboard.type("HubSpot")
    results = page.get_by_role("listbox", name="Results")
    plugin = results.get_by_role("group", name="Plugins").get_by_role("option", name=re.compile("^HubSpot"))
    config = results.get_by_role("group", name="Plugin configs").get_by_role("option", name=re.compile("^HubSpot"))
    expect(plugin).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", plugin.get_attribute("id") or "")
    page.keyboard.press("ArrowDown")
    expect(config).to_have_attribute("aria-selected", "true")
    expect(plugin).to_have_attribute("aria-selected", "false")
    expect(combobox).to_have_attribute("aria-activedescendant", config.get_attribute("id") or "")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/plugin-configs/\d+/$"))

    page.locator("body").focus()
    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("Ctrl K or ⌘ K")
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()

    page.keyboard.press("/")
    expect(palette).to_be_visible()
    expect(combobox).to_be_focused()
    page.keyboard.press("Escape")


def test_slash_and_question_mark_type_as_usual_in_a_field(page, live_server, viewer, demo_connection):
    signed_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/cohorts/")
    field = page.get_by_role("searchbox").first
    field.click()
    page.keyboard.type("a/b?")
    expect(field).to_have_value("a/b?")
    expect(page.get_by_role("dialog", name="Search the portal")).to_be_hidden()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()


def test_the_launch_link_opens_the_palette_without_a_shortcut(page, live_server, viewer, demo_connection):
    signed_in(page, live_server, viewer.username)
    page.get_by_role("link", name=re.compile("^Search")).click()
    expect(page.get_by_role("dialog", name="Search the portal")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_palette_fits_the_screen(page, live_server, viewer, demo_connection, width, scheme):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.emulate_media(color_scheme=scheme)
    signed_in(page, live_server, viewer.username)
    page.keyboard.press("Control+k")
    page.keyboard.type("e")
    expect(page.get_by_role("group", name="Annotations")).to_be_visible()
    box = page.get_by_role("dialog", name="Search the portal").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    shot(page, f"palette-{width}-{scheme}")
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shot(page, f"shortcuts-{width}-{scheme}")
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/search/?q=HubSpot")  # the same results as a page, as without JavaScript
    expect(page.get_by_role("region", name="Plugin configs")).to_contain_text("HubSpot")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the search page scrolls sideways by {overflow}px"
    shot(page, f"search-page-{width}-{scheme}")
