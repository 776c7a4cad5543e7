"""Every cohorts row of endpoints.tsv is reachable from the portal's pages.

A crawl (tests/reachability.py) signed in as an Admin starts from the cohorts list. The writes behind those views
are tested in test_pages.py. The rows exist only under /api/projects/.
"""

import pytest
from django.urls import reverse

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
COHORTS = "/api/projects/:project_id/cohorts/"
PORTAL_VIEW_OF_ROW = {
    ("GET", COHORTS): "cohorts:list",
    ("POST", COHORTS): "cohorts:create",
}


@pytest.fixture
def endpoint_rows():
    return area_rows("cohorts")


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


def test_a_crawl_from_the_list_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator):
    found = crawl(client_as(admin_user), namespaces=("cohorts",), start=reverse("cohorts:list"))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert "cohorts:detail" in found  # GET /cohorts/:id/, served like PostHog though not a row
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
