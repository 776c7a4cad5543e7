"""Every annotations row of endpoints.tsv is reachable from the portal's pages (writes: test_pages.py).

Annotation rows exist under /api/projects/ only, so one crawl (no environment picked) covers them.
"""

import pytest

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
ANNOTATIONS = "/api/projects/:project_id/annotations/"
PORTAL_VIEW_OF_ROW = {
    ("GET", ANNOTATIONS): "annotations:list",
    ("POST", ANNOTATIONS): "annotations:create",
    ("GET", ANNOTATIONS + ":id/"): "annotations:detail",
    ("PATCH", ANNOTATIONS + ":id/"): "annotations:edit",
    # PostHog answers DELETE with 405 and no body: the delete view soft-deletes with PATCH `deleted: true`, as
    # its docstring says, and test_pages.py checks that DELETE is never sent.
    ("DELETE", ANNOTATIONS + ":id/"): "annotations:delete",
}


def test_every_row_has_a_portal_view():
    assert set(PORTAL_VIEW_OF_ROW) == area_rows("annotations")


def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator):
    found = crawl(client_as(admin_user), namespaces=("annotations",), per_view=10)
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
