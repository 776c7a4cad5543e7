"""Every roles row of endpoints.tsv is reachable from the portal's pages (writes are tested in test_pages.py)."""

import pytest

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
ROLES = "/api/organizations/:organization_id/roles/"
PORTAL_VIEW_OF_ROW = {
    ("GET", ROLES): "roles:list",
    ("POST", ROLES): "roles:create",
    ("GET", ROLES + ":id/"): "roles:detail",
    ("PATCH", ROLES + ":id/"): "roles:rename",
    ("DELETE", ROLES + ":id/"): "roles:delete",
}


def test_every_row_has_a_portal_view():
    assert set(PORTAL_VIEW_OF_ROW) == area_rows("roles")


def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator):
    found = crawl(client_as(admin_user), namespaces=("roles",))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
