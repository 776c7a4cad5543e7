"""At phone width (390 × 844, and 360 for the shell): every page an Admin reaches fits the screen, no column or
word is squeezed narrower than its content, the navigation waits behind a Menu button and a skip link leads past it.

The crawl starts from every GET URL pattern (tests/security/urls.py) and follows the links and htmx fragments the
pages show, one URL per view, in one browser page: a page that overflows or squeezes a word is named with the
element that does it."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.history.export_runs import export_runs_poll
from apps.history.hog_logs import hog_log_poll_connection
from apps.history.hog_metrics import hog_metrics_take
from tests.browser import shot, sign_in
from tests.crawl import browse_pages
from tests.security.urls import seed_ids, url_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# RESPONSIVE_SHOTS=/some/folder keeps a screenshot of every page the crawl measures, to look at them all.
SHOTS = os.environ.get("RESPONSIVE_SHOTS")
SAID_PER_PAGE = 6

# What a person at this width would notice, as sentences naming the element: the page scrolling sideways (and
# what sticks out), a word broken over lines because its column or box was squeezed (a name printed a letter per
# line), a table cell whose content spills out of it. Each open <dialog> is measured too.
MEASURE = """([root, overflowOnly]) => {
  root = root || document.body;
  const problems = [];
  const width = window.innerWidth;
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) text += "." + el.className.trim().split(/\\s+/).join(".");
    const words = (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ");
    return words ? `${text} “${words.slice(0, 40)}”` : text;
  };
  const overflow = document.documentElement.scrollWidth - width;
  if (root === document.body && overflow > 0) {
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      // The outermost box past the edge, or a positioned one, which escapes the scrolling box it sits in when its
      // containing block is outside it.
      const escapes = ["absolute", "fixed"].includes(getComputedStyle(el).position);
      if (rect.right > width + 1 && (parent.right <= width + 1 || escapes)) culprits.push(name(el) + ` (${Math.round(rect.left)} to ${Math.round(rect.right)} px)`);
      if (culprits.length >= 3) break;
    }
    problems.push(`the page scrolls ${overflow} px sideways: ${culprits.join("; ") || "(no single element)"}`);
  }
  if (overflowOnly) return problems;
  // A run of letters or digits breaks over lines only when its box is narrower than the word (overflow-wrap:
  // anywhere). Long tokens (keys, ids, URLs) may wrap, a few characters a line is squeezed.
  // Text only screen readers get (.sr-only, a hidden table head) sits in a 1 px box on purpose.
  const readerOnly = (el) => {
    for (; el; el = el.parentElement) {
      const rect = el.getBoundingClientRect();
      if ((rect.width <= 1 || rect.height <= 1) && getComputedStyle(el).overflow !== "visible") return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const squeezed = new Set();
  let words = 0;
  while (walker.nextNode() && words < 20000) {
    const node = walker.currentNode;
    for (const match of node.data.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
      words += 1;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      const length = match[0].length;
      if (tops.size < 2 || (length > 16 && length / tops.size >= 10) || readerOnly(node.parentElement)) continue;
      let holder = node.parentElement;
      while (holder.parentElement && getComputedStyle(holder).display.startsWith("inline")) holder = holder.parentElement;
      // A long URL or key wraps at the edge of a box of ordinary width (overflow-wrap: anywhere, on purpose).
      if (tops.size < 3 && holder.clientWidth >= 120) continue;
      if (!squeezed.has(holder)) problems.push(`“${match[0]}” is broken over ${tops.size} lines in ${name(holder)} (${holder.clientWidth} px wide)`);
      squeezed.add(holder);
    }
  }
  for (const cell of root.querySelectorAll("td, th")) {
    if (cell.getClientRects().length && cell.scrollWidth > cell.clientWidth + 1 && !readerOnly(cell)) {
      problems.push(`${name(cell)} spills out of its cell (${cell.scrollWidth} px of content in ${cell.clientWidth} px)`);
    }
  }
  // A box that scrolls with nothing focusable in it takes a keyboard stop of its own, named (WCAG 2.1.1).
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  for (const box of root.querySelectorAll("*")) {
    const wide = box.scrollWidth > box.clientWidth + 1, tall = box.scrollHeight > box.clientHeight + 1;
    if (!wide && !tall || !box.getClientRects().length || box.closest("dialog:not([open])")) continue;
    const style = getComputedStyle(box);
    if (!(wide && /auto|scroll/.test(style.overflowX)) && !(tall && /auto|scroll/.test(style.overflowY))) continue;
    if (box.tabIndex < 0 && ![...box.querySelectorAll(FOCUSABLE)].some((el) => el.getClientRects().length)) {
      problems.push(`${name(box)} scrolls but the keyboard cannot reach it (no stop, nothing focusable in it)`);
    } else if (box.hasAttribute("data-scroll-stop") && !box.getAttribute("aria-labelledby") && !box.getAttribute("aria-label") && !box.querySelector("caption")) {
      problems.push(`${name(box)} is a keyboard stop with no name`);
    }
  }
  for (const dialog of root.querySelectorAll("dialog[open]")) {
    const rect = dialog.getBoundingClientRect();
    if (rect.left < 0 || rect.right > width + 1) problems.push(`${name(dialog)} is wider than the screen (${Math.round(rect.width)} px)`);
  }
  return problems;
}"""

# Every closed dialog of the page is opened, measured and closed again.
MEASURE_DIALOGS = (
    """() => {
  const measure = """
    + MEASURE
    + """;
  const problems = [];
  for (const dialog of document.querySelectorAll("dialog:not([open])")) {
    dialog.showModal();
    const rect = dialog.getBoundingClientRect();
    if (rect.left < 0 || rect.right > window.innerWidth + 1) problems.push(`its dialog “${dialog.id}” is wider than the screen (${Math.round(rect.width)} px)`);
    problems.push(...measure([dialog, false]).map((said) => `in its dialog “${dialog.id}”: ${said}`));
    dialog.close();
  }
  return problems;
}"""
)


def crawl_at(page, live_url: str, starts: list[str]) -> tuple[int, list[str]]:
    """(pages measured, problems) visiting every start URL and one URL per view the pages link to."""

    def measure(url: str) -> list[str]:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(SHOTS) / f"{re.sub(r'[^a-z0-9]+', '-', url.lower()).strip('-') or 'home'}.png")
        said = page.evaluate(MEASURE, [None, False]) + page.evaluate(MEASURE_DIALOGS)
        # The narrowest phones: the page still fits (the words were measured at the wider width).
        page.set_viewport_size(NARROWEST)
        said += [f"at {NARROWEST['width']} px {one}" for one in page.evaluate(MEASURE, [None, True])]
        page.set_viewport_size(PHONE)
        problems = [f"{url}: {one}" for one in said[:SAID_PER_PAGE]]
        if len(said) > SAID_PER_PAGE:
            problems.append(f"{url}: … and {len(said) - SAID_PER_PAGE} more")
        return problems

    return browse_pages(page, live_url, starts, per_view=1, check=measure, wait_until="domcontentloaded")


def test_every_page_fits_a_phone(page, live_server, admin_user, demo_connection, simulator):
    sign_in(page, live_server, admin_user.username)
    page.set_viewport_size(PHONE)
    ids = seed_ids(simulator=simulator, connection=demo_connection, person=admin_user)
    starts = [case.url for case in url_cases(ids=ids) if "GET" in case.methods]
    measured, problems = crawl_at(page, live_server.url, starts)
    assert measured >= 100, f"only {measured} pages measured"
    assert not problems, f"{len(problems)} problems at 390 px:\n" + "\n".join(problems)


def test_the_areas_wait_behind_the_menu_button_and_the_skip_link_leads_to_the_page(
    page, live_server, admin_user, demo_connection
):
    sign_in(page, live_server, admin_user.username)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('plugins:configs')}")
    areas = page.get_by_role("navigation", name="Areas")
    menu = page.get_by_role("button", name="Menu")
    expect(areas).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    # The first screen shows the page, not sixteen links.
    heading = page.get_by_role("heading", name="Plugin configs", level=1).bounding_box()
    assert heading and heading["y"] + heading["height"] < PHONE["height"] / 2

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(areas.get_by_role("link", name="Cohorts")).to_be_visible()
    shot(page, "responsive-phone-menu-open")
    areas.get_by_role("link", name="Cohorts").focus()
    page.keyboard.press("Escape")
    expect(areas).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    # The first Tab reaches the skip link, shown on screen; Enter puts focus on the page, the next Tab within it.
    page.goto(f"{live_server.url}{reverse('plugins:configs')}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")

    # At 360 px the top bar wraps inside the screen, dark as well as light; on a desktop the areas show, no button.
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size(NARROWEST)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROWEST["width"]
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert sign_out and sign_out["x"] + sign_out["width"] <= NARROWEST["width"]
    shot(page, "responsive-360-dark")
    page.set_viewport_size(DESKTOP)
    expect(areas).to_be_visible()
    expect(menu).to_be_hidden()


# The table-heavy pages on a laptop, over what the pollers keep of the simulator: no column narrower than its
# longest word ("Hedgeho g Web", "THROTTLE D" were).
DESKTOP_TABLES = ["history:pipeline", "history:status", "secret_keys:list", "annotations:list"]


def test_table_pages_keep_their_words_whole_on_a_laptop(page, live_server, admin_user, demo_connection):
    for poll in (hog_log_poll_connection, hog_metrics_take, export_runs_poll):
        poll(connection=demo_connection)
    sign_in(page, live_server, admin_user.username)
    page.set_viewport_size({"width": 1280, "height": 800})
    problems = []
    for name in DESKTOP_TABLES:
        page.goto(f"{live_server.url}{reverse(name)}", wait_until="domcontentloaded")
        expect(page.locator("table.table").first).to_be_visible()
        problems += [f"{reverse(name)}: {one}" for one in page.evaluate(MEASURE, [None, False])[:SAID_PER_PAGE]]
    assert not problems, f"{len(problems)} problems at 1280 px:\n" + "\n".join(problems)
