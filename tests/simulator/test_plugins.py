"""Organization plugins in the simulator: what a client of the API would see."""

import requests

from simulator.core.seed import OTHER_ORGANIZATION_ID, PLUGINS_ONLY_KEY

PLUGINS = "/api/organizations/@current/plugins/"


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
    entries = [entry for p in plugins for entry in p["config_schema"]]
    assert {"string", "json", "choice", "attachment", "dictionary"} <= {e.get("type") for e in entries}
    assert any(e.get("secret") for e in entries) and any(e.get("markdown") for e in entries)
    assert any(e.get("required_if") for e in entries) and any(e.get("visible_if") for e in entries)
    assert all(e["choices"] for e in entries if e.get("type") == "choice")
    assert any("<b>" in p["name"] for p in plugins)


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
    assert sim.call("GET", PLUGINS + "99999/").status_code == 404
    assert sim.call("GET", PLUGINS + "abc/").json()["code"] == "not_found"
    hidden = next(
        p
        for p in simulator.simulator.store.all("plugin")
        if p["organization_id"] == OTHER_ORGANIZATION_ID and not p["is_global"]
    )
    assert sim.call("GET", f"{PLUGINS}{hidden['id']}/").status_code == 404
    assert sim.call("GET", f"/api/organizations/{OTHER_ORGANIZATION_ID}/plugins/{plugin['id']}/").status_code == 404


def test_install_from_a_github_url(sim):
    created = sim.call(
        "POST", PLUGINS, json={"url": "https://github.com/acme/posthog-hedgehog-counter-plugin/tree/v1.2.0"}
    )
    assert created.status_code == 201
    plugin = created.json()
    assert plugin["plugin_type"] == "custom" and plugin["tag"] == "v1.2.0" and plugin["name"] == "Hedgehog Counter"
    assert plugin["url"] == "https://github.com/acme/posthog-hedgehog-counter-plugin"
    assert sim.call("GET", f"{PLUGINS}{plugin['id']}/").json() == plugin
    assert sim.call("GET", PLUGINS).json()["count"] == 50
    activity = sim.call("GET", PLUGINS + "activity/").json()
    assert activity["results"][0]["activity"] == "installed" and activity["results"][0]["scope"] == "Plugin"
    assert activity["results"][0]["item_id"] == str(plugin["id"])
    assert activity["results"][0]["user"]["email"] == "dana@hedgehog.example"


def test_install_from_the_repository(sim):
    repository = sim.call("GET", PLUGINS + "repository/").json()
    entry = next(e for e in repository if e["name"] == "Zapier")
    assert {"name", "url", "description", "verified", "maintainer", "type"} <= set(entry)
    assert not any(key.startswith("_") for e in repository for key in e)
    plugin = sim.call("POST", PLUGINS, json={"url": entry["url"], "plugin_type": "repository"}).json()
    assert plugin["name"] == "Zapier" and plugin["plugin_type"] == "repository"
    assert any(e.get("key") == "webhookUrl" and e["secret"] for e in plugin["config_schema"])
    again = sim.call("POST", PLUGINS, json={"url": entry["url"] + "?private_token=abc"})
    assert again.status_code == 400 and again.json()["attr"] == "url" and "already installed" in again.json()["detail"]


def test_install_validation(sim):
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
        answer = sim.call("POST", PLUGINS, json=body)
        assert answer.status_code == 400, body
        assert (
            answer.json()["type"] == "validation_error"
            and answer.json()["attr"] == attr
            and answer.json()["code"] == code
        ), (body, answer.json())
    assert (
        sim.call("POST", PLUGINS, data="{nope", headers={"Content-Type": "application/json"}).json()["code"]
        == "parse_error"
    )
    assert sim.call("GET", PLUGINS).json()["count"] == 49


def test_source_plugin_source_editing(sim):
    plugin = sim.call("POST", PLUGINS, json={"plugin_type": "source", "name": "My <b>source</b> & co"}).json()
    source_path = f"{PLUGINS}{plugin['id']}/source/"
    files = sim.call("GET", source_path).json()
    assert set(files) == {"plugin.json", "index.ts"}
    changed = sim.call(
        "PATCH",
        f"{PLUGINS}{plugin['id']}/update_source/",
        json={
            "index.ts": "export function processEvent(e) { return e }\n",
            "frontend.tsx": "export const scene = {}\n",
            "plugin.json": '{"name": "Renamed", "config": [{"key": "k", "name": "K", "type": "string", "secret": true}]}',
        },
    )
    assert changed.status_code == 200 and changed.json()["frontend.tsx"] == "export const scene = {}\n"
    assert sim.call("GET", source_path).json() == changed.json()
    after = sim.call("GET", f"{PLUGINS}{plugin['id']}/").json()
    assert after["name"] == "Renamed" and after["config_schema"][0]["key"] == "k"
    assert after["tag"] != plugin["tag"] and after["tag"] == after["latest_tag"]
    removed = sim.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"frontend.tsx": None}).json()
    assert "frontend.tsx" not in removed and "frontend.tsx" not in sim.call("GET", source_path).json()
    bad = sim.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"index.ts": 42})
    assert bad.status_code == 400 and bad.json()["attr"] == "index.ts"
    bad_json = sim.call("PATCH", f"{PLUGINS}{plugin['id']}/update_source/", json={"plugin.json": "{"})
    assert bad_json.status_code == 400 and bad_json.json()["attr"] == "plugin.json"
    activities = [e["activity"] for e in sim.call("GET", PLUGINS + "activity/").json()["results"]]
    assert activities[:3] == ["source_updated", "source_updated", "installed"]


