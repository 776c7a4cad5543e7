"""axe-core finds no serious or critical WCAG 2.2 AA violation on any page an Admin reaches, in light or dark mode.

axe-core 4.14.1 (npm `axe-core@4`, static/vendor/axe.min.js with its licence header) is loaded into each page from
the live server, same-origin, so the Content-Security-Policy (script-src 'self') lets it run. The crawl starts from
every GET URL pattern (tests/security/urls.py) and follows the links and htmx fragments the pages show, at most
PER_VIEW URLs per view, in one browser page; each page is checked as it opened, then again after switching the
theme. A failure names the page, the theme, the rule and the elements. On each page too: no link or button is
named only by a bare verb ("Edit", "Logs", "Delete…") without the item it acts on."""

import os
import re
from pathlib import Path

import pytest

from tests.browser import sign_in
from tests.crawl import browse_pages
from tests.security.urls import seed_ids, url_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PER_VIEW = 1
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SEVERE = ("serious", "critical")
# AXE_SHOTS=/some/folder keeps a screenshot of every page checked, in each theme.
SHOTS = os.environ.get("AXE_SHOTS")

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
# A link or button of the page named with a bare verb ("Edit", "Logs", "Delete…") says what it does but not to what
# (WCAG 2.4.4, 2.4.6): a list row's and a detail page's alike name their item, most often in visually hidden text
# after the visible words (label in name, 2.5.3). A dialog's heading names what its buttons act on, and a form's
# fields what its submit button sends.
BARE_VERBS = (
    "edit delete remove logs rename duplicate roll revoke view details open pause unpause resume enable disable mute "
    "unmute move uninstall test upgrade restore history settings configure"
).split()
BARE = """(verbs) => {
  const text = (el) => (el.textContent || "").replace(/\\s+/g, " ").trim();
  const named = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(/\\s+/).map((id) => document.getElementById(id)).filter(Boolean).map(text).join(" ");
    return (el.getAttribute("aria-label") || "").trim() || text(el);
  };
  const shown = (el) => el.getClientRects().length > 0;
  const found = [];
  for (const el of document.querySelectorAll("#content :is(a[href], button, [role=button], [role=link])")) {
    if (!shown(el) || el.closest("dialog")) continue;
    const form = el.tagName === "BUTTON" && el.type === "submit" && el.form;
    if (form && [...form.elements].some((f) => f !== el && f.matches("input:not([type=hidden]), select, textarea") && shown(f))) continue;
    const name = named(el).replace(/[….:]+$/u, "").trim();
    if (verbs.includes(name.toLowerCase())) found.push(`${el.tagName.toLowerCase()} “${text(el)}” named only “${name}”`);
  }
  return found;
}"""


def _check(page, live_url: str, url: str) -> list[str]:
    """Serious and critical violations of the open page, in light then dark."""
    page.add_script_tag(url=f"{live_url}/static/vendor/axe.min.js")
    found = [f"{url} {said}" for said in page.evaluate(BARE, BARE_VERBS)]
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


def test_no_page_has_a_serious_accessibility_violation(page, live_server, admin_user, demo_connection, simulator):
    sign_in(page, live_server, admin_user.username)
    ids = seed_ids(simulator=simulator, connection=demo_connection, person=admin_user)
    starts = [case.url for case in url_cases(ids=ids) if "GET" in case.methods]

    def check(url: str) -> list[str] | None:
        if not page.evaluate("document.doctype !== null"):
            return None  # a fragment opened on its own: axe checks it inside the page that loads it
        return _check(page, live_server.url, url)

    checked, problems = browse_pages(page, live_server.url, starts, per_view=PER_VIEW, check=check)
    assert checked >= 90, f"only {checked} pages checked"
    assert not problems, f"{len(problems)} serious or critical axe violations, or controls named by a bare verb:\n" + (
        "\n".join(problems)
    )
