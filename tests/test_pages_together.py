"""The plugin and file-system pages read what they need together (apps.core.parallel.together): every part still
shows, a failing secondary read still lets the rest of the page show, and each page asks PostHog for the same
things it asked when it read them one after another. How long a page waits is measured in bench/pages.py, never
asserted here."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.core.parallel import together
from apps.posthog.errors import NotFound

pytestmark = pytest.mark.django_db
CONFIGS = "/api/projects/1/plugin_configs/"
PLUGINS = "/api/organizations/@current/plugins/"
FS = "/api/projects/1/file_system/"


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.fixture
def config_ids(sim):
    configs = sim.call("GET", CONFIGS + "?limit=100").json()["results"]
    return {config["name"]: config["id"] for config in configs}


def asked(simulator, *prefixes: str) -> set[tuple[str, str]]:
    """(method, path) of what the portal asked PostHog under these prefixes (the layout's own reads left out)."""
    return {(entry["method"], entry["path"]) for entry in simulator.requests() if entry["path"].startswith(prefixes)}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# together ----------------------------------------------------------------------------------------------------


def test_together_keeps_each_reads_value_or_error_by_name() -> None:
    def missing() -> int:
        raise NotFound("Not found.")

    reads = together(first=lambda: 1, second=missing)
    assert reads.value("first") == 1
    assert reads["second"].value is None and isinstance(reads["second"].error, NotFound)
    with pytest.raises(NotFound):
        reads.value("second")


@pytest.mark.django_db(transaction=True)
def test_together_runs_reads_side_by_side_outside_a_transaction() -> None:
    import threading

    names = together(first=lambda: threading.current_thread().name, second=lambda: threading.current_thread().name)
    assert {names.value("first"), names.value("second")} != {threading.current_thread().name}


# Plugin configs ----------------------------------------------------------------------------------------------


def test_the_config_list_names_every_config_from_one_plugin_list(admin, simulator, config_ids):
    simulator.requests_clear()
    page = text(admin.get(reverse("plugins:configs")))
    assert all(escape(name) in page for name in config_ids)
    assert asked(simulator, CONFIGS, PLUGINS) == {("GET", CONFIGS), ("GET", PLUGINS)}


def test_the_config_detail_shows_every_part(admin, simulator, config_ids):
    config_id = config_ids["S3 Export"]
    simulator.requests_clear()
    page = text(admin.get(reverse("plugins:config_detail", args=[config_id])))
    assert "<h1>S3 Export</h1>" in page and "Delivery (24 h)" in page
    wanted = {("GET", f"{CONFIGS}{config_id}/")}
    if not simulator.profile.plugin_config_delivery_rate:
        # The config reports no rate and no error: its app metrics and newest error are read, as before.
        wanted |= {("GET", f"{CONFIGS}{config_id}/logs/")}
        wanted |= asked(simulator, f"/api/projects/1/app_metrics/{config_id}/")
        assert asked(simulator, CONFIGS, "/api/projects/1/app_metrics/") == wanted


def test_a_config_detail_whose_logs_fail_still_shows_the_rest(admin, simulator, sim, config_ids):
    config_id = config_ids["S3 Export"]
    own_error = sim.call("GET", f"{CONFIGS}{config_id}/").json().get("error")
    simulator.script("GET", rf"{CONFIGS}{config_id}/logs/", status=500, body={"detail": "boom"}, times=5)
    page = text(admin.get(reverse("plugins:config_detail", args=[config_id])))
    assert "<h1>S3 Export</h1>" in page and "Delivery (24 h)" in page
    # Where PostHog keeps the error on the config, the logs are not needed for it.
    assert ("The last error could not be read." in page) == (not own_error)


def test_a_config_detail_whose_app_metrics_fail_still_shows_the_rest(admin, simulator, config_ids):
    config_id = config_ids["S3 Export"]
    simulator.script("GET", rf"/api/projects/1/app_metrics/{config_id}/", status=500, body={}, times=5)
    page = text(admin.get(reverse("plugins:config_detail", args=[config_id])))
    assert "<h1>S3 Export</h1>" in page
    if not simulator.profile.plugin_config_delivery_rate:
        assert "delivery-absent" in page and "unknown" in page


def test_the_logs_page_names_the_config_and_shows_its_entries(admin, simulator, config_ids):
    config_id = config_ids["S3 Export"]
    simulator.requests_clear()
    page = text(admin.get(reverse("plugins:config_logs", args=[config_id])))
    assert "S3 Export" in page and 'id="log-rows"' in page
    assert asked(simulator, CONFIGS) == {("GET", f"{CONFIGS}{config_id}/"), ("GET", f"{CONFIGS}{config_id}/logs/")}


def test_a_config_that_is_gone_is_still_a_polite_404_on_its_logs_page(admin):
    response = admin.get(reverse("plugins:config_logs", args=[999999]))
    assert response.status_code == 404


# Plugins -----------------------------------------------------------------------------------------------------


def test_the_plugin_list_offers_adding_only_what_the_project_lacks(admin, simulator):
    simulator.requests_clear()
    page = text(admin.get(reverse("plugins:list")))
    assert "Add to this project" in page
    assert asked(simulator, CONFIGS, PLUGINS) == {("GET", CONFIGS), ("GET", PLUGINS)}


def test_a_plugin_list_whose_configs_fail_still_lists_the_plugins(admin, simulator, sim):
    names = [plugin["name"] for plugin in sim.call("GET", PLUGINS).json()["results"]]
    simulator.script("GET", CONFIGS, status=500, body={"detail": "boom"}, times=5)
    page = text(admin.get(reverse("plugins:list")))
    assert all(escape(name) in page for name in names)
    assert "Add to this project" not in page  # unknown which the project has: nothing offered that may duplicate


def test_the_plugin_detail_reads_the_plugin_and_the_projects_configs(admin, simulator, sim):
    plugin = sim.call("GET", PLUGINS).json()["results"][0]
    simulator.requests_clear()
    page = text(admin.get(reverse("plugins:detail", args=[plugin["id"]])))
    assert escape(plugin["name"]) in page
    assert asked(simulator, CONFIGS, PLUGINS) == {("GET", CONFIGS), ("GET", f"{PLUGINS}{plugin['id']}/")}


def test_a_plugin_detail_whose_configs_fail_still_shows_the_plugin(admin, simulator, sim):
    plugin = sim.call("GET", PLUGINS).json()["results"][0]
    simulator.script("GET", CONFIGS, status=500, body={"detail": "boom"}, times=5)
    page = text(admin.get(reverse("plugins:detail", args=[plugin["id"]])))
    assert escape(plugin["name"]) in page and "Add to this project" not in page


# File system -------------------------------------------------------------------------------------------------


def test_the_top_folder_files_the_unfiled_and_lists_what_is_there(admin, simulator):
    first = text(admin.get(reverse("file_system:browse")))  # files what had no folder yet
    assert "?filed=" in first.split('id="fs-unfiled"')[1].split("</section>")[0]  # the panel is told how many
    simulator.requests_clear()
    page = text(admin.get(reverse("file_system:browse")))
    # Filed lately, so not again: the top level alone; the "Unfiled" panel loads after, from its own URL.
    assert [(entry["method"], entry["path"]) for entry in simulator.requests() if entry["path"].startswith(FS)] == [
        ("GET", FS)
    ]
    panel_url = page.split('id="fs-unfiled"')[1].split('hx-get="')[1].split('"')[0]
    assert panel_url == reverse("file_system:unfiled")
    simulator.requests_clear()
    panel = text(admin.get(panel_url, HTTP_HX_REQUEST="true"))
    assert "Browse all" in panel and "PostHog just filed" not in panel
    assert asked(simulator, FS) == {("GET", FS)}


def test_a_folder_page_reads_the_folder_and_its_children(admin, simulator):
    simulator.requests_clear()
    page = text(admin.get(reverse("file_system:browse") + "?path=Product"))
    assert "Product KPIs" in page
    assert len([entry for entry in simulator.requests() if entry["path"] == FS]) == 2  # the folder, its children


def test_a_missing_folder_is_still_a_polite_404(admin):
    response = admin.get(reverse("file_system:browse") + "?path=No%20such%20folder")
    assert response.status_code == 404


def test_a_failing_file_system_is_said_rather_than_half_shown(admin, simulator):
    simulator.script("GET", FS, status=500, body={"detail": "boom"}, times=10)
    response = admin.get(reverse("file_system:browse"))
    assert response.status_code == 502 and "Product" not in response.content.decode().split("<main", 1)[-1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.profiles("current", reason="worker threads with their own database connections, not versions, under test")
def test_pages_show_every_part_when_their_reads_really_run_side_by_side(admin, simulator, config_ids):
    # Outside a test transaction attempt_all uses its worker threads, each with its own database connection.
    config_id = config_ids["S3 Export"]
    page = text(admin.get(reverse("plugins:config_detail", args=[config_id])))
    assert "<h1>S3 Export</h1>" in page and "Delivery (24 h)" in page and "could not be read" not in page
    page = text(admin.get(reverse("plugins:config_logs", args=[config_id])))
    assert 'id="log-rows"' in page
    page = text(admin.get(reverse("file_system:browse")))
    assert "Unfiled" in page.split('id="fs-main"')[1].split("</section>")[0]  # read again after the filing
    panel_url = page.split('id="fs-unfiled"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    panel = text(admin.get(panel_url, HTTP_HX_REQUEST="true"))
    assert "PostHog just filed" in panel and "Browse all" in panel
