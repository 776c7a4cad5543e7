"""In Debian's Chromium: a person sorts the audit trail by time from the keyboard. The header is a link the server
answers (the trail is paged, so the browser does not sort it), aria-sort says the order, and the address keeps it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.audit.models import AuditEvent
from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_time_header_sorts_the_trail_from_the_keyboard(page, live_server, viewer):
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=now - timedelta(minutes=minutes),
            actor_name="Ada",
            area="plugin_configs",
            object_id=f"object-{minutes}",
            method="PATCH",
            path=f"/api/projects/1/plugin_configs/{minutes}/",
        )
        for minutes in (5, 1, 3)
    )
    sign_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/audit/")
    objects = page.locator(".audit-table tbody .col-object code")
    expect(objects).to_have_text(["object-1", "object-3", "object-5"])
    header = page.get_by_role("columnheader", name=re.compile(r"^Time"))
    expect(header).to_have_attribute("aria-sort", "descending")
    # The server sorts this table: sortable.js adds no button of its own.
    expect(header.locator("button")).to_have_count(0)

    link = header.get_by_role("link")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/audit/\?sort=time&dir=asc$"))
    expect(objects).to_have_text(["object-5", "object-3", "object-1"])
    header = page.get_by_role("columnheader", name=re.compile(r"^Time"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_text("Oldest first")).to_be_visible()
    shot(page, "audit-trail-sorted-oldest-first")

    # Tab reaches the header link from the filters' last button; Enter turns the order back.
    page.get_by_role("button", name="Apply filters").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('th') !== null"):
            break
    expect(header.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/audit/\?sort=time&dir=desc$"))
    expect(objects).to_have_text(["object-1", "object-3", "object-5"])
    expect(page.get_by_role("columnheader", name=re.compile(r"^Time"))).to_have_attribute("aria-sort", "descending")