def test_seeded_plugins_have_source(sim):
    plugin = plugin_named(sim, "Cookie banner site app")
    files = sim.call("GET", f"{PLUGINS}{plugin['id']}/source/").json()
    assert "site.ts" in files and "inject" in files["site.ts"]


def test_patch_records_changes(sim):
    plugin = plugin_named(sim, "Taxonomy")
    answer = sim.call(
        "PATCH",
        f"{PLUGINS}{plugin['id']}/",
        json={"description": "Naming police 🚓", "url": "ignored", "latest_tag": "ignored"},
    )
    assert answer.status_code == 200
    assert answer.json()["description"] == "Naming police 🚓" and answer.json()["url"] == plugin["url"]
    assert sim.call("GET", f"{PLUGINS}{plugin['id']}/").json()["description"] == "Naming police 🚓"
    entry = sim.call("GET", PLUGINS + "activity/").json()["results"][0]
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
    too_long = sim.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"icon": "x" * 801})
    assert too_long.status_code == 400 and too_long.json()["attr"] == "icon"
    not_a_dict = sim.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"capabilities": []})
    assert not_a_dict.json()["attr"] == "capabilities"


def test_delete_uninstalls_and_removes_configs(sim):
    plugin = plugin_named(sim, "HubSpot")
    configs = sim.call("GET", "/api/projects/1/plugin_configs/").json()["results"]
    config = next(c for c in configs if c["plugin"] == plugin["id"])
    assert sim.call("DELETE", f"{PLUGINS}{plugin['id']}/").status_code == 204
    assert sim.call("GET", f"{PLUGINS}{plugin['id']}/").status_code == 404
    assert sim.call("GET", f"/api/projects/1/plugin_configs/{config['id']}/").status_code == 404
    assert sim.call("GET", PLUGINS + "activity/").json()["results"][0]["activity"] == "uninstalled"


def test_global_plugins_cannot_be_deleted(sim):
    plugin = plugin_named(sim, "GeoIP")
    assert plugin["is_global"] is True
    answer = sim.call("DELETE", f"{PLUGINS}{plugin['id']}/")
    assert answer.status_code == 400 and answer.json()["type"] == "validation_error"
    assert "global" in answer.json()["detail"]
    assert sim.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"is_global": False}).status_code == 200
    assert sim.call("DELETE", f"{PLUGINS}{plugin['id']}/").status_code == 204


def test_another_organizations_global_plugin_is_read_only(sim):
    plugin = plugin_named(sim, "Semver Flattener")
    assert plugin["organization_name"] == "Someone Else"
    assert sim.call("PATCH", f"{PLUGINS}{plugin['id']}/", json={"name": "mine"}).status_code == 403
    assert sim.call("DELETE", f"{PLUGINS}{plugin['id']}/").status_code == 403
    assert sim.call("GET", f"{PLUGINS}{plugin['id']}/source/").status_code == 403


def test_check_for_updates_then_upgrade(sim):
    # Seeded custom and repository plugins: some know of an update, some have one nobody checked for yet.
    plugins = [
        p
        for p in all_plugins(sim)
        if p["plugin_type"] in ("repository", "custom") and p["organization_name"] == "Hedgehog Analytics"
    ]
    outdated_seen = [p for p in plugins if p["latest_tag"] != p["tag"]]
    assert outdated_seen
    found_new = None
    for plugin in plugins:
        checked = sim.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").json()["plugin"]
        if plugin["latest_tag"] == plugin["tag"] and checked["latest_tag"] != checked["tag"]:
            found_new = checked
    assert found_new is not None
    assert sim.call("GET", f"{PLUGINS}{found_new['id']}/").json()["latest_tag"] == found_new["latest_tag"]
    upgraded = sim.call("POST", f"{PLUGINS}{found_new['id']}/upgrade/")
    assert upgraded.status_code == 200
    assert upgraded.json()["tag"] == found_new["latest_tag"] == upgraded.json()["latest_tag"]
    entry = sim.call("GET", PLUGINS + "activity/").json()["results"][0]
    assert entry["activity"] == "upgraded" and entry["detail"]["changes"][0]["field"] == "tag"
    # Nothing left to upgrade to: the answer is the same plugin.
    assert sim.call("POST", f"{PLUGINS}{found_new['id']}/upgrade/").json() == upgraded.json()


def test_source_plugins_do_not_upgrade(sim):
    plugin = next(p for p in all_plugins(sim) if p["plugin_type"] == "source")
    assert sim.call("POST", f"{PLUGINS}{plugin['id']}/upgrade/").json() == plugin
    assert sim.call("GET", f"{PLUGINS}{plugin['id']}/check_for_updates/").json() == {"plugin": plugin}


def test_activity_is_paginated_and_reserved_paths_answer_405(sim):
    page = sim.call("GET", PLUGINS + "activity/?limit=5&page=2").json()
    assert len(page["results"]) == 5 and page["total_count"] > 50
    assert "page=3" in page["next"] and "page=1" in page["previous"]
    stamps = [e["created_at"] for e in sim.call("GET", PLUGINS + "activity/?limit=100").json()["results"]]
    assert stamps == sorted(stamps, reverse=True)
    scopes = {e["scope"] for e in sim.call("GET", PLUGINS + "activity/?limit=500").json()["results"]}
    assert scopes == {"Plugin", "PluginConfig"}
    assert sim.call("PATCH", PLUGINS + "activity/", json={}).status_code == 405
    assert sim.call("DELETE", PLUGINS + "repository/").json()["code"] == "method_not_allowed"
    assert sim.call("PUT", PLUGINS).status_code == 405


def test_plugins_only_key_can_manage_plugins(simulator):
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
