"""Organization plugins in the simulator: what a client of the API would see, in both PostHog versions."""

import pytest
import requests

from simulator.core.seed import OTHER_ORGANIZATION_ID, PLUGINS_ONLY_KEY
from simulator.profiles import PLUGINS_ACCESS_CONFIG, PLUGINS_ACCESS_INSTALL, PLUGINS_ACCESS_ROOT

PLUGINS = "/api/organizations/@current/plugins/"
INSUFFICIENT = "Your organization's plugin access level is insufficient."
SCOPE_WALL = "This action does not support personal API key access"


def full_access(simulator, sim) -> requests.Session:
    """A session that may do everything: a key made before PostHog had scopes (in the legacy profile the demo key;
    in the current one such a key is added, as old installs still hold them) and the organization at ROOT."""
    if simulator.profile.demo_key_scopes is None:
        return sim
    simulator.state.plugins.set_access_level(PLUGINS_ACCESS_ROOT)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {simulator.keys.unscoped}"
    session.call = lambda method, path, **kwargs: session.request(method, simulator.url + path, timeout=10, **kwargs)
    return session


@pytest.fixture
def api(simulator, sim):
    return full_access(simulator, sim)


def all_plugins(sim) -> list[dict]:
    return sim.call("GET", PLUGINS + "?limit=500").json()["results"]


def plugin_named(sim, name: str) -> dict:
    return next(p for p in all_plugins(sim) if p["name"] == name)


def test_list_has_a_dozen_of_each_type_and_the_schema_fields(sim):
    page = sim.call("GET", PLUGINS).json()
    assert page["count"] == 49 and page["next"] is None
    plugins = page["results"]
    for plugin_type in ("local", "custom", "repository", "source"):
        assert (
            sum(p["plugin_type"] == plugin_type and p["organization_name"] == "Hedgehog Analytics" for p in plugins)
            == 12
        )
    required = {"id", "latest_tag", "organization_id", "organization_name", "url"}
    assert all(required <= set(p) and isinstance(p["latest_tag"], str) for p in plugins)
    assert not any("source" in p for p in plugins)  # PluginSerializer has no source field
    entries = [entry for p in plugins for entry in p["config_schema"]]
    assert {"string", "json", "choice", "attachment", "dictionary"} <= {e.get("type") for e in entries}
    assert any(e.get("secret") for e in entries) and any(e.get("markdown") for e in entries)
    assert any(e.get("required_if") for e in entries) and any(e.get("visible_if") for e in entries)
    assert all(e["choices"] for e in entries if e.get("type") == "choice")
    assert any("<b>" in p["name"] for p in plugins)


@pytest.mark.profiles("current", reason="only today's PostHog says whether a plugin migrates to a hog function")
def test_plugins_say_whether_they_migrate_to_a_hog_function(sim):
    plugins = all_plugins(sim)
    assert all(isinstance(p["hog_function_migration_available"], bool) for p in plugins)
    assert {p["name"] for p in plugins if p["hog_function_migration_available"]} == {"HubSpot"}


@pytest.mark.profiles("legacy", reason="today's PostHog adds hog_function_migration_available to plugins")
def test_older_plugins_have_no_migration_field(sim):
    assert not any("hog_function_migration_available" in p for p in all_plugins(sim))


def test_pagination_and_other_organizations(sim):
    first = sim.call("GET", PLUGINS + "?limit=10&offset=10").json()
    assert len(first["results"]) == 10 and "offset=20" in first["next"] and first["previous"].startswith("http")
    names = {p["name"] for p in all_plugins(sim)}
    assert "Semver Flattener" in names  # another organization's global plugin is visible
    assert "Someone Else's Secret Exporter" not in names
    assert sim.call("GET", f"/api/organizations/{OTHER_ORGANIZATION_ID}/plugins/").status_code == 404


def test_get_one_with_or_without_slash_and_404s(simulator, sim):
    plugin = plugin_named(sim, "BigQuery Export")
    path = f"{PLUGINS}{plugin['id']}"
    assert sim.call("GET", path).json() == sim.call("GET", path + "/").json() == plugin
    assert simulator.state.plugins.view(plugin["id"]) == plugin
    assert sim.call("GET", PLUGINS + "99999/").status_code == 404
    assert sim.call("GET", PLUGINS + "abc/").json()["code"] == "not_found"
    hidden = simulator.state.plugins.by_name("Someone Else's Secret Exporter")
    assert hidden["organization_id"] == OTHER_ORGANIZATION_ID and not hidden["is_global"]
    assert sim.call("GET", f"{PLUGINS}{hidden['id']}/").status_code == 404
    assert sim.call("GET", f"/api/organizations/{OTHER_ORGANIZATION_ID}/plugins/{plugin['id']}/").status_code == 404


