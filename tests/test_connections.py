"""Admins manage connections; the key is write-only, encrypted at rest and never shown or logged."""

import logging
import socket
import threading
import time

import pytest
import responses
from django.db import connection as db
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.connections.models import Connection
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.django_db
HOST = "https://posthog.example.test"
NEW_KEY = "phx_ReplacementKeyZyXwVuTsRqPoNmLk987"


def create_form(**overrides):
    data = {
        "name": "Staging",
        "host_choice": "https://eu.posthog.com",
        "self_hosted_url": "",
        "api_key": TEST_KEY,
        "organization_id": "@current",
        "project_id": "7",
        "environment_id": "",
    }
    return {**data, **overrides}


def test_admin_creates_a_connection_and_it_becomes_current(client_as, admin_user):
    client = client_as(admin_user)
    response = client.post(reverse("connections:create"), create_form(), follow=True)
    connection = Connection.objects.get(name="Staging")
    assert connection.host == "https://eu.posthog.com" and connection.project_id == "7"
    assert connection.api_key == TEST_KEY
    page = response.content.decode()
    assert "Connection “Staging” saved" in page
    assert "selected>Staging</option>" in page


def test_key_is_encrypted_at_rest(connection):
    with db.cursor() as cursor:
        cursor.execute("SELECT api_key FROM connections_connection WHERE id = %s", [connection.pk])
        stored = cursor.fetchone()[0]
    assert TEST_KEY not in stored
    assert Connection.objects.get(pk=connection.pk).api_key == TEST_KEY


def test_key_is_never_shown_in_any_page(client_as, admin_user, connection):
    client = client_as(admin_user)
    for url in [
        reverse("home"),
        reverse("connections:list"),
        reverse("connections:detail", args=[connection.pk]),
        reverse("connections:edit", args=[connection.pk]),
    ]:
        page = client.get(url).content.decode()
        assert TEST_KEY not in page
        assert TEST_KEY[4:20] not in page
    assert "…cdef" in client.get(reverse("connections:detail", args=[connection.pk])).content.decode()


