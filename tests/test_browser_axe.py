"""axe-core finds no serious or critical WCAG 2.2 AA violation on any page an Admin reaches, in light or dark mode.

axe-core 4.14.1 (npm `axe-core@4`, static/vendor/axe.min.js with its licence header) is loaded into each page from
the live server, same-origin, so the Content-Security-Policy (script-src 'self') lets it run. The crawl starts from
every GET URL pattern (tests/security/urls.py) and follows the links and htmx fragments the pages show, at most
PER_VIEW URLs per view, in one browser page; each page is checked as it opened, then again after switching the
theme. A failure names the page, the theme, the rule and the elements."""

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.browser import sign_in
from tests.reachability import HTMX_ONLY_PARTS
from tests.security.urls import seed_ids, url_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PER_VIEW = 1
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SEVERE = ("serious", "critical")
# AXE_SHOTS=/some/folder keeps a screenshot of every page checked, in each theme.
SHOTS = os.environ.get("AXE_SHOTS")

# Waits for the fragments a page loads as it opens (hx-trigger="load": the project picker, activity, charts).
SETTLE = """async () => {
  for (let waited = 0; waited < 3000; waited += 50) {
    await new Promise((done) => setTimeout(done, 50));
    if (!document.querySelector(".htmx-request")) return;
  }
}"""
# In dark mode only the colours changed: the rules about colour run again, not the whole set.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
RUN = """async ([tags, rules]) => {
  const only = rules ? {type: "rule", values: rules} : {type: "tag", values: tags};
  const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.split("\\n").slice(1).join(" ").trim() : "")),
  }));
}"""
THEME = """(theme) => {
  document.documentElement.dataset.theme = theme;
  return getComputedStyle(document.body).backgroundColor;
}"""
LINKS = """() => [...document.querySelectorAll("[href], [hx-get]")].map((el) => el.getAttribute("hx-get") || el.getAttribute("href"))"""


def _follow(base: str, value: str, live_url: str) -> tuple[str, str] | None:
    """(local URL, view name) of a link the page shows, or None for another site, a download or a fragment."""
    parts = urlsplit(urljoin(base, value))
    if f"{parts.scheme}://{parts.netloc}" != live_url:
        return None
    if parts.path.endswith((".csv", ".svg", ".json")) or parts.path.startswith("/static/"):
        return None
    if any(part in parts.path for part in HTMX_ONLY_PARTS):
        return None
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else ""), view


def _check(page, live_url: str, url: str) -> list[str]:
    """Serious and critical violations of the open page, in light then dark."""
    page.add_script_tag(url=f"{live_url}/static/vendor/axe.min.js")
    found = []
    for theme in ("light", "dark"):
        page.evaluate(THEME, theme)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
            page.screenshot(path=Path(SHOTS) / f"{name}-{theme}.png")
        for violation in page.evaluate(RUN, [TAGS, COLOUR_RULES if theme == "dark" else None]):
            if violation["impact"] in SEVERE:
                targets = "; ".join(violation["targets"][:4])
                more = f" (+{len(violation['targets']) - 4} more)" if len(violation["targets"]) > 4 else ""
                found.append(f"{url} [{theme}] {violation['id']} ({violation['impact']}): {targets}{more}")
    return found


def axe_crawl(page, live_url: str, starts: list[str]) -> tuple[int, list[str]]:
    """(pages checked, violations) visiting every start URL and up to PER_VIEW URLs per view the pages link to."""
    queue: list[str] = []
    queued: set[str] = set()
    views: dict[str, int] = {}

    def enqueue(base: str, value: str) -> None:
        followed = _follow(base, value, live_url)
        if not followed or followed[0] in queued or views.get(followed[1], 0) >= PER_VIEW:
            return
        queued.add(followed[0])
        queue.append(followed[0])
        views[followed[1]] = views.get(followed[1], 0) + 1

    for url in starts:
        enqueue(live_url + "/", url)
    checked, problems = 0, []
    while queue:
        url = queue.pop(0)
        response = page.goto(live_url + url)
        if response is None or "html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 500:
            problems.append(f"{url} answered {response.status}")
            continue
        page.evaluate(SETTLE)
        if not page.evaluate("document.doctype !== null"):
            continue  # a fragment opened on its own: axe checks it inside the page that loads it
        checked += 1
        problems += _check(page, live_url, url)
        for value in page.evaluate(LINKS):
            enqueue(page.url, value)
    return checked, problems


def test_no_page_has_a_serious_accessibility_violation(page, live_server, admin_user, demo_connection, simulator):
    sign_in(page, live_server, admin_user.username)
    ids = seed_ids(simulator=simulator, connection=demo_connection, person=admin_user)
    starts = [case.url for case in url_cases(ids=ids) if "GET" in case.methods]
    checked, problems = axe_crawl(page, live_server.url, starts)
    assert checked >= 90, f"only {checked} pages checked"
    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)
