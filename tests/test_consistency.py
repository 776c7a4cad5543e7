"""Numbers one page shows twice agree (issue 16), and an installed plugin leads on to "Add to this project".

Against the PostHog simulator, over the Django test client.
"""

import re
from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from apps.sharing.selectors import SharePassword, Sharing

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FS = "/api/projects/1/file_system/"
PLUGINS = "/api/organizations/@current/plugins/"
ONE_PASSWORD = 1  # an insight shared with one password (simulator/areas/sharing/seed.py)
S3_EXPORT = 4  # configured in project 1 (simulator/areas/plugins/seed.py)


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Sharing: "N passwords open it" counts the list it sits beside ----------------------------------------------


def test_adding_a_password_updates_the_count_beside_the_list(operator_client):
    page = text(operator_client.get(reverse("sharing:detail", args=["insights", ONE_PASSWORD])))
    assert "1 password opens it." in page

    fragment = text(
        operator_client.post(
            reverse("sharing:password_create", args=["insights", ONE_PASSWORD]), {"note": "Agency"}, **HTMX
        )
    )
    rows = re.findall(r"<tr>\s*<td>", fragment.split('class="table table-compact password-table"')[1])
    assert len(rows) == 2  # the list htmx swaps in
    # ...and the protection card's sentence comes along out of band, counting the same two.
    summary = fragment.split('id="protection-summary"')[1].split("</p>")[0]
    assert 'hx-swap-oob="true"' in summary and "2 passwords open it." in summary
    assert "1 password opens it." not in fragment


def test_a_full_page_answer_has_one_summary_and_no_out_of_band_copy(operator_client):
    html = text(
        operator_client.post(reverse("sharing:password_create", args=["insights", ONE_PASSWORD]), {"note": "Agency"})
    )
    assert html.count('id="protection-summary"') == 1 and "hx-swap-oob" not in html.split("protection-summary")[1][:40]
    assert "2 passwords open it." in html


def _summary(passwords: list[SharePassword], *, required: bool) -> str:
    sharing = Sharing(
        enabled=True, link="", password_required=required, passwords=passwords, issued_at=None, options=[]
    )
    html = render_to_string("sharing/detail.html#protection_summary", {"sharing": sharing})
    return " ".join(html.split())


def _password(note: str, *, active: bool = True) -> SharePassword:
    return SharePassword(id=note, note=note, created_by="", created_at=datetime.now(UTC), active=active)


def test_a_revoked_password_listed_is_not_counted_as_opening_the_link():
    summary = _summary([_password("Board"), _password("Old", active=False)], required=True)
    assert "1 password opens it." in summary and "2 passwords" not in summary
    everything_revoked = _summary([_password("Old", active=False)], required=True)
    assert "Every password is revoked" in everything_revoked and "No password is set yet" not in everything_revoked


def test_passwords_waiting_for_protection_are_counted_in_words_that_agree():
    assert "its 1 password applies only once protection is on." in _summary([_password("A")], required=False)
    two = _summary([_password("A"), _password("B")], required=False)
    assert "its 2 passwords apply only once protection is on." in two
    assert "The link does not ask for a password." in _summary([], required=False)


# File system: the tree, the "Unfiled" panel and the folder's page count the same things ----------------------


def _counted(client, folder: str) -> int:
    fragment = text(client.get(reverse("file_system:counts"), {"id": "current", "path": folder}, **HTMX))
    return int(re.search(r"(\d+) items?</span>", fragment).group(1))


