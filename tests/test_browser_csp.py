"""In Chromium, under the portal's Content-Security-Policy: the main pages load without a refused script, style or
image and without a script error, the buttons that used inline handlers still open and close their dialogs, and a
name with a right-to-left override character stays inside its own isolating element."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.file_system.test_pages import KPIS, sim_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RLO_NAME = "abc\u202edef"
# Every violation of the policy, as the page saw it (console messages can be cut short; the event cannot).
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  (window.__violations = window.__violations || []).push(event.violatedDirective + " " + event.blockedURI);
});"""


class Watch:
    """Console errors and policy violations of one page, collected as the test goes."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _console(self, message) -> None:
        # A plugin icon PostHog names on a host this machine cannot reach fails to load: a network error, which
        # the page handles (the initial shows); refusals by the policy read "Refused to …" and are kept.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"{self.page.url}: {message.text}")

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__violations || []")
        self.errors += [f"{url}: violates {violation}" for violation in violations]


@pytest.fixture
def named_with_override(simulator):
    config = simulator.state.plugin_configs.by_name("Internal IP Filter")
    return simulator.state.plugin_configs.update(config["id"], name=RLO_NAME)


def test_the_main_pages_run_under_the_policy_without_a_refusal(page, live_server, admin_user, demo_connection, sim):
    watch = Watch(page)
    sign_in(page, live_server, admin_user.username)
    config = next(c for c in sim.call("GET", "/api/projects/1/plugin_configs/").json()["results"] if c["enabled"])
    cohort = sim.call("GET", "/api/projects/1/cohorts/").json()["results"][0]
    pages = [
        reverse("home"),
        reverse("plugins:configs"),
        reverse("plugins:config_detail", args=[config["id"]]),
        reverse("plugins:config_logs", args=[config["id"]]),
        reverse("history:logs"),
        reverse("trail:list"),
        reverse("alerts:rules"),
        reverse("people:list"),
        reverse("hog_functions:list"),
        reverse("batch_exports:list"),
        reverse("sharing:insights"),
        reverse("cohorts:list"),
        reverse("cohorts:detail", args=[cohort["id"]]),
        reverse("file_system:browse"),
        reverse("groups:list"),
    ]
    for url in pages:
        watch.visit(live_server.url + url)
    # htmx is told to evaluate nothing, which the policy would refuse anyway.
    config_seen = page.evaluate(
        "[htmx.config.allowEval, htmx.config.allowScriptTags, htmx.config.includeIndicatorStyles]"
    )
    assert config_seen == [False, False, False]
    assert watch.errors == []


def test_the_buttons_that_had_inline_handlers_still_work(page, live_server, admin_user, demo_connection, sim):
    watch = Watch(page)
    sign_in(page, live_server, admin_user.username)
    config = next(c for c in sim.call("GET", "/api/projects/1/plugin_configs/").json()["results"] if c["enabled"])

    # A plugin config's "Delete…" opens its dialog; Cancel closes it.
    watch.visit(f"{live_server.url}{reverse('plugins:config_detail', args=[config['id']])}")
    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    shot(page, "csp-config-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    # A file-system item's "Delete…" and its Cancel, which closes the dialog it sits in.
    entry = sim_entry(sim, KPIS)
    watch.visit(f"{live_server.url}{reverse('file_system:item', args=[entry['id']])}")
    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    # Plugin icons either show, once loaded, or give way to the initial: none is left hidden and broken.
    watch.visit(f"{live_server.url}{reverse('plugins:configs')}")
    first_icon = page.locator("tr[data-config-id] .plugin-icon").first
    expect(first_icon.locator("img:not(.loaded)")).to_have_count(0)
    assert watch.errors == []


def test_a_name_with_a_right_to_left_override_cannot_reorder_the_text_around_it(
    page, live_server, operator, demo_connection, named_with_override
):
    watch = Watch(page)
    sign_in(page, live_server, operator.username)
    watch.visit(f"{live_server.url}{reverse('plugins:configs')}")
    name = page.get_by_role("link", name=RLO_NAME, exact=True)
    assert name.evaluate("(link) => getComputedStyle(link).unicodeBidi") == "isolate"

    # The switch's toast, and a toast quoting the name as most do: the quoted name sits in a <bdi>.
    page.get_by_label(f"Enabled: {RLO_NAME}").click()
    expect(page.locator("#toasts")).to_contain_text("disabled.")
    page.evaluate(
        """(name) => document.body.dispatchEvent(new CustomEvent("toasts",
             {detail: {value: [{level: "success", message: "Renamed to \\u201c" + name + "\\u201d."}]}}))""",
        RLO_NAME,
    )
    quoted = page.locator("#toasts .toast-text bdi", has_text=RLO_NAME)
    expect(quoted).to_have_count(1)
    assert quoted.evaluate("(bdi) => getComputedStyle(bdi).unicodeBidi") == "isolate"
    assert page.locator("#toasts .toast-text").last.evaluate("(text) => getComputedStyle(text).unicodeBidi") == (
        "isolate"
    )

    # The audit trail's sentence: the name in a <bdi> inside its quotes, inside the link to the config.
    watch.visit(f"{live_server.url}{reverse('trail:list')}")
    sentence = page.locator(".audit-sentence", has_text="disabled the plugin config").first
    isolated = sentence.locator(".audit-object bdi")
    expect(isolated).to_have_text(RLO_NAME)
    assert isolated.evaluate("(bdi) => getComputedStyle(bdi).unicodeBidi") == "isolate"
    # What follows the name on the row is read in order, not reversed by the override.
    expect(sentence).to_contain_text(f"otto-operator disabled the plugin config “{RLO_NAME}”")
    shot(page, "csp-rlo-name-in-trail")
    assert watch.errors == []
