"""Every plugins and plugin_configs row of endpoints.tsv is reachable from the portal's pages.

A crawl signed in as an Admin follows the pages' links, forms and htmx attributes from the overview;
each row must be served by a portal view the crawl found, and every read the crawl can make must have
reached the simulator. The writes behind those views are tested one by one in test_plugins_pages.py,
test_plugin_config_*.py.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.simulator.spec import rows, skip_or_fail, spec_missing_reason

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
URL_ATTRIBUTES = ("href", "action", "hx-get", "hx-post")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (attribute, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.found.append((name, value))


def _crawl(client, start: str = "/", per_view: int = 60) -> dict[str, str]:
    """{portal view name: first URL seen for it}, visiting (GET) up to `per_view` URLs of every view."""
    seen: dict[str, str] = {}
    visits: dict[str, int] = {}
    queued = {start}
    queue = [start]
    while queue:
        url = queue.pop(0)
        response = client.get(url, HTTP_HX_REQUEST="true" if "/activity/" in url or "/usage/" in url else None)
        assert response.status_code != 500, f"{url} crashed"  # 502/404: PostHog refused, said politely
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for attribute, value in parser.found:
            target = urljoin(url, value)
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            try:
                name = resolve(parts.path).view_name
            except Resolver404:
                continue
            if not name.startswith("plugins:"):
                continue
            seen.setdefault(name, target)
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if attribute in ("href", "hx-get") and local not in queued and visits.get(name, 0) < per_view:
                visits[name] = visits.get(name, 0) + 1
                queued.add(local)
                queue.append(local)
    return seen


@pytest.fixture
def endpoint_rows():
    if reason := spec_missing_reason():
        skip_or_fail(reason)
    return {row.key for row in rows() if row.area in ("plugins", "plugin_configs")}


def test_every_row_has_a_portal_view(endpoint_rows):
    assert set(PORTAL_VIEW_OF_ROW) == endpoint_rows


def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator, sim):
    # An installed version older than the newest one, so that an upgrade is offered somewhere.
    plugin = next(
        p
        for p in sim.call("GET", ORG.replace(":parent_lookup_organization_id", "@current")).json()["results"]
        if p["latest_tag"]
    )
    assert sim.call("PATCH", f"/api/organizations/@current/plugins/{plugin['id']}/", json={"tag": "0.0.1"}).ok
    found = _crawl(client_as(admin_user))
    missing = sorted({view for view in PORTAL_VIEW_OF_ROW.values()} - set(found))
    assert not missing, f"not linked from any page: {missing}"

    served = {(entry["method"], entry["path"]) for entry in simulator.simulator.request_log()}
    for method, template in PORTAL_VIEW_OF_ROW:
        if method != "GET" or (method, template) in READS_BEHIND_BUTTONS:
            continue
        pattern = re.compile("^" + re.sub(r":\w+", "[^/]+", template) + "$")
        assert any(m == method and pattern.match(path) for m, path in served), f"never read: {template}"