def test_the_unfiled_counts_agree(admin, sim):
    top = text(admin.get(reverse("file_system:browse")))  # files what had no folder, as PostHog's tree does
    panel_url = top.split('id="fs-unfiled"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    page = text(admin.get(panel_url, **HTMX))  # the "Unfiled" panel, loaded after the page
    panel = int(re.search(r"Browse all (\d+) unfiled items?", page).group(1))
    filed = re.search(r"PostHog just filed (\d+) items? that (?:was|were) missing from the file system", page)
    assert filed is not None  # the third number says what it counts: what was filed just now
    # The tree's badge beside "Unfiled" and the folder's own badge count what the panel counts: items, not folders.
    assert _counted(admin, "Unfiled") == panel
    unfiled_items = sim.call("GET", FS, params={"parent": "Unfiled", "not_type": "folder"}).json()["count"]
    assert panel == unfiled_items
    subfolders = sim.call("GET", FS, params={"parent": "Unfiled", "type": "folder"}).json()["count"]
    assert subfolders > 0  # PostHog's own count takes these in, which the badge must not
    fragment = text(admin.get(reverse("file_system:counts"), {"id": "current", "path": "Unfiled"}, **HTMX))
    assert f"in {subfolders} subfolders not counted here" in fragment


def test_an_empty_folder_counts_nothing_without_asking_for_its_folders(admin, simulator):
    before = len(simulator.requests())
    assert _counted(admin, "No such folder anywhere") == 0
    asked = [r["path"] for r in simulator.requests()[before:]]
    assert asked == [FS + "count_by_path/"]


# Plugins: "Add to this project" --------------------------------------------------------------------------


def _configured_in_project_1(sim) -> set[int]:
    configs = sim.call("GET", "/api/projects/1/plugin_configs/", params={"limit": 500}).json()["results"]
    return {config["plugin"] for config in configs}


def _unconfigured_plugin(sim) -> int:
    plugins = sim.call("GET", PLUGINS, params={"limit": 500}).json()["results"]
    return next(p["id"] for p in plugins if p["id"] not in _configured_in_project_1(sim))


def add_link(plugin_id: int) -> str:
    return f'href="{reverse("plugins:config_create")}?plugin={plugin_id}"'


def test_the_list_offers_add_to_this_project_only_where_the_project_has_no_config(operator_client, sim):
    unconfigured = _unconfigured_plugin(sim)
    assert S3_EXPORT in _configured_in_project_1(sim)
    page = text(operator_client.get(reverse("plugins:list")))
    assert add_link(unconfigured) in page and "Add to this project" in page
    assert add_link(S3_EXPORT) not in page


def test_a_viewer_is_not_offered_add_to_this_project(client_as, viewer, demo_connection, sim):
    viewer_client = client_as(viewer)
    unconfigured = _unconfigured_plugin(sim)
    assert add_link(unconfigured) not in text(viewer_client.get(reverse("plugins:list")))
    detail = text(viewer_client.get(reverse("plugins:detail", args=[unconfigured])))
    assert add_link(unconfigured) not in detail and "runs in no config of this project yet" in detail


def test_a_plugins_page_offers_add_or_opens_its_config(operator_client, sim):
    unconfigured = _unconfigured_plugin(sim)
    page = text(operator_client.get(reverse("plugins:detail", args=[unconfigured])))
    assert add_link(unconfigured) in page and "runs in no config of this project yet" in page

    configured = text(operator_client.get(reverse("plugins:detail", args=[S3_EXPORT])))
    assert add_link(S3_EXPORT) not in configured and "Its config in this project" in configured


def test_the_add_link_opens_the_config_form_with_the_plugin_chosen(operator_client, sim):
    unconfigured = _unconfigured_plugin(sim)
    plugin = sim.call("GET", f"{PLUGINS}{unconfigured}/").json()
    form = text(operator_client.get(f"{reverse('plugins:config_create')}?plugin={unconfigured}"))
    assert plugin["name"] in form and "<form" in form


@pytest.mark.profiles("legacy", reason="cloud organizations may configure plugins, not install them")
def test_installing_a_plugin_leads_on_to_adding_it_to_this_project(admin, sim):
    url = "https://github.com/hedgehog-analytics/posthog-new-thing"
    response = admin.post(reverse("plugins:install"), {"how": "url", "url-url": url}, **HTMX)
    installed = next(p for p in sim.call("GET", PLUGINS, params={"limit": 500}).json()["results"] if p["url"] == url)
    assert response["HX-Redirect"] == reverse("plugins:detail", args=[installed["id"]])

    page = text(admin.get(response["HX-Redirect"]))
    # The success toast names the next step, as a link; the page offers it as its first action.
    toast = page.split('id="toasts"')[1].split("</div>")[0]
    assert "It runs in no project yet" in toast and add_link(installed["id"]) in toast
    actions = page.split('class="actions"')[1].split("</div>")[0]
    assert add_link(installed["id"]) in actions and "Add to this project" in actions


def test_no_add_action_when_posthog_will_not_list_the_projects_configs(operator_client, sim, simulator, monkeypatch):
    from apps.plugins import selectors
    from apps.posthog.errors import PermissionDenied

    def refuse(**_kwargs):
        raise PermissionDenied("no")

    monkeypatch.setattr(selectors, "plugin_config_ids_by_plugin", refuse)
    unconfigured = _unconfigured_plugin(sim)
    assert "Add to this project" not in text(operator_client.get(reverse("plugins:list")))
    page = text(operator_client.get(reverse("plugins:detail", args=[unconfigured])))
    assert add_link(unconfigured) not in page and "runs in no config" not in page
