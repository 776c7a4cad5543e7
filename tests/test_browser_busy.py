"""In Chromium: while a write hangs, the button that sent it is disabled (a second click would send a second
write), and it is enabled again once the answer is in (static/js/busy.js). The simulator holds the write back."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HANG_SECONDS = 3.0
ROLE = r"/api/organizations/[^/]+/roles/[^/]+/"


def test_an_htmx_write_disables_its_button_while_it_runs(page, live_server, demo_connection, admin_user, simulator):
    role = simulator.state.roles.all()[0]
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}{reverse('roles:rename', args=[role['id']])}")
    # PostHog takes its time, then refuses the name: the form comes back with the reason, ready for another try.
    simulator.faults_set(fault_methods="PATCH", hang_rate=1.0, hang_seconds=HANG_SECONDS)
    simulator.script(
        "PATCH",
        ROLE,
        status=400,
        body={
            "type": "validation_error",
            "code": "invalid_input",
            "detail": "This name is not allowed.",
            "attr": "name",
        },
    )
    page.get_by_label("Name").fill("On-call SRE")
    rename = page.get_by_role("button", name="Rename")

    started = time.monotonic()
    rename.click()
    expect(rename).to_be_disabled()
    shot(page, "busy-rename-during")
    rename.click(force=True, no_wait_after=True)  # a second click while it runs sends nothing

    expect(page.locator("#role-form")).to_contain_text(
        "This name is not allowed.", timeout=HANG_SECONDS * 1000 + 15_000
    )
    assert time.monotonic() - started >= HANG_SECONDS - 0.5
    expect(page.get_by_role("button", name="Rename")).to_be_enabled()
    assert len(simulator.requests(method="PATCH")) == 1
    shot(page, "busy-rename-after")


def test_a_plain_post_disables_its_button_and_still_sends_it(page, live_server, demo_connection, admin_user, simulator):
    role = simulator.state.roles.all()[0]
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}{reverse('roles:delete', args=[role['id']])}")  # the page without JavaScript's link
    simulator.faults_set(fault_methods="DELETE", hang_rate=1.0, hang_seconds=HANG_SECONDS)
    delete = page.get_by_role("button", name="Delete role")

    # The page notes what the button was a moment after the click, while the post waits for PostHog (Playwright's
    # own reads would wait for the navigation to finish, when this page is gone).
    page.evaluate(
        """() => document.querySelector('.role-confirm').addEventListener('submit', (event) => setTimeout(() => {
            sessionStorage.setItem('busy', String(event.target.querySelector('[type=submit]').disabled));
        }, 100))"""
    )
    delete.click()

    expect(page).to_have_url(f"{live_server.url}{reverse('roles:list')}", timeout=HANG_SECONDS * 1000 + 15_000)
    expect(page.locator("#toasts")).to_contain_text(f"Deleted the role “{role['name']}”.")
    assert len(simulator.requests(method="DELETE")) == 1  # the button's name and value went with it: deleted once
    assert page.evaluate("() => sessionStorage.getItem('busy')") == "true"