@pytest.mark.profiles("current", reason="only cloud organizations are at CONFIG: no plugin install, edit or uninstall")
def test_a_cloud_organization_may_read_but_not_write(sim):
    """Cloud organizations are at CONFIG: PluginsAccessLevelPermission refuses every write."""
    plugin = plugin_named(sim, "Taxonomy")
    for method, path, body in (
        ("POST", PLUGINS, {"plugin_type": "source", "name": "Mine"}),
        ("PATCH", f"{PLUGINS}{plugin['id']}/", {"description": "x"}),
        ("DELETE", f"{PLUGINS}{plugin['id']}/", None),
    ):
        answer = sim.call(method, path, json=body)
        assert answer.status_code == 403, (method, answer.text)
        assert answer.json() == {
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": INSUFFICIENT,
            "attr": None,
        }
    assert sim.call("GET", PLUGINS).json()["count"] == 49


@pytest.mark.profiles("legacy", reason="cloud organizations may configure plugins, not install them")
def test_a_self_hosted_organization_is_root(simulator, sim):
    assert simulator.state.plugins.access_level() == PLUGINS_ACCESS_ROOT
    created = sim.call("POST", PLUGINS, json={"plugin_type": "source", "name": "Mine", "is_global": True})
    assert created.status_code == 201 and created.json()["is_global"] is True


def test_access_levels(simulator, api):
    plugin = plugin_named(api, "Taxonomy")
    simulator.state.plugins.set_access_level(PLUGINS_ACCESS_INSTALL)
    assert api.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"description": "x"}).status_code == 200
    # Global plugins are ROOT's business.
    for method, path in (("PATCH", f"{PLUGINS}{plugin['id']}/"), ("POST", PLUGINS)):
        answer = api.call(method, path, json={"plugin_type": "source", "name": "G", "is_global": True})
        assert answer.status_code == 403 and answer.json()["detail"] == "This organization can't manage global plugins!"
    # At CONFIG a plugin's code is out of reach too.
    simulator.state.plugins.set_access_level(PLUGINS_ACCESS_CONFIG)
    source = api.call("GET", f"{PLUGINS}{plugin['id']}/source/")
    assert source.status_code == 403
    assert source.json()["detail"] == "Plugin source editing is not available for the current organization!"
    check = api.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").json()["detail"]
    assert check == "Plugin installation is not available for the current organization!"
    assert api.call("POST", f"{PLUGINS}{plugin['id']}/upgrade/").json()["detail"] == INSUFFICIENT
    assert api.call("GET", PLUGINS + "repository/").status_code == 200
    # Below CONFIG nothing is readable.
    simulator.state.plugins.set_access_level(0)
    for path in (PLUGINS, f"{PLUGINS}{plugin['id']}/", PLUGINS + "activity/"):
        answer = api.call("GET", path)
        assert answer.status_code == 403 and answer.json()["detail"] == INSUFFICIENT, path


@pytest.mark.profiles(
    "current", reason="only today's PostHog refuses plugin actions to personal API keys (the scope wall)"
)
def test_custom_actions_refuse_scoped_keys(sim):
    plugin = plugin_named(sim, "Taxonomy")
    base = f"{PLUGINS}{plugin['id']}/"
    for method, path in (
        ("GET", PLUGINS + "activity/"),
        ("GET", PLUGINS + "repository/"),
        ("GET", base + "check_for_updates/"),
        ("GET", base + "source/"),
        ("PATCH", base + "update_source/"),
        ("POST", base + "upgrade/"),
    ):
        answer = sim.call(method, path, json={})
        assert answer.status_code == 403 and answer.json()["detail"] == SCOPE_WALL, path


@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin actions to personal API keys (the scope wall)")
def test_custom_actions_accept_an_unscoped_key(sim):
    plugin = plugin_named(sim, "Taxonomy")
    for path in (PLUGINS + "activity/", PLUGINS + "repository/", f"{PLUGINS}{plugin['id']}/check_for_updates/"):
        assert sim.call("GET", path).status_code == 200, path


