"""In Debian's Chromium: sign in, switch connection, and see an upstream failure shown politely."""

import socket

import pytest
from playwright.sync_api import expect

from apps.connections.services import connection_create
from tests.browser import shot, sign_in
from tests.conftest import TEST_KEY
from tests.fake_posthog import fake_posthog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = {"count": 1, "next": None, "previous": None}
HEALTHY_ROUTES = {
    "/api/projects/1/": (
        200,
        {"id": 1, "name": "Hedgehog Web", "timezone": "Europe/Berlin", "created_at": "2024-01-02T03:04:05Z"},
    ),
    "/api/organizations/@current/projects/": (200, {**PAGE, "results": [{"id": 1, "name": "Hedgehog Web"}]}),
    "/api/projects/1/environments/": (200, {**PAGE, "results": [{"id": 1, "name": "Production"}]}),
}


def refused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_sign_in_switch_connection_and_see_upstream_error(page, live_server, admin_user):
    with fake_posthog(HEALTHY_ROUTES) as healthy:
        connection_create(actor=admin_user, name="Healthy", host=healthy.url, api_key=TEST_KEY, project_id="1")
        connection_create(actor=admin_user, name="Unreachable", host=refused_url(), api_key=TEST_KEY, project_id="1")

        sign_in(page, live_server, admin_user.username)
        expect(page.locator("#project-summary")).to_contain_text("Hedgehog Web")
        expect(page.locator("select[name=environment_id]")).to_contain_text("Production")
        shot(page, "overview")

        page.locator("select[name=connection]").select_option(label="Unreachable")
        expect(page.locator("select[name=connection]")).to_have_value(
            str(admin_user.connection_set.get(name="Unreachable").pk)
        )
        expect(page.locator("#toasts")).to_contain_text("Now working on Unreachable.")
        summary = page.locator("#project-summary")
        expect(summary).to_contain_text("Could not reach PostHog")
        expect(summary).to_contain_text("connection refused")
        expect(page.locator("#toasts .toast-error")).to_contain_text("Could not reach PostHog")
        expect(page.locator("select[name=project_id]")).to_be_visible()
        shot(page, "overview-upstream-error")
        assert TEST_KEY not in page.content()
        assert "Server Error (500)" not in page.content()


def test_viewer_sees_no_admin_actions_and_dark_mode_sticks(page, live_server, viewer, admin_user):
    connection = connection_create(actor=admin_user, name="Production", host=refused_url(), api_key=TEST_KEY)
    sign_in(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/connections/{connection.pk}/")
    expect(page.get_by_role("heading", name="Production")).to_be_visible()
    expect(page.get_by_role("button", name="Test connection")).to_have_count(0)
    page.locator("[data-theme-toggle]").click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") in ("dark", "light")
    shot(page, "connection-detail-viewer")


def test_admin_tests_a_connection_with_a_rejected_key(page, live_server, admin_user):
    routes = {
        "/api/organizations/@current/": (
            401,
            {
                "type": "authentication_error",
                "code": "authentication_failed",
                "detail": "Invalid personal API key.",
                "attr": None,
            },
        )
    }
    with fake_posthog(routes) as fake:
        connection = connection_create(actor=admin_user, name="Wrong key", host=fake.url, api_key=TEST_KEY)
        sign_in(page, live_server, admin_user.username)
        page.goto(f"{live_server.url}/connections/{connection.pk}/")
        page.get_by_role("button", name="Test connection").click()
        expect(page.locator("#test-result")).to_contain_text("PostHog rejected the API key")
        shot(page, "connection-test-rejected")
        page.get_by_label("New personal API key").fill("short")
        page.get_by_role("button", name="Replace key").click()
        expect(page.locator("#replace-key")).to_contain_text("at least 8 characters")
        shot(page, "connection-replace-key-invalid")


def test_empty_state_without_connection(page, live_server, admin_user):
    sign_in(page, live_server, admin_user.username)
    expect(page.get_by_role("heading", name="No PostHog configured")).to_be_visible()
    shot(page, "overview-no-posthog")
    page.get_by_role("link", name="Add a connection").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error").first).to_be_visible()
    shot(page, "connection-form-invalid")
