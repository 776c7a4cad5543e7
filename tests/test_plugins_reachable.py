"""Every plugins and plugin_configs row of endpoints.tsv is reachable from the portal's pages.

A crawl (tests/reachability.py) signed in as an Admin starts from the overview. The writes behind those views
are tested one by one in test_plugins_pages.py, test_plugin_config_*.py.
"""

import pytest

from tests.reachability import area_rows, crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
ORG = "/api/organizations/:parent_lookup_organization_id/plugins/"
CONFIGS = "/api/projects/:project_id/plugin_configs/"
PORTAL_VIEW_OF_ROW = {
    ("GET", ORG): "plugins:list",
    ("POST", ORG): "plugins:install",
    ("GET", ORG + ":id/"): "plugins:detail",
    ("PATCH", ORG + ":id/"): "plugins:edit",
    ("DELETE", ORG + ":id/"): "plugins:delete",
    ("GET", ORG + ":id/check_for_updates/"): "plugins:check_for_updates",
    ("GET", ORG + ":id/source/"): "plugins:source",
    ("PATCH", ORG + ":id/update_source/"): "plugins:source_edit",
    ("POST", ORG + ":id/upgrade/"): "plugins:upgrade",
    ("GET", ORG + "activity/"): "plugins:activity",
    ("GET", ORG + "repository/"): "plugins:install",
    ("GET", CONFIGS): "plugins:configs",
    ("POST", CONFIGS): "plugins:config_create",
    ("GET", CONFIGS + ":id/"): "plugins:config_detail",
    ("PATCH", CONFIGS + ":id/"): "plugins:config_edit",
    ("DELETE", CONFIGS + ":id/"): "plugins:config_delete",
    ("GET", CONFIGS + ":id/activity/"): "plugins:config_activity",
    ("GET", CONFIGS + ":id/frontend/"): "plugins:config_frontend",
    ("POST", CONFIGS + ":id/job/"): "plugins:config_job",
    ("GET", CONFIGS + ":plugin_config_id/logs/"): "plugins:config_logs",
    ("PATCH", CONFIGS + "rearrange/"): "plugins:config_rearrange",
}
# A GET upstream that the portal makes only when someone presses a button.
READS_BEHIND_BUTTONS = {("GET", ORG + ":id/check_for_updates/")}


@pytest.fixture
def endpoint_rows():
    return area_rows("plugins", "plugin_configs")


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


@pytest.mark.profiles("legacy", reason="today's PostHog refuses installs, source, activity and jobs to the demo key")
def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator, sim):
    # An installed version older than the newest one, so that an upgrade is offered somewhere.
    plugin = next(
        p
        for p in sim.call("GET", ORG.replace(":parent_lookup_organization_id", "@current")).json()["results"]
        if p["latest_tag"]
    )
    assert sim.call("PATCH", f"/api/organizations/@current/plugins/{plugin['id']}/", json={"tag": "0.0.1"}).ok
    found = crawl(client_as(admin_user), namespaces=("plugins",))
    assert not unlinked_views(found, PORTAL_VIEW_OF_ROW), "not linked from any page"
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ROW, except_rows=READS_BEHIND_BUTTONS), "never read"
