"""Every file_system row of endpoints.tsv is reachable from the portal's pages.

A crawl (tests/reachability.py) signed in as an Admin starts from the file-system page. The writes behind
those views are tested one by one in test_pages.py. The rows exist only under /api/projects/.
"""

import pytest
from django.urls import reverse

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
FS = "/api/projects/:project_id/file_system/"
PORTAL_VIEW_OF_ROW = {
    ("POST", FS + ":id/link/"): "file_system:link",
    ("POST", FS + ":id/move/"): "file_system:move",
    ("POST", FS + "count_by_path/"): "file_system:counts",
    ("GET", FS + "log_view/"): "file_system:recent",
    ("POST", FS + "log_view/"): "file_system:viewed",
    ("POST", FS + "undo_delete/"): "file_system:undo_delete",
    ("GET", FS + "unfiled/"): "file_system:browse",
}
# Served by the simulator as PostHog does, though not rows of endpoints.tsv: the tree, an item, deleting one.
OTHER_VIEWS = ("file_system:children", "file_system:delete")


@pytest.fixture
def endpoint_rows():
    return area_rows("file_system")


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


def test_a_crawl_from_the_file_system_page_reaches_every_view_and_read(
    client_as, admin_user, demo_connection, simulator, sim
):
    client = client_as(admin_user)
    # Something deleted, so that the page offers its Undo.
    entry = next(
        e for e in sim.call("GET", "/api/projects/1/file_system/", params={"type": "cohort"}).json()["results"]
    )
    assert client.post(reverse("file_system:delete", args=[entry["id"]])).status_code == 302

    found = crawl(client, namespaces=("file_system",), start=reverse("file_system:browse"))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert set(OTHER_VIEWS) <= set(found)
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW), "never read"
    # An item's page posts its view once shown (a POST the crawl does not make): as a browser would.
    item = client.get(found["file_system:item"]).content.decode()
    form = item.split('class="fs-view-record" hx-post="', 1)[1]
    kind, ref = (form.split(f'name="{name}" value="', 1)[1].split('"', 1)[0] for name in ("type", "ref"))
    assert client.post(form.split('"', 1)[0], {"type": kind, "ref": ref}).status_code == 204
    served = {(e["method"], e["path"]) for e in simulator.requests()}
    assert ("POST", "/api/projects/1/file_system/log_view/") in served
    assert ("POST", "/api/projects/1/file_system/count_by_path/") in served