def test_invalid_form_shows_errors_on_their_fields_and_keeps_the_input(client_as, admin_user, connection):
    response = client_as(admin_user).post(
        reverse("connections:create"),
        create_form(name="production", host_choice="self", self_hosted_url="", api_key="short", project_id="42"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another connection has this name." in page
    assert "Enter the address of your PostHog." in page
    assert "at least 8 characters" in page
    assert 'value="42"' in page  # what was typed is still there
    assert Connection.objects.count() == 1


def test_edit_never_asks_for_or_changes_the_key(client_as, admin_user, connection):
    client = client_as(admin_user)
    assert 'name="api_key"' not in client.get(reverse("connections:edit", args=[connection.pk])).content.decode()
    client.post(
        reverse("connections:edit", args=[connection.pk]),
        create_form(name="Production EU", api_key="phx_ignored_ignored"),
    )
    connection.refresh_from_db()
    assert connection.name == "Production EU" and connection.api_key == TEST_KEY


def test_replace_key_is_audited_without_the_key(client_as, admin_user, connection):
    client_as(admin_user).post(
        reverse("connections:replace_key", args=[connection.pk]), {"api_key": NEW_KEY}, HTTP_HX_REQUEST="true"
    )
    connection.refresh_from_db()
    assert connection.api_key == NEW_KEY
    event = AuditEvent.objects.filter(area="connections", method="PATCH").latest("id")
    assert event.actor == admin_user and "replaced the API key" in event.path
    assert NEW_KEY not in str(event.before) + str(event.after) and TEST_KEY not in str(event.before)


def test_delete_is_audited(client_as, admin_user, connection):
    response = client_as(admin_user).post(reverse("connections:delete", args=[connection.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("connections:list")
    assert not Connection.objects.exists()
    event = AuditEvent.objects.get(method="DELETE")
    assert event.actor_name == admin_user.username and event.before["name"] == "Production"


@responses.activate
def test_test_connection_reports_what_the_key_reaches(client_as, admin_user, connection):
    responses.get(f"{HOST}/api/organizations/org-1/", json={"id": "org-1", "name": "Hedgehogs Inc"})
    responses.get(
        f"{HOST}/api/organizations/org-1/projects/",
        json={
            "count": 2,
            "next": None,
            "previous": None,
            "results": [{"id": 1, "name": "Web"}, {"id": 2, "name": "<b>App</b>"}],
        },
    )
    responses.get(f"{HOST}/api/projects/1/", json={"id": 1, "name": "Web"})
    page = (
        client_as(admin_user)
        .post(reverse("connections:test", args=[connection.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "The key works." in page
    assert "Hedgehogs Inc" in page and "Projects the key can see</strong>: 2:" in page
    assert "&lt;b&gt;App&lt;/b&gt;" in page  # PostHog's text is escaped
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TEST_KEY}"


@responses.activate
def test_test_connection_says_a_wrong_key_was_rejected(client_as, admin_user, connection, caplog):
    responses.get(
        f"{HOST}/api/organizations/org-1/",
        status=401,
        json={
            "type": "authentication_error",
            "code": "authentication_failed",
            "detail": "Invalid personal API key.",
            "attr": None,
        },
    )
    with caplog.at_level(logging.DEBUG):
        page = client_as(admin_user).post(reverse("connections:test", args=[connection.pk])).content.decode()
    assert "The test failed." in page and "PostHog rejected the API key" in page
    assert TEST_KEY not in page and TEST_KEY not in caplog.text


def test_test_connection_says_an_unreachable_host_is_unreachable(client_as, admin_user, connection):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    Connection.objects.filter(pk=connection.pk).update(host=f"http://127.0.0.1:{port}")
    started = time.monotonic()
    page = client_as(admin_user).post(reverse("connections:test", args=[connection.pk])).content.decode()
    assert time.monotonic() - started < 3
    assert f"Could not reach PostHog at 127.0.0.1:{port}" in page and "connection refused" in page


def test_test_connection_gives_up_on_a_silent_host_within_the_timeout(client_as, admin_user, connection, settings):
    settings.POSTHOG_READ_TIMEOUT = 1.0
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    Connection.objects.filter(pk=connection.pk).update(host=f"http://127.0.0.1:{server.getsockname()[1]}")
    started = time.monotonic()
    try:
        page = client_as(admin_user).post(reverse("connections:test", args=[connection.pk])).content.decode()
    finally:
        server.close()
    assert time.monotonic() - started < 4
    assert "did not answer within 1 seconds" in page


def test_switcher_changes_connection_project_and_environment(client_as, viewer, connection, admin_user):
    from apps.connections.services import connection_create

    other = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    client = client_as(viewer)
    client.post(reverse("connections:switch"), {"connection": other.pk})
    assert client.session["posthog_connection_id"] == other.pk
    client.post(reverse("connections:switch"), {"connection": other.pk, "project_id": "9", "environment_id": "90"})
    page = client.get(reverse("home")).content.decode()
    assert "<code>9</code>" in page and "<code>90</code>" in page


def test_switch_to_a_deleted_connection_is_explained(client_as, viewer, connection):
    client = client_as(viewer)
    response = client.post(reverse("connections:switch"), {"connection": 999}, follow=True)
    assert "That connection no longer exists." in response.content.decode()


def test_default_connection_comes_from_settings(settings, client_as, viewer):
    settings.POSTHOG_HOST = "https://eu.posthog.com/"
    settings.POSTHOG_PERSONAL_API_KEY = TEST_KEY
    settings.POSTHOG_PROJECT_ID = "321"
    page = client_as(viewer).get(reverse("home")).content.decode()
    connection = Connection.objects.get(from_environment=True)
    assert connection.host == "https://eu.posthog.com" and connection.project_id == "321"
    assert "Default (from settings)" in page and "No PostHog configured" not in page


def test_without_connection_the_overview_says_no_posthog_is_configured(client_as, admin_user):
    page = client_as(admin_user).get(reverse("home")).content.decode()
    assert "No PostHog configured" in page and "Add a connection" in page
