"""In Debian's Chromium: an Operator creates, edits, deletes and undoes (from the toast) an annotation, and sees
annotations flagged on a delivery-rate chart."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.history.test_pages import every, snapshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ANNOTATIONS = "/api/projects/1/annotations/"


@pytest.fixture
def signed_in(page, live_server, demo_connection, operator):
    sign_in(page, live_server, operator.username)
    return page


def test_operator_creates_edits_deletes_and_undoes_an_annotation(signed_in, live_server, sim):
    page = signed_in
    page.goto(f"{live_server.url}/annotations/")
    results = page.locator("#annotation-results")
    expect(results).to_contain_text("1–23 of 23 annotations")
    shot(page, "annotations-list")

    page.get_by_role("link", name="New annotation").click()
    expect(page.get_by_role("heading", name="New annotation")).to_be_visible()
    expect(page.get_by_label("Insight", exact=True)).to_be_hidden()  # only for the scope that needs one
    page.get_by_label("Content").fill("Deployed v6.0 – new <checkout> flow")
    page.get_by_label("Date and time (UTC)").fill("2025-04-01T09:30")
    page.get_by_label("One insight").check()
    expect(page.get_by_label("Insight", exact=True)).to_be_visible()
    page.get_by_role("button", name="Create annotation").click()
    expect(page.locator(".field-error")).to_have_text("Which insight? Give its short ID or its link.")
    expect(page.get_by_label("Content")).to_have_value("Deployed v6.0 – new <checkout> flow")
    shot(page, "annotations-form-invalid")

    page.get_by_label("This project").check()
    page.get_by_role("button", name="Create annotation").click()
    expect(page.get_by_role("heading", name="Annotation of 2025-04-01 09:30 UTC")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Created “Deployed v6.0 – new <checkout> flow”.")
    shot(page, "annotations-detail")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Content").fill("Deployed v6.0.1 – new <checkout> flow, hotfixed")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".annotation-text")).to_have_text("Deployed v6.0.1 – new <checkout> flow, hotfixed")
    expect(page.locator("#toasts")).to_contain_text("Saved “Deployed v6.0.1")

    page.get_by_role("link", name="Annotations", exact=True).first.click()
    page.get_by_role("searchbox").fill("checkout hotfixed")
    expect(results).to_contain_text("1–1 of 1 annotation matching")
    expect(page).to_have_url(f"{live_server.url}/annotations/?search=checkout%20hotfixed&scope=&date_from=&date_to=")
    page.get_by_role("button", name="Delete: Deployed v6.0.1").click()

    toast = page.locator("#toasts .toast", has_text="Deleted “Deployed v6.0.1")
    expect(toast).to_be_visible()
    expect(results).to_contain_text("No annotation matches these filters")
    created = sim.call("GET", ANNOTATIONS, params={"search": "v6.0.1"}).json()
    assert created["count"] == 0  # PostHog hides it now
    shot(page, "annotations-deleted-toast")

    toast.get_by_role("button", name="Undo").click()
    expect(page.locator("#toasts")).to_contain_text("Undone: “Deployed v6.0.1")
    expect(results).to_contain_text("1–1 of 1 annotation matching")
    expect(results.get_by_role("link", name="Deployed v6.0.1 – new <checkout> flow, hotfixed")).to_be_visible()
    assert sim.call("GET", ANNOTATIONS, params={"search": "v6.0.1"}).json()["count"] == 1


def test_deleted_annotations_are_listed_with_restore(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/annotations/?search=newsletter")
    results = page.locator("#annotation-results")
    results.get_by_role("button", name="Delete: Newsletter sent").click()
    expect(results).to_contain_text("No annotation matches these filters")
    shot(page, "annotations-empty-search")

    page.get_by_text("Show deleted").click()
    deleted = page.locator(".deleted-annotations")
    expect(deleted).to_contain_text("Newsletter sent to 48k subscribers")
    expect(deleted).to_contain_text("otto-operator")
    page.evaluate("document.querySelectorAll('#toasts .toast').forEach((toast) => toast.remove())")
    shot(page, "annotations-show-deleted")

    deleted.get_by_role("button", name="Restore: Newsletter sent").click()
    expect(page.locator("#toasts")).to_contain_text("Restored “Newsletter sent to 48k subscribers")
    expect(results).to_contain_text("1–1 of 1 annotation matching")
    expect(deleted).to_contain_text("None matching the filters.")

    page.goto(f"{live_server.url}/annotations/?date_from=2025-03-10&date_to=2025-03-01")
    expect(page.locator("#annotation-filter-errors")).to_contain_text("“To” must be on or after “From”.")
    shot(page, "annotations-filters-invalid")


def test_a_long_annotation_reads_whole_on_its_page(signed_in, live_server, sim):
    page = signed_in
    incident = sim.call("GET", ANNOTATIONS, params={"search": "INC-2291"}).json()["results"][0]
    page.goto(f"{live_server.url}/annotations/{incident['id']}/")
    expect(page.locator(".annotation-text")).to_contain_text("before the next partition rebalance.")
    shot(page, "annotations-detail-long")


def test_a_delivery_chart_flags_the_annotations_of_its_range(signed_in, live_server, demo_connection, sim):
    page = signed_in
    now = timezone.now()

    def rate(at):
        return 0.55 if now - timedelta(hours=9) <= at < now - timedelta(hours=6) else 0.995

    snapshots(demo_connection, 7, every(timedelta(minutes=5), now - timedelta(days=1), now), rate, name="S3 Export")
    for hours, content in (
        (9, "Deployed v4.14 (ingestion workers)"),
        (6, "Rolled back v4.14"),
        (6.05, "Paged on-call"),
    ):
        at = (now - timedelta(hours=hours)).astimezone(UTC)
        sim.call("POST", ANNOTATIONS, json={"content": content, "date_marker": at.isoformat(), "scope": "project"})

    page.goto(f"{live_server.url}/history/delivery/7/")
    expect(page.get_by_role("heading", name="Delivery rate of S3 Export")).to_be_visible()
    flags = page.locator("g.chart-flag")
    expect(flags).to_have_count(2)  # the rollback and the page share one flag
    expect(flags.nth(1).locator("title")).to_contain_text("Rolled back v4.14")
    expect(flags.nth(1).locator("title")).to_contain_text("Paged on-call")
    expect(flags.nth(1).locator("text")).to_have_text("2")
    expect(page.locator(".chart-legend")).to_contain_text("annotation: hover its flag")
    shot(page, "history-delivery-annotations")