def test_install_from_a_github_url(api):
    created = api.call(
        "POST", PLUGINS, json={"url": "https://github.com/acme/posthog-hedgehog-counter-plugin/tree/v1.2.0"}
    )
    assert created.status_code == 201
    plugin = created.json()
    assert plugin["plugin_type"] == "custom" and plugin["tag"] == "v1.2.0" and plugin["name"] == "Hedgehog Counter"
    assert plugin["url"] == "https://github.com/acme/posthog-hedgehog-counter-plugin"
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/").json() == plugin
    assert api.call("GET", PLUGINS).json()["count"] == 50
    activity = api.call("GET", PLUGINS + "activity/").json()
    assert activity["results"][0]["activity"] == "installed" and activity["results"][0]["scope"] == "Plugin"
    assert activity["results"][0]["item_id"] == str(plugin["id"])
    assert activity["results"][0]["user"]["email"] == "dana@hedgehog.example"


def test_install_from_the_repository(api):
    repository = api.call("GET", PLUGINS + "repository/").json()
    entry = next(e for e in repository if e["name"] == "Zapier")
    assert {"name", "url", "description", "verified", "maintainer", "type"} <= set(entry)
    assert not any(key.startswith("_") for e in repository for key in e)
    plugin = api.call("POST", PLUGINS, json={"url": entry["url"], "plugin_type": "repository"}).json()
    assert plugin["name"] == "Zapier" and plugin["plugin_type"] == "repository"
    assert any(e.get("key") == "webhookUrl" and e["secret"] for e in plugin["config_schema"])
    again = api.call("POST", PLUGINS, json={"url": entry["url"] + "?private_token=abc"})
    assert again.status_code == 400 and again.json()["attr"] == "url" and "already installed" in again.json()["detail"]


def test_installed_sendgrid_can_migrate(simulator, api):
    plugin = api.call("POST", PLUGINS, json={"url": "https://github.com/PostHog/sendgrid-plugin"}).json()
    if simulator.profile.plugin_config_migrate:
        assert plugin["hog_function_migration_available"] is True
    else:
        assert "hog_function_migration_available" not in plugin


def test_install_validation(api):
    cases = [
        ({"plugin_type": "custom"}, "url", "required"),
        ({"url": "https://example.com/not/a/repo"}, "url", "invalid"),
        ({"url": "https://github.com/a/b", "plugin_type": "inline-ish"}, "plugin_type", "invalid_choice"),
        ({"plugin_type": "source"}, "name", "required"),
        ({"plugin_type": "source", "name": "x" * 201}, "name", "max_length"),
        (
            {"plugin_type": "source", "name": "x", "config_schema": [{"key": "a", "type": "number"}]},
            "config_schema__0__type",
            "invalid_choice",
        ),
        (
            {"plugin_type": "source", "name": "x", "config_schema": [{"key": "a", "type": "choice"}]},
            "config_schema__0__choices",
            "invalid",
        ),
        (
            {"plugin_type": "source", "name": "x", "config_schema": [{"name": "no key"}]},
            "config_schema__0__key",
            "required",
        ),
        ({"plugin_type": "source", "name": "x", "is_global": "yes"}, "is_global", "invalid"),
    ]
    for body, attr, code in cases:
        answer = api.call("POST", PLUGINS, json=body)
        assert answer.status_code == 400, body
        code = "invalid_input" if code == "invalid" else code  # drf-exceptions-hog's word for DRF's "invalid"
        assert (
            answer.json()["type"] == "validation_error"
            and answer.json()["attr"] == attr
            and answer.json()["code"] == code
        ), (body, answer.json())
    assert (
        api.call("POST", PLUGINS, data="{nope", headers={"Content-Type": "application/json"}).json()["code"]
        == "parse_error"
    )
    assert api.call("GET", PLUGINS).json()["count"] == 49


