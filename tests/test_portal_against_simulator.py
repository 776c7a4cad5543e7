"""End to end: the portal over HTTP, talking to the simulator over real HTTP."""

import pytest
import requests
from django.urls import reverse

from apps.connections.services import connection_create
from simulator.core.seed import DEMO_KEY, PLUGINS_ONLY_KEY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_overview_shows_the_project_and_the_switcher_its_projects(operator_client, simulator):
    assert "Hedgehog Web" in operator_client.get(reverse("project_summary"), **HTMX).content.decode()
    picker = operator_client.get(reverse("connections:scope"), **HTMX).content.decode()
    assert "Hedgehog Mobile" in picker and "lists unavailable" not in picker
    if simulator.profile.project_environments_list:
        assert "Development" in picker
    else:
        # Newer PostHog has one environment per project and refuses the list: the project's own is offered.
        assert "Development" not in picker and '<option value="1" selected>Hedgehog Web</option>' in picker


def test_plugin_health_lists_enabled_configs_with_delivery_badges(operator_client):
    card = operator_client.get(reverse("plugin_health"), **HTMX).content.decode()
    assert "delivery-" in card and "No plugin config is enabled" not in card


def test_test_connection_against_the_simulator(client_as, admin_user, demo_connection):
    page = client_as(admin_user).post(reverse("connections:test", args=[demo_connection.pk]), **HTMX).content.decode()
    assert "The key works." in page and "Hedgehog Analytics" in page and "Projects the key can see</strong>: 2:" in page


def test_a_key_without_scope_is_explained(client_as, admin_user, simulator):
    limited = connection_create(
        actor=admin_user, name="Plugins only", host=simulator.url, api_key=PLUGINS_ONLY_KEY, project_id="1"
    )
    page = client_as(admin_user).post(reverse("connections:test", args=[limited.pk]), **HTMX).content.decode()
    assert "lacks the scope “organization:read”" in page


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        ({"error_rate": 1.0, "error_status": 500}, "internal error"),
        ({"rate_limit_per_minute": 1}, "try again in"),
        ({"malformed_rate": 1.0}, "could not understand"),
    ],
)
def test_simulator_faults_reach_the_user_as_messages(operator_client, simulator, faults, message):
    requests.post(f"{simulator.url}/_simulator/faults", json=faults).raise_for_status()
    for _ in range(2):  # the rate limit lets the first request through
        response = operator_client.get(reverse("project_summary"), **HTMX)
    assert response.status_code == 200 and message in response.content.decode()


def test_portal_sends_the_key_only_as_bearer_header(operator_client, simulator):
    operator_client.get(reverse("project_summary"), **HTMX)
    logged = simulator.requests()
    assert logged and all(DEMO_KEY not in str(entry) for entry in logged)
