"""At phone width (390 px) and from the keyboard, what the review of issue 20 found still in the way: the Search link
covered content, a group property's inline edit was cut off at the right, a table's held first cell hid its row's
state, sort arrows widened a table past the screen, and a table that scrolls with nothing focusable in it could not
be scrolled from the keyboard. Each is measured where a person would notice it, in the light and dark theme where
colour is concerned."""

import re
import struct
import zlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.audit.models import AuditEvent
from tests.browser import shot, sign_in
from tests.groups.conftest import INITECH, detail
from tests.security.urls import seed_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What of the page's content (its words, fields and buttons) lies under a box of the viewport.
UNDER = """(box) => {
  const under = [];
  for (const el of document.querySelectorAll("#content *")) {
    const leaf = !el.children.length && (el.textContent || "").trim();
    if (!leaf && !el.matches("input, select, textarea, button, img, svg")) continue;
    for (const r of el.getClientRects()) {
      if (r.width && r.height && r.left < box.x + box.width && r.right > box.x && r.top < box.y + box.height && r.bottom > box.y) {
        under.push(`${el.tagName.toLowerCase()} “${(el.textContent || el.value || "").trim().slice(0, 30)}”`);
        break;
      }
    }
  }
  return under;
}"""


def _pixels(png: bytes) -> tuple[int, list[bytes]]:
    """(bytes per pixel, rows) of an 8-bit RGB or RGBA PNG, unfiltered: enough for a screenshot's colours."""
    chunks, at = {}, 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        chunks.setdefault(kind, []).append(png[at + 8 : at + 8 + length])
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][0][:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    size = 3 if colour == 2 else 4
    data, stride, rows, previous = zlib.decompress(b"".join(chunks[b"IDAT"])), width * size, [], bytes(width * size)
    for y in range(height):
        kind, line = data[y * (stride + 1)], bytearray(data[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[i] = (line[i] + near[2]) & 255
        rows.append(bytes(line))
        previous = line
    return size, rows


def _colour(cell) -> tuple[int, int, int]:
    """The colour a person sees just inside a cell's top left corner (its padding, clear of any word)."""
    size, rows = _pixels(cell.screenshot(animations="disabled"))
    return tuple(rows[3][3 * size : 3 * size + 3])


def _same(one: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """Equal to the eye: the same colours laid over each other in another order may round a unit apart."""
    return all(abs(a - b) <= 3 for a, b in zip(one, other, strict=True))


def _theme(page, theme: str) -> None:
    page.evaluate("(theme) => { document.documentElement.dataset.theme = theme; }", theme)


@pytest.fixture
def phone(page, live_server, admin_user, demo_connection):
    sign_in(page, live_server, admin_user.username)
    page.set_viewport_size(PHONE)
    return page


def test_the_search_link_covers_no_content_at_phone_width(phone, live_server):
    page = phone
    page.goto(f"{live_server.url}{detail(INITECH)}")
    search = page.get_by_role("link", name=re.compile("^Search"))
    expect(search).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in (0, height // 3, height // 2, height):
        page.evaluate("(y) => window.scrollTo(0, y)", y)
        box = search.bounding_box()
        covered = page.evaluate(UNDER, box) if box else []
        assert not covered, f"scrolled to {y} px, the Search link covers {covered}"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "phone-search-link")
    search.click()
    expect(page.get_by_role("dialog", name="Search the portal")).to_be_visible()
    page.keyboard.press("Escape")
    expect(search).to_be_focused()
    # On a wide screen it waits at the bottom right, over the page's end (kept free for it).
    page.set_viewport_size(DESKTOP)
    expect(search).to_be_visible()
    box = search.bounding_box()
    assert box and box["y"] + box["height"] > DESKTOP["height"] - 40 and box["x"] > DESKTOP["width"] / 2


def test_a_property_edited_in_place_fits_a_phone(phone, live_server):
    page = phone
    page.goto(f"{live_server.url}{detail(INITECH)}")
    page.get_by_role("link", name="Edit country").click()
    field = page.get_by_role("combobox", name="country")
    expect(field).to_be_focused()
    for control in (field, page.get_by_role("button", name="Save"), page.get_by_role("link", name="Cancel")):
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{control} is cut off: {box}"
        # Not hidden by a box that scrolls sideways: what is at its middle is the control itself.
        middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
        assert (
            page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('input, button, a').textContent", middle)
            is not None
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-group-property-edit")
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Edit country")).to_be_focused()


def test_a_held_first_cell_shows_its_rows_state(phone, live_server):
    page = phone
    for outcome in (AuditEvent.Outcome.SUCCESS, AuditEvent.Outcome.SUCCESS):
        AuditEvent.objects.create(actor_name="Ada", area="plugins", method="PATCH", path="/api/x/", outcome=outcome)
    page.goto(f"{live_server.url}{reverse('trail:list')}")
    rows = page.locator("tr.audit-row")
    first, second = rows.nth(0), rows.nth(1)
    assert first.locator("td").first.evaluate("(cell) => getComputedStyle(cell).position") == "sticky"
    for theme in ("light", "dark"):
        _theme(page, theme)
        page.mouse.move(0, 0)
        plain = _colour(first.locator("td").first)
        # Pointed at: the whole row, its held first cell too.
        second.locator("td").nth(1).hover()
        held, other = _colour(second.locator("td").first), _colour(second.locator("td").nth(1))
        assert _same(held, other) and not _same(other, plain), (
            f"{theme}: a row pointed at shows {held} in its first cell, {other} in the others"
        )
    shot(page, "phone-row-pointed-at-dark")


def test_a_card_shows_its_rows_state(phone, live_server):
    """At phone width an annotation is a card (.table-stacked): chosen or pointed at, the whole card says so."""
    page = phone
    page.goto(f"{live_server.url}{reverse('annotations:list')}")
    rows = page.locator("table.annotation-table tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    assert first.evaluate("(row) => getComputedStyle(row).display") == "block"
    for theme in ("light", "dark"):
        _theme(page, theme)
        page.mouse.move(0, 0)
        plain = _colour(second)
        first.get_by_role("checkbox").check()
        page.mouse.move(0, 0)
        assert not _same(_colour(first), plain), f"{theme}: a chosen card looks like the others"
        first.get_by_role("checkbox").uncheck()
        second.locator("td").last.hover()
        assert not _same(_colour(second), plain), f"{theme}: a card pointed at looks like the others"


def test_a_held_first_cell_shows_a_failed_row(phone, live_server):
    """A write that failed is a red row of the audit trail, its first cell too."""
    page = phone
    for outcome in (AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.SUCCESS):
        AuditEvent.objects.create(actor_name="Ada", area="plugins", method="PATCH", path="/api/x/", outcome=outcome)
    page.goto(f"{live_server.url}{reverse('trail:list')}")
    failed, succeeded = page.locator("tr.audit-failed").first, page.locator("tr.audit-row:not(.audit-failed)").first
    page.mouse.move(0, 0)
    for theme in ("light", "dark"):
        _theme(page, theme)
        held, other = _colour(failed.locator("td").first), _colour(failed.locator("td").nth(1))
        plain = _colour(succeeded.locator("td").first)
        assert _same(held, other) and not _same(other, plain), (
            f"{theme}: a failed row's first cell {held}, its others {other}, a plain row {plain}"
        )


def test_sort_arrows_do_not_widen_a_table(phone, live_server, django_user_model):
    page = phone
    django_user_model.objects.create_user(username="bo")  # two rows: the table sorts
    page.goto(f"{live_server.url}{reverse('people:list')}")
    table = page.locator("#content table")
    expect(table.get_by_role("button", name="User name")).to_be_visible()  # sortable, with its arrow
    widths = table.evaluate("(t) => [t.scrollWidth, t.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the people table scrolls: {widths[0]} px of content in {widths[1]} px"


# Every box of the page that scrolls: whether it has something focusable in it, and whether it is a stop itself.
SCROLL_BOXES = """() => [...document.querySelectorAll("#content *")].filter((box) => {
  const style = getComputedStyle(box);
  return (box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(style.overflowX))
    || (box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(style.overflowY));
}).map((box) => ({
  stop: box.getAttribute("tabindex") === "0",
  holds: [...box.querySelectorAll("a[href], button, input, select, textarea, summary")].some((el) => el.getClientRects().length),
}))"""


def test_a_box_that_scrolls_with_nothing_focusable_is_a_named_keyboard_stop(
    phone, live_server, simulator, demo_connection, admin_user
):
    page = phone
    cohort = seed_ids(simulator=simulator, connection=demo_connection, person=admin_user)["cohort_id"]
    page.goto(f"{live_server.url}{reverse('cohorts:detail', args=[cohort])}")
    page.get_by_text("Filters as JSON").click()
    definition = page.get_by_role("region", name="Who is in it")
    expect(definition).to_have_attribute("tabindex", "0")
    # Tab reaches it, it shows where focus is, and the arrow keys scroll it.
    for _ in range(80):
        page.keyboard.press("Tab")
        if definition.evaluate("(box) => box === document.activeElement"):
            break
    expect(definition).to_be_focused()
    assert definition.evaluate("(box) => getComputedStyle(box).outlineStyle") == "solid"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement.scrollLeft + document.activeElement.scrollTop > 0")
    shot(page, "phone-scroll-stop-focused")

    # A table whose headers sort it holds buttons to Tab to: no stop of its own. Wider, what fits is no stop.
    role = simulator.state.roles.all()[0]
    page.goto(f"{live_server.url}{reverse('roles:detail', args=[role['id']])}")
    members = page.locator("#content table")
    expect(members.get_by_role("button", name="Name")).to_be_visible()
    expect(members).not_to_have_attribute("tabindex", "0")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{reverse('cohorts:detail', args=[cohort])}")
        page.get_by_text("Filters as JSON").click()
        page.wait_for_timeout(300)  # the boxes are looked at again a moment after a fold opens
        boxes = page.evaluate(SCROLL_BOXES)
        assert boxes and all(box["stop"] != box["holds"] for box in boxes), f"at {size['width']} px: {boxes}"