def test_source_plugin_source_editing(api):
    plugin = api.call("POST", PLUGINS, json={"plugin_type": "source", "name": "My <b>source</b> & co"}).json()
    source_path = f"{PLUGINS}{plugin['id']}/source/"
    files = api.call("GET", source_path).json()
    assert set(files) == {"plugin.json", "index.ts"}
    changed = api.call(
        "PATCH",
        f"{PLUGINS}{plugin['id']}/update_source/",
        json={
            "index.ts": "export function processEvent(e) { return e }\n",
            "frontend.tsx": "export const scene = {}\n",
            "plugin.json": '{"name": "Renamed", "config": [{"key": "k", "name": "K", "type": "string", "secret": true}]}',
        },
    )
    assert changed.status_code == 200 and changed.json()["frontend.tsx"] == "export const scene = {}\n"
    assert api.call("GET", source_path).json() == changed.json()
    after = api.call("GET", f"{PLUGINS}{plugin['id']}/").json()
    assert after["name"] == "Renamed" and after["config_schema"][0]["key"] == "k"
    assert after["tag"] != plugin["tag"] and after["tag"] == after["latest_tag"]
    removed = api.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"frontend.tsx": None}).json()
    assert "frontend.tsx" not in removed and "frontend.tsx" not in api.call("GET", source_path).json()
    bad = api.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"index.ts": 42})
    assert bad.status_code == 400 and bad.json()["attr"] == "index.ts"
    bad_json = api.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"plugin.json": "{"})
    assert bad_json.status_code == 400 and bad_json.json()["attr"] == "plugin.json"
    activities = [e["activity"] for e in api.call("GET", PLUGINS + "activity/").json()["results"]]
    assert activities[:3] == ["source_updated", "source_updated", "installed"]


def test_seeded_plugins_have_source(api):
    plugin = plugin_named(api, "Cookie banner site app")
    files = api.call("GET", f"{PLUGINS}{plugin['id']}/source/").json()
    assert "site.ts" in files and "inject" in files["site.ts"]


def test_patch_records_changes(api):
    plugin = plugin_named(api, "Taxonomy")
    answer = api.call(
        "PATCH",
        f"{PLUGINS}{plugin['id']}/",
        json={"description": "Naming police 🚓", "url": "ignored", "latest_tag": "ignored"},
    )
    assert answer.status_code == 200
    assert answer.json()["description"] == "Naming police 🚓" and answer.json()["url"] == plugin["url"]
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/").json()["description"] == "Naming police 🚓"
    entry = api.call("GET", PLUGINS + "activity/").json()["results"][0]
    assert entry["activity"] == "updated" and entry["detail"]["name"] == "Taxonomy"
    assert entry["detail"]["changes"] == [
        {
            "type": "Plugin",
            "action": "changed",
            "field": "description",
            "before": plugin["description"],
            "after": "Naming police 🚓",
        }
    ]
    too_long = api.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"icon": "x" * 801})
    assert too_long.status_code == 400 and too_long.json()["attr"] == "icon"
    not_a_dict = api.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"capabilities": []})
    assert not_a_dict.json()["attr"] == "capabilities"


def test_delete_uninstalls_and_removes_configs(simulator, api):
    plugin = plugin_named(api, "HubSpot")
    config = simulator.state.plugin_configs.by_plugin_name("HubSpot")
    assert api.call("DELETE", f"{PLUGINS}{plugin['id']}/").status_code == 204
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/").status_code == 404
    assert api.call("GET", f"/api/projects/1/plugin_configs/{config['id']}/").status_code == 404
    assert simulator.state.plugin_configs.get(config["id"]) is None
    assert api.call("GET", PLUGINS + "activity/").json()["results"][0]["activity"] == "uninstalled"


def test_global_plugins_cannot_be_deleted(api):
    plugin = plugin_named(api, "GeoIP")
    assert plugin["is_global"] is True
    answer = api.call("DELETE", f"{PLUGINS}{plugin['id']}/")
    assert answer.status_code == 400
    assert answer.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "This plugin is marked as global! Make it local before uninstallation",
        "attr": None,
    }
    assert api.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"is_global": False}).status_code == 200
    assert api.call("DELETE", f"{PLUGINS}{plugin['id']}/").status_code == 204


def test_another_organizations_global_plugin_is_read_only(api):
    plugin = plugin_named(api, "Semver Flattener")
    assert plugin["organization_name"] == "Someone Else"
    for method in ("PATCH", "DELETE"):
        answer = api.call(method, f"{PLUGINS}{plugin['id']}/", json={"name": "mine"})
        assert answer.status_code == 403
        assert answer.json()["detail"] == "This plugin installation is managed by another organization"
    # get_plugin_with_permissions: not this organization's plugin, so not found for its code or updates.
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/source/").status_code == 404
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").status_code == 404


