"""Every insight_sharing and recording_sharing row of endpoints.tsv is reachable from the portal's pages.

A crawl (tests/reachability.py) signed in as an Admin starts from the insight sharing page, once with no environment
picked (insight sharing under /api/projects/) and once with one picked (under /api/environments/). The writes behind
those views are tested one by one in test_sharing_pages.py.
"""

import pytest
from django.urls import reverse

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
PROJECT = "/api/projects/:project_id/insights/:insight_id/sharing/"
ENVIRONMENT = "/api/environments/:environment_id/insights/:insight_id/sharing/"
RECORDING = "/api/environments/:environment_id/session_recordings/:recording_id/sharing/"
PORTAL_VIEW_OF_ROW = {
    **{
        row: view
        for prefix in (PROJECT, ENVIRONMENT)
        for row, view in {
            ("GET", prefix): "sharing:detail",
            ("POST", prefix + "passwords/"): "sharing:password_create",
            ("DELETE", prefix + "passwords/:password_id/"): "sharing:password_delete",
            ("POST", prefix + "refresh/"): "sharing:refresh",
        }.items()
    },
    ("GET", RECORDING): "sharing:detail",
    ("POST", RECORDING + "passwords/"): "sharing:password_create",
}
DEVELOPMENT = "102"  # the second environment of project 1


@pytest.fixture
def endpoint_rows():
    return area_rows("insight_sharing", "recording_sharing")


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


def test_a_crawl_reaches_every_view_and_both_path_forms(client_as, admin_user, demo_connection, simulator):
    client = client_as(admin_user)
    found = crawl(client, namespaces=("sharing",), start=reverse("sharing:insights"))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert unread_rows(simulator, PORTAL_VIEW_OF_ROW) == [ENVIRONMENT], "only the environment form is left"

    client.post(
        reverse("connections:switch"),
        {"connection": demo_connection.pk, "project_id": "1", "environment_id": DEVELOPMENT},
    )
    found = crawl(client, namespaces=("sharing",), start=reverse("sharing:insights"))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
    served = {entry["path"] for entry in simulator.requests()}
    assert any(path.startswith(f"/api/environments/{DEVELOPMENT}/insights/") for path in served)
