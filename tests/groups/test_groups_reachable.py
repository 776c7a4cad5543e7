"""Every groups row of endpoints.tsv is reachable from the portal's pages, under both of PostHog's prefixes.

A crawl (tests/reachability.py) signed in as an Admin starts from the groups list, once with no environment
picked (PostHog's project paths) and once with one picked (its environment paths). The writes behind those
views are tested one by one in test_groups_pages.py and test_group_properties.py, under both prefixes too.
"""

import pytest

from tests.groups.conftest import served
from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
PROJECT = "/api/projects/:project_id/groups/"
ENVIRONMENT = "/api/environments/:environment_id/groups/"
PROPERTY_ROWS = {
    ("GET", "activity/"): "groups:activity",
    ("POST", "delete_property/"): "groups:property_delete",
    ("GET", "find/"): "groups:detail",  # and groups:find
    ("GET", "property_definitions/"): "groups:property_keys",
    ("GET", "property_values/"): "groups:property_values",
    ("POST", "update_property/"): "groups:property_edit",  # and groups:property_add
}
PROJECT_ROWS = {
    ("GET", PROJECT): "groups:list",
    ("POST", PROJECT): "groups:create",
    **{(method, PROJECT + rest): view for (method, rest), view in PROPERTY_ROWS.items()},
}
ENVIRONMENT_ROWS = {(method, ENVIRONMENT + rest): view for (method, rest), view in PROPERTY_ROWS.items()}
PORTAL_VIEW_OF_ROW = PROJECT_ROWS | ENVIRONMENT_ROWS


def test_every_row_has_a_portal_view():
    assert set(PORTAL_VIEW_OF_ROW) == area_rows("groups")


@pytest.mark.profiles("legacy", reason="today's PostHog has no groups property_definitions for the crawl to reach")
def test_a_crawl_reaches_every_view_and_read_under_both_prefixes(admin, sim, simulator, development, pick_environment):
    found = crawl(admin, namespaces=("groups",), start="/groups/", per_view=4)
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert {"groups:find", "groups:property_add"} <= set(found)
    assert not unread_rows(simulator, PROJECT_ROWS), "never read under /api/projects/"
    assert not served(simulator, "GET", "/api/environments/")

    sim.call("DELETE", "/_simulator/requests").raise_for_status()
    pick_environment(admin, development)
    found = crawl(admin, namespaces=("groups",), start="/groups/", per_view=4)
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, ENVIRONMENT_ROWS), "never read under /api/environments/"
    # The list has no row of its own under /api/environments/, yet follows the environment there too.
    assert served(simulator, "GET", f"/api/environments/{development}/groups/")
    assert not served(simulator, "GET", "/api/projects/1/groups/")