def test_check_for_updates_then_upgrade(api):
    # Seeded custom and repository plugins: some know of an update, some have one nobody checked for yet.
    plugins = [
        p
        for p in all_plugins(api)
        if p["plugin_type"] in ("repository", "custom") and p["organization_name"] == "Hedgehog Analytics"
    ]
    outdated_seen = [p for p in plugins if p["latest_tag"] != p["tag"]]
    assert outdated_seen
    found_new = None
    for plugin in plugins:
        checked = api.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").json()["plugin"]
        if plugin["latest_tag"] == plugin["tag"] and checked["latest_tag"] != checked["tag"]:
            found_new = checked
    assert found_new is not None
    assert api.call("GET", f"{PLUGINS}{found_new['id']}/").json()["latest_tag"] == found_new["latest_tag"]
    upgraded = api.call("POST", f"{PLUGINS}{found_new['id']}/upgrade/")
    assert upgraded.status_code == 200
    assert upgraded.json()["tag"] == found_new["latest_tag"] == upgraded.json()["latest_tag"]
    entry = api.call("GET", PLUGINS + "activity/").json()["results"][0]
    assert entry["activity"] == "upgraded" and entry["detail"]["changes"][0]["field"] == "tag"
    # Nothing left to upgrade to: the answer is the same plugin.
    assert api.call("POST", f"{PLUGINS}{found_new['id']}/upgrade/").json() == upgraded.json()


def test_source_plugins_do_not_upgrade(api):
    plugin = next(p for p in all_plugins(api) if p["plugin_type"] == "source")
    assert api.call("POST", f"{PLUGINS}{plugin['id']}/upgrade/").json() == plugin
    assert api.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").json() == {"plugin": plugin}


def test_activity_is_paginated_and_reserved_paths_answer_405(api):
    page = api.call("GET", PLUGINS + "activity/?limit=5&page=2").json()
    assert len(page["results"]) == 5 and page["total_count"] > 50
    assert "page=3" in page["next"] and "page=1" in page["previous"]
    stamps = [e["created_at"] for e in api.call("GET", PLUGINS + "activity/?limit=100").json()["results"]]
    assert stamps == sorted(stamps, reverse=True)
    scopes = {e["scope"] for e in api.call("GET", PLUGINS + "activity/?limit=500").json()["results"]}
    assert scopes == {"Plugin", "PluginConfig"}
    assert api.call("PATCH", PLUGINS + "activity/", json={}).status_code == 405
    assert api.call("DELETE", PLUGINS + "repository/").json()["code"] == "method_not_allowed"
    assert api.call("PUT", PLUGINS).status_code == 405


def test_activity_is_the_key_owners_current_project(simulator, api):
    """all_activity loads the activity of request.user.team, not of every project of the organization."""
    entries = api.call("GET", PLUGINS + "activity/?limit=1000").json()["results"]
    config_items = {e["item_id"] for e in entries if e["scope"] == "PluginConfig"}
    mobile = api.call("GET", "/api/projects/").json()["results"][1]["id"]
    assert {str(c["id"]) for c in simulator.state.plugin_configs.all(1)} == config_items
    assert not {str(c["id"]) for c in simulator.state.plugin_configs.all(mobile)} & config_items


def test_plugins_only_key_can_manage_plugins(simulator):
    simulator.state.plugins.set_access_level(PLUGINS_ACCESS_INSTALL)
    headers = {"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"}
    answer = requests.get(f"{simulator.url}{PLUGINS}", headers=headers, timeout=10)
    assert answer.status_code == 200 and answer.json()["count"] == 49
    created = requests.post(
        f"{simulator.url}{PLUGINS}",
        headers=headers,
        timeout=10,
        json={"url": "https://www.npmjs.com/package/posthog-hog-plugin/v/2.0.1"},
    )
    assert created.status_code == 201 and created.json()["tag"] == "2.0.1"


def test_state_api(simulator):
    plugins = simulator.state.plugins
    taxonomy = plugins.by_name("Taxonomy")
    assert plugins.get(taxonomy["id"]) == taxonomy and taxonomy["_category"] == "transform"
    assert len(plugins.all()) == 50 and len(plugins.all(organization_id=OTHER_ORGANIZATION_ID)) == 2
    updated = plugins.update(taxonomy["id"], public_jobs={"Resync <everything>": {}})
    assert plugins.get(taxonomy["id"])["public_jobs"] == updated["public_jobs"] == {"Resync <everything>": {}}
    assert plugins.access_level() == simulator.profile.plugins_access_level
    plugins.set_access_level(PLUGINS_ACCESS_INSTALL)
    assert plugins.access_level() == PLUGINS_ACCESS_INSTALL
    assert plugins.by_name("No such plugin") is None
