"""What a person sees of the page's frame and its tables, in Debian's Chromium: on a 1280 × 800 laptop the sidebar
scrolls on its own and shows the current area; on a phone an error page starts right under the menu bar, the lists of
keys, annotations, groups and polling runs are cards whose buttons are in view, an area's tabs stay on one line, and
the overview's error triangles sit inside their card."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.test_overview_browser import kept  # noqa: F401 (a fixture: pipeline health with errors kept)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def admin_page(page, live_server, admin_user, demo_connection):
    sign_in(page, live_server, admin_user.username)
    return page


def _inside_window(box: dict | None, size: dict) -> bool:
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 1
        and (box["y"] + box["height"] <= size["height"] + 1)
    )


def test_the_sidebar_scrolls_on_its_own_and_shows_the_current_area(admin_page, live_server):
    page = admin_page
    page.set_viewport_size(LAPTOP)
    areas = page.get_by_role("navigation", name="Areas")
    for name, url in (("People", reverse("people:list")), ("Connections", reverse("connections:list"))):
        page.goto(f"{live_server.url}{url}")
        current = areas.locator(".nav-link.active")
        expect(current).to_have_text(name)
        # The current area is on screen as the page opens: nobody scrolls to find where they are.
        assert _inside_window(current.bounding_box(), LAPTOP), f"{name} is below the fold: {current.bounding_box()}"
        assert page.evaluate("window.scrollY") == 0
    shot(page, "layout-sidebar-current-area")

    # The sidebar ends at the window's edge; its last link is reached by scrolling the sidebar, not the page.
    sidebar = page.locator(".sidebar")
    assert sidebar.bounding_box()["height"] <= LAPTOP["height"]
    last = areas.get_by_role("link").last
    last.scroll_into_view_if_needed()
    assert _inside_window(last.bounding_box(), LAPTOP)
    assert page.evaluate("window.scrollY") == 0


def test_an_error_page_on_a_phone_starts_right_under_the_menu_bar(admin_page, live_server):
    page = admin_page
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}{reverse('people:list')}")
    usual = page.locator(".topbar").bounding_box()["y"]
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", name="Nothing here")).to_be_visible()
    # A short page gave the grid's spare height to the menu bar's row too: a blank band above the Connection picker.
    assert page.locator(".topbar").bounding_box()["y"] == usual
    shot(page, "layout-phone-404")


# (page, a button of its first row, a label its cards show)
TABLES = [
    (reverse("secret_keys:list"), "Roll", "Last used"),
    (reverse("annotations:list"), "Delete", "Shown on"),
    (reverse("history:status"), "Poll now", "Schedule"),
    (reverse("groups:list"), None, "Created"),
]


@pytest.mark.parametrize(("url", "button", "label"), TABLES, ids=["keys", "annotations", "status", "groups"])
def test_a_phone_shows_these_tables_as_cards_with_their_buttons_in_view(admin_page, live_server, url, button, label):
    page = admin_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{url}")
    table = page.locator("table.table-stacked").first
    expect(table).to_be_visible()
    row = table.locator("tbody tr").first
    if button:
        action = row.get_by_role("button", name=button).or_(row.get_by_role("link", name=button)).first
        expect(action).to_be_visible()
        action.scroll_into_view_if_needed()
        box = action.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], f"{button} is off screen: {box}"
        # What is at its middle is the button itself, not a box it scrolls inside.
        middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
        assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('a, button')", middle)
    # Each value says which column it is: the header row is hidden, its names precede the values.
    labels = row.evaluate(
        "(row) => [...row.querySelectorAll('td')].map((cell) => getComputedStyle(cell, '::before').content)"
    )
    assert f'"{label}: "' in labels, labels
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert table.evaluate("(table) => table.scrollWidth <= table.clientWidth + 1")
    shot(page, f"layout-phone-cards-{url.strip('/').replace('/', '-')}")


@pytest.mark.parametrize(("url", "current"), [("history:status", "Polling status"), ("alerts:rules", "Rules")])
def test_an_areas_tabs_stay_on_one_line_with_one_style(admin_page, live_server, url, current):
    page = admin_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{reverse(url)}")
    tabs = page.locator("nav.tabs")
    links = tabs.get_by_role("link")
    expect(links.first).to_be_visible()
    # Measured at once: the page above them may still be settling.
    bottoms = tabs.evaluate(
        "(nav) => [...nav.querySelectorAll('a')].map((a) => Math.round(a.getBoundingClientRect().bottom))"
    )
    assert len(set(bottoms)) == 1, f"the tabs wrap onto {len(set(bottoms))} lines"
    # The current tab's underline runs under the whole tab, in the one tab style every area uses.
    active = tabs.locator("[aria-current=page]")
    expect(active).to_have_text(current)
    style = active.evaluate("(a) => [getComputedStyle(a).borderBottomWidth, getComputedStyle(a).color]")
    accent = page.evaluate("getComputedStyle(document.querySelector('.brand-mark')).color")
    assert style == ["2px", accent]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_current_tab_is_scrolled_into_view_on_a_phone(admin_page, live_server):
    page = admin_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{reverse('history:logs')}")
    current = page.locator("nav.tabs [aria-current=page]")
    expect(current).to_have_text("Stored logs")
    box = current.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, f"the current tab is off screen: {box}"


def test_the_overviews_error_triangles_sit_inside_their_card_on_a_phone(page, live_server, viewer, kept):  # noqa: F811
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, viewer.username)
    card = page.locator("#health")
    error = card.locator("details.health-error").first
    expect(error).to_be_visible()
    card_box = card.bounding_box()
    padding = card.evaluate("(card) => parseFloat(getComputedStyle(card).paddingLeft)")
    # The triangle hangs left of the summary's text by about 1 em; it belongs inside the card's padding edge.
    summary = error.locator("summary").bounding_box()
    assert summary["x"] - 12 >= card_box["x"] + padding, (summary, card_box, padding)
    shot(page, "layout-phone-overview-errors")


@pytest.mark.parametrize("url", [url for url, _, _ in TABLES], ids=["keys", "annotations", "status", "groups"])
def test_between_phone_and_laptop_these_tables_push_nothing_sideways(admin_page, live_server, url):
    page = admin_page
    page.set_viewport_size({"width": 760, "height": 900})  # a small tablet, or a laptop window half the screen
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("table.table-stacked").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 760
