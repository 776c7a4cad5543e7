"""In Debian's Chromium: an Admin adds an in-portal channel, creates a rule that sends to it, sends a test from the
rule's page and sees the notification counted in the top bar; a rule's history reads on a phone without sideways
scroll."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.alerts.models import Alert, AlertRule, Notification
from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_create_a_rule_send_a_test_and_see_the_notification(page, live_server, demo_connection, admin_user):
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/alerts/channels/")
    page.get_by_role("link", name="New channel").click()
    page.get_by_label("Name").fill("Ops in the portal")
    page.get_by_label("In the portal").check()
    expect(page.get_by_label("URL", exact=True)).to_be_hidden()  # a portal channel has no URL to ask for
    page.get_by_role("button", name="Create channel").click()
    expect(page.locator("#toasts")).to_contain_text("Created the channel “Ops in the portal”.")

    page.get_by_role("link", name="Rules").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("S3 <Export> failing")
    page.get_by_label("When").select_option("rate_below")
    expect(page.get_by_label("Count")).to_be_hidden()  # only the numbers this kind reads
    page.get_by_role("button", name="Create rule").click()
    expect(page.locator(".field-error")).to_have_text("This kind of rule needs a rate.")
    page.get_by_label("Rate below (%)").fill("95")
    page.get_by_label("Ops in the portal").check()
    page.get_by_role("button", name="Create rule").click()
    expect(page.get_by_role("heading", name="S3 <Export> failing")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Created the alert rule “S3 <Export> failing”.")
    expect(page.get_by_text("Success / delivery rate below 95 % for 15 min")).to_be_visible()

    expect(page.locator("#alerts-unread .badge")).to_have_count(0)
    page.get_by_role("button", name="Send a test to Ops in the portal").click()
    result = page.locator(".alert-test-result")
    expect(result).to_contain_text("Sent")
    expect(result).to_contain_text("Test delivered to Ops in the portal")
    page.reload()  # the top bar counts it on the next page
    expect(page.locator("#alerts-unread .badge")).to_have_text("1")
    expect(page.get_by_text("working")).to_be_visible()

    page.locator("#alerts-unread").click()
    notification = page.locator(".alert-notification")
    expect(notification).to_contain_text("Test: S3 <Export> failing")
    shot(page, "alerts-notifications")
    page.get_by_role("button", name="Mark read: Test: S3 <Export> failing").click()
    expect(notification).not_to_contain_text("unread")
    expect(page.locator("#alerts-unread .badge")).to_have_count(0)  # swapped out of band, no reload


def test_a_rules_history_reads_on_a_phone(page, live_server, demo_connection, operator, admin_user):
    rule = AlertRule.objects.create(
        name="Nightly exports",
        kind=AlertRule.Kind.EXPORT_FAILED,
        connection=demo_connection,
        owner=operator,
        scope=AlertRule.Scope.ALL,
    )
    now = timezone.now()
    long_error = "S3 AccessDenied: " + "arn:aws:s3:::a-very-long-bucket-name-without-any-break-" * 4
    Alert.objects.create(
        rule=rule, subject="batch_export:1:a", subject_name="S3 nightly", started_at=now, message=long_error
    )
    Alert.objects.create(
        rule=rule,
        subject="batch_export:1:a",
        subject_name="S3 nightly",
        started_at=now - timedelta(hours=5),
        resolved_at=now - timedelta(hours=4),
        notifications=2,
    )
    AlertRule.objects.create(name="Another rule", kind=AlertRule.Kind.POLLER_STALE, connection=demo_connection)
    for number in range(12):  # two digits in the top bar's count
        Notification.objects.create(user=operator, title=f"Failing: S3 nightly — run {number} failed", link="/alerts/")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/alerts/")
    expect(page.get_by_text("Firing")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "alerts-rules")

    page.get_by_role("link", name="Nightly exports", exact=True).click()
    expect(page.locator(".alert-episode")).to_have_count(2)
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#toasts")).to_contain_text("Acknowledged")
    expect(page.get_by_text(f"acknowledged by {operator.username}")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "alerts-rule-history")
    page.goto(f"{live_server.url}/alerts/notifications/")
    expect(page.locator("#alerts-unread .badge")).to_have_text("12")
    assert no_sideways_scroll(page)
