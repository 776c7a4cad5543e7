"""Every secret_api_keys and project_actions row of endpoints.tsv is reachable from the portal's pages.

A crawl (tests/reachability.py) signed in as an Admin starts from the overview, once with no environment picked and
once with the Development environment picked: secret keys live per environment. The writes behind those views are
tested one by one in test_secret_keys_pages.py and test_project_actions_pages.py.
"""

import pytest
from django.urls import reverse

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
KEYS = "/api/environments/:environment_id/project_secret_api_keys/"
PROJECT = "/api/organizations/:organization_id/projects/:id/"
PORTAL_VIEW_OF_ROW = {
    ("GET", KEYS): "secret_keys:list",
    ("POST", KEYS): "secret_keys:create",
    ("GET", KEYS + ":id/"): "secret_keys:edit",
    ("PATCH", KEYS + ":id/"): "secret_keys:edit",
    ("DELETE", KEYS + ":id/"): "secret_keys:delete",
    ("POST", KEYS + ":id/roll/"): "secret_keys:roll",
    ("PATCH", PROJECT + "complete_product_onboarding/"): "project_actions:complete_product_onboarding",
    ("PATCH", PROJECT + "delete_secret_token_backup/"): "project_actions:delete_secret_token_backup",
    ("POST", PROJECT + "generate_conversations_public_token/"): "project_actions:generate_conversations_public_token",
    ("GET", PROJECT + "is_generating_demo_data/"): "project_actions:is_generating_demo_data",
    ("PATCH", PROJECT + "reset_token/"): "project_actions:reset_token",
    ("PATCH", PROJECT + "rotate_secret_token/"): "project_actions:rotate_secret_token",
}
NAMESPACES = ("secret_keys", "project_actions")


@pytest.fixture
def endpoint_rows():
    return area_rows("secret_api_keys", "project_actions")


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


def served(simulator, path_start: str) -> bool:
    return bool(simulator.requests(path_prefix=path_start))


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses token actions to personal API keys and the environments list"
)
def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator, sim):
    # A backup exists only after a rotation; its delete button is shown only then.
    sim.call("PATCH", "/api/organizations/@current/projects/1/rotate_secret_token/").raise_for_status()
    client = client_as(admin_user)

    found = crawl(client, namespaces=NAMESPACES)
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
    assert served(simulator, "/api/environments/1/project_secret_api_keys/")

    development = next(
        env
        for env in sim.call("GET", "/api/projects/1/environments/").json()["results"]
        if env["name"] == "Development"
    )
    client.post(
        reverse("connections:switch"),
        {"connection": demo_connection.pk, "project_id": "1", "environment_id": development["id"]},
    )
    again = crawl(client, namespaces=NAMESPACES)
    assert not unlinked_views(again, PORTAL_VIEW_OF_ROW)
    assert served(simulator, f"/api/environments/{development['id']}/project_secret_api_keys/")
