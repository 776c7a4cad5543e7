"""In Debian's Chromium: an Admin opens a shared insight, adds a password (shown once, gone after a reload) and
deletes it; the list, empty, error and confirmation pages are photographed along the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "Browser-Secret-2024"


@pytest.fixture
def signed_in_admin(page, live_server, demo_connection, admin_user):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, admin_user.username)
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_admin_adds_a_password_sees_it_once_and_deletes_it(signed_in_admin, live_server):
    page = signed_in_admin
    page.goto(f"{live_server.url}/sharing/insights/")
    expect(page.get_by_role("heading", name="Insight sharing")).to_be_visible()
    expect(page.locator("#item-results")).to_contain_text("1–16 of 16 insights")
    shot(page, "sharing-insights-list")

    page.get_by_role("searchbox").fill("pricing")
    expect(page.locator("#item-results")).to_contain_text("1–1 of 1 insight matching “pricing”")
    expect(page).to_have_url(f"{live_server.url}/sharing/insights/?q=pricing")
    page.get_by_role("link", name="Top paths from the pricing page").click()
    expect(page.get_by_role("heading", name="Top paths from the pricing page")).to_be_visible()
    expect(page.locator("#share-link")).to_have_value(re.compile(r"/shared/[\w-]{20,}$"))
    page.locator("[data-copy=share-link]").click()
    expect(page.locator("[data-copy=share-link]")).to_have_text("Copied")
    assert no_sideways_scroll(page)
    shot(page, "sharing-insight-detail")

    passwords = page.locator("#passwords")
    passwords.get_by_label("Note").fill("Browser <test> reviewers")
    passwords.get_by_label("Password").fill("short")
    passwords.get_by_role("button", name="Add password").click()
    expect(passwords.locator(".field-error")).to_contain_text("at least 8 characters")
    expect(passwords.get_by_label("Note")).to_have_value("Browser <test> reviewers")
    expect(passwords.get_by_label("Password")).to_have_value("")
    shot(page, "sharing-password-invalid")

    passwords.get_by_label("Password").fill(SECRET)
    passwords.get_by_role("button", name="Add password").click()
    expect(page.locator("#new-password")).to_have_value(SECRET)
    expect(page.locator(".new-password")).to_contain_text("Copy it now: it cannot be shown again.")
    expect(page.locator("#toasts")).to_contain_text("Password “Browser <test> reviewers” added.")
    expect(page.locator(".password-table")).to_contain_text("Browser <test> reviewers")
    shot(page, "sharing-password-created")

    page.reload()
    expect(page.locator(".password-table")).to_contain_text("Browser <test> reviewers")
    expect(page.locator("#new-password")).to_have_count(0)
    assert SECRET not in page.content()

    row = page.locator(".password-table tr", has_text="Browser <test> reviewers")
    page.once("dialog", lambda dialog: dialog.accept() if "Browser <test> reviewers" in dialog.message else None)
    row.get_by_role("button", name="Delete").click()
    expect(page.locator("#toasts")).to_contain_text("Password deleted: it no longer opens the link.")
    expect(page.locator(".password-table")).not_to_contain_text("Browser <test> reviewers")
    expect(page.locator(".password-table")).to_contain_text("Board deck – Q3")
    shot(page, "sharing-password-deleted")

    page.get_by_role("link", name="New link…").click()
    expect(page.get_by_role("heading", name=re.compile("Make a new link"))).to_be_visible()
    shot(page, "sharing-refresh-confirm")


def test_admin_finds_recordings_and_meets_the_empty_and_error_states(signed_in_admin, live_server):
    page = signed_in_admin
    page.goto(f"{live_server.url}/sharing/recordings/")
    expect(page.locator("#item-results")).to_contain_text("Recordings 1–14")
    expect(page.locator("#item-results")).to_contain_text("<img src=x>")
    shot(page, "sharing-recordings-list")

    page.get_by_label("Session ID").fill("not a session id!")
    page.get_by_role("button", name="Open").click()
    expect(page.locator(".field-error")).to_contain_text("A session ID holds only letters")
    shot(page, "sharing-open-invalid")

    page.locator("#item-results a.item-name").first.click()
    expect(page.get_by_role("heading", name="Public link")).to_be_visible()
    page.get_by_role("button", name="Require a password").click()
    expect(page.locator("#toasts")).to_contain_text("The link now asks for a password")
    expect(page.locator("#passwords")).to_contain_text("No passwords.")
    shot(page, "sharing-recording-detail")

    page.goto(f"{live_server.url}/sharing/insights/?id=999")
    expect(page.locator(".field-error")).to_have_text("No insight 999 in this project.")
    page.get_by_role("searchbox").fill("no such insight at all")
    expect(page.locator("#item-results")).to_contain_text("No insight matches")
    shot(page, "sharing-insights-empty")
